//! One refusal followed from the response to the tribunal's decision: every deadline on the
//! way checked against DEADLINES.md (each date worked out by hand there, not by the engine),
//! the letter drafted at each step, sent from the page or the API and kept on the timeline,
//! and each stage's references and outcome recorded. Both backends.
//!
//! The dates, from DEADLINES.md's worked examples and rules (UK FOIA calendar; the tribunal
//! counts in England and Wales's):
//! - received Mon 5 Jan 2026: response due 2 Feb 2026 (20 working days);
//! - refused on Mon 2 Mar 2026, 20 working days late (3 Feb to 2 Mar has no holiday);
//!   internal review to be asked by 30 Apr 2026 (40 working days);
//! - review asked on 2 Mar 2026: due 31 Mar 2026, at the latest 30 Apr 2026 (20 / 40);
//! - review upheld on Tue 31 Mar 2026: complain to the ICO by Tue 12 May 2026 (42 days);
//! - decision notice sent Fri 27 Nov 2026: appeal by Tue 29 Dec 2026 (28 days is Fri 25 Dec;
//!   Christmas, the weekend and Boxing Day moved to Mon 28 Dec are not working days);
//! - written reasons sent Thu 10 Jun 2027: permission to appeal asked by Thu 8 Jul 2027 (28 days).

use crate::support;

use crate::support::{location, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The last deadline of `kind` in a request's JSON: (due, latest, state).
fn deadline(request: &Value, kind: &str) -> (String, Option<String>, String) {
    let found = request["schedule"]["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} deadline in {request}"));
    (
        found["due"].as_str().unwrap().to_string(),
        found["latest"].as_str().map(str::to_string),
        found["state"].as_str().unwrap().to_string(),
    )
}

fn due(d: &str, state: &str) -> (String, Option<String>, String) {
    (d.to_string(), None, state.to_string())
}

/// The letters of a request, by kind.
async fn letters(app: &TestApp, id: i64) -> Value {
    let list = app.get_json(&format!("/api/v1/requests/{id}/letters")).await;
    let mut by_kind = serde_json::Map::new();
    for option in list.as_array().unwrap() {
        by_kind.insert(option["kind"].as_str().unwrap().to_string(), option.clone());
    }
    Value::Object(by_kind)
}

async fn record(app: &TestApp, id: i64, event: Value) -> Value {
    let response = app
        .post_json(&format!("/api/v1/requests/{id}/events"), &event)
        .await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{event}: {json}");
    json
}

async fn document_text(app: &TestApp, document: i64) -> String {
    let response = app.get(&format!("/api/v1/documents/{document}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

on_both_backends! {
    async fn a_refusal_goes_from_response_to_tribunal_decision(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({
                "title": "Re-trafficking of returned victims", "body": "How many victims returned in 2025 were re-trafficked?",
                "authority_id": home_office, "sent_on": "2026-01-05", "reference": "FOI-2026-0001",
            }))
            .await;
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/requests/{id}");

        // The refusal, late.
        let day = app.instance_on("2026-03-02").await;
        record(&day, id, json!({
            "kind": "response", "occurred_on": "2026-03-02", "outcome": "refused",
            "grounds": ["foia-s31-1-e", "foia-s40-2"], "public_interest_test": true,
            "details": "Refused: immigration control and personal data",
        })).await;
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "response"), due("2026-02-02", "missed"));
        let response_deadline = request["schedule"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "response").unwrap();
        assert_eq!(response_deadline["working_days_late"], 20);
        assert_eq!(deadline(&request, "internal_review_request"), due("2026-04-30", "running"));

        // The next letter is the internal review request, naming the exemptions disputed.
        let drafts = letters(&day, id).await;
        let review = &drafts["internal_review"];
        assert_eq!(review["next"], true);
        assert_eq!(review["due"], "2026-04-30");
        let letter = &review["draft"];
        assert_eq!(letter["to"], "Home Office (foirequests@homeoffice.gov.uk)");
        assert_eq!(letter["subject"], "Internal review request: \"Re-trafficking of returned victims\" (your reference FOI-2026-0001)");
        let body = letter["body"].as_str().unwrap();
        for expected in [
            "Dear Home Office,",
            "On 5 January 2026 you received my request for information under the Freedom of Information Act 2000, \"Re-trafficking of returned victims\" (your reference FOI-2026-0001). I ask for an internal review of your handling of it.",
            "You responded on 2 March 2026: refused, citing FOIA s.31(1)(e), FOIA s.40(2).",
            "I dispute the application of:\n- FOIA s.31(1)(e): ",
            "\n- FOIA s.40(2): ",
            "weigh the public interest again",
            "within 20 working days, and in no case more than 40",
        ] {
            assert!(body.contains(expected), "{expected:?} in {body}");
        }
        assert_eq!(drafts["regulator_complaint"]["next"], false, "no complaint deadline runs before the review");
        assert!(drafts["tribunal_appeal"]["draft"].is_null());
        assert_eq!(drafts["tribunal_appeal"]["unavailable"], "There is no decision notice to appeal against yet: record the regulator's decision first.");

        // Edited on the page, shown for printing, then recorded as sent.
        let page = day.text(&format!("/requests/{id}/letters")).await;
        assert!(page.contains("<h2 id=\"letter-subject\">Internal review request: &quot;Re-trafficking of returned victims&quot; (your reference FOI-2026-0001)</h2>"), "{page}");
        assert!(page.contains("<textarea id=\"body\" name=\"body\""), "{page}");
        let edited = body.replace("FOIA s.40(2): Personal information", "FOIA s.40(2) (numbers of people are not personal data): Personal information");
        let form = [
            ("kind", "internal_review"), ("to", "Home Office (foi@homeoffice.gov.uk)"),
            ("subject", "Internal review: FOI-2026-0001"), ("body", edited.as_str()), ("sent_on", "2026-03-02"),
        ];
        let mut preview = form.to_vec();
        preview.push(("action", "preview"));
        let before = day.snapshot();
        let shown = day.post_form(&format!("/requests/{id}/letters"), &preview).await;
        assert_eq!(shown.status(), StatusCode::OK);
        let shown = shown.text().await.unwrap();
        assert!(shown.contains("numbers of people are not personal data"), "the preview shows the edit: {shown}");
        assert_eq!(day.snapshot(), before, "a preview records nothing");
        let mut send = form.to_vec();
        send.push(("action", "send"));
        let sent = day.post_form(&format!("/requests/{id}/letters"), &send).await;
        assert_eq!(location(&sent), format!("/requests/{id}#timeline"));
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "internal_review_request"), due("2026-04-30", "met"));
        assert_eq!(
            deadline(&request, "internal_review_response"),
            ("2026-03-31".to_string(), Some("2026-04-30".to_string()), "running".to_string())
        );
        assert_eq!(request["status"], "in_internal_review");
        let document = request["documents"].as_array().unwrap().iter().find(|d| d["filename"] == "internal-review-2026-03-02.txt").expect("the letter is kept");
        let kept = document_text(&day, document["id"].as_i64().unwrap()).await;
        assert!(kept.starts_with("To: Home Office (foi@homeoffice.gov.uk)\nSubject: Internal review: FOI-2026-0001\nSent: 2026-03-02\n\n"), "{kept}");
        assert!(kept.contains("numbers of people are not personal data"), "the letter as sent: {kept}");
        let page = day.text(&format!("/requests/{id}")).await;
        assert!(page.contains("<strong>Internal review requested</strong>"), "{page}");
        assert!(page.contains("Sent to Home Office (foi@homeoffice.gov.uk): Internal review: FOI-2026-0001"), "{page}");

        // The review upholds the refusal.
        let day = app.instance_on("2026-04-01").await;
        let bad = day.post_json(&format!("/api/v1/requests/{id}/events"), &json!({
            "kind": "internal_review_response", "occurred_on": "2026-03-31", "outcome": "dismissed",
        })).await;
        let (status, fields, json) = problem(bad).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["outcome".to_string()]), "{json}");
        assert!(json["errors"][0]["message"].as_str().unwrap().contains("Appeal dismissed is not an outcome of the Internal review: choose one of Original decision upheld, Partly overturned, Overturned"), "{json}");
        let change = record(&day, id, json!({
            "kind": "internal_review_response", "occurred_on": "2026-03-31", "outcome": "upheld",
            "reference": "IR-2026-0042", "details": "The exemptions were correctly applied",
        })).await;
        assert_eq!(change["event"]["appeal"], json!({"stage": "internal_review", "reference": "IR-2026-0042", "decision_reference": null, "outcome": "upheld"}));
        let request = day.get_json(&path).await;
        assert_eq!(
            deadline(&request, "internal_review_response"),
            ("2026-03-31".to_string(), Some("2026-04-30".to_string()), "met".to_string())
        );
        assert_eq!(deadline(&request, "regulator_complaint"), due("2026-05-12", "running"));

        // The next letter is the complaint to the ICO, with the dates and references it asks for.
        let drafts = letters(&day, id).await;
        let complaint = &drafts["regulator_complaint"];
        assert_eq!((complaint["next"].clone(), complaint["due"].clone()), (json!(true), json!("2026-05-12")));
        assert_eq!(complaint["draft"]["to"], "Information Commissioner's Office (icocasework@ico.org.uk)");
        let body = complaint["draft"]["body"].as_str().unwrap();
        for expected in [
            "I complain under section 50 of the Freedom of Information Act 2000",
            "Public authority: Home Office\n",
            "Date of the request: 5 January 2026\n",
            "The authority's reference: FOI-2026-0001\n",
            "Response due by: 2 February 2026\n",
            "Date of the response: 2 March 2026 (refused)\n",
            "Internal review requested: 2 March 2026\n",
            "Review outcome: 31 March 2026 (original decision upheld)\n",
            "Enclosed:\n- internal-review-2026-03-02.txt\n",
        ] {
            assert!(body.contains(expected), "{expected:?} in {body}");
        }
        assert_eq!(drafts["internal_review"]["next"], false, "the review is done");

        // Sent through the API.
        let response = day.post_json(&format!("/api/v1/requests/{id}/letters"), &json!({
            "kind": "regulator_complaint", "sent_on": "2026-04-01",
            "to": complaint["draft"]["to"], "subject": complaint["draft"]["subject"], "body": body,
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let sent: Value = response.json().await.unwrap();
        assert_eq!(sent["event"]["kind"], "regulator_complaint");
        assert_eq!(sent["document"]["filename"], "regulator-complaint-2026-04-01.txt");
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "regulator_complaint"), due("2026-05-12", "met"));
        assert_eq!(request["status"], "with_regulator");

        // The ICO does not uphold the complaint.
        let day = app.instance_on("2026-11-30").await;
        record(&day, id, json!({
            "kind": "regulator_decision", "occurred_on": "2026-11-27", "outcome": "not_upheld",
            "reference": "IC-401234-X1Y2", "decision_reference": "IC-401234-X1Y2",
        })).await;
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "tribunal_appeal"), due("2026-12-29", "running"));

        let drafts = letters(&day, id).await;
        let appeal = &drafts["tribunal_appeal"];
        assert_eq!((appeal["next"].clone(), appeal["due"].clone()), (json!(true), json!("2026-12-29")));
        assert_eq!(appeal["name"], "First-tier Tribunal notice of appeal: summary");
        assert_eq!(appeal["draft"]["subject"], "First-tier Tribunal notice of appeal: summary: decision notice IC-401234-X1Y2");
        let body = appeal["draft"]["body"].as_str().unwrap();
        for expected in [
            "Appellant: Coalition NGO (",
            "Respondent: the Information Commissioner\n",
            "Decision notice: IC-401234-X1Y2, dated 27 November 2026\n",
            "Decision: complaint not upheld\n",
            "Public authority: Home Office\n",
            "Appeal due by: 29 December 2026 (within 28 days of the decision notice being sent (GRC Rules 2009 r.22(1)(b)))\n",
            "- FOIA s.31(1)(e): ",
            "- FOIA s.40(2): ",
        ] {
            assert!(body.contains(expected), "{expected:?} in {body}");
        }
        let day = app.instance_on("2026-12-21").await;
        let response = day.post_json(&format!("/api/v1/requests/{id}/letters"), &json!({
            "kind": "tribunal_appeal", "sent_on": "2026-12-21", "to": appeal["draft"]["to"],
            "subject": appeal["draft"]["subject"], "body": body,
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "tribunal_appeal"), due("2026-12-29", "met"));
        assert_eq!(request["status"], "at_tribunal");

        // The tribunal partly allows the appeal; its number must read as one.
        let day = app.instance_on("2027-06-11").await;
        let bad = day.post_json(&format!("/api/v1/requests/{id}/events"), &json!({
            "kind": "tribunal_decision", "occurred_on": "2027-06-10", "outcome": "partly_allowed", "reference": "2026/0123",
        })).await;
        let (status, fields, json) = problem(bad).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reference".to_string()]), "{json}");
        assert!(json["errors"][0]["message"].as_str().unwrap().contains("write it as EA/2023/0453"), "{json}");
        record(&day, id, json!({
            "kind": "tribunal_decision", "occurred_on": "2027-06-10", "outcome": "partly_allowed", "reference": "EA/2026/0123",
        })).await;
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "onward_appeal"), due("2027-07-08", "running"));

        // The whole road on the timeline.
        let page = day.text(&format!("/requests/{id}")).await;
        for expected in [
            "<strong>Internal review response</strong>: <span class=\"outcome\">Original decision upheld</span> <span class=\"reference\">(ref. IR-2026-0042)</span>",
            "<strong>Regulator&#x27;s decision</strong>: <span class=\"outcome\">Complaint not upheld</span> <span class=\"reference\">(ref. IC-401234-X1Y2)</span> <span class=\"reference\">decision notice IC-401234-X1Y2</span>",
            "<strong>Tribunal&#x27;s decision</strong>: <span class=\"outcome\">Appeal partly allowed</span> <span class=\"reference\">(ref. EA/2026/0123)</span>",
        ] {
            assert!(page.contains(expected), "{expected:?} in {page}");
        }
        let files: Vec<&str> = request["documents"].as_array().unwrap().iter().map(|d| d["filename"].as_str().unwrap()).collect();
        assert_eq!(files.len(), 3, "{files:?}");
        for name in ["internal-review-2026-03-02.txt", "regulator-complaint-2026-04-01.txt", "tribunal-appeal-2026-12-21.txt"] {
            assert!(files.contains(&name), "{name} in {files:?}");
        }
    }

    async fn a_scottish_refusal_goes_to_the_commissioner_and_the_court_of_session(app) {
        let authority = app.authority("Scottish Government").await;
        let created = app
            .create_request(json!({"title": "Support for survivors in Scotland", "body": "B", "authority_id": authority, "regime": "foisa", "sent_on": "2026-03-20"}))
            .await;
        let id = created["id"].as_i64().unwrap();
        let path = format!("/api/v1/requests/{id}");
        // Answered on time: the review may be required until 40 Scottish working days after
        // the due date 20 Apr 2026, that is 17 Jun 2026.
        let day = app.instance_on("2026-04-20").await;
        record(&day, id, json!({"kind": "response", "occurred_on": "2026-04-20", "outcome": "refused", "grounds": ["foisa-s38-1-b"]})).await;
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "response"), due("2026-04-20", "met"));
        assert_eq!(deadline(&request, "internal_review_request"), due("2026-06-17", "running"));
        let drafts = letters(&day, id).await;
        assert_eq!(drafts["internal_review"]["name"], "Requirement for review");
        let body = drafts["internal_review"]["draft"]["body"].as_str().unwrap();
        assert!(body.contains("I require you to review your handling of it under section 20 of the Act"), "{body}");
        assert!(body.contains("Section 21(1) requires you to respond within 20 working days"), "{body}");

        // Review required 1 Jun 2026: due 29 Jun 2026 (20 Scottish working days).
        let day = app.instance_on("2026-06-01").await;
        let response = day.post_json(&format!("/api/v1/requests/{id}/letters"), &json!({
            "kind": "internal_review", "sent_on": "2026-06-01", "to": "SG", "subject": "Review", "body": body,
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "internal_review_response").0, "2026-06-29");

        // The review response of 31 Aug 2026: apply to the Commissioner by 28 Feb 2027.
        let day = app.instance_on("2026-09-01").await;
        record(&day, id, json!({"kind": "internal_review_response", "occurred_on": "2026-08-31", "outcome": "partly_overturned"})).await;
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "internal_review_response").2, "missed");
        assert_eq!(deadline(&request, "regulator_complaint"), due("2027-02-28", "running"));
        let drafts = letters(&day, id).await;
        assert_eq!(drafts["regulator_complaint"]["name"], "Application to the Scottish Information Commissioner");
        let body = drafts["regulator_complaint"]["draft"]["body"].as_str().unwrap();
        assert!(body.contains("I apply for a decision under section 47(1) of the Freedom of Information (Scotland) Act 2002"), "{body}");
        assert!(body.contains("Review requested: 1 June 2026\n"), "{body}");
        assert!(body.contains("Review outcome: 31 August 2026 (partly overturned)\n"), "{body}");
        record(&day, id, json!({"kind": "regulator_complaint", "occurred_on": "2026-09-01", "reference": "202600123"})).await;

        // The Commissioner's decision of 1 Oct 2026: the Court of Session by 12 Nov 2026.
        let day = app.instance_on("2026-10-02").await;
        record(&day, id, json!({"kind": "regulator_decision", "occurred_on": "2026-10-01", "outcome": "partly_upheld", "decision_reference": "Decision 123/2026"})).await;
        let request = day.get_json(&path).await;
        assert_eq!(deadline(&request, "tribunal_appeal"), due("2026-11-12", "running"));
        let drafts = letters(&day, id).await;
        assert_eq!(drafts["tribunal_appeal"]["name"], "Court of Session appeal: summary for counsel");
        let body = drafts["tribunal_appeal"]["draft"]["body"].as_str().unwrap();
        assert!(body.contains("Respondent: the Scottish Information Commissioner\n"), "{body}");
        assert!(body.contains("Decision notice: Decision 123/2026, dated 1 October 2026\n"), "{body}");
        assert!(body.contains("Commissioner's case reference: 202600123\n"), "{body}");
        assert!(body.contains("(a point of law must be identified)"), "{body}");
        // A Court of Session case has no tribunal number to check.
        record(&day, id, json!({"kind": "tribunal_appeal", "occurred_on": "2026-10-02", "reference": "XA12/26"})).await;
    }

    async fn a_letter_with_parts_missing_is_refused_by_field_and_records_nothing(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({"title": "Reprisals after return", "body": "B", "authority_id": home_office, "sent_on": "2026-01-05"}))
            .await;
        let id = created["id"].as_i64().unwrap();
        let day = app.instance_on("2026-03-02").await;
        record(&day, id, json!({"kind": "response", "occurred_on": "2026-03-02", "outcome": "refused", "grounds": ["foia-s40-2"]})).await;
        let before = day.snapshot();
        let path = format!("/api/v1/requests/{id}/letters");

        let (status, mut fields, json) = problem(day.post_json(&path, &json!({"kind": "internal_review", "sent_on": "", "to": " ", "subject": "Review", "body": ""})).await).await;
        fields.sort();
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["body".to_string(), "sent_on".to_string(), "to".to_string()]), "{json}");
        let (status, fields, _) = problem(day.post_json(&path, &json!({"kind": "apology", "sent_on": "2026-03-02", "to": "HO", "subject": "S", "body": "B"})).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["kind".to_string()]));
        let (status, _, json) = problem(day.post_json(&path, &json!({"kind": "tribunal_appeal", "sent_on": "2026-03-02", "to": "GRC", "subject": "S", "body": "B"})).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(json["detail"].as_str().unwrap().contains("There is no decision notice to appeal against yet"), "{json}");

        // On the page: the letter again, the error beside the field.
        let response = day.post_form(&format!("/requests/{id}/letters"), &[
            ("kind", "internal_review"), ("to", "Home Office"), ("subject", "Review"), ("body", ""), ("sent_on", "2026-03-02"), ("action", "send"),
        ]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("<p class=\"error\" id=\"body-error\">"), "{page}");
        assert_eq!(day.snapshot(), before, "nothing recorded");
    }

    async fn a_promised_date_is_a_deadline_with_reminders(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({"title": "Quarterly NRM statistics", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"}))
            .await;
        let id = created["id"].as_i64().unwrap();
        // Refused under s.22 on 28 Apr 2026: the figures will be published on 4 Jun 2026.
        record(&app, id, json!({
            "kind": "response", "occurred_on": "2026-04-28", "outcome": "refused", "grounds": ["foia-s22-1"],
            "public_interest_test": true, "promised_on": "2026-06-04",
        })).await;
        let path = format!("/api/v1/requests/{id}");
        let request = app.get_json(&path).await;
        let promised = request["schedule"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "promised").expect("a promised deadline");
        assert_eq!((promised["due"].clone(), promised["state"].clone(), promised["party"].clone()), (json!("2026-06-04"), json!("running"), json!("authority")));
        assert!(promised["rule"].as_str().unwrap().contains("Due on 4 June 2026, the date the authority promised in its response of 28 April 2026."), "{promised}");
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("Promised answer due"), "{page}");

        // Its reminder is planned like every other deadline's.
        let planned: Vec<(String, chrono::NaiveDate)> = {
            use diesel::prelude::*;
            use foi_tracker::db::schema::outbox;
            outbox::table
                .filter(outbox::request_id.eq(id as i32))
                .select((outbox::deadline_kind, outbox::due))
                .load(&mut app.connection())
                .unwrap()
        };
        assert!(planned.contains(&("promised".to_string(), support::date("2026-06-04"))), "{planned:?}");

        // Not kept: missed, and the request is overdue.
        let later = app.instance_on("2026-06-10").await;
        let request = later.get_json(&path).await;
        assert_eq!(deadline(&request, "promised"), due("2026-06-04", "missed"));
        assert_eq!(request["schedule"]["overdue"], true);
        // Kept late by the publication: met late, by 4 working days.
        record(&later, id, json!({"kind": "response", "occurred_on": "2026-06-10", "outcome": "granted", "details": "Published"})).await;
        let request = later.get_json(&path).await;
        let promised = request["schedule"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "promised").unwrap();
        assert_eq!((promised["state"].clone(), promised["working_days_late"].clone()), (json!("missed"), json!(4)));
        assert_eq!(request["schedule"]["overdue"], false);

        // A promise must lie after the response that makes it.
        let bad = later.post_json(&format!("/api/v1/requests/{id}/events"), &json!({
            "kind": "response", "occurred_on": "2026-06-10", "outcome": "partly_granted", "grounds": ["foia-s40-2"], "promised_on": "2026-06-01",
        })).await;
        let (status, fields, _) = problem(bad).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["promised_on".to_string()]));
    }
}
