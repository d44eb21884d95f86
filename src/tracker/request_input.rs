//! A request as a form or an API client sends it, and its check: what a user may set on a
//! request, each problem named by its field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::{names, Fields};
use crate::db::authorities;
use crate::db::requests::{Request, RequestValues};
use crate::db::DbConnection;
use crate::domain::regime::Regime;
use crate::domain::request::{normalise_tag, SentVia, MAX_TAGS, MAX_TAG_LENGTH};
use crate::error::AppError;

pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 100_000;

/// A request as a form or an API client sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    #[serde(default)]
    #[schema(required = true)]
    pub title: String,
    /// The text sent to the authority.
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
    #[schema(required = true)]
    pub authority_id: Option<i32>,
    /// foia, eir, foisa, eisr or sar; the authority's default when left out.
    #[schema(value_type = Option<crate::domain::regime::Regime>)]
    pub regime: Option<String>,
    /// email (the default), web_form, post, whatdotheyknow or other.
    #[schema(value_type = Option<crate::domain::request::SentVia>)]
    pub sent_via: Option<String>,
    /// YYYY-MM-DD; with no date sent or received the request is a draft.
    #[schema(format = Date)]
    pub sent_on: Option<String>,
    /// YYYY-MM-DD, the day the authority received it (default: the day sent). Only when
    /// creating; afterwards the date of receipt is the `received` event.
    #[schema(format = Date)]
    pub received_on: Option<String>,
    /// The authority's reference.
    pub reference: Option<String>,
    /// A user of the request's organisation who follows it (default: whoever creates it).
    pub owner_id: Option<i32>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl RequestInput {
    /// A stored request in the shape a change is sent in: what a merge patch applies to.
    pub(super) fn of(request: &Request, tags: Vec<String>) -> RequestInput {
        let v = &request.values;
        RequestInput {
            title: v.title.clone(),
            body: v.body.clone(),
            authority_id: Some(v.authority_id),
            regime: Some(v.regime.to_string()),
            sent_via: Some(v.sent_via.to_string()),
            sent_on: v.sent_on.map(|d| d.to_string()),
            received_on: None,
            reference: v.reference.clone(),
            owner_id: v.owner_id,
            tags,
        }
    }
}

pub(super) struct Valid {
    pub values: RequestValues,
    pub tags: Vec<String>,
    pub received_on: Option<NaiveDate>,
}

pub(super) fn validate(
    conn: &mut DbConnection,
    input: &RequestInput,
    today: NaiveDate,
    organisation_id: i32,
) -> Result<Valid, AppError> {
    let mut f = Fields::new();
    let title = f.text("title", "Title", &input.title, MAX_TITLE);
    let body = f.lines("body", "The text sent", &input.body, MAX_BODY);
    let authority = match input.authority_id {
        None => {
            f.error("authority_id", "Choose the authority the request goes to");
            None
        }
        Some(id) => {
            let found = authorities::find(conn, id)?;
            if found.is_none() {
                f.error("authority_id", format!("There is no authority {id}"));
            }
            found
        }
    };
    let regime: Option<Regime> = match input.regime.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(regime) => f.closed("regime", "Regime", regime, &names::<Regime>()),
        None => authority.as_ref().map(|a| a.values.default_regime),
    };
    let sent_via: Option<SentVia> = match input.sent_via.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(via) => f.closed("sent_via", "How it was sent", via, &names::<SentVia>()),
        None => Some(SentVia::Email),
    };
    let sent_on = f.optional_date("sent_on", "Date sent", input.sent_on.as_deref(), Some(today));
    let received_on = f.optional_date(
        "received_on",
        "Date received",
        input.received_on.as_deref(),
        Some(today),
    );
    if let (Some(sent), Some(received)) = (sent_on, received_on) {
        if received < sent {
            f.error(
                "received_on",
                format!("Date received cannot be before the date sent ({sent})"),
            );
        }
    }
    let reference = f.optional_text(
        "reference",
        "The authority's reference",
        input.reference.as_deref(),
        100,
    );
    if let Some(owner) = input.owner_id {
        let member = crate::db::accounts::find_user(conn, owner)?
            .is_some_and(|u| u.active && u.organisation_id == organisation_id);
        if !member {
            f.error(
                "owner_id",
                "The owner must be an active member of the request's organisation",
            );
        }
    }
    let tags = tags(&mut f, &input.tags);
    f.finish(Valid {
        values: RequestValues {
            title,
            body,
            authority_id: input.authority_id.unwrap_or_default(),
            regime: regime.unwrap_or(Regime::Foia),
            sent_via: sent_via.unwrap_or(SentVia::Email),
            sent_on: sent_on.or(received_on),
            reference,
            owner_id: input.owner_id,
        },
        tags,
        received_on: received_on.or(sent_on),
    })
}

fn tags(f: &mut Fields, raw: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        match normalise_tag(tag) {
            Some(tag) if tag.chars().count() > MAX_TAG_LENGTH => f.error(
                "tags",
                format!("Tag \"{tag}\" is longer than {MAX_TAG_LENGTH} characters"),
            ),
            Some(tag) => {
                if !tags.contains(&tag) {
                    tags.push(tag)
                }
            }
            None => f.error(
                "tags",
                format!("Tag \"{tag}\" may use only letters, digits, spaces and hyphens"),
            ),
        }
    }
    if tags.len() > MAX_TAGS {
        f.error("tags", format!("A request can have at most {MAX_TAGS} tags"));
    }
    tags
}
