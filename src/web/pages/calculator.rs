//! `/deadline`: the public calculator. A GET form, so that a result can be bookmarked or shared.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::{errors, form_again, is_form_error, options, page};
use crate::domain::regime::Regime;
use crate::domain::timeline::EventKind;
use crate::error::AppError;
use crate::tracker::calculator::{CalculatorEvent, CalculatorInput};
use crate::web::auth::Who;
use crate::web::extract::with_db;
use crate::web::state::AppState;

/// Rows offered for later events.
const EVENT_ROWS: usize = 6;

/// The most event rows an address may fill: more is not a request anyone makes by hand.
const MAX_ROWS: usize = 100;

/// One row of the events: what happened, and the date in its own day, month and year boxes.
fn row(i: usize, kind: &str, date: &str, error: Option<&Value>) -> Value {
    json!({
        "kind": kind, "date": date, "error": error, "number": i + 1,
        "date_name": format!("event_date_{i}"), "date_label": format!("Date of event {}", i + 1),
    })
}

pub async fn show(
    state: web::Data<AppState>,
    who: Who,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> =
        crate::web::dates::join_parts(serde_urlencoded::from_str(request.query_string()).unwrap_or_default());
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let kinds: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "event_kind")
        .map(|(_, v)| v.clone())
        .collect();
    // Each row's date is typed in boxes of its own, `event_date_N-day` and so on, joined into
    // `event_date_N`; an address written by hand may list plain `event_date`s instead.
    let mut dates: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "event_date")
        .map(|(_, v)| v.clone())
        .collect();
    if dates.is_empty() {
        for (key, value) in &pairs {
            let row = key
                .strip_prefix("event_date_")
                .and_then(|n| n.parse::<usize>().ok());
            if let Some(row) = row.filter(|r| *r < MAX_ROWS) {
                if dates.len() <= row {
                    dates.resize(row + 1, String::new());
                }
                dates[row] = value.clone();
            }
        }
    }
    let rows: Vec<(String, String)> = (0..kinds.len().max(dates.len()))
        .map(|i| {
            (
                kinds.get(i).cloned().unwrap_or_default(),
                dates.get(i).cloned().unwrap_or_default(),
            )
        })
        .filter(|(k, d)| !k.is_empty() || !d.is_empty())
        .collect();
    let input = CalculatorInput {
        regime: Some(get("regime"))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "foia".into()),
        received: get("received"),
        events: rows
            .iter()
            .map(|(kind, date)| CalculatorEvent {
                kind: kind.clone(),
                date: date.clone(),
            })
            .collect(),
        extended_to: Some(get("extended_to")).filter(|d| !d.is_empty()),
        today: Some(get("today")).filter(|d| !d.is_empty()),
    };
    let asked = pairs.iter().any(|(k, _)| k == "received");
    let result = if asked {
        let input = input.clone();
        Some(
            with_db(&state, move |conn, calendars, today| {
                input.calculate(&*calendars.current(conn)?, today)
            })
            .await,
        )
    } else {
        None
    };
    let (schedule, errs) = match result {
        Some(Ok(schedule)) => (Some(schedule), Map::new()),
        Some(Err(error)) if is_form_error(&error) => (None, errors(&error)),
        Some(Err(error)) => return Err(error),
        None => (None, Map::new()),
    };
    let mut event_rows: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (kind, date))| {
            let error = errs
                .get(&format!("events[{i}].kind"))
                .or_else(|| errs.get(&format!("events[{i}].date")));
            row(i, kind, date, error)
        })
        .collect();
    while event_rows.len() < EVENT_ROWS.max(rows.len() + 1) {
        event_rows.push(row(event_rows.len(), "", "", None));
    }
    let event_kinds: Vec<Value> = <EventKind as strum::VariantArray>::VARIANTS
        .iter()
        .filter(|k| **k != EventKind::Received)
        .map(|k| json!({"value": k.to_string(), "text": k.label()}))
        .collect();
    let data = json!({
        "title": "Deadline calculator", "nav": "calculator",
        "form": {"regime": input.regime, "received": input.received, "extended_to": input.extended_to, "today": input.today},
        "rows": event_rows, "event_kinds": event_kinds, "regimes": options::<Regime>(Regime::short_name),
        "schedule": schedule, "errors": errs,
    });
    if data["errors"].as_object().is_some_and(|e| !e.is_empty()) {
        return form_again(&state, &who, &AppError::Invalid(Vec::new()), "calculator", data);
    }
    page(&state, &who, "calculator", data)
}
