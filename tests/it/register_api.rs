//! The register through its JSON API, on both backends: a request followed from receipt to
//! internal review, the list's filters, editing, and taking back an event.

use crate::support::problem;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// (kind, due, state) of every deadline in a schedule.
fn deadlines(schedule: &Value) -> Vec<(String, String, String)> {
    schedule["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["due"].as_str().unwrap().to_string(),
                d["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(kind: &str, due: &str, state: &str) -> (String, String, String) {
    (kind.into(), due.into(), state.into())
}

on_both_backends! {
    async fn a_request_from_receipt_to_internal_review(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({
                "title": "Potential victims in detention, 2026 Q1",
                "body": "Please provide the number of potential victims detained in 2026 Q1.",
                "authority_id": home_office,
                "sent_on": "2026-05-01",
                "tags": ["Detention", "nrm"],
            }))
            .await;
        let id = created["id"].as_i64().unwrap();
        assert_eq!(created["regime"], "foia", "the authority's default");
        assert_eq!(created["status"], "awaiting_response");
        assert_eq!(created["tags"], json!(["detention", "nrm"]));
        assert_eq!(created["schedule"]["received"], "2026-05-01");
        // 4 May (early May) and 25 May (spring) are bank holidays.
        assert_eq!(deadlines(&created["schedule"]), [row("response", "2026-06-02", "running")]);

        let schedule = app.add_event(id, "acknowledged", "2026-05-05").await;
        assert_eq!(deadlines(&schedule), [row("response", "2026-06-02", "running")]);

        let schedule = app.add_event(id, "clarification_requested", "2026-05-08").await;
        assert_eq!(schedule["status"], "awaiting_clarification");
        assert_eq!(deadlines(&schedule), [row("response", "2026-06-02", "void")]);

        let schedule = app.add_event(id, "clarification_provided", "2026-05-12").await;
        assert_eq!(schedule["status"], "awaiting_response");
        assert_eq!(
            deadlines(&schedule),
            [row("response", "2026-06-02", "void"), row("response", "2026-06-10", "running")]
        );

        let schedule = app.add_event(id, "response", "2026-05-29").await;
        assert_eq!(schedule["status"], "responded");
        // 40 working days: 13 July is Northern Ireland's substitute Boyne holiday.
        assert_eq!(
            deadlines(&schedule),
            [
                row("response", "2026-06-02", "void"),
                row("response", "2026-06-10", "met"),
                row("internal_review_request", "2026-07-27", "running"),
            ]
        );

        let schedule = app.add_event(id, "internal_review_requested", "2026-06-01").await;
        assert_eq!(schedule["status"], "in_internal_review");
        let review = &schedule["deadlines"][3];
        assert_eq!(review["kind"], "internal_review_response");
        assert_eq!(review["due"], "2026-06-29");
        assert_eq!(review["latest"], "2026-07-28");
        assert_eq!(review["state"], "running");
        assert_eq!(schedule["deadlines"][2]["state"], "met");

        // The stored representation agrees with what each step answered.
        let read = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(read["status"], "in_internal_review");
        assert_eq!(read["schedule"], schedule);
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "received",
                "acknowledged",
                "clarification_requested",
                "clarification_provided",
                "response",
                "internal_review_requested"
            ]
        );
    }

    async fn the_last_event_can_be_taken_back(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({"title": "T", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await;
        let id = created["id"].as_i64().unwrap();
        app.add_event(id, "response", "2026-05-20").await;
        let response = app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["event"]["kind"], "response");
        assert_eq!(body["schedule"]["status"], "awaiting_response");
        assert_eq!(deadlines(&body["schedule"]), [row("response", "2026-06-02", "running")]);
        // Then the receipt; then nothing is left to remove.
        let response = app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let read = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(read["status"], "draft");
        let (status, _, body) = problem(app.delete(&format!("/api/v1/requests/{id}/events/last")).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body["detail"].as_str().unwrap().contains("no events"));
    }

    async fn editing_a_request_recomputes_its_deadlines(app) {
        let scotland = app.authority("Scottish Government").await;
        let created = app
            .create_request(json!({"title": "T", "body": "B", "authority_id": scotland, "sent_on": "2026-03-20", "regime": "foia"}))
            .await;
        let id = created["id"].as_i64().unwrap();
        assert_eq!(deadlines(&created["schedule"]), [row("response", "2026-04-21", "missed")]);
        let response = app
            .put_json(
                &format!("/api/v1/requests/{id}"),
                &json!({"title": "Renamed", "body": "B", "authority_id": scotland, "regime": "foisa", "sent_via": "email", "sent_on": "2026-03-20", "reference": "FOI/26/0001", "owner_id": created["owner_id"], "tags": []}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let updated: Value = response.json().await.unwrap();
        assert_eq!(updated["title"], "Renamed");
        assert_eq!(updated["reference"], "FOI/26/0001");
        // Easter Monday is not a Scottish bank holiday; with no answer, the requester may ask
        // for a review within 40 working days of the date it was due (FOISA s.20(5)).
        assert_eq!(
            deadlines(&updated["schedule"]),
            [row("response", "2026-04-20", "missed"), row("internal_review_request", "2026-06-17", "running")]
        );
    }

    async fn the_search_folds_case_and_escapes_wildcards(app) {
        let home_office = app.authority("Home Office").await;
        let mut ids = Vec::new();
        for title in ["1000 cases", "100% of referrals", "École des données", "snake_case title", "snakeXcase title"] {
            ids.push(app.create_request(json!({"title": title, "body": "B", "authority_id": home_office})).await["id"].as_i64().unwrap());
        }
        let found = |list: Value| -> Vec<i64> {
            list["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
        };
        assert_eq!(found(app.get_json("/api/v1/requests?q=100%25").await), [ids[1]]);
        assert_eq!(found(app.get_json("/api/v1/requests?q=%C3%89COLE").await), [ids[2]], "ÉCOLE finds École");
        assert_eq!(found(app.get_json("/api/v1/requests?q=%C3%A9cole").await), [ids[2]], "école finds École");
        assert_eq!(found(app.get_json("/api/v1/requests?q=snake_case").await), [ids[3]]);
    }

    async fn a_draft_edited_with_a_date_sent_is_sent(app) {
        let home_office = app.authority("Home Office").await;
        let draft = app.create_request(json!({"title": "T", "body": "B", "authority_id": home_office})).await;
        let id = draft["id"].as_i64().unwrap();
        let response = app
            .put_json(&format!("/api/v1/requests/{id}"), &json!({"title": "T", "body": "B", "authority_id": home_office, "regime": null, "sent_via": null, "sent_on": "2026-05-01", "reference": null, "owner_id": draft["owner_id"], "tags": []}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let sent: Value = response.json().await.unwrap();
        assert_eq!(sent["status"], "awaiting_response");
        assert_eq!(sent["schedule"]["received"], "2026-05-01");
        assert_eq!(deadlines(&sent["schedule"]), [row("response", "2026-06-02", "running")]);
    }

    async fn the_index_catches_up_as_days_pass(app) {
        // A FOISA request with no answer: once its response date has passed, the requester's
        // right to ask for a review opens (s.20(5)), with no event recorded.
        let police_scotland = app.authority("Police Scotland").await;
        app.create_request(json!({"title": "Silent", "body": "B", "authority_id": police_scotland, "sent_on": "2026-05-20"})).await;
        let page = app.text("/").await;
        assert!(page.contains("No deadline of yours is running."));
        let later = app.instance_on("2026-07-01").await;
        let page = later.text("/").await;
        let yours = &page[page.find(r#"<h2 id="yours">"#).unwrap()..page.find(r#"<h2 id="clarification">"#).unwrap()];
        assert!(yours.contains("Silent") && yours.contains("Ask for an internal review"), "{yours}");
        // 40 Scottish working days after the due date of 18 June.
        assert!(yours.contains(r#"datetime="2026-08-14""#), "{yours}");
        let overdue: Value = later.get_json("/api/v1/requests?overdue=true").await;
        assert_eq!(overdue["total"], 1);
    }

    async fn the_list_filters_and_pages(app) {
        let home_office = app.authority("Home Office").await;
        let police_scotland = app.authority("Police Scotland").await;
        let overdue = app
            .create_request(json!({"title": "Detention by nationality", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01", "tags": ["detention"]}))
            .await["id"].as_i64().unwrap();
        let scottish = app
            .create_request(json!({"title": "Referrals in Scotland", "body": "B", "authority_id": police_scotland, "sent_on": "2026-05-20", "tags": ["scotland"]}))
            .await["id"].as_i64().unwrap();
        let draft = app
            .create_request(json!({"title": "Victims gone MISSING after referral", "body": "B", "authority_id": home_office}))
            .await["id"].as_i64().unwrap();
        let answered = app
            .create_request(json!({"title": "Returns", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await["id"].as_i64().unwrap();
        app.add_event(answered, "response", "2026-05-29").await;

        let ids = |list: Value| -> Vec<i64> {
            list["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
        };
        assert_eq!(ids(app.get_json("/api/v1/requests").await), [answered, draft, scottish, overdue]);
        assert_eq!(ids(app.get_json("/api/v1/requests?status=draft").await), [draft]);
        assert_eq!(ids(app.get_json("/api/v1/requests?status=awaiting_response").await), [scottish, overdue]);
        assert_eq!(ids(app.get_json("/api/v1/requests?overdue=true").await), [overdue]);
        assert_eq!(ids(app.get_json(&format!("/api/v1/requests?authority_id={police_scotland}")).await), [scottish]);
        assert_eq!(ids(app.get_json("/api/v1/requests?regime=foisa").await), [scottish]);
        assert_eq!(ids(app.get_json("/api/v1/requests?tag=detention").await), [overdue]);
        assert_eq!(ids(app.get_json("/api/v1/requests?q=missing").await), [draft]);
        let overdue_item = &app.get_json("/api/v1/requests?overdue=true").await["items"][0];
        assert_eq!(overdue_item["overdue"], true);
        assert_eq!(overdue_item["schedule"]["deadlines"][0]["due"], "2026-05-01");

        for i in 0..24 {
            app.create_request(json!({"title": format!("Bulk {i}"), "body": "B", "authority_id": home_office})).await;
        }
        let first = app.get_json("/api/v1/requests").await;
        assert_eq!((first["total"].as_i64(), first["pages"].as_i64()), (Some(28), Some(2)));
        assert_eq!(first["items"].as_array().unwrap().len(), 25);
        let second = app.get_json("/api/v1/requests?page=2").await;
        assert_eq!(ids(second), [draft, scottish, overdue]);
    }
}
