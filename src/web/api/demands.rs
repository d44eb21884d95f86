//! `/api/v1/indicators`, `/api/v1/figures` and `/api/v1/scorecard`: the demand catalogue,
//! what each request asks for, released figures and their verification, and the scorecard.

use actix_web::http::header::LOCATION;
use actix_web::{web, HttpRequest, HttpResponse};

use super::problems::{FieldWrong, FieldsWrong, NoSuchResource, Stale, Unreadable};
use super::{create_once, idempotency, paged_list};
use crate::db::demands::Indicator;
use crate::db::figures::Figure;
use crate::tracker::audit::Caller;
use crate::tracker::demands::{self, Catalogue, IndicatorInput, LinkInput};
use crate::tracker::figures::{self, FigureInput};
use crate::tracker::idempotency::Answer;
use crate::tracker::paging::PageQuery;
use crate::tracker::scorecard::{self, IndicatorView, Scorecard};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{etag, if_match, with_db, PathId};
use crate::web::json_body::{missing_properties, ApiJson, Replacement, Whole};
use crate::web::state::AppState;

#[utoipa::path(operation_id = "list_indicators", summary = "List the petition's data demands and indicators", get, path = "/api/v1/indicators", tag = "demands",
    responses((status = 200, description = "The petition's demands and their indicators", body = Catalogue)))]
pub async fn catalogue(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let catalogue = with_db(&state, move |conn, _, _| demands::catalogue(conn)).await?;
    Ok(HttpResponse::Ok().json(catalogue))
}

#[utoipa::path(operation_id = "save_indicator", summary = "Add or change an indicator", post, path = "/api/v1/indicators", tag = "demands", request_body = IndicatorInput,
    params(("If-Match" = Option<String>, Header, description = "The `ETag` of the indicator the change was made on: if it has changed since, or does not exist, nothing is written (412)")),
    responses((status = 200, description = "Changed", body = Indicator,
            headers(("ETag" = String, description = "The indicator's new version"))),
        (status = 201, description = "Added", body = Indicator,
            headers(("ETag" = String, description = "The indicator's version"))),
        Unreadable, FieldWrong, Stale))]
pub async fn save_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<IndicatorInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let expected = if_match(&request);
    let (indicator, new) = with_db(&state, move |conn, _, _| {
        let saving = demands::Saving::AddOrChange;
        demands::save_indicator(conn, &caller, &input, saving, &expected, crate::clock::now())
    })
    .await?;
    let mut answer = match new {
        true => HttpResponse::Created(),
        false => HttpResponse::Ok(),
    };
    if new {
        answer.insert_header((LOCATION, format!("/api/v1/indicators/{}", indicator.id)));
    }
    Ok(answer.insert_header(etag(indicator.updated_at)).json(indicator))
}

#[utoipa::path(operation_id = "set_request_indicators", summary = "Set the indicators and periods a request asks for", put, path = "/api/v1/requests/{id}/indicators", tag = "demands",
    request_body = Vec<LinkInput>,
    params(("id" = i32, Path, description = "The request's id"),
        ("If-Match" = Option<String>, Header, description = "The request's `ETag` the change was made on: if the request has changed since, nothing is written (412)")),
    responses((status = 200, description = "What the request now asks for", body = Vec<crate::db::demands::Link>,
        headers(("ETag" = String, description = "The request's new version"))),
        Unreadable, NoSuchResource, FieldWrong, Stale))]
pub async fn link(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: Replacement<Vec<LinkInput>>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let expected = if_match(&request);
    let (links, version) = with_db(&state, move |conn, _, _| {
        demands::link(conn, &caller, id, &input, &expected, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().insert_header(etag(version)).json(links))
}

#[utoipa::path(operation_id = "add_figure", summary = "Record a released figure", post, path = "/api/v1/figures", tag = "demands", request_body = FigureInput,
    responses((status = 201, description = "Recorded, unverified", body = Figure), Unreadable, NoSuchResource, FieldWrong))]
pub async fn add_figure(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<FigureInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(&state, caller, call, move |conn, caller, _, _, now| {
        let figure = figures::add_figure(conn, caller, &input, now)?;
        Answer::created(format!("/api/v1/figures/{}", figure.id), &figure)
    })
    .await
}

#[utoipa::path(operation_id = "list_figures", summary = "List released figures", get, path = "/api/v1/figures", tag = "demands",
    params(PageQuery),
    responses((status = 200, description = "One page of the figures the caller may see, unverified first", body = Vec<Figure>,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FieldsWrong))]
pub async fn list_figures(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    paged_list(&state, caller, &request, figures::all_figures).await
}

#[utoipa::path(operation_id = "read_figure", summary = "Read a released figure", get, path = "/api/v1/figures/{id}", tag = "demands",
    params(("id" = i32, Path, description = "The figure's id")),
    responses((status = 200, description = "The figure", body = Figure), Unreadable, NoSuchResource))]
pub async fn read_figure(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let figure = with_db(&state, move |conn, _, _| figures::figure(conn, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(figure))
}

#[utoipa::path(operation_id = "verify_figure", summary = "Verify a figure another member entered", post, path = "/api/v1/figures/{id}/verify", tag = "demands",
    params(("id" = i32, Path, description = "The figure's id")),
    responses((status = 200, description = "Verified", body = Figure), Unreadable, NoSuchResource,
        (status = 409, description = "Verified already, or entered by the caller", body = Problem, content_type = "application/problem+json")))]
pub async fn verify_figure(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let figure = with_db(&state, move |conn, _, _| {
        figures::verify_figure(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(figure))
}

#[utoipa::path(operation_id = "read_indicator", summary = "Read an indicator with its figures by period", get, path = "/api/v1/indicators/{indicator}", tag = "demands",
    params(("indicator" = String, Path, description = "The indicator's id, e.g. D1.1")),
    responses((status = 200, description = "The indicator, its quarters, its figures (verified, related, unverified) and the requests that asked for it", body = IndicatorView,
            headers(("ETag" = String, description = "The indicator's version (its definition, not its figures): send it back in `If-Match` to change it only if nobody has since"))),
        (status = 404, description = "No such indicator", body = Problem, content_type = "application/problem+json")))]
pub async fn indicator(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let view = with_db(&state, move |conn, _, today| {
        scorecard::indicator(conn, today, &id)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(view.indicator.updated_at))
        .json(view))
}

#[utoipa::path(operation_id = "scorecard", summary = "Read the public scorecard", get, path = "/api/v1/scorecard", tag = "demands",
    responses((status = 200, description = "Every indicator's state, quarter by quarter, from 2016 Q1", body = Scorecard)))]
pub async fn scorecard(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let card = with_db(&state, move |conn, _, today| scorecard::scorecard(conn, today)).await?;
    Ok(HttpResponse::Ok().json(card))
}

impl Whole for Vec<LinkInput> {
    fn missing(value: &serde_json::Value) -> Vec<String> {
        let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| missing_properties::<LinkInput>(item, &format!("indicators[{i}].")))
            .collect()
    }
}
