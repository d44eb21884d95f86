//! The forms as a person fills them in without JavaScript (issue 16, item 7): the safe
//! default role, the questions asked before removing an event or deactivating a user, the
//! event form that offers the next step and the fields of the kind chosen, grounds as grouped
//! checkboxes, dates typed day, month, year, and the regulator's warnings. Both backends.

use crate::support::{home_office_request, location, ORGANISATION};
use reqwest::StatusCode;
use serde_json::json;

on_both_backends! {
    async fn a_new_user_is_a_researcher_unless_chosen_otherwise(app) {
        let admin = app.admin().await;
        let page = admin.text("/admin/users").await;
        assert!(page.contains(r#"<html lang="en-GB">"#));
        let select = page.split(r#"<select id="role" name="role">"#).nth(1).unwrap().split("</select>").next().unwrap();
        assert!(select.contains(r#"<option value="researcher" selected>Researcher</option>"#), "{select}");
        assert_eq!(select.matches(" selected").count(), 1, "{select}");
    }

    async fn removing_the_last_event_asks_first(app) {
        let id = home_office_request(&app).await;
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/events"), &json!({"kind": "response", "occurred_on": "2026-05-29", "outcome": "not_held"}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains(&format!(r#"<a class="button secondary" href="/requests/{id}/events/remove-last">Remove the last event recorded</a>"#)), "{page}");

        let question = app.text(&format!("/requests/{id}/events/remove-last")).await;
        assert!(question.contains("Remove the event ‘Response (Information not held), Fri 29 May 2026’ from the request ‘Returned victims’?"), "{question}");
        assert!(question.contains("Its deadlines will be recomputed from the events that remain."));
        assert!(question.contains(r#"<input type="hidden" name="confirm" value="yes">"#));
        assert!(question.contains(&format!(r##"<a href="/requests/{id}#timeline">No, back to the request</a>"##)));

        // A form from before the question: it leads to the question and removes nothing.
        let before = app.snapshot();
        let old_form = app.post_form(&format!("/requests/{id}/events/remove-last"), &[]).await;
        assert_eq!(old_form.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&old_form), format!("/requests/{id}/events/remove-last"));
        assert_eq!(app.snapshot(), before, "nothing removed without the confirmation");

        let confirmed = app.post_form(&format!("/requests/{id}/events/remove-last"), &[("confirm", "yes")]).await;
        assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["received"], "the response removed, its receipt kept");
    }

    async fn deactivating_a_user_asks_first(app) {
        let leaving = app.add_user("leaving@coalition.example", "researcher", ORGANISATION);
        let admin = app.admin().await;
        let users = admin.text("/admin/users").await;
        assert!(users.contains(&format!(r#"<a class="button secondary" href="/admin/users/{leaving}/deactivate">Deactivate<span class="visually-hidden"> Test researcher</span></a>"#)), "{users}");

        let question = admin.text(&format!("/admin/users/{leaving}/deactivate")).await;
        assert!(question.contains(&format!("Deactivate Test researcher (leaving@coalition.example, {ORGANISATION})?")), "{question}");
        assert!(question.contains("they can no longer sign in"));
        assert!(question.contains(r#"<option value="coordinator@coalition.example">Test coordinator (coordinator@coalition.example)</option>"#), "{question}");
        assert!(question.contains(r#"<a href="/admin/users">No, back to the users</a>"#));

        let before = app.snapshot();
        let old_form = admin.post_form(&format!("/admin/users/{leaving}/deactivate"), &[("hand_over_to", "")]).await;
        assert_eq!(old_form.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&old_form), format!("/admin/users/{leaving}/deactivate"));
        assert_eq!(app.snapshot(), before, "nobody deactivated without the confirmation");

        // A refused choice: the question again, the error beside the choice.
        let wrong = admin.post_form(&format!("/admin/users/{leaving}/deactivate"), &[("hand_over_to", "nobody@example.org"), ("confirm", "yes")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = wrong.text().await.unwrap();
        assert!(page.contains(r#"<p class="error" id="hand_over_to-error"><span class="visually-hidden">Error:</span> No user has the email nobody@example.org</p>"#), "{page}");

        let done = admin.post_form(&format!("/admin/users/{leaving}/deactivate"), &[("hand_over_to", ""), ("confirm", "yes")]).await;
        assert_eq!(done.status(), StatusCode::OK);
        assert!(done.text().await.unwrap().contains("leaving@coalition.example was deactivated; 0 request(s) handed over"));
    }

    async fn the_record_form_offers_the_step_awaited_and_the_fields_of_the_kind_chosen(app) {
        let id = home_office_request(&app).await;
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("This request is waiting for: <strong>Response</strong>."), "{page}");
        assert!(page.contains(r#"<option value="response" selected>Response</option>"#));
        assert!(page.contains(r#"<h4 id="record-kind">Response</h4>"#));
        assert!(page.contains(r#"<input type="hidden" name="kind" value="response">"#));
        // Outcomes by their labels, never their internal names.
        assert!(page.contains(r#"<option value="partly_granted">Partly granted</option>"#), "{page}");
        assert!(!page.contains(">partly_granted<"));
        // Grounds as grouped checkboxes, each labelled with its section and name.
        assert!(!page.contains(r#"<select id="grounds""#));
        assert!(page.contains(r#"<legend class="visually-hidden">FOIA: absolute exemptions (no public interest test)</legend>"#), "{page}");
        assert!(page.contains(r#"<summary>FOIA: qualified exemptions (public interest test) ("#));
        assert!(page.contains(r#"<input type="checkbox" id="ground-foia-s40-2" name="grounds" value="foia-s40-2"> <label for="ground-foia-s40-2">FOIA s.40(2): Personal information: third parties</label>"#));
        assert!(!page.contains("ground-eir-"), "only the request's own law");
        // The date as day, month and year, today's by default.
        assert!(page.contains(r#"<legend>Date</legend>"#));
        assert!(page.contains(r#"<label for="occurred_on-day">Day</label><input id="occurred_on-day" name="occurred_on-day" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="1">"#), "{page}");
        assert!(page.contains(r#"<label for="occurred_on-month">Month</label><input id="occurred_on-month" name="occurred_on-month" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="6">"#));
        assert!(page.contains(r#"<label for="occurred_on-year">Year</label><input id="occurred_on-year" name="occurred_on-year" inputmode="numeric" size="4" maxlength="4" autocomplete="off" value="2026">"#));

        let acknowledged = app.text(&format!("/requests/{id}?kind=acknowledged")).await;
        assert!(acknowledged.contains(r#"<option value="acknowledged" selected>Acknowledged</option>"#));
        assert!(acknowledged.contains(r#"<h4 id="record-kind">Acknowledged</h4>"#));
        assert!(acknowledged.contains(r#"id="occurred_on-day""#));
        for absent in [r#"id="outcome""#, r#"name="grounds""#, r#"id="reference""#, r#"id="promised_on-day""#] {
            assert!(!acknowledged.contains(absent), "{absent}");
        }
        let complaint = app.text(&format!("/requests/{id}?kind=regulator_complaint")).await;
        assert!(complaint.contains(r#"<p class="hint" id="reference-hint">The regulator&#x27;s case reference, e.g. IC-123456-A1B2 at the ICO</p>"#), "{complaint}");
        assert!(!complaint.contains(r#"id="outcome""#));
        let decision = app.text(&format!("/requests/{id}?kind=internal_review_response")).await;
        assert!(decision.contains(r#"<option value="partly_overturned">Partly overturned</option>"#), "{decision}");
        assert!(!decision.contains(r#"name="grounds""#));
    }

    async fn grounds_ticked_and_a_date_typed_in_parts_are_recorded(app) {
        let id = home_office_request(&app).await;
        let response = app
            .post_form(&format!("/requests/{id}/events"), &[
                ("kind", "response"), ("occurred_on-day", "29"), ("occurred_on-month", "5"), ("occurred_on-year", "2026"),
                ("outcome", "refused"), ("grounds", "foia-s31-1-e"), ("grounds", "foia-s40-2"), ("public_interest_test", "on"),
                ("promised_on-day", ""), ("promised_on-month", ""), ("promised_on-year", ""),
            ])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let last = events.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["occurred_on"], "2026-05-29");
        assert_eq!(last["response"]["outcome"], "refused");
        assert_eq!(last["response"]["grounds"], json!(["foia-s31-1-e", "foia-s40-2"]));
        assert_eq!(last["response"]["promised_on"], json!(null));
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("citing FOIA s.31(1)(e), FOIA s.40(2)"), "{page}");

        // A new request, its date typed in parts.
        let home_office = app.authority("Home Office").await.to_string();
        let created = app
            .post_form("/requests", &[("title", "Typed in parts"), ("body", "B"), ("authority_id", &home_office), ("sent_on-day", "5"), ("sent_on-month", "1"), ("sent_on-year", "2026")])
            .await;
        assert_eq!(created.status(), StatusCode::SEE_OTHER);
        let new = app.get_json(&location(&created).replace("/requests/", "/api/v1/requests/")).await;
        assert_eq!(new["sent_on"], "2026-01-05", "{new}");
    }

    async fn a_date_that_is_not_real_is_shown_beside_its_boxes(app) {
        let id = home_office_request(&app).await;
        let before = app.snapshot();
        let post = |day: &'static str, month: &'static str, year: &'static str| {
            let app = &app;
            async move {
                app.post_form(&format!("/requests/{id}/events"), &[("kind", "acknowledged"), ("occurred_on-day", day), ("occurred_on-month", month), ("occurred_on-year", year)]).await
            }
        };
        let response = post("31", "04", "2026").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<p class="error" id="occurred_on-error"><span class="visually-hidden">Error:</span> Date must be a real date: April 2026 has 30 days</p>"#), "{page}");
        assert!(page.contains(r#"<fieldset class="date-input" role="group" aria-describedby="occurred_on-error">"#));
        assert!(page.contains(r#"name="occurred_on-day" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="31" aria-invalid="true">"#), "what was typed is kept: {page}");
        assert!(page.contains(r#"<h4 id="record-kind">Acknowledged</h4>"#), "the kind posted is kept");

        let response = post("30", "4", "").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("<span class=\"visually-hidden\">Error:</span> Date must include a year</p>"), "{page}");
        assert!(page.contains(r#"name="occurred_on-month" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="4" aria-invalid="true">"#));
        assert_eq!(app.snapshot(), before, "nothing recorded");
    }

    async fn a_complaint_during_a_review_and_an_unusual_reference_are_recorded_with_warnings(app) {
        let id = home_office_request(&app).await;
        for (kind, on) in [("response", "2026-05-20"), ("internal_review_requested", "2026-05-21")] {
            let body = json!({"kind": kind, "occurred_on": on, "outcome": (kind == "response").then_some("not_held")});
            assert_eq!(app.post_json(&format!("/api/v1/requests/{id}/events"), &body).await.status(), StatusCode::CREATED);
        }
        let response = app
            .post_form(&format!("/requests/{id}/events"), &[("kind", "regulator_complaint"), ("occurred_on", "2026-06-01"), ("reference", "ICO/2026/17")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "accepted");
        let page = app.text(&format!("/requests/{id}")).await;
        let review = "The internal review asked for on 21 May 2026 has not been answered: the regulator normally expects its outcome first, unless it is late.";
        let reference = "The reference is not in the ICO's form (IC-123456-A1B2): check it against the ICO's letter.";
        // As the page writes it: handlebars escapes the apostrophes.
        let shown = reference.replace('\'', "&#x27;");
        assert!(page.contains(&format!(r#"<p class="warning"><strong>Warning:</strong> {review}</p><p class="warning"><strong>Warning:</strong> {shown}</p>"#)), "{page}");
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        assert_eq!(events.as_array().unwrap().last().unwrap()["warnings"], json!([review, reference]));
        #[derive(diesel::QueryableByName)]
        struct After {
            #[diesel(sql_type = diesel::sql_types::Text)]
            after: String,
        }
        let query = "SELECT after FROM audit_entries WHERE entity = 'event' AND action = 'create' ORDER BY id DESC LIMIT 1";
        let audited: Vec<After> = diesel::RunQueryDsl::load(diesel::sql_query(query), &mut app.connection()).unwrap();
        let after: serde_json::Value = serde_json::from_str(&audited[0].after).unwrap();
        assert_eq!(after["warnings"], json!([review, reference]), "the warnings are recorded with the event's audit entry");

        // The ICO's own form, after the review's answer: no warning.
        let other = home_office_request(&app).await;
        for (kind, on) in [("response", "2026-05-20"), ("internal_review_requested", "2026-05-21"), ("internal_review_response", "2026-05-28")] {
            let body = json!({"kind": kind, "occurred_on": on, "outcome": match kind { "response" => Some("not_held"), "internal_review_response" => Some("upheld"), _ => None }});
            assert_eq!(app.post_json(&format!("/api/v1/requests/{other}/events"), &body).await.status(), StatusCode::CREATED);
        }
        let body = json!({"kind": "regulator_complaint", "occurred_on": "2026-06-01", "reference": "IC-123456-A1B2"});
        let response = app.post_json(&format!("/api/v1/requests/{other}/events"), &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert!(!app.text(&format!("/requests/{other}")).await.contains("<strong>Warning:</strong>"));
    }
}
