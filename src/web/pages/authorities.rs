//! Authority pages: the list, the forms to add and edit one, and the CSV import.

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use super::{done, form_again, form_again_or_error, import_file, options, page, ImportFile};
use crate::domain::account::Actor;
use crate::domain::authority::Nation;
use crate::domain::regime::Regime;
use crate::domain::version::Expected;
use crate::error::AppError;
use crate::tracker::access::require;
use crate::tracker::{authorities, authorities::AuthorityInput};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

pub async fn list(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let authorities = with_db(&state, move |conn, _, _| authorities::list(conn, &caller)).await?;
    page(
        &state,
        &who,
        "authorities/list",
        json!({"title": "Authorities", "nav": "authorities", "authorities": authorities}),
    )
}

fn form_page(form: &AuthorityInput, errors: Map<String, Value>, existing: Option<i32>) -> Value {
    let (heading, action, button) = match existing {
        None => ("Add an authority".to_string(), "/authorities".to_string(), "Add"),
        Some(id) => (
            "Edit authority".to_string(),
            format!("/authorities/{id}"),
            "Save changes",
        ),
    };
    json!({
        "title": heading, "heading": heading, "nav": "authorities", "action": action, "button": button,
        "form": form, "errors": errors,
        "regimes": options::<Regime>(Regime::short_name),
        "nations": options::<Nation>(Nation::label),
    })
}

pub async fn new(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    let form = AuthorityInput {
        default_regime: Regime::Foia.to_string(),
        nation: Nation::Uk.to_string(),
        ..AuthorityInput::default()
    };
    page(
        &state,
        &who,
        "authorities/form",
        form_page(&form, Map::new(), None),
    )
}

pub async fn create(
    state: web::Data<AppState>,
    posted: Posted<AuthorityInput>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let input = form.clone();
    let caller = who.caller();
    match with_db(&state, move |conn, _, _| {
        authorities::create(conn, &caller, &input, crate::clock::now())
    })
    .await
    {
        Ok(_) => Ok(done(&state, "/authorities", "authority-saved")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "authorities/form", async |errors| {
                Ok(form_page(&form, errors, None))
            })
            .await
        }
    }
}

pub async fn edit(
    state: web::Data<AppState>,
    who: Who,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    require(&caller, Actor::is_admin)?;
    let authority = with_db(&state, move |conn, _, _| authorities::read(conn, &caller, id)).await?;
    page(
        &state,
        &who,
        "authorities/form",
        form_page(&AuthorityInput::from(&authority), Map::new(), Some(id)),
    )
}

pub async fn update(
    state: web::Data<AppState>,
    posted: Posted<AuthorityInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let input = form.clone();
    let caller = who.caller();
    match with_db(&state, move |conn, _, _| {
        authorities::update(conn, &caller, id, &input, &Expected::Any, crate::clock::now())
    })
    .await
    {
        Ok(_) => Ok(done(&state, "/authorities", "authority-saved")),
        Err(error) => {
            form_again_or_error(&state, &who, error, "authorities/form", async |errors| {
                Ok(form_page(&form, errors, Some(id)))
            })
            .await
        }
    }
}

pub async fn import_form(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    page(
        &state,
        &who,
        "authorities/import",
        json!({"title": "Import authorities", "nav": "authorities"}),
    )
}

pub async fn import(
    state: web::Data<AppState>,
    who: Who,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    require(&caller, Actor::is_admin)?;
    let result = async {
        let ImportFile { text, dry_run, .. } = import_file(&who, multipart).await?;
        with_db(&state, move |conn, _, _| {
            authorities::import_csv(conn, &caller, &text, dry_run, crate::clock::now())
        })
        .await
    }
    .await;
    let data = |report: Option<&authorities::ImportReport>, errors: Map<String, Value>| json!({"title": "Import authorities", "nav": "authorities", "report": report, "errors": errors});
    match result {
        Ok(report) if report.refused > 0 => {
            let error = AppError::Invalid(Vec::new());
            form_again(
                &state,
                &who,
                &error,
                "authorities/import",
                data(Some(&report), Map::new()),
            )
        }
        Ok(report) => page(
            &state,
            &who,
            "authorities/import",
            data(Some(&report), Map::new()),
        ),
        Err(error) => {
            form_again_or_error(&state, &who, error, "authorities/import", async |errors| {
                Ok(data(None, errors))
            })
            .await
        }
    }
}
