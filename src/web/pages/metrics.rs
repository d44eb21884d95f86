//! `GET /metrics`: the Prometheus text format, for the operator's monitoring. On the app's
//! own address it answers loopback callers and those with the metrics token; on
//! FOI_METRICS_BIND, everyone who can reach that address.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::metrics::{Snapshot, SweepFigures};
use crate::web::auth::client_address;
use crate::web::state::AppState;

/// Headers a reverse proxy adds: a request that carries one came from elsewhere, even though
/// its peer (the proxy) is on loopback.
const FORWARDING_HEADERS: &[&str] = &["forwarded", "x-forwarded-for", "x-real-ip"];

pub async fn show(state: web::Data<AppState>, request: HttpRequest) -> Result<HttpResponse, AppError> {
    if !allowed(&request, &state) {
        return Ok(HttpResponse::Forbidden()
            .content_type("text/plain; charset=utf-8")
            .body(
                "The metrics answer callers on this machine, and elsewhere with the metrics token \
             (FOI_METRICS_TOKEN) as a bearer token, or on the address FOI_METRICS_BIND names.\n",
            ));
    }
    own_address(state).await
}

/// The metrics, to anyone: for the address of their own, which only the operator's network
/// reaches.
pub async fn own_address(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let state = state.into_inner();
    let text = web::block(move || -> Result<String, AppError> {
        let snapshot = snapshot(&state)?;
        Ok(state.metrics.render(&snapshot))
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .body(text))
}

fn allowed(request: &HttpRequest, state: &AppState) -> bool {
    if let Some(token) = state.settings.metrics_token.as_deref().filter(|t| !t.is_empty()) {
        let sent = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        // Digests compared, so that the time taken says nothing about the token.
        if sent.is_some_and(|sent| Sha256::digest(sent.trim()) == Sha256::digest(token)) {
            return true;
        }
    }
    let trusted = state.settings.trusted_proxy_header.as_deref();
    let proxied = FORWARDING_HEADERS.iter().any(|name| {
        request.headers().contains_key(*name) && !trusted.is_some_and(|t| t.eq_ignore_ascii_case(name))
    });
    !proxied
        && client_address(request, &state.settings)
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// What the database, the pool and the page cache say now.
fn snapshot(state: &AppState) -> Result<Snapshot, AppError> {
    let pool = state.pool.state();
    let (page_cache_hits, page_cache_misses) = state.pages.lookups();
    let (_, page_cache_bytes) = state.pages.size();
    let mut conn = state.pool.get()?;
    let backlog = crate::db::sweeps::backlog(&mut conn)?;
    let sweep = crate::db::sweeps::last_sweep(&mut conn)?;
    let now = crate::clock::now();
    let unix = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis() as f64 / 1000.0;
    Ok(Snapshot {
        pool_max: state.pool.max_size(),
        pool_open: pool.connections,
        pool_idle: pool.idle_connections,
        outbox_pending: backlog.pending,
        outbox_failed: backlog.failed,
        outbox_oldest_seconds: backlog
            .oldest_planned
            .map(|t| (now - t).num_milliseconds() as f64 / 1000.0),
        last_sweep: sweep.map(|s| SweepFigures {
            started: unix(s.started_at),
            finished: s.finished_at.map(unix),
            planned: s.planned.into(),
            sent: s.sent.into(),
            failed: s.failed.into(),
            cancelled: s.cancelled.into(),
        }),
        page_cache_hits,
        page_cache_misses,
        page_cache_bytes,
    })
}
