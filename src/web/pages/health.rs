//! `GET /healthz`: 200 when the database answers, 503 when it does not; `GET /livez`: 200
//! while the process serves at all, touching nothing (for liveness probes, and the bare
//! route the load benchmark compares the pages with).

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

use crate::startup::AppState;

pub async fn check(state: web::Data<AppState>) -> HttpResponse {
    let state = state.clone();
    let answer = web::block(move || -> Result<(), String> {
        let mut conn = state.pool.get().map_err(|e| e.to_string())?;
        conn.batch_execute("SELECT 1").map_err(|e| e.to_string())
    })
    .await;
    match answer {
        Ok(Ok(())) => HttpResponse::Ok().content_type("text/plain").body("ok\n"),
        Ok(Err(cause)) => {
            tracing::warn!(%cause, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable\n")
        }
        Err(_) => HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("busy\n"),
    }
}

pub async fn live() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok\n")
}
