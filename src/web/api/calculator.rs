//! `POST /api/v1/deadline`: the public calculator.

use actix_web::{web, HttpResponse};

use super::problems::{BodyTooLarge, FieldsWrong, Unreadable};
use crate::domain::timeline::Schedule;
use crate::tracker::calculator::CalculatorInput;
use crate::web::error_response::ApiError;
use crate::web::extract::with_db;
use crate::web::json_body::PublicJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "calculate_deadlines", summary = "Calculate statutory deadlines without saving anything", post, path = "/api/v1/deadline", tag = "deadlines", request_body = CalculatorInput,
    responses((status = 200, description = "The status and every deadline", body = Schedule), Unreadable, BodyTooLarge, FieldsWrong))]
pub async fn calculate(
    state: web::Data<AppState>,
    body: PublicJson<CalculatorInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let schedule = with_db(&state, move |conn, calendars, today| {
        input.calculate(&*calendars.current(conn)?, today)
    })
    .await?;
    Ok(HttpResponse::Ok().json(schedule))
}
