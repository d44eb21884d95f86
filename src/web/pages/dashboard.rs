//! `/`: what is overdue, what is due soon, the requester's own deadlines, clarifications, drafts.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::page;
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker;
use crate::web::extract::with_db;

pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let dashboard = with_db(&state, tracker::dashboard::dashboard).await?;
    page(
        &state,
        "dashboard",
        &json!({"title": "Dashboard", "nav": "dashboard", "d": dashboard}),
    )
}
