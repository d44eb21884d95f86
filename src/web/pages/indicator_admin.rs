//! `/admin/indicators`: administrators add the petition's indicators and edit them.

use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use super::{form_again_or_error, options, page, see_other};
use crate::domain::account::Actor;
use crate::domain::demand::Granularity;
use crate::domain::version::Expected;
use crate::error::AppError;
use crate::tracker::access::require;
use crate::tracker::demands::{self, Catalogue, IndicatorInput, Saving};
use crate::web::auth::{Posted, Who};
use crate::web::extract::with_db;
use crate::web::state::AppState;

/// The catalogue by demand, each indicator with its edit link.
pub async fn list(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    let catalogue = with_db(&state, move |conn, _, _| demands::catalogue(conn)).await?;
    let demands: Vec<Value> = catalogue
        .demands
        .iter()
        .map(|d| {
            let indicators: Vec<_> = catalogue
                .indicators
                .iter()
                .filter(|i| i.demand_id == d.id)
                .collect();
            json!({"demand": d, "indicators": indicators})
        })
        .collect();
    page(
        &state,
        &who,
        "admin/indicators",
        json!({"title": "Indicators", "nav": "indicators", "demands": demands}),
    )
}

fn form_page(
    catalogue: &Catalogue,
    form: &IndicatorInput,
    errors: Map<String, Value>,
    editing: bool,
) -> Value {
    let (heading, action, button) = match editing {
        false => (
            "Add an indicator".to_string(),
            "/admin/indicators".to_string(),
            "Add",
        ),
        true => (
            format!("Edit indicator {}", form.id),
            format!("/admin/indicators/{}", form.id),
            "Save changes",
        ),
    };
    let demands: Vec<Value> = catalogue
        .demands
        .iter()
        .map(|d| json!({"value": d.id, "text": format!("{} {}", d.id, d.title)}))
        .collect();
    json!({
        "title": heading, "heading": heading, "nav": "indicators", "action": action, "button": button,
        "form": form, "errors": errors, "editing": editing, "demands": demands,
        "granularities": options::<Granularity>(|g| match g {
            Granularity::Quarter => "Every quarter",
            Granularity::Year => "Every year",
        }),
    })
}

pub async fn new(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    let catalogue = with_db(&state, move |conn, _, _| demands::catalogue(conn)).await?;
    let form = IndicatorInput {
        granularity: Granularity::Quarter.to_string(),
        ..IndicatorInput::default()
    };
    page(
        &state,
        &who,
        "admin/indicator_form",
        form_page(&catalogue, &form, Map::new(), false),
    )
}

pub async fn edit(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    let id = path.into_inner();
    let (catalogue, indicator) = with_db(&state, move |conn, _, _| {
        let catalogue = demands::catalogue(conn)?;
        let indicator = catalogue
            .indicators
            .iter()
            .find(|i| i.id == id)
            .cloned()
            .ok_or_else(|| AppError::NotFound(format!("indicator {id}")))?;
        Ok((catalogue, indicator))
    })
    .await?;
    let form = IndicatorInput {
        id: indicator.id,
        demand_id: indicator.demand_id,
        wording: indicator.wording,
        unit: indicator.unit,
        granularity: indicator.granularity,
        breakdowns: indicator.breakdowns,
        definition: indicator.definition,
        official_source: indicator.official_source,
    };
    page(
        &state,
        &who,
        "admin/indicator_form",
        form_page(&catalogue, &form, Map::new(), true),
    )
}

pub async fn create(
    state: web::Data<AppState>,
    posted: Posted<IndicatorInput>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    save(&state, who, form, Saving::Add).await
}

pub async fn update(
    state: web::Data<AppState>,
    path: web::Path<String>,
    posted: Posted<IndicatorInput>,
) -> Result<HttpResponse, AppError> {
    let Posted { mut form, who } = posted;
    // The page edits the indicator its address names, whatever the form says.
    form.id = path.into_inner();
    save(&state, who, form, Saving::Change).await
}

async fn save(
    state: &web::Data<AppState>,
    who: Who,
    form: IndicatorInput,
    saving: Saving,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let input = form.clone();
    let result = with_db(state, move |conn, _, _| {
        demands::save_indicator(conn, &caller, &input, saving, &Expected::Any, crate::clock::now())
    })
    .await;
    match result {
        Ok((indicator, _)) => Ok(see_other(&format!(
            "/admin/indicators#indicator-{}",
            indicator.id
        ))),
        Err(error) => {
            form_again_or_error(state, &who, error, "admin/indicator_form", async |errors| {
                let catalogue = with_db(state, move |conn, _, _| demands::catalogue(conn)).await?;
                Ok(form_page(&catalogue, &form, errors, saving == Saving::Change))
            })
            .await
        }
    }
}
