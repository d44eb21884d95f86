//! WhatDoTheyKnow requests linked and kept in step, read from a site the test runs itself
//! (`FakeSite`), which answers in Alaveteli's JSON as WhatDoTheyKnow does; no network. Both
//! backends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use foi_tracker::config::Settings;
use foi_tracker::db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{date, problem, TestApp, TODAY};

/// What the fake site answers, and what it was asked.
#[derive(Default)]
struct SiteState {
    /// What each path answers: a request's JSON (or anything else) at /request/<url_title>.json
    /// and /request/<id>.json.
    bodies: std::collections::HashMap<String, String>,
    etag: Option<String>,
    last_modified: Option<String>,
    /// The If-Modified-Since of each call.
    modified_since: Vec<Option<String>>,
    /// How long it waits before answering.
    delay: Duration,
    /// Each call: its path, User-Agent and If-None-Match, and when it came.
    asked: Vec<(String, String, Option<String>)>,
    asked_at: Vec<std::time::Instant>,
}

struct FakeSite {
    url: String,
    state: Arc<Mutex<SiteState>>,
}

impl FakeSite {
    fn start() -> FakeSite {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(SiteState::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || answer(stream, &state));
            }
        });
        FakeSite { url, state }
    }

    fn serve(&self, request: &Value) {
        let mut state = self.state.lock().unwrap();
        let body = request.to_string();
        state.bodies.insert(
            format!("/request/{}.json", request["url_title"].as_str().unwrap()),
            body.clone(),
        );
        state
            .bodies
            .insert(format!("/request/{}.json", request["id"]), body);
    }

    /// Every request answered with `text` instead.
    fn serve_text(&self, text: &str) {
        for body in self.state.lock().unwrap().bodies.values_mut() {
            *body = text.to_string();
        }
    }

    fn asked(&self) -> Vec<(String, String, Option<String>)> {
        self.state.lock().unwrap().asked.clone()
    }

    fn page(&self, url_title: &str) -> String {
        format!("{}/request/{url_title}", self.url)
    }
}

fn answer(stream: std::net::TcpStream, state: &Mutex<SiteState>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or_default().to_string();
    let (mut agent, mut if_none_match, mut modified_since) = (String::new(), None, None);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "user-agent" => agent = value.trim().to_string(),
                "if-none-match" => if_none_match = Some(value.trim().to_string()),
                "if-modified-since" => modified_since = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let (delay, status, body, validators) = {
        let mut state = state.lock().unwrap();
        state.asked.push((path.clone(), agent, if_none_match.clone()));
        state.asked_at.push(std::time::Instant::now());
        state.modified_since.push(modified_since);
        let (status, body) = match (state.bodies.get(&path), &state.etag) {
            (Some(_), Some(etag)) if if_none_match.as_ref() == Some(etag) => {
                ("304 Not Modified", String::new())
            }
            (Some(body), _) => ("200 OK", body.clone()),
            (None, _) => ("404 Not Found", "{\"error\": \"not found\"}".to_string()),
        };
        let validators = [("ETag", &state.etag), ("Last-Modified", &state.last_modified)]
            .into_iter()
            .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name}: {v}\r\n")))
            .collect::<String>();
        (state.delay, status, body, validators)
    };
    std::thread::sleep(delay);
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{validators}Connection: close\r\n\r\n{body}",
        body.len()
    );
}

/// A WhatDoTheyKnow event: id, type, when, and the state it was described with.
fn event(id: i64, event_type: &str, at: &str, state: Option<&str>) -> Value {
    json!({"id": id, "event_type": event_type, "created_at": at, "described_state": state,
        "calculated_state": state.unwrap_or("waiting_response"), "last_described_at": null,
        "incoming_message_id": if event_type == "response" { json!(id * 10) } else { Value::Null },
        "outgoing_message_id": null, "display_status": "normal",
        "snippet": "", "params": {}})
}

/// A request as WhatDoTheyKnow's `/request/<url_title>.json` gives it.
fn wdtk_request(
    id: i64,
    url_title: &str,
    body: &str,
    body_tags: Value,
    law: &str,
    events: Vec<Value>,
) -> Value {
    json!({"id": id, "url_title": url_title, "title": format!("Outcomes for potential victims ({url_title})"),
        "created_at": "2026-01-05T10:00:00.000+00:00", "updated_at": "2026-03-03T10:00:00.000+00:00",
        "described_state": "waiting_response", "display_status": "Awaiting response",
        "awaiting_description": false, "prominence": "normal", "law_used": law,
        "tags": [["nrm", null], ["quarter", "2025q4"]],
        "user": {"id": 42, "name": "A Researcher", "url_name": "a_researcher", "banned": false},
        "public_body": {"id": 7, "name": body, "url_name": body.to_lowercase().replace(' ', "_"),
            "short_name": "", "tags": body_tags, "info_requests_count": 12000,
            "created_at": "2008-01-01T00:00:00.000+00:00"},
        "info_request_events": events})
}

/// The whole life of a FOIA request to the Home Office: sent, asked to clarify, clarified,
/// refused, a review asked for, and a reply to the review that nobody described.
fn history() -> Vec<Value> {
    vec![
        event(101, "sent", "2026-01-05T10:00:00.000+00:00", None),
        event(102, "response", "2026-01-12T09:00:00.000+00:00", None),
        event(
            103,
            "status_update",
            "2026-01-12T10:00:00.000+00:00",
            Some("waiting_clarification"),
        ),
        event(104, "followup_sent", "2026-01-14T10:00:00.000+00:00", None),
        event(105, "comment", "2026-01-15T10:00:00.000+00:00", None),
        event(106, "response", "2026-02-09T16:00:00.000+00:00", Some("rejected")),
        event(
            107,
            "followup_sent",
            "2026-02-10T10:00:00.000+00:00",
            Some("internal_review"),
        ),
        event(108, "response", "2026-03-03T11:00:00.000+00:00", None),
    ]
}

async fn app_reading(backend: Backend, site: &FakeSite) -> Option<TestApp> {
    let settings = Settings {
        today: Some(date(TODAY)),
        wdtk_url: site.url.clone(),
        wdtk_timeout_seconds: 2,
        wdtk_contact: Some("foi@coalition.example".into()),
        ..Settings::default()
    };
    TestApp::start_with(backend, settings).await
}

/// The request's events as (kind, date, outcome).
async fn events(app: &TestApp, id: i64) -> Vec<(String, String, String)> {
    let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_string(),
                e["occurred_on"].as_str().unwrap().to_string(),
                e["response"]["outcome"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

/// The deadline of `kind` that stands (the last of that kind): its date and state.
fn deadline(request: &Value, kind: &str) -> (String, String) {
    let found = request["schedule"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} deadline in {}", request["schedule"]));
    (
        found["due"].as_str().unwrap().to_string(),
        found["state"].as_str().unwrap().to_string(),
    )
}

async fn link(app: &TestApp, url: &str) -> (StatusCode, Value) {
    let response = app.post_json("/api/v1/requests/wdtk", &json!({"url": url})).await;
    let status = response.status();
    (status, response.json().await.unwrap())
}

macro_rules! with_site {
    ($($name:ident($app:ident, $site:ident) $body:block)*) => {
        $(
            mod $name {
                use super::*;

                async fn body($app: TestApp, $site: FakeSite) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let site = FakeSite::start();
                    let app = app_reading(Backend::Sqlite, &site).await.unwrap();
                    body(app, site).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let site = FakeSite::start();
                    match app_reading(Backend::Postgres, &site).await {
                        Some(app) => body(app, site).await,
                        None => eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran"),
                    }
                }
            }
        )*
    };
}

with_site! {
    a_batch_made_on_whatdotheyknow_is_brought_in_with_each_request_linked(app, site) {
        let sent = |id: i64| vec![event(id, "sent", "2026-03-30T10:00:00.000+00:00", None)];
        let mut kent = wdtk_request(9001, "referrals_kent", "Kent Police", json!([]), "foi", sent(901));
        kent["info_request_events"].as_array_mut().unwrap().push(event(902, "response", "2026-04-20T09:00:00.000+00:00", Some("successful")));
        let scotland = wdtk_request(9002, "referrals_scotland", "Police Scotland", json!([["scotland", null]]), "foi", sent(911));
        site.serve(&kent);
        site.serve(&scotland);
        let batch_page = format!("{}/info_request_batch/77", site.url);

        // A line that is no request's address: refused before the site is asked anything.
        let before = site.asked().len();
        let (status, fields, _) = problem(app.post_json("/api/v1/batches/wdtk", &json!({
            "title": "Referrals by force", "wdtk_url": batch_page, "requests": [site.page("referrals_kent"), "https://example.org/elsewhere"],
        })).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["requests".to_string()]));
        assert_eq!(site.asked().len(), before);

        let response = app.post_json("/api/v1/batches/wdtk", &json!({
            "title": "Referrals by force", "wdtk_url": batch_page,
            "requests": [site.page("referrals_kent"), site.page("referrals_scotland")],
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let batch: Value = response.json().await.unwrap();
        assert_eq!(batch["wdtk_url"], json!(batch_page));
        assert_eq!(batch["totals"]["summary"], "1 of 2 answered, 1 overdue");
        let members = batch["members"].as_array().unwrap();
        let scottish = members.iter().find(|m| m["authority"]["name"] == "Police Scotland").unwrap();
        // Received Monday 30 March: FOISA's 20 Scottish working days end on 28 April.
        assert_eq!((scottish["regime"].as_str(), scottish["response_due"].as_str()), (Some("foisa"), Some("2026-04-28")));
        let kent_member = members.iter().find(|m| m["authority"]["name"] == "Kent Police").unwrap();
        assert_eq!(kent_member["standing"], "released");
        // Each member is a linked request, kept in step like any other.
        let linked = app.get_json(&format!("/api/v1/requests/{}/wdtk", kent_member["request_id"])).await;
        assert_eq!((linked["wdtk_id"].as_i64(), linked["events"].as_array().unwrap().len()), (Some(9001), 2), "{linked}");

        // Brought in again: its requests are in a batch already.
        let (status, fields, _) = problem(app.post_json("/api/v1/batches/wdtk", &json!({
            "title": "Again", "wdtk_url": batch_page, "requests": [site.page("referrals_kent")],
        })).await).await;
        assert_eq!((status, fields), (StatusCode::CONFLICT, vec!["requests".to_string()]));
        let page = app.text(&format!("/batches/{}", batch["id"])).await;
        assert!(page.contains("Sent on WhatDoTheyKnow as a batch") && page.contains("info_request_batch/77"), "{page}");
    }

    a_whole_history_imports_with_its_events_and_exact_deadlines(app, site) {
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()));
        let (status, report) = link(&app, &site.page("nrm_outcomes")).await;
        assert_eq!(status, StatusCode::CREATED, "{report}");
        assert_eq!(report["created"], true);
        assert_eq!(report["added"], 5, "{report}");
        assert_eq!(report["to_classify"], 1, "{report}");
        let id = report["request_id"].as_i64().unwrap();

        let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(request["regime"], "foia");
        assert_eq!(request["sent_via"], "whatdotheyknow");
        assert_eq!(request["sent_on"], "2026-01-05");
        assert_eq!(request["authority"]["name"], "Home Office");
        assert_eq!(request["title"], "Outcomes for potential victims (nrm_outcomes)");
        assert!(request["body"].as_str().unwrap().contains(&site.page("nrm_outcomes")));
        assert_eq!(request["tags"], json!(["nrm", "quarter"]));
        assert_eq!(
            events(&app, id).await,
            owned(&[
                ("received", "2026-01-05", ""),
                ("clarification_requested", "2026-01-12", ""),
                ("clarification_provided", "2026-01-14", ""),
                ("response", "2026-02-09", "refused"),
                ("internal_review_requested", "2026-02-10", ""),
            ])
        );
        // The clock started again at the clarification: 20 working days after 14 January
        // (the first, due 2 February, is void).
        let responses: Vec<(Value, Value)> = request["schedule"]["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"] == "response")
            .map(|d| (d["due"].clone(), d["state"].clone()))
            .collect();
        assert_eq!(responses, vec![(json!("2026-02-02"), json!("void")), (json!("2026-02-11"), json!("met"))]);
        // The review, asked for on 10 February, is owed 20 working days later. The reply of
        // 3 March moves nothing until a person says what it is: by today the date has passed.
        assert_eq!(
            deadline(&request, "internal_review_response"),
            ("2026-03-10".into(), "missed".into())
        );
        assert_eq!(request["status"], "in_internal_review");

        // The reply nobody described waits for a person, dated the day it came.
        let linked = app.get_json(&format!("/api/v1/requests/{id}/wdtk")).await;
        assert_eq!(linked["wdtk_url"], site.page("nrm_outcomes"));
        assert_eq!(linked["wdtk_id"], 558039);
        let waiting = linked["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["wdtk_event_id"] == 108)
            .unwrap()
            .clone();
        assert_eq!(waiting["action"], "to_classify");
        let reply = app
            .get_json(&format!("/api/v1/replies/{}", waiting["incoming_message_id"]))
            .await;
        assert_eq!(reply["event"]["occurred_on"], "2026-03-03");
        assert!(reply["message"]["subject"].as_str().unwrap().contains("not yet described"));
        let dashboard = app.text("/").await;
        assert!(dashboard.contains("Reply on WhatDoTheyKnow, not yet described there"), "{dashboard}");
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains(&format!("href=\"{}\"", site.page("nrm_outcomes"))));

        // Each event keeps its WhatDoTheyKnow id: linking again changes nothing.
        let before = app.snapshot();
        let read_before = linked["events"].clone();
        let (status, again) = link(&app, "558039").await;
        assert_eq!(status, StatusCode::OK, "{again}");
        assert_eq!((again["created"].clone(), again["added"].clone(), again["to_classify"].clone()), (json!(false), json!(0), json!(0)));
        assert_eq!(again["request_id"], id);
        let after = app.snapshot();
        for table in ["requests", "events", "incoming_messages", "authorities", "responses"] {
            assert_eq!(before[table], after[table], "{table}");
        }
        let read_after = app.get_json(&format!("/api/v1/requests/{id}/wdtk")).await;
        assert_eq!(read_before, read_after["events"]);
        assert_eq!(read_before.as_array().unwrap().len(), 8, "every event read, once");
        // Politely: the operator's contact in the User-Agent.
        let asked = site.asked();
        assert_eq!(asked[0].0, "/request/nrm_outcomes.json");
        assert_eq!(asked[1].0, "/request/558039.json");
        assert!(asked[0].1.starts_with("foi-tracker/"), "{}", asked[0].1);
        assert!(asked[0].1.contains("foi@coalition.example"), "{}", asked[0].1);
    }

    times_near_midnight_land_on_the_london_date(app, site) {
        site.serve(&wdtk_request(
            600001,
            "detention_figures",
            "Home Office",
            json!([]),
            "foi",
            vec![
                // 23:30 UTC on 1 April is 00:30 on 2 April in London (summer time).
                event(1, "sent", "2026-04-01T23:30:00Z", None),
                // Given in UTC late on 30 April: 1 May in London.
                event(2, "response", "2026-04-30T23:10:00+00:00", Some("partially_successful")),
            ],
        ));
        let (status, report) = link(&app, &site.page("detention_figures")).await;
        assert_eq!(status, StatusCode::CREATED, "{report}");
        let id = report["request_id"].as_i64().unwrap();
        assert_eq!(
            events(&app, id).await,
            owned(&[("received", "2026-04-02", ""), ("response", "2026-05-01", "partly_granted")])
        );
        let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(request["sent_on"], "2026-04-02");
        // From 2 April: Good Friday, Easter Monday and the early May bank holiday do not count.
        assert_eq!(deadline(&request, "response"), ("2026-05-05".into(), "met".into()));
    }

    a_scottish_authority_is_counted_under_scottish_law(app, site) {
        site.serve(&wdtk_request(
            600002,
            "trafficking_referrals_scotland",
            "Police Service of Scotland",
            json!([["scotland", null], ["police", null]]),
            // WhatDoTheyKnow says "foi" even for a Scottish authority.
            "foi",
            vec![event(1, "sent", "2026-03-02T09:00:00+00:00", None)],
        ));
        let (status, report) = link(&app, &site.page("trafficking_referrals_scotland")).await;
        assert_eq!(status, StatusCode::CREATED, "{report}");
        let id = report["request_id"].as_i64().unwrap();
        let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(request["regime"], "foisa");
        // FOISA s.10(1): the 20th Scottish working day after receipt on 2 March.
        assert_eq!(deadline(&request, "response"), ("2026-03-30".into(), "missed".into()));
        let authority = app
            .get_json(&format!("/api/v1/authorities/{}", request["authority"]["id"]))
            .await;
        assert_eq!(authority["nation"], "scotland");
        assert_eq!(authority["default_regime"], "foisa");
    }

    a_second_reading_adds_only_what_is_new(app, site) {
        let mut events_now = history();
        events_now.truncate(5);
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", events_now.clone()));
        let (_, report) = link(&app, &site.page("nrm_outcomes")).await;
        let id = report["request_id"].as_i64().unwrap();
        let before = events(&app, id).await;
        assert_eq!(before.len(), 3);

        // The authority refuses: one new event on the site.
        events_now.push(event(106, "response", "2026-02-09T16:00:00.000+00:00", Some("rejected")));
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", events_now.clone()));
        site.state.lock().unwrap().etag = Some("\"v2\"".into());
        site.state.lock().unwrap().last_modified = Some("Mon, 09 Feb 2026 16:00:00 GMT".into());
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let report: Value = response.json().await.unwrap();
        assert_eq!((report["added"].clone(), report["to_classify"].clone()), (json!(1), json!(0)), "{report}");
        let mut expected = before.clone();
        expected.push(("response".into(), "2026-02-09".into(), "refused".into()));
        assert_eq!(events(&app, id).await, expected);

        // Read again with the ETag: the site says nothing changed, and nothing does.
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        let report: Value = response.json().await.unwrap();
        assert_eq!(report["not_modified"], true, "{report}");
        assert_eq!(site.asked().last().unwrap().2.as_deref(), Some("\"v2\""));
        let modified_since = site.state.lock().unwrap().modified_since.last().cloned().flatten();
        assert_eq!(modified_since.as_deref(), Some("Mon, 09 Feb 2026 16:00:00 GMT"));
        assert_eq!(events(&app, id).await, expected);

        // The requester changes their mind on the site: the refusal is now "not held". The
        // event here stays as imported; the difference is shown for a person.
        site.state.lock().unwrap().etag = None;
        events_now[5] = event(106, "response", "2026-02-09T16:00:00.000+00:00", Some("not_held"));
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", events_now));
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        let report: Value = response.json().await.unwrap();
        assert_eq!((report["added"].clone(), report["differences"].clone()), (json!(0), json!(1)), "{report}");
        assert_eq!(events(&app, id).await, expected);
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("WhatDoTheyKnow now describes its response of 9 Feb 2026 (event 106) as “not held”, not “rejected”"), "{page}");

        // A person accepts it: the refusal becomes "not held", and the deadlines follow.
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/wdtk/events/106/accept"), &json!({}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let accepted: Value = response.json().await.unwrap();
        assert_eq!((accepted["state"].clone(), accepted["difference"].clone()), (json!("not_held"), Value::Null));
        let mut now_expected = before.clone();
        now_expected.push(("response".into(), "2026-02-09".into(), "not_held".into()));
        assert_eq!(events(&app, id).await, now_expected);
        assert_eq!(crate::support::audit_actions(&app, "accept_wdtk_difference").len(), 1);
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(!page.contains("WhatDoTheyKnow now describes"), "{page}");
        // Nothing left to accept: refused, nothing changed.
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/wdtk/events/106/accept"), &json!({}))
            .await;
        let (status, _, _) = problem(response).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(events(&app, id).await, now_expected);
        // From the page (a second tab still showing the difference): the page again, saying
        // why, with its WhatDoTheyKnow section.
        let response = app
            .post_form(&format!("/requests/{id}/wdtk/events/106/accept"), &[])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let page = response.text().await.unwrap();
        assert!(page.contains("On WhatDoTheyKnow"), "{page}");
        assert!(page.contains(&site.page("nrm_outcomes")), "{page}");
        assert_eq!(events(&app, id).await, now_expected);
        // Read again: the site and the request agree, so nothing is added or different.
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        let report: Value = response.json().await.unwrap();
        assert_eq!((report["added"].clone(), report["differences"].clone()), (json!(0), json!(0)), "{report}");
    }

    a_failed_reading_changes_nothing_and_is_reported(app, site) {
        // Nothing is linked from a site answering nonsense.
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()));
        site.serve_text("<html><body>We're down for maintenance</body></html>");
        let before = app.snapshot();
        let response = app.post_json("/api/v1/requests/wdtk", &json!({"url": site.page("nrm_outcomes")})).await;
        let (status, _, body) = problem(response).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert!(body["detail"].as_str().unwrap().contains("not a request's JSON"), "{body}");
        assert_eq!(before["requests"], app.snapshot()["requests"]);

        // Linked while the site works…
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()));
        let (_, report) = link(&app, &site.page("nrm_outcomes")).await;
        let id = report["request_id"].as_i64().unwrap();
        let before = app.snapshot();

        // …then it answers broken JSON: nothing changes, and the request says why.
        let mut broken = wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()).to_string();
        broken.truncate(broken.len() / 2);
        site.serve_text(&broken);
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        let (status, _, body) = problem(response).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
        let after = app.snapshot();
        for table in ["events", "incoming_messages", "deadlines", "requests", "responses"] {
            assert_eq!(before[table], after[table], "{table}");
        }
        let linked = app.get_json(&format!("/api/v1/requests/{id}/wdtk")).await;
        assert!(linked["problem"].as_str().unwrap().contains("not a request's JSON"), "{linked}");
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("The last reading failed"), "{page}");

        // It does not answer in time: the same.
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()));
        site.state.lock().unwrap().delay = Duration::from_secs(4);
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        let (status, _, body) = problem(response).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("did not answer within 2 seconds"), "{body}");
        let linked = app.get_json(&format!("/api/v1/requests/{id}/wdtk")).await;
        assert!(linked["problem"].as_str().unwrap().contains("did not answer"), "{linked}");
        assert_eq!(before["events"], app.snapshot()["events"]);

        // An answer over 4 MiB is not read to its end.
        site.state.lock().unwrap().delay = Duration::ZERO;
        site.serve_text(&" ".repeat(5 * 1024 * 1024));
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        let (status, _, body) = problem(response).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
        assert!(body["detail"].as_str().unwrap().contains("at most 4194304 are read"), "{body}");
        assert_eq!(before["events"], app.snapshot()["events"]);
        // The same problem again (the site still too big) is one entry in the audit trail,
        // which has each of the three problems.
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        let failures = crate::support::audit_actions(&app, "wdtk_reading_failed");
        assert_eq!(failures.len(), 3, "{failures:?}");
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()));

        // Back again: the reading succeeds and the problem is gone.
        site.state.lock().unwrap().delay = Duration::ZERO;
        let response = app.post_json(&format!("/api/v1/requests/{id}/wdtk/refresh"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let linked = app.get_json(&format!("/api/v1/requests/{id}/wdtk")).await;
        assert_eq!(linked["problem"], Value::Null);
    }

    bad_addresses_are_refused_beside_the_field(app, site) {
        for (url, words) in [
            ("", "Paste the address"),
            ("https://www.asktheeu.org/request/x", "another site"),
            ("not an address", "is not the address of a request"),
        ] {
            let response = app.post_json("/api/v1/requests/wdtk", &json!({"url": url})).await;
            let (status, fields, body) = problem(response).await;
            assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["url".to_string()]), "{url}");
            assert!(body.to_string().contains(words), "{url}: {body}");
        }
        // A request the site does not have.
        site.serve(&wdtk_request(558039, "nrm_outcomes", "Home Office", json!([]), "foi", history()));
        let response = app.post_json("/api/v1/requests/wdtk", &json!({"url": site.page("no_such_request")})).await;
        let (status, fields, _) = problem(response).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["url".to_string()]));

        // The page: the message beside the field, then a link that works.
        let form = app.text("/requests/wdtk").await;
        assert!(form.contains("Link a WhatDoTheyKnow request"));
        let response = app.post_form("/requests/wdtk", &[("url", "not an address")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("is not the address of a request"), "{page}");
        let response = app.post_form("/requests/wdtk", &[("url", &site.page("nrm_outcomes"))]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(crate::support::location(&response).starts_with("/requests/"));
    }
}

/// `foi-tracker wdtk import`, pointed at the test's site by `FOI_WDTK_URL` alone.
#[test]
fn the_command_line_imports_from_the_site_foi_wdtk_url_names() {
    use std::process::{Command, Stdio};
    let site = FakeSite::start();
    site.serve(&wdtk_request(
        587648,
        "support_after_return",
        "Home Office",
        json!([]),
        "foi",
        history(),
    ));
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("wdtk.db").display());
    let foi = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
            .args(args)
            .env("FOI_DATABASE_URL", &database)
            .env("FOI_WDTK_URL", &site.url)
            .env("FOI_TODAY", TODAY)
            .env("FOI_MAIL_DIR", dir.path().join("mail"))
            .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(text) = stdin {
            child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let added = foi(
        &[
            "user",
            "add",
            "--email",
            "r@coalition.example",
            "--name",
            "R",
            "--org",
            "Coalition NGO",
            "--role",
            "researcher",
            "--password-stdin",
        ],
        Some("correct horse battery staple\n"),
    );
    assert!(added.status.success(), "{}", text(&added.stderr));

    let out = foi(
        &[
            "wdtk",
            "import",
            &site.page("support_after_return"),
            "--owner",
            "r@coalition.example",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{} linked as request 1: 5 events added, 1 replies to classify, 0 differences to look at\n",
            site.page("support_after_return")
        )
    );
    assert_eq!(site.asked()[0].0, "/request/support_after_return.json");

    let again = foi(
        &["wdtk", "import", "587648", "--owner", "r@coalition.example"],
        None,
    );
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("already linked to request 1: 0 events added"),
        "{}",
        text(&again.stdout)
    );

    // Bad input: one line, exit 2, nothing read.
    let asked = site.asked().len();
    let bad = foi(
        &[
            "wdtk",
            "import",
            "https://example.org/body/x",
            "--owner",
            "r@coalition.example",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(text(&bad.stderr).lines().count(), 1, "{}", text(&bad.stderr));
    let nobody = foi(
        &["wdtk", "import", "587648", "--owner", "nobody@coalition.example"],
        None,
    );
    assert_eq!(nobody.status.code(), Some(2));
    assert!(
        text(&nobody.stderr).contains("--owner"),
        "{}",
        text(&nobody.stderr)
    );
    assert_eq!(site.asked().len(), asked);
}

async fn scheduled_reading(backend: Backend, site: &FakeSite) -> Option<TestApp> {
    let settings = Settings {
        today: Some(date(TODAY)),
        wdtk_url: site.url.clone(),
        wdtk_timeout_seconds: 2,
        // Every second instead of every day, so that the test sees several rounds.
        wdtk_poll_seconds: 1,
        imap_poll_seconds: 0,
        ..Settings::default()
    };
    TestApp::start_scheduled(backend, settings).await
}

/// Waits up to 20 seconds for `done`.
async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..80 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    false
}

async fn the_scheduler_keeps_linked_requests_in_step_politely(app: TestApp, site: FakeSite) {
    let mut first = history();
    first.truncate(5);
    site.serve(&wdtk_request(
        558039,
        "nrm_outcomes",
        "Home Office",
        json!([]),
        "foi",
        first.clone(),
    ));
    site.serve(&wdtk_request(
        587648,
        "support_after_return",
        "Home Office",
        json!([]),
        "foi",
        history(),
    ));
    let (_, a) = link(&app, "558039").await;
    let (_, b) = link(&app, "587648").await;
    let (a, b) = (
        a["request_id"].as_i64().unwrap(),
        b["request_id"].as_i64().unwrap(),
    );
    let linked_at = site.asked().len();

    // A new reply on the site is added by the scheduler alone.
    first.push(event(
        106,
        "response",
        "2026-02-09T16:00:00.000+00:00",
        Some("rejected"),
    ));
    site.serve(&wdtk_request(
        558039,
        "nrm_outcomes",
        "Home Office",
        json!([]),
        "foi",
        first,
    ));
    assert!(
        eventually(async || events(&app, a).await.len() == 4).await,
        "the new event was never read"
    );
    assert_eq!(
        events(&app, a).await[3],
        ("response".into(), "2026-02-09".into(), "refused".into())
    );
    assert!(!crate::support::audit_actions(&app, "refresh_wdtk").is_empty());

    // One request a second at most, round after round.
    assert!(eventually(async || site.asked().len() >= linked_at + 4).await);
    let times = site.state.lock().unwrap().asked_at[linked_at..].to_vec();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= Duration::from_millis(950),
            "{:?}",
            pair[1] - pair[0]
        );
    }

    // A site that answers nonsense is reported on the request and left alone for a while.
    site.serve_text("Service Unavailable");
    assert!(
        eventually(async || {
            app.get_json(&format!("/api/v1/requests/{a}/wdtk")).await["problem"].is_string()
                && app.get_json(&format!("/api/v1/requests/{b}/wdtk")).await["problem"].is_string()
        })
        .await,
        "the problem was never reported"
    );
    let asked = site.asked().len();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(site.asked().len(), asked, "read again before its back-off");
    assert_eq!(events(&app, a).await.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_keeps_linked_requests_in_step_politely_sqlite() {
    let site = FakeSite::start();
    let app = scheduled_reading(Backend::Sqlite, &site).await.unwrap();
    the_scheduler_keeps_linked_requests_in_step_politely(app, site).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_keeps_linked_requests_in_step_politely_postgres() {
    let site = FakeSite::start();
    match scheduled_reading(Backend::Postgres, &site).await {
        Some(app) => the_scheduler_keeps_linked_requests_in_step_politely(app, site).await,
        None => eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran"),
    }
}
