//! `/requests/{id}`: a request with its deadlines, timeline, documents and the forms that
//! record what happens next.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::events::EventForm;
use super::stored_page;
use crate::domain::account::Actor;
use crate::domain::regime::Regime;
use crate::domain::timeline::{EventKind, Status};
use crate::error::AppError;
use crate::tracker::request_detail::{self, RequestDetail};
use crate::web::auth::Credentials;
use crate::web::extract::PathId;
use crate::web::state::AppState;

/// What the request page shows around the request: the forms' values and errors.
#[derive(Default)]
pub struct PageForms {
    pub event: Value,
    pub event_errors: Map<String, Value>,
    pub send: Value,
    pub send_errors: Map<String, Value>,
    pub document_errors: Map<String, Value>,
    /// The indicators form as typed, and its errors.
    pub indicators: Option<String>,
    pub indicator_errors: Vec<String>,
    pub message: Option<String>,
    /// The kind of event chosen for the record form (`?kind=`), if not the one awaited.
    pub kind: Option<EventKind>,
    /// The reply being classified with the record form (`?reply=`): its message and why its
    /// kind was suggested.
    pub reply: Option<crate::tracker::inbox::Proposal>,
}

/// The grounds of `regime`'s law in groups a reader can scan, each named with the law
/// ("FOIA: qualified exemptions"): refusal grounds, absolute and qualified exemptions
/// (exceptions under the environmental regulations), and neither-confirm-nor-deny
/// provisions. Only the request's own law is offered, as only its grounds are accepted; each
/// group opens and closes (a `<details>`), open at first, so that a reader can fold away
/// what they do not need without a script.
fn ground_groups(regime: Regime, chosen: impl Fn(&str) -> bool) -> Vec<Value> {
    use crate::domain::exemptions::{self, ExemptionKind, ExemptionTest};
    let exemptions = if matches!(regime, Regime::Eir | Regime::Eisr) {
        "exceptions"
    } else {
        "exemptions"
    };
    let law = regime.short_name();
    let groups = [
        (
            "refusal",
            format!("{law}: refusal grounds (cost, vexatious, repeated)"),
        ),
        (
            "absolute",
            format!("{law}: absolute {exemptions} (no public interest test)"),
        ),
        (
            "qualified",
            format!("{law}: qualified {exemptions} (public interest test)"),
        ),
        ("ncnd", format!("{law}: neither confirm nor deny")),
    ];
    let group_of = |e: &exemptions::Exemption| match (e.kind, e.test) {
        (ExemptionKind::RefusalGround, _) => "refusal",
        (ExemptionKind::NeitherConfirmNorDeny, _) => "ncnd",
        (_, ExemptionTest::Absolute) => "absolute",
        _ => "qualified",
    };
    groups
        .iter()
        .filter_map(|(key, legend)| {
            let grounds: Vec<Value> = exemptions::for_regime(regime)
                .filter(|e| group_of(e) == *key)
                .map(|g| json!({"value": g.id, "citation": g.citation, "title": g.title, "selected": chosen(&g.id)}))
                .collect();
            (!grounds.is_empty()).then(|| json!({"key": key, "legend": legend, "count": grounds.len(), "grounds": grounds}))
        })
        .collect()
}

/// What the record form asks for an event of `kind`: an extension's date, a response's
/// outcome, grounds and promises, an appeal stage's references and its decision's outcome.
fn event_fields(kind: EventKind, regime: Regime, outcome: &Value) -> Value {
    use crate::domain::appeal::Stage;
    use crate::domain::response::Outcome;
    let option =
        |value: String, text: &str| json!({"selected": *outcome == value, "value": value, "text": text});
    let stage = Stage::of(kind);
    let outcomes: Vec<Value> = match stage {
        _ if kind == EventKind::Response => <Outcome as strum::VariantArray>::VARIANTS
            .iter()
            .map(|o| option(o.to_string(), o.label()))
            .collect(),
        Some((stage, true)) => stage
            .outcomes()
            .iter()
            .map(|o| option(o.to_string(), o.label()))
            .collect(),
        _ => Vec::new(),
    };
    json!({
        "extended_to": kind == EventKind::Extension,
        "response": kind == EventKind::Response,
        "reference": stage.map(|(s, _)| {
            let example = match s {
                Stage::Regulator => ", e.g. IC-123456-A1B2 at the ICO",
                Stage::Tribunal => ", e.g. EA/2023/0453",
                _ => "",
            };
            let label = s.reference_label();
            let mut hint = label[..1].to_uppercase();
            hint.push_str(&label[1..]);
            hint + example
        }),
        "decision_reference": kind == EventKind::RegulatorDecision,
        "outcomes": outcomes,
        "stage": stage.map(|(s, _)| s.name(regime)),
    })
}

pub fn show_page(detail: &RequestDetail, forms: PageForms) -> Value {
    let awaited = detail.schedule.awaited();
    let event = if forms.event.is_null() {
        let kind = forms.kind.unwrap_or(awaited);
        // Every field of the form, empty but for what is expected next and today.
        json!(EventForm {
            kind: kind.to_string(),
            occurred_on: detail.schedule.today.to_string(),
            ..EventForm::default()
        })
    } else {
        forms.event
    };
    let kind: EventKind = event["kind"]
        .as_str()
        .and_then(|k| k.parse().ok())
        .unwrap_or(awaited);
    let event_kinds: Vec<Value> = <EventKind as strum::VariantArray>::VARIANTS
        .iter()
        .filter(|k| **k != EventKind::Received || detail.schedule.status == Status::Draft)
        .map(|k| json!({"value": k.to_string(), "text": k.label(), "selected": *k == kind}))
        .collect();
    let chosen = |value: &str| {
        event["grounds"]
            .as_array()
            .is_some_and(|grounds| grounds.iter().any(|g| g == value))
    };
    let regime = detail.request.values.regime;
    let fields = event_fields(kind, regime, &event["outcome"]);
    let grounds = ground_groups(regime, chosen);
    let send = if forms.send.is_null() {
        json!({"sent_on": detail.schedule.today})
    } else {
        forms.send
    };
    // A response's table can be imported as figures; a subject access request holds none.
    let mut d = json!(detail);
    if detail.request.values.regime != crate::domain::regime::Regime::Sar {
        for document in d["documents"].as_array_mut().into_iter().flatten() {
            let table = document["filename"]
                .as_str()
                .is_some_and(crate::domain::spreadsheet::is_table);
            document["table"] = json!(table);
        }
    }
    json!({
        "title": detail.request.values.title, "nav": "requests", "d": d,
        "event": event, "event_errors": forms.event_errors, "event_kinds": event_kinds,
        "kind_label": kind.label(), "awaited": awaited.label(), "fields": fields,
        "ground_groups": grounds, "document_errors": forms.document_errors,
        "accepted_documents": crate::domain::document::accepted(),
        "send": send, "send_errors": forms.send_errors, "message": forms.message,
        "indicators_text": forms.indicators.unwrap_or_else(|| {
            detail.indicators.iter().map(|l| format!("{} {} {}", l.indicator_id, l.from, l.to)).collect::<Vec<_>>().join("\n")
        }),
        "indicator_errors": forms.indicator_errors,
        "reply": forms.reply.as_ref().map(|p| json!({
            "id": p.message.id, "sender": p.message.sender, "subject": p.message.subject,
            "arrived_at": p.message.arrived_at, "because": p.because,
            "suggested": p.event.kind.parse::<EventKind>().map(|k| k.label()).unwrap_or_default(),
        })),
    })
}

/// The record form for a reply being classified: as suggested, or, once the person chose
/// another kind, that kind dated and described as the reply.
fn classify_form(kind: Option<EventKind>, proposal: Option<crate::tracker::inbox::Proposal>) -> PageForms {
    let Some(proposal) = proposal else {
        return PageForms {
            kind,
            ..PageForms::default()
        };
    };
    let suggested = &proposal.event;
    let chosen = kind.map_or(suggested.kind.clone(), |k| k.to_string());
    let keep = chosen == suggested.kind;
    let form = EventForm {
        kind: chosen,
        occurred_on: suggested.occurred_on.clone(),
        details: suggested.details.clone().unwrap_or_default(),
        outcome: if keep {
            suggested.outcome.clone().unwrap_or_default()
        } else {
            String::new()
        },
        grounds: if keep {
            suggested.grounds.clone()
        } else {
            Vec::new()
        },
        reply: proposal.message.id.to_string(),
        ..EventForm::default()
    };
    PageForms {
        event: json!(form),
        kind,
        reply: Some(proposal),
        ..PageForms::default()
    }
}

/// `?kind=`: the kind of event the record form is for. An unknown kind is ignored: the form
/// offers the one the request is waiting for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct KindQuery {
    pub kind: String,
    /// A reply to classify with the record form.
    pub reply: String,
}

/// The request's page with everything on it (its WhatDoTheyKnow link too), as first shown
/// and as shown again after a refused change.
pub fn whole_page(
    conn: &mut crate::db::DbConnection,
    calendars: &crate::tracker::holidays::CalendarStore,
    caller: &crate::tracker::audit::Caller,
    today: chrono::NaiveDate,
    id: i32,
    forms: PageForms,
) -> Result<Value, AppError> {
    let detail = request_detail::show(conn, calendars, caller, today, id, crate::clock::now())?;
    let mut page = show_page(&detail, forms);
    page["wdtk"] = serde_json::json!(crate::tracker::wdtk::of_request(conn, caller, id)?);
    Ok(page)
}

pub async fn show(
    state: web::Data<AppState>,
    credentials: Credentials,
    query: web::Query<KindQuery>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let kind: Option<EventKind> = query.kind.parse().ok();
    let reply: Option<i32> = query.reply.parse().ok();
    // An auditor's every view of a subject access request is audited: never from the cache.
    let auditor = |a: &Actor| a.role == crate::domain::account::Role::Auditor;
    let mut key = match kind {
        Some(kind) => format!("/requests/{id}?kind={kind}"),
        None => format!("/requests/{id}"),
    };
    if let Some(reply) = reply {
        key.push_str(&format!("&reply={reply}"));
    }
    stored_page(
        &state,
        credentials,
        &key,
        auditor,
        move |conn, calendars, caller, today| {
            let proposal = match reply {
                Some(reply) => Some(crate::tracker::inbox::proposal(conn, caller, reply)?)
                    .filter(|p| p.message.request_id == Some(id)),
                None => None,
            };
            let forms = classify_form(kind, proposal);
            Ok((
                "requests/show",
                whole_page(conn, calendars, caller, today, id, forms)?,
            ))
        },
    )
    .await
}
