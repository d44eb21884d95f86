//! `/figures`: released figures, entering one and verifying another's.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::events::Empty;
use super::{form_again_or_error, page, see_other};
use crate::error::AppError;
use crate::tracker::{demands, figures};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

/// The figures, unverified first, each with a button to verify it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FiguresQuery {
    /// How many figures an import has just written; anything else is ignored.
    pub imported: String,
}

pub async fn figures(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<FiguresQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let figures = with_db(&state, move |conn, _, _| figures::all_figures(conn, &caller)).await?;
    let checks = who.actor().is_some_and(|a| a.files_requests());
    let me = who.actor().map(|a| a.user_id);
    let rows: Vec<serde_json::Value> = figures
        .iter()
        .map(|f| {
            json!({
                "f": f, "verified": f.verified_at.is_some(),
                "may_verify": checks && f.verified_at.is_none() && f.entry.entered_by != me,
            })
        })
        .collect();
    let data = json!({
        "title": "Figures", "nav": "figures", "rows": rows, "enters": checks,
        "imported": query.imported.parse::<usize>().ok(),
    });
    page(&state, &who, "figures/list", data)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NewFigureQuery {
    pub indicator_id: String,
    pub request_id: String,
}

fn figure_form(
    catalogue: &demands::Catalogue,
    form: serde_json::Value,
    errors: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    let indicators: Vec<serde_json::Value> = catalogue
        .indicators
        .iter()
        .map(|i| json!({"value": i.id, "text": format!("{} {}", i.id, i.wording), "selected": form["indicator_id"] == i.id.as_str()}))
        .collect();
    json!({
        "title": "Enter a figure", "nav": "figures", "form": form, "errors": errors, "indicators": indicators,
        "matches": match_options(),
    })
}

/// The choices of how a source's definition compares with the indicator's.
pub(super) fn match_options() -> Vec<serde_json::Value> {
    use crate::domain::demand::DefinitionMatch;
    super::options(|m: DefinitionMatch| match m {
        DefinitionMatch::Matches => "Matches the indicator's definition",
        DefinitionMatch::Comparable => "Comparable, with caveats",
        DefinitionMatch::Different => "Different: list it as related only",
    })
}

pub async fn new_figure(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<NewFigureQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let catalogue = with_db(&state, move |conn, _, _| demands::for_entry(conn, &caller)).await?;
    let query = query.into_inner();
    let source = if query.request_id.is_empty() {
        "publication"
    } else {
        "request"
    };
    let form = json!({"indicator_id": query.indicator_id, "request_id": query.request_id, "source_kind": source, "definition_match": "matches"});
    page(
        &state,
        &who,
        "figures/form",
        figure_form(&catalogue, form, Default::default()),
    )
}

/// The figure form's fields, as the browser sends them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FigureForm {
    pub indicator_id: String,
    pub value: String,
    pub suppressed: String,
    pub unit: String,
    pub period_start: String,
    pub period_end: String,
    pub breakdown: String,
    pub definition: String,
    pub definition_match: String,
    pub caveats: String,
    pub source_kind: String,
    pub request_id: String,
    pub location: String,
    pub publication_title: String,
    pub publisher: String,
    pub published_on: String,
    pub url: String,
}

impl FigureForm {
    fn input(&self) -> Result<figures::FigureInput, AppError> {
        let request_id = match self.request_id.trim() {
            "" => None,
            n => Some(
                n.parse()
                    .map_err(|_| AppError::invalid("request_id", "Request must be a request's number"))?,
            ),
        };
        Ok(figures::FigureInput {
            indicator_id: self.indicator_id.clone(),
            value: self.value.clone(),
            suppressed: self.suppressed.clone(),
            unit: self.unit.clone(),
            period_start: self.period_start.clone(),
            period_end: self.period_end.clone(),
            breakdown: self.breakdown.clone(),
            definition: self.definition.clone(),
            definition_match: self.definition_match.clone(),
            caveats: self.caveats.clone(),
            source_kind: self.source_kind.clone(),
            request_id,
            location: self.location.clone(),
            publication_title: self.publication_title.clone(),
            publisher: self.publisher.clone(),
            published_on: self.published_on.clone(),
            url: self.url.clone(),
            ..Default::default()
        })
    }
}

pub async fn add_figure(
    state: web::Data<AppState>,
    posted: Posted<FigureForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let caller = who.caller();
    let result = match form.input() {
        Ok(input) => {
            with_db(&state, move |conn, _, _| {
                figures::add_figure(conn, &caller, &input, crate::clock::now())
            })
            .await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(figure) => Ok(see_other(&format!("/figures#figure-{}", figure.id))),
        Err(error) => {
            form_again_or_error(&state, &who, error, "figures/form", async |errors| {
                let catalogue = with_db(&state, move |conn, _, _| demands::catalogue(conn)).await?;
                Ok(figure_form(&catalogue, json!(form), errors))
            })
            .await
        }
    }
}

pub async fn verify(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        figures::verify_figure(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(see_other(&format!("/figures#figure-{id}")))
}
