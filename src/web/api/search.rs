//! `GET /api/v1/search`: one search over requests, events and the text of every document.

use actix_web::{web, HttpRequest, HttpResponse};

use super::problems::{FieldsWrong, Unreadable};
use crate::tracker::audit::Caller;
use crate::tracker::search::{self, Results, SearchInput};
use crate::web::error_response::ApiError;
use crate::web::extract::{query_string, with_db};
use crate::web::state::AppState;

#[utoipa::path(operation_id = "search", summary = "Search requests, events and documents", get, path = "/api/v1/search", tag = "search",
    params(SearchInput),
    responses((status = 200, description = "The places found among what the caller may read, best first, each with its link and the words around it (HTML: the text escaped, each word found in `<mark>`)", body = Results,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FieldsWrong))]
pub async fn search(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let input: SearchInput = query_string(&request, "the query string")?;
    let asked = input.clone();
    let results = with_db(&state, move |conn, _, _| search::search(conn, &caller, &input)).await?;
    let links = super::page_links(results.page, results.pages, |number| {
        let mut query = asked.clone();
        query.page = Some(number.to_string());
        format!(
            "/api/v1/search?{}",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        )
    });
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::LINK, links))
        .json(results))
}
