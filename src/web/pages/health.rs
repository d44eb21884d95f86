//! `GET /healthz`: 200 when the database answers, 503 when it does not; `GET /livez`: 200
//! while the process serves at all, touching nothing (for liveness probes, and the bare
//! route the load benchmark compares the pages with); `GET /readyz`: 200 when this instance
//! should take traffic.

use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;

use crate::web::state::AppState;

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

/// `GET /readyz`: 200 when this instance should be sent traffic: the database answers, its
/// schema is this binary's, and the process is not stopping.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let unavailable = |reason: &str| {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(format!("{reason}\n"))
    };
    if state.shutdown.requested() {
        return unavailable("stopping");
    }
    let state = state.clone();
    let answer = web::block(move || -> Result<Vec<String>, String> {
        let mut conn = state.pool.get().map_err(|e| e.to_string())?;
        crate::db::pending_migrations(&mut conn).map_err(|e| e.to_string())
    })
    .await;
    match answer {
        Ok(Ok(pending)) if pending.is_empty() => {
            HttpResponse::Ok().content_type("text/plain").body("ready\n")
        }
        Ok(Ok(pending)) => unavailable(&format!("migrations not applied: {}", pending.join(", "))),
        Ok(Err(cause)) => {
            tracing::warn!(%cause, "readiness check failed");
            unavailable("database unavailable")
        }
        Err(_) => unavailable("busy"),
    }
}
