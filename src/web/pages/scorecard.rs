//! `/scorecard`: public, no sign-in. Every indicator of the petition, quarter by quarter from
//! 2016: released, released in aggregate, refused, not held, asked and awaiting, or never asked.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

use super::page;
use crate::domain::scorecard::QuarterState;
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker::demands::{self, Scorecard};
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
                    json!({"id": i.id, "wording": i.wording, "coverage": percent(i.coverage), "cells": cells})
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

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let card = with_db(&state, move |conn, _, today| demands::scorecard(conn, today)).await?;
    page(&state, &who, "scorecard/show", scorecard_page(&card))
}
