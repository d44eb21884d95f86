//! The OpenAPI schemas of input fields that the server reads as text (so that a form and the
//! API share one input type, and `Fields` names what is wrong) but that take only some words:
//! a generated client then checks them before sending.

use super::input::names;

/// The OpenAPI schema of an event's `outcome`: a response's outcome or an appeal stage's, or
/// null. One enum, so that a generated client checks the word; which words an event's kind
/// allows is checked by the server.
pub fn outcome_schema() -> utoipa::openapi::schema::Object {
    use crate::domain::appeal::AppealOutcome;
    use crate::domain::response::Outcome;
    let mut words: Vec<serde_json::Value> = names::<Outcome>().into_iter().map(Into::into).collect();
    words.extend(names::<AppealOutcome>().into_iter().map(Into::into));
    words.push(serde_json::Value::Null);
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            utoipa::openapi::Type::String,
            utoipa::openapi::Type::Null,
        ]))
        .enum_values(Some(words))
        .description(Some(
            "For a response, how it answered (granted … withdrawn_by_authority); for an internal \
             review response, upheld, partly_overturned or overturned; for the regulator's decision, \
             complaint_upheld, partly_upheld, not_upheld or informally_resolved; for the tribunal's, \
             allowed, partly_allowed, dismissed or withdrawn.",
        ))
        .build()
}

/// The OpenAPI schema of a response's `grounds`: catalogue ids (`GET /api/v1/exemptions`
/// lists them), in the order the response cites them.
pub fn grounds_schema() -> utoipa::openapi::schema::Array {
    let ids: Vec<serde_json::Value> = crate::domain::exemptions::all()
        .iter()
        .map(|e| e.id.into())
        .collect();
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::Type::String)
                .enum_values(Some(ids)),
        )
        .description(Some(
            "For a response, the grounds it cited, as catalogue ids (e.g. foia-s40-2), in order.",
        ))
        .build()
}
