//! `GET /api/v1/exemptions`: the catalogue of grounds a response may cite, by law, with the
//! ids that events' `grounds` take.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::problems::{FilterWrong, Unreadable};
use crate::domain::exemptions::{self, Exemption};
use crate::domain::regime::Regime;
use crate::web::error_response::ApiError;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExemptionsQuery {
    /// Only this law's grounds.
    pub regime: Option<Regime>,
}

#[utoipa::path(operation_id = "list_exemptions", summary = "List the grounds an authority may cite", get, path = "/api/v1/exemptions", tag = "exemptions",
    params(ExemptionsQuery),
    responses((status = 200, description = "Every ground of the law (or of every law) in statutory order: its id, citation, title, whether it is an exemption or a neither-confirm-nor-deny provision, and its test (absolute or qualified)", body = Vec<Exemption>), Unreadable, FilterWrong))]
pub async fn list(query: web::Query<ExemptionsQuery>) -> Result<HttpResponse, ApiError> {
    let regime = query.into_inner().regime;
    let grounds: Vec<&Exemption> = exemptions::all()
        .iter()
        .filter(|e| regime.is_none_or(|r| e.regime == r))
        .collect();
    Ok(HttpResponse::Ok().json(grounds))
}
