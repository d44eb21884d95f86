//! The JSON API under `/api/v1`: the same use cases as the pages; every error is
//! `application/problem+json` naming the field at fault.

pub mod authorities;
pub mod calculator;
pub mod demands;
pub mod documents;
pub mod events;
pub mod figure_import;
pub mod history;
pub mod letters;
pub mod openapi;
pub mod problems;
pub mod repeats;
pub mod requests;

use actix_web::http::header;
use actix_web::HttpResponse;
use serde::Serialize;

/// 201 Created with the new resource's address.
pub fn created(location: String, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}
