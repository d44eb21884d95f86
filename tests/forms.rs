//! The forms as a person fills them in without JavaScript (issue 16, item 7): the safe
//! default role, the questions asked before removing an event or deactivating a user, the
//! event form that offers the next step and the fields of the kind chosen, grounds as grouped
//! checkboxes, dates typed day, month, year, and the regulator's warnings. Both backends.

mod support;

use reqwest::StatusCode;
use serde_json::json;
use support::{home_office_request, location, ORGANISATION};

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
}
