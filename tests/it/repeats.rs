//! Quarterly repeat requests: set to repeat, a request's successor is drafted once the next
//! quarter has ended (the date injected, as the daily sweep passes it), with the text and the
//! indicators a quarter on; a skipped draft keeps the series going. Both backends.

use crate::support;

use crate::support::{date, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The drafting the daily sweep runs, on `day`.
fn draft_on(app: &TestApp, day: &str) -> Vec<i32> {
    let mut conn = app.connection();
    let calendars = foi_tracker::tracker::holidays::CalendarStore::load(&mut conn).unwrap();
    foi_tracker::tracker::repeats::draft_due(&mut conn, &calendars, date(day), foi_tracker::clock::now())
        .unwrap()
}

on_both_backends! {
    async fn a_quarterly_request_drafts_its_successor_when_the_quarter_ends(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({
                "title": "Referred people detained, 2026 Q1", "authority_id": home_office, "sent_on": "2026-04-02",
                "body": "Please send the number of people referred to the NRM who entered detention in 2026 Q1 (2026-01-01 to 2026-03-31).",
                "tags": ["quarterly"],
            }))
            .await;
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/requests/{id}/repeat");

        // Nothing to repeat until it names its indicator and quarter.
        let (status, fields, _) = problem(app.post_json(&path, &json!({"repeats": true})).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["repeats".to_string()]));
        app.put_json(&format!("/api/v1/requests/{id}/indicators"), &json!([{"indicator_id": "D1.1", "from": "2026-01-01", "to": "2026-03-31"}])).await;
        assert_eq!(app.post_json(&path, &json!({"repeats": true})).await.status(), StatusCode::NO_CONTENT);

        // 2026 Q2 ends on 30 June: nothing before, the Q2 request the day after.
        assert!(draft_on(&app, "2026-06-30").is_empty());
        let drafted = draft_on(&app, "2026-07-01");
        assert_eq!(drafted.len(), 1);
        let next = app.get_json(&format!("/api/v1/requests/{}", drafted[0])).await;
        assert_eq!(next["title"], "Referred people detained, 2026 Q2");
        assert_eq!(next["body"], "Please send the number of people referred to the NRM who entered detention in 2026 Q2 (2026-04-01 to 2026-06-30).");
        assert_eq!(next["status"], "draft");
        assert_eq!(next["authority"]["id"], home_office);
        assert_eq!(next["tags"], json!(["quarterly"]));
        assert_eq!(next["indicators"], json!([{"indicator_id": "D1.1", "from": "2026-04-01", "to": "2026-06-30"}]));
        assert!(draft_on(&app, "2026-07-02").is_empty(), "drafted once");

        // Skipped, the series goes on from it: Q3 is drafted when Q3 ends.
        let skip = format!("/api/v1/requests/{}/skip", drafted[0]);
        assert_eq!(app.post_json(&skip, &json!({})).await.status(), StatusCode::NO_CONTENT);
        let (status, _, _) = problem(app.post_json(&skip, &json!({})).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, _, _) = problem(app.post_json(&format!("/api/v1/requests/{id}/skip"), &json!({})).await).await;
        assert_eq!(status, StatusCode::CONFLICT, "a sent request is not a draft to skip");
        let third = draft_on(&app, "2026-10-01");
        assert_eq!(third.len(), 1);
        let third: Value = app.get_json(&format!("/api/v1/requests/{}", third[0])).await;
        assert_eq!(third["title"], "Referred people detained, 2026 Q3");

        // Stopped, the series drafts no more.
        assert_eq!(app.post_json(&format!("/api/v1/requests/{}/repeat", third["id"]), &json!({"repeats": false})).await.status(), StatusCode::NO_CONTENT);
        assert!(draft_on(&app, "2027-01-01").is_empty());
        let trail = app.admin().await.text("/audit?entity=request").await;
        assert!(trail.contains("repeat") && trail.contains("skip"), "{trail}");
    }

    async fn the_request_page_sets_a_repeat_and_skips_a_quarter(app) {
        let home_office = app.authority("Home Office").await;
        let id = app.create_request(json!({"title": "Safe-house places, 2026 Q1", "body": "For 2026 Q1.", "authority_id": home_office, "sent_on": "2026-04-02"})).await["id"].as_i64().unwrap();
        let response = app.post_form(&format!("/requests/{id}/repeat"), &[("repeats", "on")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("Name the indicators and the quarter this request asks for first"));
        app.post_form(&format!("/requests/{id}/indicators"), &[("lines", "D2.2 2026-01-01 2026-03-31")]).await;
        let response = app.post_form(&format!("/requests/{id}/repeat"), &[("repeats", "on")]).await;
        assert_eq!(support::location(&response), format!("/requests/{id}#repeat"));
        assert!(app.text(&format!("/requests/{id}")).await.contains("Stop repeating"));

        let drafted = draft_on(&app, "2026-07-01")[0];
        let page = app.text(&format!("/requests/{drafted}")).await;
        assert!(page.contains(&format!("This repeats <a href=\"/requests/{id}\">request {id}</a>")), "{page}");
        assert!(app.text("/").await.contains("Safe-house places, 2026 Q2"), "the draft waits on the dashboard");
        let response = app.post_form(&format!("/requests/{drafted}/skip"), &[]).await;
        assert_eq!(support::location(&response), format!("/requests/{drafted}#repeat"));
        assert!(app.text(&format!("/requests/{drafted}")).await.contains("It was skipped: not sent."));
        assert!(!app.text("/").await.contains("Safe-house places, 2026 Q2"), "a skipped draft is nothing to do");
    }
}
