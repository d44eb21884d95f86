//! `/history`: the refusal history for every signed-in user, with the requests behind each
//! figure, its charts beside their tables, and CSV or JSON exports of the records.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{errors, form_again, page};
use crate::db::DbConnection;
use crate::domain::appeal::Stage;
use crate::domain::history::{Figures, Grouping, Timeliness};
use crate::domain::response::Outcome;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::history::{self, Export, HistoryQuery, HistoryView};
use crate::tracker::holidays::CalendarStore;
use crate::web::auth::Who;
use crate::web::charts::{self, Bar};
use crate::web::extract::{with_db, DatedQuery};
use crate::web::state::AppState;

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |s| format!("{:.0}%", s * 100.0))
}

fn number<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "–".to_string(), |v| v.to_string())
}

/// A figure's measure as the page names it ("outcome: Partly granted"), never its internal
/// name (`outcome:partly_granted`).
fn measure_label(measure: &str) -> String {
    let (what, of) = measure.split_once(':').unwrap_or((measure, ""));
    let stage = || {
        of.parse::<Stage>().map_or_else(
            |_| of.replace('_', " "),
            |s| s.name(crate::domain::regime::Regime::Foia).to_lowercase(),
        )
    };
    match what {
        "outcome" => format!("outcome: {}", of.parse::<Outcome>().map_or(of, |o| o.label())),
        "exemption" => format!(
            "citing {}",
            crate::domain::exemptions::find(of).map_or(of, |e| e.citation.as_str())
        ),
        "overturned" => format!("refusal overturned at {}", stage()),
        "decided" => format!("refusal decided at {}", stage()),
        "other_decision" => format!("decided at {}, on something other than a refusal", stage()),
        "all" | "" => "all requests".into(),
        "responded" => "answered".into(),
        other => other
            .parse::<Timeliness>()
            .map_or_else(|_| other.replace('_', " "), |t| t.label().to_lowercase()),
    }
}

/// A timeliness as a column heading: short, since the definitions follow the table.
fn column(t: Timeliness) -> &'static str {
    match t {
        Timeliness::InTimeBeyondNorm => "Beyond the ICO's norm",
        Timeliness::AwaitingClarification => "Awaiting clarification",
        Timeliness::AwaitingFee => "Awaiting a fee",
        other => other.label(),
    }
}

/// The address of the requests behind a figure: the page's filter narrowed to it.
fn behind(query: &HistoryQuery, authority: Option<i32>, period: Option<&str>, measure: &str) -> String {
    let narrowed = HistoryQuery {
        authority_id: authority.map_or_else(|| query.authority_id.clone(), |a| a.to_string()),
        period: period.unwrap_or_default().to_string(),
        measure: measure.to_string(),
        ..query.clone()
    };
    format!(
        "/history/requests?{}",
        serde_urlencoded::to_string(&narrowed).unwrap_or_default()
    )
}

/// One line of figures for a table, each number with its drill-down link.
fn line(query: &HistoryQuery, authority: Option<i32>, period: Option<&str>, f: &Figures) -> Value {
    let link = |measure: &str| behind(query, authority, period, measure);
    let stage = |s: Stage| {
        let rate = f.stages.get(&s.to_string()).copied().unwrap_or_default();
        json!({
            "decided": rate.decided, "overturned": rate.overturned, "rate": percent(rate.rate),
            "link": link(&format!("overturned:{s}")), "decided_link": link(&format!("decided:{s}")),
            "other": rate.other, "other_link": link(&format!("other_decision:{s}")),
        })
    };
    // Every request in exactly one of these, in the order of the table's columns.
    let counts: Vec<Value> = [
        (Timeliness::InTime, f.in_time),
        (Timeliness::InTimeBeyondNorm, f.in_time_beyond_norm),
        (Timeliness::Late, f.late),
        (Timeliness::Pending, f.pending),
        (Timeliness::AwaitingClarification, f.awaiting_clarification),
        (Timeliness::AwaitingFee, f.awaiting_fee),
        (Timeliness::Withdrawn, f.withdrawn),
        (Timeliness::Lapsed, f.lapsed),
    ]
    .iter()
    .map(|(t, n)| json!({"count": n, "link": link(&t.to_string())}))
    .collect();
    json!({
        "requests": f.requests, "requests_link": link("all"), "timeliness": counts,
        "in_time": f.in_time, "in_time_link": link("in_time"),
        "in_time_beyond_norm": f.in_time_beyond_norm, "in_time_beyond_norm_link": link("in_time_beyond_norm"),
        "late": f.late, "late_link": link("late"),
        "share": percent(f.in_time_share),
        "responded": f.responded, "responded_link": link("responded"),
        "median": number(f.median_working_days), "p90": number(f.p90_working_days),
        "review": stage(Stage::InternalReview), "regulator": stage(Stage::Regulator), "tribunal": stage(Stage::Tribunal),
    })
}

fn history_page(view: &HistoryView, query: &HistoryQuery) -> Value {
    let h = &view.history;
    let name = |id: i32| view.authorities.get(&id).cloned().unwrap_or_default();
    let rows: Vec<Value> = h
        .rows
        .iter()
        .map(|r| {
            let mut l = line(query, Some(r.authority_id), Some(&r.period), &r.figures);
            l["authority"] = json!(name(r.authority_id));
            l["period"] = json!(r.period);
            l
        })
        .collect();
    let total = line(query, None, None, &h.total);

    let periods: Vec<Value> = h
        .periods
        .iter()
        .map(|p| {
            let mut l = line(query, None, Some(&p.period), &p.figures);
            l["period"] = json!(p.period);
            l
        })
        .collect();
    let timeliness = charts::bars(
        "timeliness",
        "Answered within the statutory time, by period",
        "For each period, of the requests whose answer was due, the share answered by the date the law allows: not counting a late extension, nor, under FOIA, an extension beyond the ICO's norm of 20 extra working days.",
        &h.periods
            .iter()
            .map(|p| Bar {
                label: p.period.clone(),
                value: p.figures.in_time_share.unwrap_or(0.0) * 100.0,
                shown: format!(
                    "{} ({} of {})",
                    percent(p.figures.in_time_share),
                    p.figures.in_time,
                    p.figures.in_time + p.figures.in_time_beyond_norm + p.figures.late
                ),
            })
            .collect::<Vec<_>>(),
        Some(100.0),
    );

    let outcomes: Vec<(Outcome, u32)> = <Outcome as strum::VariantArray>::VARIANTS
        .iter()
        .filter_map(|o| h.total.outcomes.get(&o.to_string()).map(|n| (*o, *n)))
        .collect();
    let outcome_rows: Vec<Value> = outcomes
        .iter()
        .map(|(o, n)| json!({"label": o.label(), "count": n, "link": behind(query, None, None, &format!("outcome:{o}"))}))
        .collect();
    let outcome_chart = charts::bars(
        "outcomes",
        "Outcomes of the first response",
        "How many requests each outcome answered, counting each request's first response.",
        &outcomes
            .iter()
            .map(|(o, n)| Bar {
                label: o.label().to_string(),
                value: f64::from(*n),
                shown: n.to_string(),
            })
            .collect::<Vec<_>>(),
        None,
    );

    let mut cited: Vec<(&String, &u32)> = h.total.exemptions.iter().collect();
    cited.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let citation = |id: &str| {
        view.exemptions
            .get(id)
            .map(|c| (c.citation.clone(), c.title.clone()))
            .unwrap_or_else(|| (id.to_string(), String::new()))
    };
    let exemption_rows: Vec<Value> = cited
        .iter()
        .map(|(id, n)| {
            let (citation, title) = citation(id);
            json!({"citation": citation, "title": title, "count": n, "link": behind(query, None, None, &format!("exemption:{id}"))})
        })
        .collect();
    let exemption_chart = charts::bars(
        "exemptions",
        "Exemptions cited",
        "How many requests had each exemption or refusal ground cited in a response, each request once, most cited first.",
        &cited
            .iter()
            .map(|(id, n)| Bar {
                label: citation(id).0,
                value: f64::from(**n),
                shown: n.to_string(),
            })
            .collect::<Vec<_>>(),
        None,
    );
    let exports: Vec<Value> = <crate::domain::export::Dataset as strum::VariantArray>::VARIANTS
        .iter()
        .map(|d| {
            let q = serde_urlencoded::to_string(query).unwrap_or_default();
            json!({"name": d.to_string(), "csv": format!("/history/export?dataset={d}&format=csv&{q}"), "json": format!("/history/export?dataset={d}&format=json&{q}")})
        })
        .collect();
    json!({
        "rows": rows, "total": total, "periods": periods, "grouping": h.grouping,
        "timeliness_chart": timeliness, "outcomes": outcome_rows, "outcomes_chart": outcome_chart,
        "exemptions": exemption_rows, "exemptions_chart": exemption_chart, "exports": exports,
        "timeliness_columns": <Timeliness as strum::VariantArray>::VARIANTS.iter().map(|t| column(*t)).collect::<Vec<_>>(),
        "stages": {
            "review": Stage::InternalReview.name(crate::domain::regime::Regime::Foia),
            "regulator": "Regulator", "tribunal": "Tribunal or court",
        },
    })
}

/// The filter form's choices: the authorities, the regimes and the groupings.
fn filter_data(query: &HistoryQuery, authorities: Vec<Value>) -> Value {
    json!({
        "title": "Refusal history", "nav": "history", "query": query, "authorities": authorities,
        "regimes": super::options(crate::domain::regime::Regime::short_name),
        "groupings": <Grouping as strum::VariantArray>::VARIANTS.iter().map(|g| g.to_string()).collect::<Vec<_>>(),
    })
}

async fn authority_choices(state: &web::Data<AppState>, who: &Who) -> Result<Vec<Value>, AppError> {
    let caller = who.caller();
    let list = with_db(state, move |conn, _, _| {
        crate::tracker::authorities::list(conn, &caller)
    })
    .await?;
    Ok(list
        .iter()
        .map(|a| json!({"value": a.id.to_string(), "text": a.values.name}))
        .collect())
}

/// What `question` (`history::summary` or `history::behind`) answers the caller about the
/// records `query` picks, for the pages and the API alike.
pub async fn ask<T: Send + 'static>(
    state: &web::Data<AppState>,
    caller: Caller,
    query: HistoryQuery,
    question: Question<T>,
) -> Result<T, AppError> {
    with_db(state, move |conn, calendars, today| {
        question(conn, calendars, &caller, today, &query)
    })
    .await
}

pub type Question<T> =
    fn(&mut DbConnection, &CalendarStore, &Caller, NaiveDate, &HistoryQuery) -> Result<T, AppError>;

pub async fn show(
    state: web::Data<AppState>,
    who: Who,
    query: DatedQuery<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let result = ask(&state, who.caller(), query.clone(), history::summary).await;
    let mut data = filter_data(&query, authority_choices(&state, &who).await?);
    match result {
        Ok(view) => {
            data["h"] = history_page(&view, &query);
            page(&state, &who, "history/show", data)
        }
        Err(error @ AppError::Invalid(_)) => {
            data["errors"] = json!(errors(&error));
            form_again(&state, &who, &error, "history/show", data)
        }
        Err(error) => Err(error),
    }
}

pub async fn requests(
    state: web::Data<AppState>,
    who: Who,
    query: DatedQuery<HistoryQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let found = ask(&state, who.caller(), query.clone(), history::behind).await?;
    let back = HistoryQuery {
        period: String::new(),
        measure: String::new(),
        ..query.clone()
    };
    let count = match found.len() {
        1 => "1 request".to_string(),
        n => format!("{n} requests"),
    };
    let data = json!({
        "title": "Requests behind a figure", "nav": "history", "query": query, "found": found, "count": count,
        "measure": measure_label(&query.measure),
        "back": format!("/history?{}", serde_urlencoded::to_string(&back).unwrap_or_default()),
    });
    page(&state, &who, "history/requests", data)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    pub dataset: String,
    /// csv (the default) or json.
    pub format: String,
    #[serde(flatten)]
    pub filter: HistoryQuery,
}

/// An export as CSV, one header row and the documented columns, or as JSON objects.
pub fn render(export: &Export, format: &str) -> Result<HttpResponse, AppError> {
    let name = export.dataset.to_string();
    match format {
        "json" => {
            let objects: Vec<serde_json::Map<String, Value>> = export
                .rows
                .iter()
                .map(|row| {
                    export
                        .columns
                        .iter()
                        .zip(row)
                        .map(|((name, column), cell)| (name.to_string(), column.json(cell)))
                        .collect()
                })
                .collect();
            Ok(HttpResponse::Ok()
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}.json\""),
                ))
                .json(objects))
        }
        "" | "csv" => super::csv_attachment(
            &format!("{name}.csv"),
            &export.columns.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
            export.rows.iter().cloned(),
        ),
        _ => Err(AppError::invalid("format", "Format must be csv or json")),
    }
}

pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, AppError> {
    let ExportQuery {
        dataset,
        format,
        filter,
    } = query.into_inner();
    let export = with_db(&state, move |conn, calendars, today| {
        history::export(conn, calendars, &caller, today, &filter, &dataset)
    })
    .await?;
    render(&export, &format)
}
