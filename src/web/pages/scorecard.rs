//! `/scorecard`: public, no sign-in. Every indicator of the petition, quarter by quarter from
//! 2016: released, released in aggregate, refused, not held, asked and awaiting, or never asked.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::page;
use crate::db::figures::Figure;
use crate::domain::demand::DefinitionMatch;
use crate::domain::demand::Quarter;
use crate::domain::scorecard::{Cell, QuarterState};
use crate::domain::written;
use crate::error::AppError;
use crate::tracker::scorecard::{self, IndicatorView, Scorecard};
use crate::web::auth::Who;
use crate::web::charts::{self, Bar, Span};
use crate::web::extract::with_db;
use crate::web::state::AppState;

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |s| format!("{:.0}%", s * 100.0))
}

/// The share released in part, said beside coverage only where there is one.
fn in_part(share: Option<f64>) -> Option<String> {
    share
        .filter(|s| *s > 0.0)
        .map(|s| format!("{:.0}% in part", s * 100.0))
}

fn scorecard_page(card: &Scorecard) -> Value {
    let demands: Vec<Value> = card
        .demands
        .iter()
        .map(|d| {
            let rows: Vec<Value> = d
                .indicators
                .iter()
                .map(|i| {
                    let cells: Vec<Value> = i
                        .cells
                        .iter()
                        .map(|c| {
                            let said: Vec<&String> = c.grounds.iter().chain(&c.missing).collect();
                            let grounds = if said.is_empty() {
                                String::new()
                            } else {
                                format!(
                                    " ({})",
                                    said.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                                )
                            };
                            // What the cell rests on: the quarter's row on the public
                            // indicator page, which names its figures or its asks.
                            json!({
                                "state": c.state, "quarter": c.quarter, "letter": c.state.letter(),
                                "title": format!("{} {}: {}{grounds}", i.id, c.quarter, c.state.label()),
                                "link": format!("/scorecard/{}#{}", i.id, quarter_anchor(&c.quarter)),
                            })
                        })
                        .collect();
                    json!({"id": i.id, "wording": i.wording, "coverage": percent(i.coverage), "in_part": in_part(i.coverage_in_part), "cells": cells, "link": format!("/scorecard/{}", i.id)})
                })
                .collect();
            json!({"id": d.id, "title": d.title, "coverage": percent(d.coverage), "in_part": in_part(d.coverage_in_part), "indicators": rows})
        })
        .collect();
    let chart = charts::bars(
        "coverage",
        "Share of quarters released, by demand",
        "For each of the petition's demands, the share of its indicators' quarters since 2016 for which a figure has been released, alone or in aggregate.",
        &card
            .demands
            .iter()
            .map(|d| Bar {
                label: format!("{} {}", d.id, d.title),
                value: d.coverage.unwrap_or(0.0) * 100.0,
                shown: percent(d.coverage),
            })
            .collect::<Vec<_>>(),
        Some(100.0),
    );
    let legend: Vec<Value> = <QuarterState as strum::VariantArray>::VARIANTS
        .iter()
        .map(|s| json!({"state": s, "label": s.label(), "letter": s.letter()}))
        .collect();
    json!({
        "title": "Transparency scorecard", "nav": "scorecard", "quarters": card.quarters,
        "demands": demands, "chart": chart, "legend": legend,
    })
}

/// A figure as people read it: "1,256 people" or "fewer than 5".
fn shown(f: &Figure) -> String {
    match (&f.entry.value, &f.entry.suppressed) {
        (Some(value), _) => {
            // Whole numbers in thousands, as people write them: 1,256.
            let value = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                charts::group_digits(value)
            } else {
                value.clone()
            };
            format!("{value} {}", f.entry.unit)
        }
        (None, Some(suppressed)) => suppressed.clone(),
        (None, None) => String::new(),
    }
}

fn period(f: &Figure) -> String {
    let (start, end) = (Quarter::of(f.entry.period_start), Quarter::of(f.entry.period_end));
    let whole_quarters = f.entry.period_start == start.start() && f.entry.period_end == end.end();
    match (whole_quarters, start == end) {
        (true, true) => start.label(),
        (true, false) if start.number == 1 && end.number == 4 && start.year == end.year => {
            start.year.to_string()
        }
        _ => format!(
            "{} to {}",
            written::date(f.entry.period_start),
            written::date(f.entry.period_end)
        ),
    }
}

fn source(f: &Figure) -> String {
    match (&f.entry.publication_title, f.entry.request_id) {
        (Some(title), _) => match &f.entry.publisher {
            Some(publisher) => format!("{title} ({publisher})"),
            None => title.clone(),
        },
        (None, Some(request)) => match &f.entry.location {
            Some(location) => format!("Response to request {request}, {location}"),
            None => format!("Response to request {request}"),
        },
        (None, None) => String::new(),
    }
}

/// The id of a quarter's row on the indicator page, which the scorecard's cells link to.
fn quarter_anchor(quarter: &str) -> String {
    format!("q-{quarter}")
}

/// The indicator's quarters as rows of what each state rests on: a run of quarters in the
/// same state on the same figures or asks is one row, which still holds each quarter's
/// anchor so that every scorecard cell lands on its own row.
fn quarter_rows(view: &IndicatorView) -> Vec<Value> {
    let figures: Vec<&Figure> = view
        .series
        .iter()
        .chain(&view.breakdowns)
        .chain(&view.related)
        .chain(&view.unverified)
        .collect();
    let mut runs: Vec<Vec<&Cell>> = Vec::new();
    for cell in &view.cells {
        match runs.last_mut() {
            Some(run)
                if run[0].state == cell.state
                    && run[0].grounds == cell.grounds
                    && run[0].basis == cell.basis =>
            {
                run.push(cell);
            }
            _ => runs.push(vec![cell]),
        }
    }
    runs.iter()
        .map(|run| {
            let (first, last) = (run[0], run[run.len() - 1]);
            let rests_on: Vec<Value> = first
                .basis
                .figures
                .iter()
                .filter_map(|id| figures.iter().find(|f| f.id == *id))
                .map(|f| {
                    let what = [shown(f), period(f), f.entry.breakdown.clone()]
                        .into_iter()
                        .filter(|part| !part.is_empty())
                        .collect::<Vec<_>>()
                        .join(", ");
                    json!({"link": format!("#figure-{}", f.id), "text": format!("{what}: {}", source(f))})
                })
                .chain(first.basis.asks.iter().filter_map(|n| {
                    let ask = view.asks.get(*n)?;
                    Some(json!({
                        "link": format!("#ask-{n}"),
                        "text": format!("{}, asked for {} to {}", ask.authority, written::date(ask.from), written::date(ask.to)),
                    }))
                }))
                .collect();
            json!({
                "quarters": if run.len() == 1 { first.quarter.clone() } else { format!("{} to {}", first.quarter, last.quarter) },
                "anchors": run.iter().map(|c| quarter_anchor(&c.quarter)).collect::<Vec<_>>(),
                "state": first.state, "letter": first.state.letter(), "label": first.state.label(),
                "grounds": first.grounds, "missing": first.missing, "rests_on": rests_on,
            })
        })
        .collect()
}

fn indicator_page(view: &IndicatorView) -> Value {
    let row = |f: &Figure| {
        json!({
            "id": f.id, "period": period(f), "breakdown": f.entry.breakdown, "shown": shown(f), "definition": f.entry.definition,
            "caveats": f.entry.caveats, "match": f.entry.definition_match, "source": source(f), "url": f.entry.url,
            "verified": f.verified_at.is_some(),
        })
    };
    let chart = charts::timeline(
        "series",
        &format!("{} over time", view.indicator.id),
        "Each verified total whose definition matches the indicator's or is comparable, drawn as a horizontal line over the dates its period covers, at its value. Figures are not joined: they cover periods of different lengths.",
        &view.indicator.unit,
        &view
            .series
            .iter()
            .filter_map(|f| {
                let written = f.entry.value.as_deref()?;
                let value: f64 = written.replace(',', "").parse().ok()?;
                Some(Span {
                    start: f.entry.period_start,
                    end: f.entry.period_end,
                    value,
                    shown: if written.contains('.') { written.to_string() } else { charts::grouped(value) },
                    label: period(f),
                })
            })
            .collect::<Vec<_>>(),
    );
    // What a reader must know before quoting the chart, in words beside it.
    let notes: Vec<Value> = view
        .series
        .iter()
        .filter(|f| !f.entry.caveats.is_empty() || f.entry.definition_match != DefinitionMatch::Matches)
        .map(|f| json!({"period": period(f), "match": f.entry.definition_match, "definition": f.entry.definition, "caveats": f.entry.caveats}))
        .collect();
    let figures: Vec<Value> = view
        .series
        .iter()
        .chain(&view.breakdowns)
        .chain(&view.related)
        .chain(&view.unverified)
        .map(row)
        .collect();
    json!({
        "title": format!("{} {}", view.indicator.id, view.indicator.wording), "nav": "scorecard", "v": view,
        "coverage": percent(view.coverage), "in_part": in_part(view.coverage_in_part), "chart": chart, "notes": notes,
        "series": view.series.iter().map(row).collect::<Vec<_>>(), "figures": figures,
        "quarter_rows": quarter_rows(view),
    })
}

pub async fn indicator(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let view = with_db(&state, move |conn, _, today| {
        scorecard::indicator(conn, today, &id)
    })
    .await?;
    page(&state, &who, "scorecard/indicator", indicator_page(&view))
}

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let card = with_db(&state, move |conn, _, today| scorecard::scorecard(conn, today)).await?;
    page(&state, &who, "scorecard/show", scorecard_page(&card))
}
