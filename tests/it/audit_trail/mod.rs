//! The audit trail, on both backends. Every change made through the pages, the API or the
//! command line leaves exactly one entry, written with it: who, when, from where, the action,
//! the entity, and its fields before and after. A subject access request's personal data is
//! recorded by name only. Auditors browse, filter and export the trail; nothing edits or
//! deletes it. This module is the harness; each file below it tests one part.

mod accounts;
mod changes;
mod reading;
mod register;

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
        .values
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
    let mut file: Value = serde_json::from_str(include_str!("../../../data/bank-holidays.json")).unwrap();
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
