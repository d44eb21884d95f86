//! `/scorecard`: public, no sign-in. Every indicator of the petition, quarter by quarter from
//! 2016: released, released in aggregate, refused, not held, asked and awaiting, or never asked.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::page;
use crate::db::demands::Figure;
use crate::domain::demand::Quarter;
use crate::domain::scorecard::QuarterState;
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker::demands::{self, IndicatorView, Scorecard};
use crate::web::auth::Who;
use crate::web::charts::{self, Bar};
use crate::web::extract::with_db;

fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".to_string(), |s| format!("{:.0}%", s * 100.0))
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
                            let grounds = if c.grounds.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", c.grounds.join(", "))
                            };
                            json!({"state": c.state, "quarter": c.quarter, "title": format!("{} {}: {}{grounds}", i.id, c.quarter, c.state.label())})
                        })
                        .collect();
                    json!({"id": i.id, "wording": i.wording, "coverage": percent(i.coverage), "cells": cells, "link": format!("/scorecard/{}", i.id)})
                })
                .collect();
            json!({"id": d.id, "title": d.title, "coverage": percent(d.coverage), "indicators": rows})
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
        .map(|s| json!({"state": s, "label": s.label()}))
        .collect();
    json!({
        "title": "Transparency scorecard", "nav": "scorecard", "quarters": card.quarters,
        "demands": demands, "chart": chart, "legend": legend,
    })
}

/// A figure as people read it: "1,256 people" or "fewer than 5".
fn shown(f: &Figure) -> String {
    match (&f.value, &f.suppressed) {
        (Some(value), _) => format!("{value} {}", f.unit),
        (None, Some(suppressed)) => suppressed.clone(),
        (None, None) => String::new(),
    }
}

fn period(f: &Figure) -> String {
    let (start, end) = (Quarter::of(f.period_start), Quarter::of(f.period_end));
    let whole_quarters = f.period_start == start.start() && f.period_end == end.end();
    match (whole_quarters, start == end) {
        (true, true) => start.label(),
        (true, false) if start.number == 1 && end.number == 4 && start.year == end.year => {
            start.year.to_string()
        }
        _ => format!("{} to {}", f.period_start, f.period_end),
    }
}

fn source(f: &Figure) -> String {
    match (&f.publication_title, f.request_id) {
        (Some(title), _) => match &f.publisher {
            Some(publisher) => format!("{title} ({publisher})"),
            None => title.clone(),
        },
        (None, Some(request)) => match &f.location {
            Some(location) => format!("Response to request {request}, {location}"),
            None => format!("Response to request {request}"),
        },
        (None, None) => String::new(),
    }
}

fn indicator_page(view: &IndicatorView) -> Value {
    let row = |f: &Figure| {
        json!({
            "period": period(f), "breakdown": f.breakdown, "shown": shown(f), "definition": f.definition,
            "caveats": f.caveats, "match": f.definition_match, "source": source(f), "url": f.url,
            "verified": f.verified_at.is_some(),
        })
    };
    let chart = charts::line(
        "series",
        &format!("{} over time", view.indicator.id),
        "Each verified total whose definition matches the indicator's or is comparable, by the period it covers.",
        &view
            .series
            .iter()
            .filter_map(|f| {
                Some(Bar {
                    label: period(f),
                    value: f.value.as_deref()?.parse().ok()?,
                    shown: f.value.clone()?,
                })
            })
            .collect::<Vec<_>>(),
    );
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
        "coverage": percent(view.coverage), "chart": chart,
        "series": view.series.iter().map(row).collect::<Vec<_>>(), "figures": figures,
    })
}

pub async fn indicator(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let view = with_db(&state, move |conn, _, today| demands::indicator(conn, today, &id)).await?;
    page(&state, &who, "scorecard/indicator", indicator_page(&view))
}

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let card = with_db(&state, move |conn, _, today| demands::scorecard(conn, today)).await?;
    page(&state, &who, "scorecard/show", scorecard_page(&card))
}
