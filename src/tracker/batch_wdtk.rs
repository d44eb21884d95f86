//! A batch request made on WhatDoTheyKnow, brought in as a batch here: each of its requests
//! linked (read from the site with its events, and kept in step as any linked request is),
//! and the batch tying them together with the address of the site's batch page.
//!
//! WhatDoTheyKnow publishes no JSON of a batch (its batch page is HTML only, and a request's
//! JSON does not name its batch), so the person pastes the addresses of the batch's requests,
//! which its batch page lists.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use super::batches::MAX_MEMBERS;
use super::holidays::CalendarStore;
use super::input::Fields;
use super::request_input::MAX_TITLE;
use super::wdtk::{self, WdtkLinkInput};
use crate::alaveteli::Site;
use crate::db::{self, batches, DbConnection};
use crate::domain::account::Actor;
use crate::error::AppError;

/// A WhatDoTheyKnow batch as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WdtkBatchInput {
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    /// The batch's page on WhatDoTheyKnow (…/info_request_batch/<number>).
    #[serde(default)]
    #[schema(required = true)]
    pub wdtk_url: String,
    /// The address (or number) of each of its requests, one an authority.
    #[serde(default)]
    #[schema(required = true)]
    pub requests: Vec<String>,
}

/// Links every request of a WhatDoTheyKnow batch and makes them one batch here; its id.
/// Every address is checked before the site is asked anything. The site is read one request at
/// a time, outside any transaction; a request linked before a later one fails stays linked
/// (linking again reads it again, adding only what is new), and the batch is made once all are.
pub fn link(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    site: &Site,
    caller: &Caller,
    today: NaiveDate,
    input: &WdtkBatchInput,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let actor = require(caller, Actor::files_requests)?.clone();
    let mut f = Fields::new();
    let title = f.text("title", "Title", &input.title, MAX_TITLE);
    let wdtk_url = f.text("wdtk_url", "WhatDoTheyKnow batch", &input.wdtk_url, 500);
    let web_address = wdtk_url.starts_with("https://") || wdtk_url.starts_with("http://");
    let batch_page = web_address && wdtk_url.contains("/info_request_batch/");
    if !wdtk_url.is_empty() && !batch_page {
        f.error(
            "wdtk_url",
            "Paste the address of the batch's page on WhatDoTheyKnow (…/info_request_batch/…)",
        );
    }
    let addresses: Vec<&str> = input
        .requests
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    if addresses.is_empty() {
        f.error("requests", "Paste the address of each of the batch's requests");
    } else if addresses.len() > MAX_MEMBERS {
        f.error(
            "requests",
            format!("A batch goes to at most {MAX_MEMBERS} authorities"),
        );
    }
    for (i, address) in addresses.iter().enumerate() {
        if let Err(why) = crate::domain::wdtk::reference(address, site.base_url()) {
            f.error("requests", format!("Line {}: {why}", i + 1));
            break;
        }
    }
    f.finish(())?;
    let mut members = Vec::new();
    for (i, address) in addresses.iter().enumerate() {
        let report = wdtk::link(
            conn,
            calendars,
            site,
            caller,
            today,
            &WdtkLinkInput {
                url: address.to_string(),
            },
            now,
        )
        .map_err(|error| match error {
            AppError::Invalid(errors) => AppError::invalid(
                "requests",
                format!(
                    "Line {}: {}",
                    i + 1,
                    errors.first().map(|e| e.message.as_str()).unwrap_or_default()
                ),
            ),
            other => other,
        })?;
        // The same request pasted twice is one member.
        if !members.contains(&report.request_id) {
            members.push(report.request_id);
        }
    }
    db::write(conn, |conn| {
        let requests = crate::db::requests::find_many(conn, &members)?;
        let mut authorities = Vec::new();
        for request in &requests {
            if batches::of_request(conn, request.id)?.is_some() {
                return Err(AppError::conflict(
                    Some("requests"),
                    format!("“{}” is in a batch already", request.values.title),
                ));
            }
            if authorities.contains(&request.values.authority_id) {
                return Err(AppError::invalid(
                    "requests",
                    "Two of these requests went to the same authority: a batch asks each authority once",
                ));
            }
            authorities.push(request.values.authority_id);
        }
        let id = batches::insert(
            conn,
            actor.organisation_id,
            &title,
            Some(&wdtk_url),
            Some(actor.user_id),
            now,
        )?;
        for request in &requests {
            batches::add_member(conn, id, request.id, request.values.authority_id)?;
        }
        record(
            conn,
            caller,
            Change::new("create", "batch", id).after(json!({
                "title": title, "wdtk_url": wdtk_url, "authority_ids": authorities, "request_ids": members,
            })),
            now,
        )?;
        Ok(id)
    })
}
