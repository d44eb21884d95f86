//! The audit trail, on both backends. Every change made through the pages, the API or the
//! command line leaves exactly one entry, written with it: who, when, from where, the action,
//! the entity, and its fields before and after. A subject access request's personal data is
//! recorded by name only. Auditors browse, filter and export the trail; nothing edits or
//! deletes it.

use crate::support;

use crate::support::{browser, input_value, location, Session, TestApp, ORGANISATION, PASSWORD};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use foi_tracker::clock::now;
use foi_tracker::db::audit::{self, AuditEntry, AuditFilter, NewEntry};
use foi_tracker::tracker::api_tokens;
use foi_tracker::tracker::audit::{Caller, WITHHELD};
use foi_tracker::tracker::two_factor;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The whole trail, oldest first, read straight from the database.
fn trail(app: &TestApp) -> Vec<AuditEntry> {
    let (mut entries, total) =
        audit::list(&mut app.connection(), &AuditFilter::default(), i64::MAX, 0).unwrap();
    assert_eq!(entries.len() as i64, total);
    entries.reverse();
    entries
}

/// Where the trail stood, and the time, just before a change.
struct Mark {
    id: i32,
    at: NaiveDateTime,
}

fn mark(app: &TestApp) -> Mark {
    Mark {
        id: trail(app).last().map_or(0, |e| e.id),
        at: now(),
    }
}

/// The entries written since `mark`, oldest first; each must be dated between the mark and now.
fn since(app: &TestApp, mark: &Mark) -> Vec<AuditEntry> {
    let until = now();
    let entries: Vec<AuditEntry> = trail(app).into_iter().filter(|e| e.id > mark.id).collect();
    for e in &entries {
        assert!(
            mark.at <= e.at && e.at <= until,
            "entry {} is dated {}, not between {} and {}",
            e.id,
            e.at,
            mark.at,
            until
        );
    }
    entries
}

/// What an entry says, but its id and time.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    actor: String,
    user_id: Option<i32>,
    client: Option<String>,
    action: String,
    entity: String,
    entity_id: Option<i32>,
    before: Option<Value>,
    after: Option<Value>,
}

impl From<&AuditEntry> for Entry {
    fn from(e: &AuditEntry) -> Entry {
        Entry {
            actor: e.actor.clone(),
            user_id: e.user_id,
            client: e.client.clone(),
            action: e.action.clone(),
            entity: e.entity.clone(),
            entity_id: e.entity_id,
            before: e.before.clone(),
            after: e.after.clone(),
        }
    }
}

/// Who acted, as the trail names them.
#[derive(Debug, Clone)]
struct By {
    actor: String,
    user_id: Option<i32>,
    client: Option<String>,
}

/// A signed-in user over HTTP: the tests' server sees them at the loopback address.
fn web_user(email: &str, id: i32) -> By {
    By {
        actor: email.into(),
        user_id: Some(id),
        client: Some("127.0.0.1".into()),
    }
}

/// An administrator at the server's command line.
fn command_line() -> By {
    By {
        actor: "command line".into(),
        user_id: None,
        client: None,
    }
}

/// Someone over HTTP who is not signed in.
fn anonymous() -> By {
    By {
        actor: "anonymous".into(),
        user_id: None,
        client: Some("127.0.0.1".into()),
    }
}

impl By {
    fn did(
        &self,
        action: &str,
        entity: &str,
        entity_id: Option<i32>,
        before: Option<Value>,
        after: Option<Value>,
    ) -> Entry {
        Entry {
            actor: self.actor.clone(),
            user_id: self.user_id,
            client: self.client.clone(),
            action: action.into(),
            entity: entity.into(),
            entity_id,
            before,
            after,
        }
    }
}

/// Asserts that exactly `expected` was written since `mark`, in that order; returns it.
#[track_caller]
fn assert_written(app: &TestApp, mark: &Mark, expected: &[Entry]) -> Vec<AuditEntry> {
    let written = since(app, mark);
    let seen: Vec<Entry> = written.iter().map(Entry::from).collect();
    assert_eq!(seen, expected);
    written
}

/// The ids of the entries that contain `text` anywhere.
fn holding(app: &TestApp, text: &str) -> Vec<i32> {
    let shown = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    trail(app)
        .iter()
        .filter(|e| {
            [
                e.actor.clone(),
                e.client.clone().unwrap_or_default(),
                e.action.clone(),
                e.entity.clone(),
                shown(&e.before),
                shown(&e.after),
            ]
            .iter()
            .any(|field| field.contains(text))
        })
        .map(|e| e.id)
        .collect()
}

fn user_id(app: &TestApp, email: &str) -> i32 {
    foi_tracker::db::accounts::find_user_by_email(&mut app.connection(), email)
        .unwrap()
        .unwrap_or_else(|| panic!("no user {email}"))
        .id
}

fn organisation_of(app: &TestApp, email: &str) -> i32 {
    foi_tracker::db::accounts::find_user_by_email(&mut app.connection(), email)
        .unwrap()
        .unwrap()
        .organisation_id
}

fn owner_of(app: &TestApp, request: i32) -> Option<i32> {
    foi_tracker::db::requests::find(&mut app.connection(), request)
        .unwrap()
        .unwrap()
        .owner_id
}

fn id_of(value: &Value) -> i32 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}")) as i32
}

async fn json_of(response: reqwest::Response, expected: StatusCode) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, expected, "{body}");
    body
}

/// The secret at the end of a one-time link shown on a page, e.g. `/invitations/{secret}`.
fn link_secret(page: &str, path: &str) -> String {
    let marker = format!("/{path}/");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} link in {page}"))
        + marker.len();
    page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// Sets a password through an invitation or reset link, as a browser does.
async fn use_link(app: &TestApp, path: &str, secret: &str, password: &str) {
    let client = browser();
    let url = app.url(&format!("/{path}/{secret}"));
    let page = support::page_text(&client, &url).await;
    let csrf = input_value(&page, "csrf").expect("the link's page has a form");
    let response = client
        .post(&url)
        .form(&[
            ("csrf", csrf.as_str()),
            ("password", password),
            ("confirm", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "setting a password at /{path}/"
    );
}

/// A browser at the sign-in form: it posts an email and password and answers with the status
/// and where it was sent.
async fn try_sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> (StatusCode, String) {
    let response = app.sign_in_form(client, email, password).await;
    (response.status(), location(&response))
}

/// The CSRF token of a signed-in browser's forms.
async fn csrf_of(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let page = support::page_text(client, app.url(path)).await;
    input_value(&page, "csrf").unwrap_or_else(|| panic!("no form on {path}: {page}"))
}

/// The bundled gov.uk file with one more day proclaimed in England and Wales.
fn holidays_with(date: &str, title: &str) -> String {
    let mut file: Value = serde_json::from_str(include_str!("../../data/bank-holidays.json")).unwrap();
    file["england-and-wales"]["events"]
        .as_array_mut()
        .unwrap()
        .push(json!({"title": title, "date": date, "notes": "", "bunting": true}));
    file.to_string()
}

/// "2012 to 2028": the years a gov.uk file covers.
fn years_of(file: &str) -> String {
    let file: Value = serde_json::from_str(file).unwrap();
    let years: std::collections::BTreeSet<String> = file
        .as_object()
        .unwrap()
        .values()
        .flat_map(|division| division["events"].as_array().unwrap().iter())
        .map(|event| event["date"].as_str().unwrap()[..4].to_string())
        .collect();
    format!("{} to {}", years.first().unwrap(), years.last().unwrap())
}

/// An entry as the audit page shows it: when, who, from where, the action, the entity (the
/// changes, field by field, are read by `changes`).
fn shown(e: &AuditEntry) -> Vec<String> {
    vec![
        e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
        e.actor.clone(),
        e.client.clone().unwrap_or_default(),
        e.action.clone(),
        match e.entity_id {
            Some(id) => format!("{} {id}", e.entity),
            None => e.entity.clone(),
        },
    ]
}

fn unescape(html: &str) -> String {
    html.replace("<code>", "")
        .replace("</code>", "")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#x3D;", "=")
        .replace("&#x60;", "`")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The rows of the audit page's table, each cell as text, but the changes.
fn rows(page: &str) -> Vec<Vec<String>> {
    cells(page)
        .into_iter()
        .map(|row| row.into_iter().take(5).collect())
        .collect()
}

/// The changes column of each row of the audit page, as text, one change a line.
fn changes(page: &str) -> Vec<String> {
    cells(page)
        .into_iter()
        .map(|row| {
            row[5]
                .replace("</li><li>", "\n")
                .replace("<span class=\"field\">", "")
                .replace("</span>", "")
        })
        .map(|text| {
            text.replace("<ul class=\"changes\"><li>", "")
                .replace("</li></ul>", "")
        })
        .collect()
}

/// Each cell of each row of the audit page's table, as text.
fn cells(page: &str) -> Vec<Vec<String>> {
    let Some(start) = page.find("<tbody>") else {
        return Vec::new();
    };
    let end = start + page[start..].find("</tbody>").unwrap();
    page[start..end]
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    let inside = &cell[cell.find('>').unwrap() + 1..];
                    unescape(inside.split("</td>").next().unwrap())
                })
                .collect()
        })
        .collect()
}

/// What the first page of the trail must show for a filter: the matching entries, newest
/// first, 50 at most.
fn first_page(all: &[AuditEntry], keep: impl Fn(&AuditEntry) -> bool) -> Vec<Vec<String>> {
    all.iter().rev().filter(|e| keep(e)).take(50).map(shown).collect()
}

/// The trail's CSV export: its header and its rows.
async fn export(who: &Session, query: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let response = who.get(&format!("/audit.csv{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(kind.starts_with("text/csv"), "{kind}");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let body = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// An entry as the CSV export writes it.
fn csv_row(e: &AuditEntry) -> Vec<String> {
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    vec![
        e.id.to_string(),
        e.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        number(e.user_id),
        e.actor.clone(),
        e.client.clone().unwrap_or_default(),
        e.action.clone(),
        e.entity.clone(),
        number(e.entity_id),
        json(&e.before),
        json(&e.after),
    ]
}

/// A code from an authenticator app that is certainly not accepted now.
fn wrong_code(secret: &str, email: &str) -> String {
    let totp = two_factor::totp(secret, email).unwrap();
    let t = chrono::Utc::now().timestamp() as u64;
    let accepted: Vec<String> = [t - 60, t - 30, t, t + 30, t + 60]
        .iter()
        .map(|t| totp.generate(*t).to_string())
        .collect();
    (0..)
        .map(|n| format!("{:06}", 123_456 + n))
        .find(|c| !accepted.contains(c))
        .unwrap()
}

on_both_backends! {
    async fn each_change_reads_as_field_old_and_new(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({"title": "Beds in safe houses", "body": "Please.", "authority_id": home_office, "sent_on": "2026-05-01", "tags": ["support"]}))
            .await;
        let id = created["id"].as_i64().unwrap();
        let response = app
            .put_json(&format!("/api/v1/requests/{id}"), &json!({
                "title": "Beds in refuges", "body": "Please.", "authority_id": home_office, "regime": "foia",
                "sent_via": "email", "sent_on": "2026-05-01", "reference": null, "owner_id": created["owner_id"], "tags": ["support"],
            }))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let page = auditor.text(&format!("/audit?entity=request&entity_id={id}")).await;
        let shown = changes(&page);
        assert_eq!(shown[0], "Title: Beds in safe houses → Beds in refuges", "only what changed: {page}");
        let created = &shown[1];
        for line in ["Title: Beds in safe houses", "Regime: FOIA", "Sent via: Email", "Sent on: Fri 1 May 2026", "Tags: support", "Reference: (none)"] {
            assert!(created.lines().any(|l| l == line), "a creation's new values: {line:?} in {created}");
        }
        assert!(!page.contains("{&quot;"), "no raw JSON");
    }

    async fn requests_and_events_leave_one_entry_per_change(app) {
        let me = user_id(&app, &app.email);
        let organisation = organisation_of(&app, &app.email);
        let by = web_user(&app.email, me);
        let home_office = app.authority("Home Office").await as i32;

        // Created through the API: no before, the request as stored after.
        let m = mark(&app);
        let created = app
            .create_request(json!({
                "title": "Potential victims in detention, 2026 Q1",
                "body": "Please provide the number of potential victims detained in 2026 Q1.",
                "authority_id": home_office, "sent_on": "2026-05-01", "reference": "FOI-2026-0042",
                "tags": ["Detention", "nrm"],
            }))
            .await;
        let id = id_of(&created);
        let as_created = json!({
            "title": "Potential victims in detention, 2026 Q1",
            "body": "Please provide the number of potential victims detained in 2026 Q1.",
            "authority_id": home_office, "regime": "foia", "sent_via": "email", "sent_on": "2026-05-01",
            "reference": "FOI-2026-0042", "organisation_id": organisation, "owner_id": me,
            "tags": ["detention", "nrm"],
        });
        assert_written(&app, &m, &[by.did("create", "request", Some(id), None, Some(as_created.clone()))]);

        // Edited: the old title before, the new one after.
        let m = mark(&app);
        let response = app
            .put_json(
                &format!("/api/v1/requests/{id}"),
                &json!({
                    "title": "Potential victims in immigration detention, 2026 Q1",
                    "body": "Please provide the number of potential victims detained in 2026 Q1.",
                    "authority_id": home_office, "regime": "foia", "sent_via": "email", "sent_on": "2026-05-01",
                    "reference": "FOI-2026-0042/R", "owner_id": me, "tags": ["detention"],
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let mut as_edited = as_created.clone();
        as_edited["title"] = json!("Potential victims in immigration detention, 2026 Q1");
        as_edited["reference"] = json!("FOI-2026-0042/R");
        as_edited["tags"] = json!(["detention"]);
        assert_written(
            &app,
            &m,
            &[by.did("update", "request", Some(id), Some(as_created), Some(as_edited))],
        );

        // A refused edit changes nothing, and writes nothing.
        let m = mark(&app);
        let response = app
            .put_json(&format!("/api/v1/requests/{id}"), &json!({"title": "", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_written(&app, &m, &[]);

        // A draft, then sent from its page.
        let m = mark(&app);
        let draft = id_of(&app.create_request(json!({"title": "Draft", "body": "B", "authority_id": home_office})).await);
        let draft_values = json!({
            "title": "Draft", "body": "B", "authority_id": home_office, "regime": "foia", "sent_via": "email",
            "sent_on": null, "reference": null, "organisation_id": organisation, "owner_id": me, "tags": [],
        });
        assert_written(&app, &m, &[by.did("create", "request", Some(draft), None, Some(draft_values))]);
        let m = mark(&app);
        let response = app
            .post_form(&format!("/requests/{draft}/send"), &[("sent_on", "2026-05-05"), ("received_on", "2026-05-06")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(
            &app,
            &m,
            &[by.did(
                "send",
                "request",
                Some(draft),
                Some(json!({"sent_on": null, "status": "draft"})),
                Some(json!({"sent_on": "2026-05-05", "received_on": "2026-05-06"})),
            )],
        );
        // Sending it again is refused, and writes nothing.
        let m = mark(&app);
        let response = app.post_form(&format!("/requests/{draft}/send"), &[("sent_on", "2026-05-07")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_written(&app, &m, &[]);

        // An event through the API, another from the request's page.
        let m = mark(&app);
        let added = json_of(
            app.post_json(
                &format!("/api/v1/requests/{id}/events"),
                &json!({"kind": "acknowledged", "occurred_on": "2026-05-05", "details": "Acknowledged by email"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let acknowledged = id_of(&added["event"]);
        let acknowledged_values = json!({
            "request_id": id, "kind": "acknowledged", "occurred_on": "2026-05-05", "extended_to": null,
            "details": "Acknowledged by email",
        });
        assert_written(&app, &m, &[by.did("create", "event", Some(acknowledged), None, Some(acknowledged_values.clone()))]);

        let m = mark(&app);
        let response = app
            .post_form(
                &format!("/requests/{id}/events"),
                &[("kind", "response"), ("occurred_on", "2026-05-29"), ("extended_to", ""), ("details", "Refused under s.12")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let response_event = id_of(events.as_array().unwrap().last().unwrap());
        let response_values = json!({
            "request_id": id, "kind": "response", "occurred_on": "2026-05-29", "extended_to": null,
            "details": "Refused under s.12",
        });
        assert_written(&app, &m, &[by.did("create", "event", Some(response_event), None, Some(response_values.clone()))]);

        // Taken back, last first: through the API, then from the page. The event is before,
        // nothing after.
        let m = mark(&app);
        let response = app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[by.did("delete", "event", Some(response_event), Some(response_values), None)]);
        let m = mark(&app);
        let response = app.post_form(&format!("/requests/{id}/events/remove-last"), &[("confirm", "yes")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(&app, &m, &[by.did("delete", "event", Some(acknowledged), Some(acknowledged_values), None)]);

        // An event that does not fit the timeline is refused, and writes nothing.
        let m = mark(&app);
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/events"), &json!({"kind": "internal_review_response", "occurred_on": "2026-05-20"}))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_written(&app, &m, &[]);
    }

    async fn a_subject_access_request_is_recorded_by_field_name_only(app) {
        let me = user_id(&app, &app.email);
        let organisation = organisation_of(&app, &app.email);
        let by = web_user(&app.email, me);
        let home_office = app.authority("Home Office").await as i32;
        let personal = [
            "Jane Doe's own Home Office file",
            "Please send all personal data held about Jane Doe, born 1 April 1990.",
            "SAR-JD-0001",
            "jane-doe",
            "Jane Doe's file, second request",
            "SAR-JD-0002",
            "Copy of Jane Doe's passport enclosed",
        ];

        let m = mark(&app);
        let created = app
            .create_request(json!({
                "title": personal[0], "body": personal[1], "authority_id": home_office, "regime": "sar",
                "sent_on": "2026-05-01", "reference": personal[2], "tags": [personal[3]],
            }))
            .await;
        let sar = id_of(&created);
        // Stored as given: only the trail withholds them.
        assert_eq!(created["title"], personal[0]);
        assert_eq!(created["tags"], json!([personal[3]]));
        let recorded = json!({
            "title": WITHHELD, "body": WITHHELD, "authority_id": home_office, "regime": "sar", "sent_via": "email",
            "sent_on": "2026-05-01", "reference": WITHHELD, "organisation_id": organisation, "owner_id": me,
            "tags": WITHHELD,
        });
        assert_written(&app, &m, &[by.did("create", "request", Some(sar), None, Some(recorded.clone()))]);

        // Edited: the personal fields are named on both sides, the others shown as they were
        // and are.
        let m = mark(&app);
        let response = app
            .put_json(
                &format!("/api/v1/requests/{sar}"),
                &json!({
                    "title": personal[4], "body": personal[1], "authority_id": home_office, "regime": "sar",
                    "sent_via": "post", "sent_on": "2026-05-01", "reference": personal[5], "owner_id": me,
                    "tags": [personal[3]],
                }),
            )
            .await;
        let updated = json_of(response, StatusCode::OK).await;
        assert_eq!(updated["title"], personal[4]);
        let mut edited = recorded.clone();
        edited["sent_via"] = json!("post");
        assert_written(&app, &m, &[by.did("update", "request", Some(sar), Some(recorded), Some(edited))]);

        // An event's details are personal data too.
        let m = mark(&app);
        let added = json_of(
            app.post_json(
                &format!("/api/v1/requests/{sar}/events"),
                &json!({"kind": "acknowledged", "occurred_on": "2026-05-06", "details": personal[6]}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let event = id_of(&added["event"]);
        let event_values = json!({
            "request_id": sar, "kind": "acknowledged", "occurred_on": "2026-05-06", "extended_to": null,
            "details": WITHHELD,
        });
        assert_written(&app, &m, &[by.did("create", "event", Some(event), None, Some(event_values.clone()))]);
        let m = mark(&app);
        let response = app.delete(&format!("/api/v1/requests/{sar}/events/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[by.did("delete", "event", Some(event), Some(event_values), None)]);

        for value in personal.iter().chain(&["Jane"]) {
            assert_eq!(holding(&app, value), Vec::<i32>::new(), "{value} is in the trail");
        }

        // An auditor's every view of it is recorded: its page (never cached), and through the
        // API the request and its events, whose details are personal data too.
        app.add_event(sar as i64, "acknowledged", "2026-05-06").await;
        let response = app
            .post_json(&format!("/api/v1/requests/{sar}/events"), &json!({"kind": "note", "occurred_on": "2026-05-07", "details": personal[6]}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let foia = id_of(&app.create_request(json!({"title": "Not personal", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await);
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let auditor_id = user_id(&app, &auditor.email);
        let m = mark(&app);
        for _ in 0..2 {
            let page = auditor.text(&format!("/requests/{sar}")).await;
            assert!(page.contains("second request"), "the auditor reads the request itself");
        }
        let read = auditor.get_json(&format!("/api/v1/requests/{sar}")).await;
        assert_eq!(read["title"], personal[4]);
        let events = auditor.get_json(&format!("/api/v1/requests/{sar}/events")).await;
        assert_eq!(events.as_array().unwrap().last().unwrap()["details"], personal[6]);
        let view = web_user(&auditor.email, auditor_id).did("view", "request", Some(sar), None, None);
        assert_written(&app, &m, &[view.clone(), view.clone(), view.clone(), view]);

        // Not other requests, and not the views of the request's own organisation.
        let m = mark(&app);
        auditor.text(&format!("/requests/{foia}")).await;
        auditor.get_json(&format!("/api/v1/requests/{foia}/events")).await;
        app.text(&format!("/requests/{sar}")).await;
        app.get_json(&format!("/api/v1/requests/{sar}")).await;
        app.get_json(&format!("/api/v1/requests/{sar}/events")).await;
        // Lists record nothing, so they show an auditor none of the request's personal data.
        let list = auditor.text("/requests").await;
        let listed = auditor.get_json("/api/v1/requests").await;
        assert!(list.contains("Subject access request (open it to see it; your view is recorded)"), "{list}");
        let row = listed["items"].as_array().unwrap().iter().find(|r| r["id"] == sar).unwrap().clone();
        assert_eq!((row["title"].as_str(), row["body"].as_str(), &row["tags"]), (Some(foi_tracker::tracker::access::UNOPENED), Some(""), &json!([])));
        for value in &personal {
            assert!(!list.contains(value) && !listed.to_string().contains(value), "{value} is in an auditor's list");
        }
        assert!(app.text("/requests").await.contains("file, second request"), "its own organisation sees it");
        assert!(!list.contains("file, second request"));
        // Nor does a search find it for them: which requests name someone is personal data too.
        for search in ["/api/v1/requests?q=jane", "/api/v1/requests?tag=jane-doe"] {
            assert_eq!(auditor.get_json(search).await["total"], 0, "{search}");
            assert_eq!(app.get_json(search).await["total"], 1, "{search} by its own organisation");
        }
        assert_written(&app, &m, &[]);

        // What the auditor sees of the trail names the fields but never shows them.
        let page = auditor.text("/audit?entity=request").await;
        let (_, csv) = export(&auditor, "").await;
        let csv = csv.concat().join("\n");
        assert!(page.contains(WITHHELD) && csv.contains(WITHHELD));
        for value in ["Jane", "SAR-JD", "born 1 April", "passport"] {
            assert!(!page.contains(value), "{value} on the audit page");
            assert!(!csv.contains(value), "{value} in the CSV export");
        }
    }

    async fn authorities_and_bank_holidays_are_audited(app) {
        let admin = app.admin().await;
        let by = web_user(&admin.email, user_id(&app, &admin.email));

        let m = mark(&app);
        let values = json!({
            "name": "Modern Slavery Unit", "short_name": "MSU", "foi_email": "foi@msu.example.gov.uk",
            "website": "https://msu.example.gov.uk", "default_regime": "foia", "nation": "england",
        });
        let created = json_of(admin.post_json("/api/v1/authorities", &values).await, StatusCode::CREATED).await;
        let authority = id_of(&created);
        assert_written(&app, &m, &[by.did("create", "authority", Some(authority), None, Some(values.clone()))]);

        let m = mark(&app);
        let mut changed = values.clone();
        changed["short_name"] = json!("MSU (HO)");
        changed["default_regime"] = json!("eir");
        let response = admin.put_json(&format!("/api/v1/authorities/{authority}"), &changed).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[by.did("update", "authority", Some(authority), Some(values.clone()), Some(changed.clone()))]);

        // A coordinator may not: refused, nothing written.
        let m = mark(&app);
        let response = app.post_json("/api/v1/authorities", &json!({"name": "Another", "short_name": "A", "default_regime": "foia", "nation": "uk"})).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_written(&app, &m, &[]);

        // `foi-tracker import-authorities`: one entry per authority created or changed, none
        // for one unchanged, none at all for a dry run.
        let csv = "name,short_name,foi_email,website,default_regime,nation\n\
            Modern Slavery Unit,MSU,foi@msu.example.gov.uk,https://msu.example.gov.uk,eir,england\n\
            Home Office,Home Office,foirequests@homeoffice.gov.uk,https://www.gov.uk/government/organisations/home-office,foia,uk\n\
            Independent Anti-Slavery Commissioner,IASC,foi@iasc.example.gov.uk,,foia,uk\n";
        let m = mark(&app);
        let report = foi_tracker::tracker::authorities::import_csv(&mut app.connection(), &Caller::command_line(), csv, true, now()).unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (1, 1, 1));
        assert_written(&app, &m, &[]);
        let m = mark(&app);
        foi_tracker::tracker::authorities::import_csv(&mut app.connection(), &Caller::command_line(), csv, false, now()).unwrap();
        let commissioner = foi_tracker::db::authorities::find_by_name(&mut app.connection(), "Independent Anti-Slavery Commissioner")
            .unwrap()
            .unwrap()
            .id;
        let mut imported = changed.clone();
        imported["short_name"] = json!("MSU");
        assert_written(
            &app,
            &m,
            &[
                command_line().did("update", "authority", Some(authority), Some(changed), Some(imported)),
                command_line().did(
                    "create",
                    "authority",
                    Some(commissioner),
                    None,
                    Some(json!({
                        "name": "Independent Anti-Slavery Commissioner", "short_name": "IASC",
                        "foi_email": "foi@iasc.example.gov.uk", "website": null, "default_regime": "foia", "nation": "uk",
                    })),
                ),
            ],
        );

        // Bank holidays from the admin page: nothing for a dry run, one entry for the import.
        let file = holidays_with("2026-06-15", "Proclaimed bank holiday");
        let m = mark(&app);
        let dry = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(file.clone()).file_name("bank-holidays.json"))
            .text("dry_run", "true");
        let response = admin.client.post(app.url("/admin/holidays")).multipart(dry).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[]);
        let m = mark(&app);
        let form = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(file.clone()).file_name("bank-holidays.json"));
        let response = admin.client.post(app.url("/admin/holidays")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let import = foi_tracker::tracker::holidays::history(&mut app.connection()).unwrap().last().unwrap().id;
        assert_written(
            &app,
            &m,
            &[by.did(
                "import",
                "holidays",
                Some(import),
                None,
                Some(json!({
                    "source": "bank-holidays.json",
                    "summary": format!("{}: 1 days added, 0 removed, 0 deadlines moved", years_of(&file)),
                    "added": [{"date": "2026-06-15", "division": "England and Wales", "title": "Proclaimed bank holiday"}],
                    "removed": [],
                })),
            )],
        );
    }

    async fn users_are_audited_and_deactivation_hands_requests_over(app) {
        let admin = app.admin().await;
        let by = web_user(&admin.email, user_id(&app, &admin.email));

        // Added from the admin page into a new organisation: the organisation, the user and
        // the invitation link, each once.
        let m = mark(&app);
        let response = admin
            .post_form("/admin/users", &[("email", "New.Researcher@Partner.example"), ("name", "New Researcher"), ("organisation", "Partner NGO"), ("role", "researcher")])
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        let invitation = link_secret(&page, "invitations");
        let new_user = user_id(&app, "new.researcher@partner.example");
        let partner = organisation_of(&app, "new.researcher@partner.example");
        // The link expires 7 days after it was made.
        let written = since(&app, &m);
        let expires_at = written.last().map(|e| e.at + Duration::days(7));
        assert_eq!(
            written.iter().map(Entry::from).collect::<Vec<_>>(),
            [
                by.did("create", "organisation", Some(partner), None, Some(json!({"name": "Partner NGO"}))),
                by.did(
                    "create",
                    "user",
                    Some(new_user),
                    None,
                    Some(json!({
                        "email": "new.researcher@partner.example", "name": "New Researcher", "role": "researcher",
                        "organisation_id": partner, "active": true, "two_factor": false, "password": "not set",
                    })),
                ),
                by.did(
                    "create_invitation",
                    "user",
                    Some(new_user),
                    None,
                    Some(json!({"expires_at": expires_at})),
                ),
            ]
        );
        assert_eq!(holding(&app, &invitation), Vec::<i32>::new(), "the invitation's secret is in the trail");

        // The invitation accepted: the person holding the link acts as the user it is for, so
        // that filtering the trail by that user finds it.
        let m = mark(&app);
        use_link(&app, "invitations", &invitation, "a passphrase of their own").await;
        let holder = web_user("new.researcher@partner.example", new_user);
        assert_written(
            &app,
            &m,
            &[holder.did("accept_invitation", "user", Some(new_user), Some(json!({"password": "not set"})), Some(json!({"password": "set", "sessions_ended": 0, "tokens_revoked": 0, "feeds_stopped": 0})))],
        );

        // A password-reset link, and its use.
        let m = mark(&app);
        let response = admin.post_form(&format!("/admin/users/{new_user}/reset-link"), &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let reset = link_secret(&response.text().await.unwrap(), "password-reset");
        // The link expires 24 hours after it was made.
        let written = since(&app, &m);
        let expires_at = written.last().map(|e| e.at + Duration::hours(24));
        assert_eq!(
            written.iter().map(Entry::from).collect::<Vec<_>>(),
            [by.did("create_password_reset", "user", Some(new_user), None, Some(json!({"expires_at": expires_at})))]
        );
        let m = mark(&app);
        use_link(&app, "password-reset", &reset, "another passphrase of theirs").await;
        assert_written(
            &app,
            &m,
            &[holder.did("reset_password", "user", Some(new_user), Some(json!({"password": "set"})), Some(json!({"password": "set", "sessions_ended": 0, "tokens_revoked": 0, "feeds_stopped": 0})))],
        );
        for secret in [reset.as_str(), "a passphrase of their own", "another passphrase of theirs"] {
            assert_eq!(holding(&app, secret), Vec::<i32>::new(), "{secret} is in the trail");
        }

        // `foi-tracker user add --password-stdin`: by the command line, from nowhere.
        let m = mark(&app);
        let cli_user = app.add_user("cli.user@coalition.example", "coordinator", ORGANISATION);
        let organisation = organisation_of(&app, &app.email);
        assert_written(
            &app,
            &m,
            &[command_line().did(
                "create",
                "user",
                Some(cli_user),
                None,
                Some(json!({
                    "email": "cli.user@coalition.example", "name": "Test coordinator", "role": "coordinator",
                    "organisation_id": organisation, "active": true, "two_factor": false, "password": "set",
                })),
            )],
        );
        assert_eq!(holding(&app, PASSWORD), Vec::<i32>::new());

        // Deactivated with a hand-over: each request handed over, then the user, once each.
        let leaver = app.member("leaving@coalition.example", "researcher", ORGANISATION).await;
        let leaver_id = user_id(&app, &leaver.email);
        let home_office = app.authority("Home Office").await;
        let first = id_of(&leaver.create_request(json!({"title": "First", "body": "B", "authority_id": home_office})).await);
        let second = id_of(&leaver.create_request(json!({"title": "Second", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await);
        let own = id_of(&app.create_request(json!({"title": "Coordinator's own", "body": "B", "authority_id": home_office})).await);
        let heir = user_id(&app, &app.email);
        let m = mark(&app);
        let response = admin
            .post_form(&format!("/admin/users/{leaver_id}/deactivate"), &[("hand_over_to", app.email.as_str()), ("confirm", "yes")])
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("leaving@coalition.example was deactivated; 2 request(s) handed over"));
        let leaver_values = json!({
            "email": "leaving@coalition.example", "name": "Test researcher", "role": "researcher",
            "organisation_id": organisation, "active": true, "two_factor": false, "password": "set",
        });
        let mut deactivated = leaver_values.clone();
        deactivated["active"] = json!(false);
        let owner = |id: i32| json!({"owner_id": id});
        assert_written(
            &app,
            &m,
            &[
                by.did("hand_over", "request", Some(first), Some(owner(leaver_id)), Some(owner(heir))),
                by.did("hand_over", "request", Some(second), Some(owner(leaver_id)), Some(owner(heir))),
                by.did("deactivate", "user", Some(leaver_id), Some(leaver_values), Some(deactivated)),
            ],
        );
        assert_eq!([owner_of(&app, first), owner_of(&app, second), owner_of(&app, own)], [Some(heir); 3]);
        // The leaver's token no longer opens the API.
        assert_eq!(leaver.get("/api/v1/requests").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn tokens_sign_ins_and_two_factor_are_audited(app) {
        let researcher = app.member("researcher@coalition.example", "researcher", ORGANISATION).await;
        let me = user_id(&app, &researcher.email);
        let by = web_user(&researcher.email, me);

        // A personal API token from the account page: named, its secret shown once and
        // recorded nowhere.
        let m = mark(&app);
        let response = researcher.post_form("/account/tokens", &[("name", "quarterly export")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        let start = page.find("<pre><code>").expect("the new token is shown") + "<pre><code>".len();
        let secret = page[start..page[start..].find("</code>").unwrap() + start].to_string();
        assert!(secret.starts_with("foi_"), "{secret}");
        let token = foi_tracker::db::sessions::api_tokens_of(&mut app.connection(), me)
            .unwrap()
            .into_iter()
            .find(|t| t.name == "quarterly export")
            .unwrap()
            .id;
        assert_written(&app, &m, &[by.did("create", "api_token", Some(token), None, Some(json!({"user_id": me, "name": "quarterly export"})))]);
        let response = reqwest::Client::new().get(app.url("/api/v1/requests")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "the token works");

        // Revoked once: one entry. Again: nothing changes, nothing is written. Someone else's:
        // not found, nothing written.
        let m = mark(&app);
        let response = researcher.post_form(&format!("/account/tokens/{token}/revoke"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(&app, &m, &[by.did("revoke", "api_token", Some(token), Some(json!({"revoked": false})), Some(json!({"revoked": true})))]);
        let m = mark(&app);
        let response = researcher.post_form(&format!("/account/tokens/{token}/revoke"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let coordinators = foi_tracker::db::sessions::api_tokens_of(&mut app.connection(), user_id(&app, &app.email)).unwrap();
        let response = researcher.post_form(&format!("/account/tokens/{}/revoke", coordinators[0].id), &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_written(&app, &m, &[]);
        let response = reqwest::Client::new().get(app.url("/api/v1/requests")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the token is revoked");

        // `foi-tracker token create`: by the command line.
        let m = mark(&app);
        let (cli_token, cli_secret) =
            api_tokens::create_token(&mut app.connection(), &Caller::command_line(), Some(&researcher.email), "nightly sync", now()).unwrap();
        assert_written(&app, &m, &[command_line().did("create", "api_token", Some(cli_token.id), None, Some(json!({"user_id": me, "name": "nightly sync"})))]);
        for secret in [&secret, &cli_secret, &researcher.token, &app.token] {
            assert_eq!(holding(&app, secret), Vec::<i32>::new(), "a token's secret is in the trail");
        }

        // Failed sign-ins: by no one yet, naming the account tried (as typed, folded to lower
        // case), never the password.
        let client = browser();
        let m = mark(&app);
        let (status, _) = try_sign_in(&app, &client, "Researcher@Coalition.example", "not the password at all").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = try_sign_in(&app, &client, "nobody@coalition.example", "not the password either").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_written(
            &app,
            &m,
            &[
                anonymous().did("sign_in_failed", "user", Some(me), None, Some(json!({"email": "researcher@coalition.example"}))),
                anonymous().did("sign_in_failed", "user", None, None, Some(json!({"email": "nobody@coalition.example"}))),
            ],
        );
        for password in ["not the password", PASSWORD] {
            assert_eq!(holding(&app, password), Vec::<i32>::new(), "a password is in the trail");
        }

        // Signing in and out.
        let m = mark(&app);
        let (status, next) = try_sign_in(&app, &client, &researcher.email, PASSWORD).await;
        assert_eq!((status, next.as_str()), (StatusCode::SEE_OTHER, "/"));
        assert_written(&app, &m, &[by.did("sign_in", "user", Some(me), None, None)]);
        let csrf = csrf_of(&app, &client, "/account").await;
        let m = mark(&app);
        let response = client.post(app.url("/sign-out")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(&app, &m, &[by.did("sign_out", "user", Some(me), None, None)]);

        // Two-factor sign-in turned on: its secret is not recorded.
        let page = researcher.text("/account/two-factor").await;
        let totp_secret = input_value(&page, "secret").unwrap();
        let recovery = input_value(&page, "recovery_codes").unwrap();
        let code = two_factor::totp(&totp_secret, &researcher.email).unwrap().generate_current().to_string();
        let m = mark(&app);
        let response = researcher
            .post_form("/account/two-factor", &[("secret", totp_secret.as_str()), ("recovery_codes", recovery.as_str()), ("code", code.as_str()), ("password", PASSWORD)])
            .await;
        assert_eq!(location(&response), "/account");
        assert_written(&app, &m, &[by.did("enable_two_factor", "user", Some(me), Some(json!({"two_factor": false})), Some(json!({"two_factor": true})))]);
        assert_eq!(holding(&app, &totp_secret), Vec::<i32>::new());

        // Then a sign-in takes a code: the password step, a wrong code, the right one.
        let client = browser();
        let m = mark(&app);
        let (status, next) = try_sign_in(&app, &client, &researcher.email, PASSWORD).await;
        assert_eq!((status, next.as_str()), (StatusCode::SEE_OTHER, "/sign-in/code"));
        let csrf = csrf_of(&app, &client, "/sign-in/code").await;
        let wrong = wrong_code(&totp_secret, &researcher.email);
        let response = client.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", wrong.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A code works once: the next one, which the app accepts early, not the one just used.
        let next_step = chrono::Utc::now().timestamp() as u64 + 30;
        let code = two_factor::totp(&totp_secret, &researcher.email).unwrap().generate(next_step).to_string();
        let response = client.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
        let (status, there) = (response.status(), location(&response));
        assert_eq!(there, "/", "{status}: {}", response.text().await.unwrap());
        assert_written(
            &app,
            &m,
            &[
                by.did("sign_in", "user", Some(me), None, None),
                by.did("second_factor_failed", "user", Some(me), None, None),
                by.did("sign_in_second_factor", "user", Some(me), None, None),
            ],
        );

        // Turned off again, then the password changed.
        let csrf = csrf_of(&app, &client, "/account").await;
        let m = mark(&app);
        let response = client.post(app.url("/account/two-factor/disable")).form(&[("csrf", csrf.as_str()), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(location(&response), "/account");
        assert_written(&app, &m, &[by.did("disable_two_factor", "user", Some(me), Some(json!({"two_factor": true})), Some(json!({"two_factor": false})))]);
        let m = mark(&app);
        let response = client
            .post(app.url("/account/password"))
            .form(&[("csrf", csrf.as_str()), ("current_password", PASSWORD), ("new_password", "a fresh passphrase here"), ("confirm", "a fresh passphrase here")])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&response), "/sign-in");
        // Every session (the test's two browsers), both API tokens and any feed end with it.
        let ended = json!({"password": "set", "sessions_ended": 2, "tokens_revoked": 2, "feeds_stopped": 0});
        assert_written(&app, &m, &[by.did("change_password", "user", Some(me), Some(json!({"password": "set"})), Some(ended))]);
        assert_eq!(holding(&app, "a fresh passphrase"), Vec::<i32>::new());
    }

    async fn the_trail_shows_what_its_reader_may_read_and_a_subject_access_request_by_name_only(app) {
        let home_office = app.authority("Home Office").await;
        let draft = id_of(&app.create_request(json!({"title": "DRAFT-SECRET plans", "body": "B", "authority_id": home_office})).await);
        let public = id_of(&app.create_request(json!({"title": "Public figures", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await);
        // Sent as a FOIA request, with a note, and only then made a subject access request.
        let created = app
            .create_request(json!({"title": "Jane Roe's own file", "body": "Jane Roe, born 1 April 1990", "authority_id": home_office, "sent_on": "2026-04-01", "reference": "ROE-REF-1"}))
            .await;
        let later = id_of(&created);
        let note = app.post_json(&format!("/api/v1/requests/{later}/events"), &json!({"kind": "note", "occurred_on": "2026-04-02", "details": "Jane Roe's passport number"})).await;
        json_of(note, StatusCode::CREATED).await;
        let changed = app
            .put_json(
                &format!("/api/v1/requests/{later}"),
                &json!({"title": "Jane Roe's own file", "body": "Jane Roe, born 1 April 1990", "authority_id": home_office, "regime": "sar",
                        "sent_via": "email", "sent_on": "2026-04-01", "reference": "ROE-REF-1", "owner_id": created["owner_id"], "tags": []}),
            )
            .await;
        json_of(changed, StatusCode::OK).await;
        // A subject access request from the start, taken to the regulator.
        let sar = id_of(&app.create_request(json!({"title": "SAR-SECRET-NAME", "body": "B", "authority_id": home_office, "regime": "sar", "sent_on": "2026-04-01", "reference": "SAR-REF-9"})).await);
        let response = app.post_json(&format!("/api/v1/requests/{sar}/events"), &json!({"kind": "response", "occurred_on": "2026-04-20", "outcome": "refused"})).await;
        json_of(response, StatusCode::CREATED).await;
        let complaint = app.post_json(&format!("/api/v1/requests/{sar}/events"), &json!({"kind": "regulator_complaint", "occurred_on": "2026-04-25", "reference": "IC-SAR-777"})).await;
        json_of(complaint, StatusCode::CREATED).await;
        let personal = ["Jane Roe", "ROE-REF-1", "SAR-SECRET-NAME", "SAR-REF-9", "IC-SAR-777"];

        // An auditor reads every entry, drafts included, each subject access request's
        // personal data by name only, whenever the entry was written.
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let everything = export(&auditor, "").await.1;
        let about = |rows: &[Vec<String>], id: i32| rows.iter().any(|r| r[6] == "request" && r[7] == id.to_string());
        assert!([draft, public, later, sar].iter().all(|id| about(&everything, *id)), "{everything:?}");
        let text = format!("{everything:?}{}", auditor.text("/audit").await);
        assert!(text.contains("DRAFT-SECRET"), "{text}");
        for value in personal {
            assert!(!text.contains(value), "{value} in {text}");
        }
        assert!(text.contains(WITHHELD), "{text}");
        let appeals = auditor.text("/api/v1/history/export?dataset=appeals&format=csv").await;
        assert!(!appeals.contains("IC-SAR-777"), "{appeals}");
        assert_eq!(auditor.get(&format!("/audit?entity=request&entity_id={later}")).await.status(), StatusCode::OK);

        // An administrator of another organisation reads none of the entries about its
        // drafts and subject access requests: not in the page, its count, nor the export.
        let admin = app.member("admin@other.example", "admin", "Other NGO").await;
        let hidden = [draft, later, sar];
        let rows = export(&admin, "").await.1;
        let hidden_request = |row: &Vec<String>| {
            let id: Option<i32> = match row[6].as_str() {
                "request" | "request_indicators" => row[7].parse().ok(),
                _ => serde_json::from_str::<Value>(if row[9].is_empty() { &row[8] } else { &row[9] })
                    .ok()
                    .and_then(|v| v["request_id"].as_i64())
                    .map(|id| id as i32),
            };
            id.is_some_and(|id| hidden.contains(&id))
        };
        assert!(rows.iter().all(|r| !hidden_request(r)), "{rows:?}");
        assert!(about(&rows, public), "{rows:?}");
        let text = format!("{rows:?}{}", admin.text("/audit").await);
        assert!(!text.contains("DRAFT-SECRET"), "{text}");
        for value in personal {
            assert!(!text.contains(value), "{value} in {text}");
        }
        let requests_seen = trail(&app)
            .iter()
            .filter(|e| e.entity == "request" && !e.entity_id.is_some_and(|id| hidden.contains(&id)))
            .count();
        let page = admin.text("/audit?entity=request").await;
        assert!(page.contains(&format!("{requests_seen} entries")), "{requests_seen} in {page}");
        assert!(admin.text(&format!("/audit?entity=request&entity_id={draft}")).await.contains("No entries match."));
        let own_admin = app.admin().await;
        assert!(about(&export(&own_admin, "").await.1, draft), "an organisation's administrator reads its drafts' entries");
    }

    async fn auditors_browse_filter_and_export_the_trail(app) {
        let home_office = app.authority("Home Office").await;
        let coordinators = id_of(&app.create_request(json!({"title": "The coordinator's", "body": "B", "authority_id": home_office})).await);
        let researcher = app.member("researcher@coalition.example", "researcher", ORGANISATION).await;
        let researcher_id = user_id(&app, &researcher.email);
        let researchers = id_of(&researcher.create_request(json!({"title": "The researcher's", "body": "B", "authority_id": home_office})).await);
        // Two entries from an earlier year, as the app would have written them then.
        let mut conn = app.connection();
        for (day, actor, action) in [("2020-01-15", "January import", "import"), ("2020-02-20", "February import", "import")] {
            let at = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(12, 0, 0).unwrap();
            let after = json!({"source": day});
            audit::insert(
                &mut conn,
                &NewEntry { user_id: None, actor, client: None, action, entity: "holidays", entity_id: None, before: None, after: Some(&after) },
                at,
            )
            .unwrap();
        }
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let all = trail(&app);
        let (january, february) = (all.iter().find(|e| e.actor == "January import").unwrap().id, all.iter().find(|e| e.actor == "February import").unwrap().id);
        let reading = mark(&app);

        // Everything, newest first.
        let page = auditor.text("/audit").await;
        assert!(page.contains(&format!("{} entries", all.len())), "{page}");
        assert_eq!(rows(&page), first_page(&all, |_| true));

        // By user: the researcher's entries and only theirs.
        let page = auditor.text(&format!("/audit?user_id={researcher_id}")).await;
        let shown = rows(&page);
        assert_eq!(shown, first_page(&all, |e| e.user_id == Some(researcher_id)));
        let entity = |id: i32| format!("request {id}");
        assert!(shown.iter().any(|r| r[4] == entity(researchers) && r[3] == "create"), "{shown:?}");
        assert!(shown.iter().any(|r| r[3] == "sign_in"), "{shown:?}");
        assert!(!shown.iter().any(|r| r[4] == entity(coordinators)), "{shown:?}");
        assert!(shown.iter().all(|r| r[1] == researcher.email), "{shown:?}");

        // By person: part of a name or of an email address, in any case.
        let by_name = rows(&auditor.text("/audit?person=TEST+researcher").await);
        assert_eq!(by_name, first_page(&all, |e| e.user_id == Some(researcher_id)));
        let by_email = rows(&auditor.text(&format!("/audit?person={}", &researcher.email[..8].to_uppercase())).await);
        assert_eq!(by_email, by_name);
        assert!(auditor.text("/audit?person=nobody+at+all").await.contains("No entries match."));

        // By entity, and one entity.
        let shown = rows(&auditor.text("/audit?entity=request").await);
        assert_eq!(shown, first_page(&all, |e| e.entity == "request"));
        assert_eq!(shown.len(), 2);
        let shown = rows(&auditor.text(&format!("/audit?entity=request&entity_id={coordinators}")).await);
        assert_eq!(shown, first_page(&all, |e| e.entity == "request" && e.entity_id == Some(coordinators)));
        assert_eq!(shown.len(), 1);

        // By action, alone and with a user.
        let shown = rows(&auditor.text("/audit?action=sign_in").await);
        assert_eq!(shown, first_page(&all, |e| e.action == "sign_in"));
        assert_eq!(shown.len(), 3, "the coordinator, the researcher and the auditor signed in");
        let shown = rows(&auditor.text(&format!("/audit?action=create&user_id={researcher_id}")).await);
        assert_eq!(shown, first_page(&all, |e| e.action == "create" && e.user_id == Some(researcher_id)));
        assert_eq!(shown.len(), 1);

        // By date, both ends counted whole.
        let actors = |page: &str| -> Vec<String> { rows(page).into_iter().map(|r| r[1].clone()).collect() };
        assert_eq!(actors(&auditor.text("/audit?from=2020-01-01&until=2020-01-31").await), ["January import"]);
        assert_eq!(actors(&auditor.text("/audit?from=2020-02-20&until=2020-02-20").await), ["February import"]);
        assert_eq!(actors(&auditor.text("/audit?until=2020-12-31").await), ["February import", "January import"]);
        assert!(auditor.text("/audit?from=2019-01-01&until=2019-12-31").await.contains("No entries match."));
        let recent = rows(&auditor.text("/audit?from=2021-01-01").await);
        assert_eq!(recent, first_page(&all, |e| e.id != january && e.id != february));

        // A bad filter is shown beside its field, not as a failure.
        let response = auditor.get("/audit?from=2026-13-01").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<p class="error" id="from-error"><span class="visually-hidden">Error:</span> From must be a real date: a month is from 1 to 12</p>"#), "{page}");
        // Shown in the day, month and year boxes as typed, the error beside them.
        assert!(page.contains(r#"<fieldset class="date-input" role="group" aria-describedby="from-error">"#), "{page}");
        assert!(page.contains(r#"<input id="from-month" name="from-month" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="13" aria-invalid="true">"#), "{page}");
        let response = auditor.get("/audit?user_id=someone").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains(r#"id="user_id-error"><span class="visually-hidden">Error:</span> user_id must be a whole number"#));
        assert_eq!(auditor.get("/audit.csv?until=2026-02-30").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A page number past any bound is a field error, not a failure (PostgreSQL) nor
        // another page (SQLite); the last page allowed is empty, not an error.
        for huge in ["184467440737095517", "9223372036854775807", "100001", "0"] {
            let response = auditor.get(&format!("/audit?page={huge}")).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "page={huge}");
            let page = response.text().await.unwrap();
            assert!(page.contains("page must be a whole number from 1 to 100000"), "{page}");
            assert!(rows(&page).is_empty(), "page={huge}: {page}");
        }
        let last = auditor.get("/audit?page=100000").await;
        assert_eq!(last.status(), StatusCode::OK);
        assert!(last.text().await.unwrap().contains("No entries match."));

        // The CSV export: every entry matching, newest first, as stored.
        let header = ["id", "at", "user_id", "actor", "client", "action", "entity", "entity_id", "before", "after"];
        let (head, csv) = export(&auditor, "").await;
        assert_eq!(head, header);
        assert_eq!(csv, all.iter().rev().map(csv_row).collect::<Vec<_>>());
        let (head, csv) = export(&auditor, &format!("?user_id={researcher_id}&action=sign_in")).await;
        assert_eq!(head, header);
        assert_eq!(csv, all.iter().rev().filter(|e| e.user_id == Some(researcher_id) && e.action == "sign_in").map(csv_row).collect::<Vec<_>>());
        assert_eq!(csv.len(), 1);
        let (_, csv) = export(&auditor, "?until=2020-01-31").await;
        assert_eq!(csv, [csv_row(all.iter().find(|e| e.id == january).unwrap())]);

        // Reading the trail is not a change.
        assert_written(&app, &reading, &[]);

        // Researchers and coordinators may not read it; administrators may.
        for who in [&researcher, &app.session] {
            assert_eq!(who.get("/audit").await.status(), StatusCode::FORBIDDEN);
            assert_eq!(who.get("/audit.csv").await.status(), StatusCode::FORBIDDEN);
        }
        let anonymous = browser().get(app.url("/audit.csv")).send().await.unwrap();
        assert_ne!(anonymous.status(), StatusCode::OK);
        assert!(!anonymous.text().await.unwrap().contains("sign_in"));
        let admin = app.admin().await;
        assert_eq!(admin.get("/audit").await.status(), StatusCode::OK);
    }

    async fn a_change_whose_entry_cannot_be_written_is_not_made(app) {
        let admin = app.admin().await;
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let home_office = app.authority("Home Office").await;
        let request = id_of(&app.create_request(json!({"title": "T", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await);
        let sar = id_of(&app.create_request(json!({"title": "Jane Doe's file", "body": "B", "authority_id": home_office, "regime": "sar", "sent_on": "2026-05-01"})).await);
        // The trail refuses every new entry for a while.
        let mut conn = app.connection();
        let refuse = match app.backend {
            foi_tracker::db::Backend::Sqlite => vec![
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'the trail is unavailable'); END",
            ],
            foi_tracker::db::Backend::Postgres => vec![
                "CREATE FUNCTION refuse_entries() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the trail is unavailable'; END $$",
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION refuse_entries()",
            ],
        };
        for statement in refuse {
            diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut conn).unwrap();
        }
        let before = app.snapshot();
        let created = app.post_json("/api/v1/requests", &json!({"title": "Lost", "body": "B", "authority_id": home_office})).await;
        assert_eq!(created.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let event = app.post_json(&format!("/api/v1/requests/{request}/events"), &json!({"kind": "response", "occurred_on": "2026-05-20"})).await;
        assert_eq!(event.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let authority = admin.put_json(&format!("/api/v1/authorities/{home_office}"), &json!({"name": "Home Office", "short_name": "HO", "foi_email": null, "website": null, "default_regime": "foia", "nation": "uk"})).await;
        assert_eq!(authority.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let token = app.post_form("/account/tokens", &[("name", "lost token")]).await;
        assert_eq!(token.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(app.snapshot(), before, "nothing changed without its entry");
        // Nor does an auditor read a subject access request unrecorded.
        let view = auditor.get(&format!("/requests/{sar}")).await;
        assert_eq!(view.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!view.text().await.unwrap().contains("Jane Doe"));

        // Once the trail takes entries again, the same change is made, with its entry.
        let drop = match app.backend {
            foi_tracker::db::Backend::Sqlite => vec!["DROP TRIGGER refuse_entries"],
            foi_tracker::db::Backend::Postgres => vec!["DROP TRIGGER refuse_entries ON audit_entries", "DROP FUNCTION refuse_entries()"],
        };
        for statement in drop {
            diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut conn).unwrap();
        }
        let m = mark(&app);
        let event = app.post_json(&format!("/api/v1/requests/{request}/events"), &json!({"kind": "response", "occurred_on": "2026-05-20"})).await;
        let event = id_of(&json_of(event, StatusCode::CREATED).await["event"]);
        let by = web_user(&app.email, user_id(&app, &app.email));
        assert_written(
            &app,
            &m,
            &[by.did("create", "event", Some(event), None, Some(json!({"request_id": request, "kind": "response", "occurred_on": "2026-05-20", "extended_to": null, "details": ""})))],
        );
    }

    async fn no_one_edits_or_deletes_an_entry(app) {
        let before = trail(&app);
        let first = before.first().unwrap().id;
        let mut conn = app.connection();
        let mut statements = vec![
            format!("UPDATE audit_entries SET actor = 'someone else', after = NULL WHERE id = {first}"),
            "UPDATE audit_entries SET client = '10.0.0.1'".to_string(),
            format!("DELETE FROM audit_entries WHERE id = {first}"),
            "DELETE FROM audit_entries".to_string(),
        ];
        if support::is_postgres(&app) {
            // Row triggers do not see TRUNCATE; a statement trigger does.
            statements.push("TRUNCATE audit_entries".to_string());
        }
        for statement in statements {
            let refused = diesel::RunQueryDsl::execute(diesel::sql_query(&statement), &mut conn)
                .expect_err(&format!("{statement} succeeded"));
            assert!(refused.to_string().contains("the audit trail is append-only"), "{statement}: {refused}");
        }
        assert_eq!(trail(&app), before, "the trail is as it was");

        // No route changes it: only the two pages that read it mention it.
        let audit_routes: Vec<(&str, &str)> = foi_tracker::web::ROUTES.iter().copied().filter(|(_, path)| path.contains("audit")).collect();
        assert_eq!(audit_routes, [("get", "/audit"), ("get", "/audit.csv")]);
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let m = mark(&app);
        let csrf = auditor.csrf.clone();
        let one = format!("/audit/{first}");
        for method in [reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::PATCH, reqwest::Method::DELETE] {
            for path in ["/audit", "/audit.csv", one.as_str(), "/api/v1/audit"] {
                let response = auditor.request(method.clone(), path).form(&[("csrf", csrf.as_str()), ("actor", "someone else")]).send().await.unwrap();
                let status = response.status();
                assert!(status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {status}");
            }
        }
        assert_written(&app, &m, &[]);
        let kept = trail(&app);
        assert_eq!(kept[..before.len()], before[..]);
    }

    async fn renaming_an_organisation_is_recorded_once(app) {
        let admin = app.admin().await;
        let admin_id = user_id(&app, &admin.email);
        let mut conn = app.connection();
        let organisation = foi_tracker::db::accounts::find_organisation_by_name(&mut conn, ORGANISATION).unwrap().unwrap();
        let m = mark(&app);
        let response = admin.post_form(&format!("/admin/organisations/{}", organisation.id), &[("name", "Coalition NGO (renamed)")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("The organisation is now called Coalition NGO (renamed)"));
        assert_written(
            &app,
            &m,
            &[web_user(&admin.email, admin_id).did("rename", "organisation", Some(organisation.id), Some(json!({"name": ORGANISATION})), Some(json!({"name": "Coalition NGO (renamed)"})))],
        );
        // A name taken by another organisation is refused beside the field, and nothing is written.
        app.add_user("someone@other.example", "researcher", "Other NGO");
        let m = mark(&app);
        let response = admin.post_form(&format!("/admin/organisations/{}", organisation.id), &[("name", "Other NGO")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("An organisation is already called Other NGO"));
        assert_written(&app, &m, &[]);
    }

    async fn a_calendar_feed_made_and_stopped_is_recorded_without_its_address(app) {
        let me = user_id(&app, &app.email);
        let by = web_user(&app.email, me);
        let m = mark(&app);
        let page = app.post_form("/account/calendar", &[]).await.text().await.unwrap();
        let address = page.split("<pre><code>").nth(1).unwrap().split("</code></pre>").next().unwrap().to_string();
        assert_written(&app, &m, &[by.did("create", "calendar_feed", Some(me), Some(json!({"live": false})), Some(json!({"live": true})))]);
        let m = mark(&app);
        app.post_form("/account/calendar", &[]).await;
        assert_written(&app, &m, &[by.did("create", "calendar_feed", Some(me), Some(json!({"live": true})), Some(json!({"live": true})))]);
        let m = mark(&app);
        app.post_form("/account/calendar/revoke", &[]).await;
        assert_written(&app, &m, &[by.did("revoke", "calendar_feed", Some(me), Some(json!({"live": true})), Some(json!({"live": false})))]);
        // Stopping a feed that is not live changes nothing and records nothing.
        let m = mark(&app);
        app.post_form("/account/calendar/revoke", &[]).await;
        assert_written(&app, &m, &[]);
        let secret = address.rsplit('/').next().unwrap().trim_end_matches(".ics");
        assert_eq!(holding(&app, secret), Vec::<i32>::new(), "the feed's secret is in the trail");
    }
}
