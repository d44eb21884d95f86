//! What a request asks for, from its page: the indicators it is linked to, and its quarterly
//! repeat (made or skipped).

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::events::{conflict_again, page_again, Empty};
use super::request_detail::PageForms;
use super::see_other;
use crate::domain::version::Expected;
use crate::error::AppError;
use crate::tracker::{self, demands};
use crate::web::auth::Posted;
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IndicatorsForm {
    /// One "INDICATOR FROM TO" per line.
    pub lines: String,
}

/// The request's indicators from the page's textarea; the page again, each error naming its
/// line, when one is wrong.
/// The indicators a form names, one a line: "D1.1 2025-01-01 2025-12-31".
pub fn link_lines(text: &str) -> Vec<crate::tracker::demands::LinkInput> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut words = l.split_whitespace().map(str::to_string);
            crate::tracker::demands::LinkInput {
                indicator_id: words.next().unwrap_or_default(),
                from: words.next().unwrap_or_default(),
                to: words.next().unwrap_or_default(),
            }
        })
        .collect()
}

pub async fn link(
    state: web::Data<AppState>,
    posted: Posted<IndicatorsForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let lines = link_lines(&form.lines);
    let caller = who.caller();
    let result = with_db(&state, move |conn, _, _| {
        demands::link(conn, &caller, id, &lines, &Expected::Any, crate::clock::now())
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/requests/{id}#indicators"))),
        Err(error @ AppError::Invalid(_)) => {
            let messages = error
                .field_errors()
                .into_iter()
                .map(|e| {
                    let line = e
                        .field
                        .strip_prefix("indicators[")
                        .and_then(|rest| rest.split(']').next())
                        .and_then(|n| n.parse::<usize>().ok())
                        .map_or_else(String::new, |n| format!("Line {}: ", n + 1));
                    format!("{line}{}", e.message)
                })
                .collect();
            let forms = PageForms {
                indicators: Some(form.lines.clone()),
                indicator_errors: messages,
                ..PageForms::default()
            };
            page_again(&state, &who, id, &error, forms).await
        }
        Err(error) => Err(error),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RepeatForm {
    /// "on" to repeat every quarter, empty to stop.
    pub repeats: String,
}

/// Sets a request to repeat every quarter, or stops it; the page again with the reason if it
/// names no quarter to repeat.
pub async fn repeat(
    state: web::Data<AppState>,
    posted: Posted<RepeatForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let repeats = !form.repeats.is_empty();
    let caller = who.caller();
    let result = with_db(&state, move |conn, _, _| {
        tracker::repeats::set(conn, &caller, id, repeats, crate::clock::now())
    })
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/requests/{id}#repeat"))),
        Err(error @ AppError::Invalid(_)) => {
            let forms = PageForms {
                message: Some(
                    error
                        .field_errors()
                        .into_iter()
                        .map(|e| e.message)
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                ..PageForms::default()
            };
            page_again(&state, &who, id, &error, forms).await
        }
        Err(error) => Err(error),
    }
}

/// Skips a drafted quarterly repeat.
pub async fn skip(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    let caller = who.caller();
    let result = with_db(&state, move |conn, _, _| {
        tracker::repeats::skip(conn, &caller, id, crate::clock::now())
    })
    .await;
    match result {
        Ok(()) => Ok(see_other(&format!("/requests/{id}#repeat"))),
        Err(error) => conflict_again(&state, &who, id, error).await,
    }
}
