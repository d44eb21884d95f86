//! What the register stores about each request besides its events (its status, the deadlines
//! index, its next deadline, the day it must be computed again, the refusal history's facts and
//! the list's row read from the index)
//! always equals what its events say, computed from scratch: after random events, after the last one is removed, after
//! its regime changes and after new bank holidays are imported. Both backends.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use diesel::sql_types::{Date, Integer, Nullable, Text};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::StatusCode;
use serde_json::{json, Value};

use foi_tracker::db::events::EventRecord;
use foi_tracker::db::schema::requests;
use foi_tracker::domain::standing::Standing;
use foi_tracker::domain::timeline::{self, Event};
use foi_tracker::tracker::history_facts;
use foi_tracker::tracker::holidays::CalendarStore;

use crate::support::{date, TestApp, TODAY};

const KINDS: &[&str] = &[
    "received",
    "acknowledged",
    "clarification_requested",
    "clarification_provided",
    "fee_notice",
    "fee_paid",
    "extension",
    "response",
    "internal_review_requested",
    "internal_review_response",
    "regulator_complaint",
    "regulator_decision",
    "tribunal_appeal",
    "tribunal_decision",
    "closed",
    "withdrawn",
    "note",
];

const OUTCOMES: &[&str] = &[
    "granted",
    "partly_granted",
    "refused",
    "not_held",
    "neither_confirm_nor_deny",
];
const GROUNDS: &[&[&str]] = &[&[], &["foia-s40-2"], &["foia-s31-1-e", "foia-s40-2"]];
const DECISIONS: &[&str] = &[
    "upheld",
    "partly_overturned",
    "overturned",
    "complaint_upheld",
    "partly_upheld",
    "not_upheld",
    "allowed",
    "partly_allowed",
    "dismissed",
];

/// An event's body: a response or a decision with an outcome `detail` picks (some of which a
/// stage or a regime refuses), grounds for a refusal.
fn event_body(kind: &str, on: NaiveDate, detail: usize) -> Value {
    let mut body = json!({"kind": kind, "occurred_on": on.to_string()});
    match kind {
        "response" if !detail.is_multiple_of(4) => {
            let outcome = OUTCOMES[detail % OUTCOMES.len()];
            body["outcome"] = json!(outcome);
            if matches!(outcome, "partly_granted" | "refused" | "neither_confirm_nor_deny") {
                body["grounds"] = json!(GROUNDS[detail % GROUNDS.len()]);
            }
        }
        "internal_review_response" | "regulator_decision" | "tribunal_decision"
            if !detail.is_multiple_of(4) =>
        {
            body["outcome"] = json!(DECISIONS[detail % DECISIONS.len()]);
        }
        _ => {}
    }
    body
}

const REGIMES: &[&str] = &["foia", "eir", "foisa", "eisr", "sar"];

#[derive(Debug, Clone)]
enum Step {
    /// An event of `KINDS[kind]`, `days` after the one before; `detail` picks a response's or
    /// a decision's outcome, and a refusal's grounds.
    Event {
        kind: usize,
        days: u64,
        detail: usize,
    },
    RemoveLast,
    Regime(usize),
    /// A new bank holiday in every part of the UK, `days` after the request was sent.
    Holiday {
        days: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0..KINDS.len(), 0u64..30, 0usize..64)
            .prop_map(|(kind, days, detail)| Step::Event { kind, days, detail }),
        1 => Just(Step::RemoveLast),
        1 => (0..REGIMES.len()).prop_map(Step::Regime),
        1 => (1u64..60).prop_map(|days| Step::Holiday { days }),
    ]
}

#[derive(QueryableByName, Debug)]
struct StoredRequest {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Nullable<Date>)]
    next_due: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    reindex_on: Option<NaiveDate>,
}

#[derive(QueryableByName, Debug, PartialEq, Eq)]
struct StoredDeadline {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Date)]
    due: NaiveDate,
    #[diesel(sql_type = Nullable<Date>)]
    settled_on: Option<NaiveDate>,
}

fn day(value: &Value) -> Option<NaiveDate> {
    value.as_str().map(date)
}

/// The stored facts, read before anything else reads the request (a read may bring them up to
/// date), then compared with the schedule the request's page computes from its events.
async fn stored_equals_computed(app: &TestApp, id: i64) -> Result<(), TestCaseError> {
    let mut conn = app.connection();
    let stored: StoredRequest =
        diesel::sql_query("SELECT status, next_due, reindex_on FROM requests WHERE id = $1")
            .bind::<Integer, _>(id as i32)
            .get_result(&mut conn)
            .unwrap();
    let deadlines: Vec<StoredDeadline> = diesel::sql_query(
        "SELECT kind, due, settled_on FROM deadlines WHERE request_id = $1 ORDER BY position",
    )
    .bind::<Integer, _>(id as i32)
    .load(&mut conn)
    .unwrap();

    let stored_facts = foi_tracker::db::history::stored_facts(&mut conn, &[id as i32])
        .unwrap()
        .remove(&(id as i32))
        .unwrap();
    let records = foi_tracker::db::events::for_request(&mut conn, id as i32).unwrap();
    let regime: String = requests::table
        .find(id as i32)
        .select(requests::regime)
        .first(&mut conn)
        .unwrap();
    let calendar = CalendarStore::load(&mut conn)
        .unwrap()
        .current(&mut conn)
        .unwrap();
    let events: Vec<Event> = records.iter().map(EventRecord::event).collect();
    let from_scratch = timeline::schedule(regime.parse().unwrap(), &events, &calendar, date(TODAY)).unwrap();
    prop_assert_eq!(
        &stored_facts,
        &history_facts::of(&from_scratch, &records),
        "the history's facts"
    );
    let unsettled = foi_tracker::db::deadlines::unsettled(&mut conn, &[id as i32])
        .unwrap()
        .remove(&(id as i32))
        .unwrap_or_default();
    let listed = Standing::of_index(
        stored.status.parse().unwrap(),
        regime.parse().unwrap(),
        &unsettled,
        &calendar,
        date(TODAY),
    )
    .unwrap();
    prop_assert_eq!(&listed, &Standing::of(&from_scratch), "the list's row");

    let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
    let schedule = &request["schedule"];
    let computed: Vec<StoredDeadline> = schedule["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| StoredDeadline {
            kind: d["kind"].as_str().unwrap().to_string(),
            due: day(&d["due"]).unwrap(),
            settled_on: day(&d["settled_on"]),
        })
        .collect();
    let unsettled = computed.iter().filter(|d| d.settled_on.is_none());
    let running = schedule["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["state"] == "running");
    prop_assert_eq!(&deadlines, &computed, "the deadlines index");
    prop_assert_eq!(
        stored.status.as_str(),
        schedule["status"].as_str().unwrap(),
        "the status"
    );
    prop_assert_eq!(
        stored.next_due,
        unsettled.map(|d| d.due).min(),
        "the next deadline"
    );
    prop_assert_eq!(
        stored.reindex_on,
        running.filter_map(|d| day(&d["due"])?.succ_opt()).min(),
        "the day it reads differently"
    );
    Ok(())
}

/// A gov.uk bank holidays file: the app's own, with `extra` a holiday in every division.
fn holidays_with(extra: NaiveDate, dir: &std::path::Path) -> std::path::PathBuf {
    let own = concat!(env!("CARGO_MANIFEST_DIR"), "/data/bank-holidays.json");
    let mut file: Value = serde_json::from_str(&std::fs::read_to_string(own).unwrap()).unwrap();
    for division in ["england-and-wales", "scotland", "northern-ireland"] {
        let events = file[division]["events"].as_array_mut().unwrap();
        if !events.iter().any(|e| e["date"] == extra.to_string()) {
            events.push(
                json!({"title": "Extra day", "date": extra.to_string(), "notes": "", "bunting": false}),
            );
        }
    }
    let path = dir.join(format!("holidays-{extra}.json"));
    std::fs::write(&path, file.to_string()).unwrap();
    path
}

/// How many events were recorded and removed, and regimes changed: the known road must do
/// each, and the property says little if the random steps were all refused.
#[derive(Default)]
struct Done {
    events: AtomicUsize,
    /// Responses and decisions recorded with an outcome.
    outcomes: AtomicUsize,
    removed: AtomicUsize,
    regimes: AtomicUsize,
}

async fn run(
    app: &TestApp,
    steps: Vec<Step>,
    dir: &std::path::Path,
    done: &Done,
) -> Result<(), TestCaseError> {
    let sent = date("2026-01-05");
    let authority = app.authority("Home Office").await;
    let body = json!({"title": "Property: detention figures", "body": "Please provide the figures.",
        "authority_id": authority, "sent_on": sent.to_string()});
    let id = app.create_request(body).await["id"].as_i64().unwrap();
    stored_equals_computed(app, id).await?;
    let today = date(TODAY);
    let mut on = sent;
    for step in steps {
        match step {
            Step::Event { kind, days, detail } => {
                on = (on + Days::new(days)).min(today);
                let body = event_body(KINDS[kind], on, detail);
                let response = app
                    .post_json(&format!("/api/v1/requests/{id}/events"), &body)
                    .await;
                let status = response.status();
                // An event the request's history does not allow is refused, and changes nothing.
                prop_assert!(
                    status == StatusCode::CREATED || status == StatusCode::UNPROCESSABLE_ENTITY,
                    "{} on {on}: {status} {}",
                    KINDS[kind],
                    response.text().await.unwrap()
                );
                if status == StatusCode::CREATED {
                    done.events.fetch_add(1, Ordering::Relaxed);
                    if body.get("outcome").is_some() {
                        done.outcomes.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            Step::RemoveLast => {
                let response = app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
                prop_assert!(!response.status().is_server_error(), "{}", response.status());
                if response.status().is_success() {
                    done.removed.fetch_add(1, Ordering::Relaxed);
                }
            }
            Step::Regime(regime) => {
                let body = json!({"regime": REGIMES[regime]});
                let response = app
                    .request(reqwest::Method::PATCH, &format!("/api/v1/requests/{id}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                prop_assert!(!response.status().is_server_error(), "{}", response.status());
                if response.status().is_success() {
                    done.regimes.fetch_add(1, Ordering::Relaxed);
                }
            }
            Step::Holiday { days } => {
                let file = holidays_with(sent + Days::new(days), dir);
                let output = Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
                    .args(["import-holidays", file.to_str().unwrap()])
                    .env("FOI_DATABASE_URL", &app.database_url)
                    .env("FOI_MAIL_DIR", dir.join("mail"))
                    .env("FOI_TODAY", TODAY)
                    .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
                    .output()
                    .unwrap();
                prop_assert!(
                    output.status.success(),
                    "{}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
        stored_equals_computed(app, id).await?;
    }
    Ok(())
}

fn the_stored_facts_equal_the_events(backend: foi_tracker::db::Backend) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some(app) = runtime.block_on(TestApp::start(backend, TODAY)) else {
        return eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
    };
    let dir = tempfile::tempdir().unwrap();
    // Each case is a request with up to a dozen steps, each checked: a few dozen cases cover
    // every kind of step many times over without making the suite slow.
    let mut runner = TestRunner::new(Config {
        cases: 24,
        ..Config::default()
    });
    let done = Done::default();
    // A known road first, so every kind of step is checked whatever the random cases draw:
    // a regime changed and changed back, a refusal with grounds, a review that overturns it
    // in part, and that decision removed.
    let kind = |name: &str| KINDS.iter().position(|k| *k == name).unwrap();
    let road = vec![
        Step::Regime(1),
        Step::Regime(0),
        Step::Event {
            kind: kind("response"),
            days: 20,
            detail: 2,
        },
        Step::Event {
            kind: kind("internal_review_requested"),
            days: 10,
            detail: 0,
        },
        Step::Event {
            kind: kind("internal_review_response"),
            days: 15,
            detail: 1,
        },
        Step::RemoveLast,
    ];
    runtime.block_on(run(&app, road, dir.path(), &done)).unwrap();
    let known = (
        done.events.load(Ordering::Relaxed),
        done.outcomes.load(Ordering::Relaxed),
        done.removed.load(Ordering::Relaxed),
        done.regimes.load(Ordering::Relaxed),
    );
    assert_eq!(known, (3, 2, 1, 2), "the known road was refused in part");
    runner
        .run(&prop::collection::vec(step(), 1..12), |steps| {
            runtime.block_on(run(&app, steps, dir.path(), &done))
        })
        .unwrap();
    // The random cases alone: the property says little if their steps were all refused.
    let events = done.events.load(Ordering::Relaxed) - known.0;
    assert!(events >= 24, "only {events} events were recorded");
}

#[test]
fn the_stored_facts_equal_the_events_on_sqlite() {
    the_stored_facts_equal_the_events(foi_tracker::db::Backend::Sqlite);
}

#[test]
fn the_stored_facts_equal_the_events_on_postgres() {
    the_stored_facts_equal_the_events(foi_tracker::db::Backend::Postgres);
}
