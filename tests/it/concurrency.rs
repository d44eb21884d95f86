//! Fifty simultaneous event submissions on SQLite: each succeeds or is refused cleanly, none
//! fails with "database is locked", and exactly the accepted ones are stored.

use crate::support::{TestApp, TODAY};
use foi_tracker::db::Backend;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_events_on_sqlite() {
    let app = TestApp::start(Backend::Sqlite, TODAY).await.unwrap();
    let home_office = app.authority("Home Office").await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let created = app
            .create_request(json!({"title": format!("R{i}"), "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await;
        ids.push(created["id"].as_i64().unwrap());
    }
    let submissions = (0..50).map(|i| {
        let request = app.request(
            reqwest::Method::POST,
            &format!("/api/v1/requests/{}/events", ids[i % ids.len()]),
        );
        // One in ten is out of order (a response before receipt) and must be refused.
        let body = if i % 10 == 9 {
            json!({"kind": "response", "occurred_on": "2026-04-01"})
        } else {
            json!({"kind": "note", "occurred_on": "2026-05-15", "details": format!("note {i}")})
        };
        tokio::spawn(async move {
            let response = request.json(&body).send().await.unwrap();
            let status = response.status();
            (status, response.text().await.unwrap())
        })
    });
    let results: Vec<(StatusCode, String)> = futures_util::future::join_all(submissions)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    for (status, body) in &results {
        assert!(!body.to_lowercase().contains("locked"), "{status}: {body}");
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::UNPROCESSABLE_ENTITY,
            "{status}: {body}"
        );
    }
    let accepted = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    let refused = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((accepted, refused), (45, 5));
    let stored = app.snapshot()["events"]
        .iter()
        .filter(|e| e.contains("|note|"))
        .count();
    assert_eq!(stored, 45);
}
