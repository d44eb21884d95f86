//! The OpenAPI schemas of input fields that the server reads as text (so that a form and the
//! API share one input type, and `Fields` names what is wrong) but that take only some words:
//! named enums, so that a generated client checks the word before sending it and names the type.

use std::borrow::Cow;

use utoipa::openapi::schema::{ObjectBuilder, Schema};
use utoipa::openapi::{RefOr, Type};

use super::input::names;
use crate::domain::appeal::AppealOutcome;
use crate::domain::response::Outcome;

/// A string schema that takes only `words`.
fn one_of(words: Vec<&'static str>, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(words))
        .description(Some(description))
        .into()
}

/// An event's `outcome`: a response's or an appeal stage's, in one set of words, so that a
/// generated client checks the word; which words an event's kind allows is checked by the
/// server.
pub struct EventOutcome;

impl utoipa::PartialSchema for EventOutcome {
    fn schema() -> RefOr<Schema> {
        let mut words = names::<Outcome>();
        words.extend(names::<AppealOutcome>());
        one_of(
            words,
            "For a response, how it answered (granted … withdrawn_by_authority); for an internal \
             review response, upheld, partly_overturned or overturned; for the regulator's decision, \
             complaint_upheld, partly_upheld, not_upheld or informally_resolved; for the tribunal's, \
             allowed, partly_allowed, dismissed or withdrawn.",
        )
    }
}

impl utoipa::ToSchema for EventOutcome {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventOutcome")
    }
}

/// A ground a response cites: a catalogue id (`GET /api/v1/exemptions` lists them).
pub struct GroundId;

impl utoipa::PartialSchema for GroundId {
    fn schema() -> RefOr<Schema> {
        let ids = crate::domain::exemptions::all()
            .iter()
            .map(|e| e.id.as_str())
            .collect();
        one_of(
            ids,
            "A ground of the catalogue, e.g. foia-s40-2 (GET /api/v1/exemptions).",
        )
    }
}

impl utoipa::ToSchema for GroundId {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("GroundId")
    }
}
