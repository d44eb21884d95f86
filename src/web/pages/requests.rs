//! Request pages: the list with filters, a request with its deadlines and timeline, and the
//! forms to create, edit and send one.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{always, done, errors, form_again, is_form_error, options, page, stored_page};
use crate::db::accounts::User;
use crate::db::authorities::Authority;
use crate::db::DbConnection;
use crate::domain::account::Actor;
use crate::domain::regime::Regime;
use crate::domain::request::SentVia;
use crate::domain::timeline::{EventKind, Status};
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::request_detail::{self, RequestDetail};
use crate::tracker::request_list::{self, ListQuery};
use crate::tracker::requests::{self, RequestInput};
use crate::tracker::{self, authorities};
use crate::web::auth::{Credentials, Posted, Who};
use crate::web::extract::{id, query_string, with_db};
use crate::web::state::AppState;
use crate::web::view;

/// The request form as the browser posts it: every field as typed, so that a mistake is
/// shown back to its author unchanged.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    pub title: String,
    pub body: String,
    pub authority_id: String,
    pub regime: String,
    pub sent_via: String,
    pub sent_on: String,
    pub received_on: String,
    pub reference: String,
    pub owner_id: String,
    pub tags: String,
}

impl RequestForm {
    fn input(&self) -> RequestInput {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        RequestInput {
            title: self.title.clone(),
            body: self.body.clone(),
            authority_id: self.authority_id.trim().parse().ok(),
            regime: some(&self.regime),
            sent_via: some(&self.sent_via),
            sent_on: some(&self.sent_on),
            received_on: some(&self.received_on),
            reference: some(&self.reference),
            owner_id: self.owner_id.trim().parse().ok(),
            tags: self.tags.split(',').map(str::to_string).collect(),
        }
    }

    fn of(detail: &RequestDetail) -> RequestForm {
        let r = &detail.request;
        RequestForm {
            title: r.title.clone(),
            body: r.body.clone(),
            authority_id: r.authority_id.to_string(),
            regime: r.regime.to_string(),
            sent_via: r.sent_via.to_string(),
            sent_on: r.sent_on.map(|d| d.to_string()).unwrap_or_default(),
            received_on: String::new(),
            reference: r.reference.clone().unwrap_or_default(),
            owner_id: r.owner_id.map(|o| o.to_string()).unwrap_or_default(),
            tags: detail.tags.join(", "),
        }
    }
}

fn authority_choices(authorities: &[Authority], selected: &str) -> Vec<Value> {
    authorities
        .iter()
        .map(|a| json!({"id": a.id, "name": a.name, "selected": a.id.to_string() == selected.trim()}))
        .collect()
}

/// What the request form needs besides the form: the authorities and the organisation's members.
fn choices(
    conn: &mut DbConnection,
    caller: &Caller,
    organisation: Option<i32>,
) -> Result<(Vec<Authority>, Vec<User>), AppError> {
    let organisation = organisation.or(caller.actor.as_ref().map(|a| a.organisation_id));
    let members = match organisation {
        Some(id) => tracker::accounts::members(conn, id)?,
        None => Vec::new(),
    };
    Ok((authorities::list(conn, caller)?, members))
}

fn form_page(
    (authorities, members): &(Vec<Authority>, Vec<User>),
    form: &RequestForm,
    errors: Map<String, Value>,
    existing: Option<i32>,
) -> Value {
    let (heading, action, button, cancel) = match existing {
        None => (
            "New request".to_string(),
            "/requests".to_string(),
            "Save",
            "/requests".to_string(),
        ),
        Some(id) => (
            "Edit request".to_string(),
            format!("/requests/{id}"),
            "Save changes",
            format!("/requests/{id}"),
        ),
    };
    let owners: Vec<Value> = members
        .iter()
        .filter(|m| m.active)
        .map(|m| json!({"id": m.id, "name": m.name, "selected": m.id.to_string() == form.owner_id.trim()}))
        .collect();
    json!({
        "title": heading, "heading": heading, "nav": if existing.is_none() { "new" } else { "requests" },
        "action": action, "button": button, "cancel": cancel, "is_new": existing.is_none(),
        "form": form, "errors": errors, "owners": owners,
        "authorities": authority_choices(authorities, &form.authority_id),
        "regimes": options::<Regime>(Regime::short_name),
        "sent_vias": options::<SentVia>(SentVia::label),
    })
}

pub async fn new(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<Map<String, Value>>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    tracker::access::require(&caller, crate::domain::account::Actor::files_requests)?;
    let data = with_db(&state, move |conn, _, _| choices(conn, &caller, None)).await?;
    let form = RequestForm {
        authority_id: query
            .get("authority_id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        sent_via: SentVia::Email.to_string(),
        ..RequestForm::default()
    };
    page(
        &state,
        &who,
        "requests/form",
        form_page(&data, &form, Map::new(), None),
    )
}

pub async fn create(
    state: web::Data<AppState>,
    posted: Posted<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let input = form.input();
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        requests::create(conn, calendars, &caller, today, &input, crate::clock::now())
    })
    .await;
    match result {
        Ok(id) => Ok(done(&state, &format!("/requests/{id}"), "request-saved")),
        Err(error) if is_form_error(&error) => {
            let caller = who.caller();
            let data = with_db(&state, move |conn, _, _| choices(conn, &caller, None)).await?;
            form_again(
                &state,
                &who,
                &error,
                "requests/form",
                form_page(&data, &form, errors(&error), None),
            )
        }
        Err(error) => Err(error),
    }
}

pub async fn edit(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let caller = who.caller();
    let (detail, data) = with_db(&state, move |conn, calendars, today| {
        let detail = request_detail::show(conn, calendars, &caller, today, id, crate::clock::now())?;
        if !detail.writable {
            return Err(AppError::Forbidden(
                "Only researchers and coordinators of the request's organisation can change it".into(),
            ));
        }
        let data = choices(conn, &caller, Some(detail.request.organisation_id))?;
        Ok((detail, data))
    })
    .await?;
    let form = RequestForm::of(&detail);
    page(
        &state,
        &who,
        "requests/form",
        form_page(&data, &form, Map::new(), Some(id)),
    )
}

pub async fn update(
    state: web::Data<AppState>,
    path: web::Path<String>,
    posted: Posted<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let Posted { form, who } = posted;
    let mut input = form.input();
    input.received_on = None;
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        requests::update(conn, calendars, &caller, today, id, &input, crate::clock::now())
    })
    .await;
    match result {
        Ok(()) => Ok(done(&state, &format!("/requests/{id}"), "request-saved")),
        Err(error) if is_form_error(&error) => {
            let caller = who.caller();
            let data = with_db(&state, move |conn, _, _| {
                let organisation = requests::get(conn, id)?.organisation_id;
                choices(conn, &caller, Some(organisation))
            })
            .await?;
            form_again(
                &state,
                &who,
                &error,
                "requests/form",
                form_page(&data, &form, errors(&error), Some(id)),
            )
        }
        Err(error) => Err(error),
    }
}

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
                .map(|g| json!({"value": g.id, "citation": g.citation, "title": g.title, "selected": chosen(g.id)}))
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
        json!({"kind": kind, "occurred_on": detail.schedule.today})
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
    let regime = detail.request.regime;
    let fields = event_fields(kind, regime, &event["outcome"]);
    let grounds = ground_groups(regime, chosen);
    let send = if forms.send.is_null() {
        json!({"sent_on": detail.schedule.today})
    } else {
        forms.send
    };
    // A response's table can be imported as figures; a subject access request holds none.
    let mut d = json!(detail);
    if detail.request.regime != crate::domain::regime::Regime::Sar {
        for document in d["documents"].as_array_mut().into_iter().flatten() {
            let table = document["filename"]
                .as_str()
                .is_some_and(crate::domain::spreadsheet::is_table);
            document["table"] = json!(table);
        }
    }
    json!({
        "title": detail.request.title, "nav": "requests", "d": d,
        "event": event, "event_errors": forms.event_errors, "event_kinds": event_kinds,
        "kind_label": kind.label(), "awaited": awaited.label(), "fields": fields,
        "ground_groups": grounds, "document_errors": forms.document_errors,
        "accepted_documents": crate::domain::document::accepted(),
        "send": send, "send_errors": forms.send_errors, "message": forms.message,
        "indicators_text": forms.indicators.unwrap_or_else(|| {
            detail.indicators.iter().map(|(i, from, to)| format!("{i} {from} {to}")).collect::<Vec<_>>().join("\n")
        }),
        "indicator_errors": forms.indicator_errors,
    })
}

/// `?kind=`: the kind of event the record form is for. An unknown kind is ignored: the form
/// offers the one the request is waiting for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct KindQuery {
    pub kind: String,
}

pub async fn show(
    state: web::Data<AppState>,
    credentials: Credentials,
    path: web::Path<String>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let kind: Option<EventKind> = query.kind.parse().ok();
    // An auditor's every view of a subject access request is audited: never from the cache.
    let auditor = |a: &Actor| a.role == crate::domain::account::Role::Auditor;
    let key = match kind {
        Some(kind) => format!("/requests/{id}?kind={kind}"),
        None => format!("/requests/{id}"),
    };
    stored_page(
        &state,
        credentials,
        &key,
        auditor,
        move |conn, calendars, caller, today| {
            let detail = request_detail::show(conn, calendars, caller, today, id, crate::clock::now())?;
            let forms = PageForms {
                kind,
                ..PageForms::default()
            };
            Ok(("requests/show", show_page(&detail, forms)))
        },
    )
    .await
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SendForm {
    pub sent_on: String,
    pub received_on: String,
}

pub async fn send(
    state: web::Data<AppState>,
    path: web::Path<String>,
    posted: Posted<SendForm>,
) -> Result<HttpResponse, AppError> {
    let id = id(&path)?;
    let Posted { form, who } = posted;
    let (sent, received) = (form.sent_on.clone(), form.received_on.clone());
    let caller = who.caller();
    let result = with_db(&state, move |conn, calendars, today| {
        let received = Some(received.as_str()).filter(|r| !r.trim().is_empty());
        requests::send(
            conn,
            calendars,
            &caller,
            today,
            id,
            &sent,
            received,
            crate::clock::now(),
        )
    })
    .await;
    match result {
        Ok(()) => Ok(done(&state, &format!("/requests/{id}"), "request-sent")),
        Err(error) if is_form_error(&error) => {
            let caller = who.caller();
            let detail = with_db(&state, move |conn, calendars, today| {
                request_detail::show(conn, calendars, &caller, today, id, crate::clock::now())
            })
            .await?;
            let forms = PageForms {
                send: json!(form),
                send_errors: errors(&error),
                ..PageForms::default()
            };
            form_again(&state, &who, &error, "requests/show", show_page(&detail, forms))
        }
        Err(error) => Err(error),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    credentials: Credentials,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (query, error) = match serde_urlencoded::from_str::<ListQuery>(request.query_string()) {
        Ok(query) => match query.validate() {
            Ok(_) => {
                let key = format!("/requests?{}", request.query_string());
                return stored_page(
                    &state,
                    credentials,
                    &key,
                    always,
                    move |conn, calendars, caller, today| {
                        let page = request_list::list(conn, calendars, caller, today, &query)?;
                        Ok((
                            "requests/list",
                            list_page(conn, caller, &query, Some(page), Map::new())?,
                        ))
                    },
                )
                .await;
            }
            Err(error) => (query, error),
        },
        Err(e) => {
            let message = format!("The filters could not be read: {e}");
            (
                ListQuery::default(),
                AppError::BadRequest { field: None, message },
            )
        }
    };
    // Filters that cannot be read or are wrong: shown back beside their fields, never cached.
    let who = with_db(&state, move |conn, _, _| {
        credentials.resolve(conn, crate::clock::now())
    })
    .await?;
    let caller = who.caller();
    tracker::access::require(&caller, |_| true)?;
    if !is_form_error(&error) {
        return Err(error);
    }
    let shown = errors(&error);
    let data = with_db(&state, move |conn, _, _| {
        list_page(conn, &caller, &query, None, shown)
    })
    .await?;
    form_again(&state, &who, &error, "requests/list", data)
}

fn list_page(
    conn: &mut DbConnection,
    caller: &Caller,
    query: &ListQuery,
    page: Option<request_list::RequestPage>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let authorities = authorities::list(conn, caller)?;
    let tags = request_list::all_tags(conn, caller)?;
    let link = |number: i64| {
        let mut q = query.clone();
        q.page = Some(number.to_string());
        format!(
            "/requests?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    let (prev, next) = match &page {
        Some(p) => (
            (p.page > 1).then(|| link(p.page - 1)),
            (p.page < p.pages).then(|| link(p.page + 1)),
        ),
        None => (None, None),
    };
    let mut whole = query.clone();
    whole.page = None;
    let csv = format!(
        "/requests.csv?{}",
        serde_urlencoded::to_string(&whole).unwrap_or_default()
    );
    let page = page.map(|p| {
        let rows: Vec<Value> = p.items.iter().map(view::summary).collect();
        json!({"total": p.total, "page": p.page, "pages": p.pages, "rows": rows})
    });
    Ok(json!({
        "title": "Requests", "nav": "requests",
        "page": page, "errors": errors, "query": query,
        "overdue": query.overdue.as_deref().is_some_and(|o| matches!(o, "true" | "1" | "on")),
        "mine": query.mine.as_deref().is_some_and(|o| matches!(o, "ours" | "true" | "on")),
        "statuses": crate::tracker::input::names::<Status>(),
        "regimes": crate::tracker::input::names::<Regime>(),
        "tags": tags,
        "authorities": authority_choices(&authorities, query.authority_id.as_deref().unwrap_or_default()),
        "prev": prev, "next": next, "csv": csv, "columns": columns(query),
    }))
}

/// The list's column headings, the sortable ones as links that sort by them (and again
/// the other way round), the sorted one saying which way.
fn columns(query: &ListQuery) -> Vec<Value> {
    let current = query.sort.as_deref().map(str::trim).unwrap_or_default();
    let heading = |label: &str, key: Option<&str>| {
        let Some(key) = key else {
            return json!({"label": label});
        };
        // The latest sent first reads as descending; every other order starts ascending.
        let (first, second) = if key == "sent" {
            ("descending", "ascending")
        } else {
            ("ascending", "descending")
        };
        let reversed = format!("-{key}");
        let (sort, next) = if current == key {
            (Some(first), reversed.as_str())
        } else if current == reversed {
            (Some(second), key)
        } else {
            (None, key)
        };
        let mut q = query.clone();
        q.sort = Some(next.to_string());
        q.page = None;
        let href = format!(
            "/requests?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        );
        json!({"label": label, "href": href, "sort": sort})
    };
    vec![
        heading("Request", Some("title")),
        heading("Authority", Some("authority")),
        heading("Status", None),
        heading("Sent", Some("sent")),
        heading("Next deadline", Some("due")),
    ]
}

/// `GET /requests.csv`: the filtered list in its order, every page, as the list shows it.
pub async fn export(
    state: web::Data<AppState>,
    who: Who,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query: ListQuery = query_string(&request, "The filters")?;
    let caller = who.caller();
    let rows = with_db(&state, move |conn, calendars, today| {
        request_list::export(conn, calendars, &caller, today, &query)
    })
    .await?;
    let header = [
        "Id",
        "Title",
        "Authority",
        "Regime",
        "Status",
        "Overdue",
        "Sent",
        "Next deadline",
        "Due",
        "Working days late",
        "Tags",
    ];
    let lines = rows.iter().map(|s| {
        let next = view::next_deadlines(&s.schedule);
        let first = next.first();
        let text = |key: &str| {
            first.and_then(|n| n.get(key)).map(|v| match v {
                Value::String(t) => t.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
        };
        vec![
            s.request.id.to_string(),
            s.request.title.clone(),
            s.authority.0.clone(),
            s.request.regime.short_name().to_string(),
            s.schedule.status.label().to_string(),
            if s.schedule.overdue { "yes" } else { "no" }.to_string(),
            s.request.sent_on.map(|d| d.to_string()).unwrap_or_default(),
            text("label").unwrap_or_default(),
            text("due").unwrap_or_default(),
            text("late").unwrap_or_default(),
            s.tags.join(", "),
        ]
    });
    super::csv_attachment("requests.csv", &header, lines)
}
