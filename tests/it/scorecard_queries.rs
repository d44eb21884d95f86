//! The scorecard's cost does not grow with its size: the page and its JSON issue the same
//! number of database queries for 1 indicator by 1 quarter as for 16 indicators by 40
//! quarters with figures and refused requests. Queries are counted by the database they go
//! to, because the other tests of this process run theirs at the same time.

use crate::support;

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::support::{browser, TestApp};
use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};
use diesel::prelude::*;
use foi_tracker::db::Backend;
use serde_json::json;

/// Queries started, by the address of the database each connection was opened on.
static QUERIES: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

/// One connection's counter: it learns its database when it connects.
#[derive(Default)]
struct Counting {
    database: String,
}

impl Instrumentation for Counting {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => self.database = url.to_string(),
            InstrumentationEvent::StartQuery { .. } => {
                *QUERIES.lock().unwrap().entry(self.database.clone()).or_default() += 1
            }
            _ => {}
        }
    }
}

fn counting() -> Option<Box<dyn Instrumentation>> {
    Some(Box::new(Counting::default()))
}

/// The queries made so far on `app`'s database.
fn queries_on(app: &TestApp) -> usize {
    let database = app.database_url.trim_start_matches("sqlite://");
    QUERIES
        .lock()
        .unwrap()
        .iter()
        .filter(|(url, _)| url.contains(database))
        .map(|(_, count)| count)
        .sum()
}

/// The queries one anonymous GET of `path` issues.
async fn queries_for(app: &TestApp, path: &str) -> usize {
    let client = browser();
    let before = queries_on(app);
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK, "{path}");
    response.bytes().await.unwrap();
    queries_on(app) - before
}

/// 1 indicator by 1 quarter: today in 2016 Q1, every indicator but one removed.
async fn small(backend: Backend) -> Option<TestApp> {
    let app = TestApp::start(backend, "2016-02-15").await?;
    use foi_tracker::db::schema::indicators;
    diesel::delete(indicators::table.filter(indicators::id.ne("D1.1")))
        .execute(&mut app.connection())
        .unwrap();
    Some(app)
}

/// 16 indicators by 40 quarters (2016 Q1 to 2025 Q4), each indicator with figures and a
/// refused request.
async fn large(backend: Backend) -> Option<TestApp> {
    let app = TestApp::start(backend, "2025-12-15").await?;
    let checker = app
        .member("checker@coalition.example", "researcher", support::ORGANISATION)
        .await;
    let home_office = app.authority("Home Office").await;
    let catalogue = app.get_json("/api/v1/indicators").await;
    for (n, indicator) in catalogue["indicators"].as_array().unwrap().iter().enumerate() {
        let id = indicator["id"].as_str().unwrap();
        let year = 2016 + (n % 9) as i32;
        let figure = app
            .post_json("/api/v1/figures", &json!({
                "indicator_id": id, "value": (n * 10).to_string(), "period_start": format!("{year}-01-01"),
                "period_end": format!("{year}-12-31"), "definition": "d", "definition_match": "matches",
                "source_kind": "publication", "publication_title": "T", "publisher": "P",
            }))
            .await
            .json::<serde_json::Value>()
            .await
            .unwrap();
        checker
            .post_json(&format!("/api/v1/figures/{}/verify", figure["id"]), &json!({}))
            .await;
        let request = app
            .create_request(json!({"title": format!("{id} figures"), "body": "B", "authority_id": home_office, "sent_on": "2025-10-01"}))
            .await["id"]
            .as_i64()
            .unwrap();
        app.put_json(&format!("/api/v1/requests/{request}/indicators"), &json!([{"indicator_id": id, "from": format!("{}-01-01", year + 1), "to": format!("{}-12-31", year + 1)}])).await;
        app.post_json(&format!("/api/v1/requests/{request}/events"), &json!({"kind": "response", "occurred_on": "2025-10-20", "outcome": "refused", "grounds": ["foia-s12-1"]})).await;
    }
    let card = app.get_json("/api/v1/scorecard").await;
    assert_eq!(card["quarters"].as_array().unwrap().len(), 40);
    let rows: usize = card["demands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["indicators"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows, 16);
    Some(app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scorecard_costs_the_same_queries_whatever_its_size() {
    set_default_instrumentation(counting).unwrap();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (Some(small), Some(large)) = (small(backend).await, large(backend).await) else {
            eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
            continue;
        };
        let one = small.get_json("/api/v1/scorecard").await;
        assert_eq!(one["quarters"], json!(["2016-Q1"]));
        for path in ["/api/v1/scorecard", "/scorecard"] {
            // The first request warms what is loaded once per process (the calendar).
            queries_for(&small, path).await;
            queries_for(&large, path).await;
            let few = queries_for(&small, path).await;
            let many = queries_for(&large, path).await;
            assert_eq!(
                few, many,
                "{backend:?} {path}: {few} queries for 1x1, {many} for 16x40"
            );
            // Six reads make the scorecard: demands, indicators, figures, asks, their
            // responses and the grounds cited; the session check adds none for a visitor.
            assert!((6..=10).contains(&few), "{backend:?} {path}: {few} queries");
        }
    }
}
