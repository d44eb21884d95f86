//! Each user's secret calendar feed, parsed with a real iCalendar parser: a request's deadlines
//! are in it, their UIDs survive unrelated events, subject access requests appear by reference
//! only, and a replaced or revoked address opens nothing. Both backends.

mod support;

use icalendar::{Calendar, Component, DatePerhapsTime};
use reqwest::StatusCode;
use serde_json::json;
use support::{browser, Session, TestApp, ORGANISATION};

/// Makes a new feed address from the account page, as its owner does.
async fn new_address(who: &Session) -> String {
    let response = who.post_form("/account/calendar", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "no-store",
        "the address is shown once"
    );
    let page = response.text().await.unwrap();
    let start = page.find("<pre><code>").unwrap() + "<pre><code>".len();
    let end = page[start..].find("</code></pre>").unwrap() + start;
    page[start..end].to_string()
}

/// The feed as a calendar app fetches it (no session: the address is the key), parsed.
async fn fetch(app: &TestApp, address: &str) -> Result<(String, Calendar), StatusCode> {
    let path = address.trim_start_matches(&app.address);
    let response = browser().get(app.url(path)).send().await.unwrap();
    if response.status() != StatusCode::OK {
        return Err(response.status());
    }
    assert_eq!(response.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = response.text().await.unwrap();
    let calendar: Calendar = text
        .parse()
        .unwrap_or_else(|e| panic!("not iCalendar: {e}\n{text}"));
    Ok((text, calendar))
}

/// (uid, date, summary) of every event.
fn events(calendar: &Calendar) -> Vec<(String, String, String)> {
    calendar
        .events()
        .map(|e| {
            let date = match e.get_start() {
                Some(DatePerhapsTime::Date(date)) => date.to_string(),
                other => panic!("deadlines are all-day events: {other:?}"),
            };
            (
                e.get_uid().unwrap().to_string(),
                date,
                e.get_summary().unwrap().to_string(),
            )
        })
        .collect()
}

on_both_backends! {
    async fn a_feed_follows_the_deadlines_of_the_requests_one_may_see(app) {
        let home_office = app.authority("Home Office").await;
        let foia = app.create_request(json!({"title": "Detention figures 2026", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
        let foia = foia["id"].as_i64().unwrap();
        let sar = app.create_request(json!({"title": "Jane Doe's Home Office file", "body": "All data about Jane Doe", "authority_id": home_office, "regime": "sar", "reference": "SAR-0042", "sent_on": "2026-05-01"})).await;
        let sar = sar["id"].as_i64().unwrap();

        let address = new_address(&app.session).await;
        assert!(address.starts_with(&format!("{}/calendar/", app.address)) && address.ends_with(".ics"), "{address}");
        let (text, calendar) = fetch(&app, &address).await.unwrap();
        let response_uid = format!("request-{foia}-response-1@foi-tracker");
        // 4 May and 25 May 2026 are bank holidays: 20 working days from 1 May end on 2 June.
        assert!(
            events(&calendar).contains(&(response_uid.clone(), "2026-06-02".into(), "Response due: Detention figures 2026 (Home Office)".into())),
            "{:?}",
            events(&calendar)
        );
        let entry = calendar.events().find(|e| e.get_uid() == Some(response_uid.as_str())).unwrap();
        assert_eq!(entry.get_url(), Some(format!("{}/requests/{foia}", app.address).as_str()));
        assert!(text.contains("BEGIN:VALARM") && text.contains("TRIGGER:-PT86400S"), "a reminder the day before: {text}");
        // A subject access request by its reference, never its title or its text.
        let sar_events: Vec<_> = events(&calendar).into_iter().filter(|(uid, _, _)| uid.starts_with(&format!("request-{sar}-"))).collect();
        assert!(!sar_events.is_empty());
        assert!(sar_events.iter().all(|(_, _, summary)| summary.contains("Subject access request SAR-0042")), "{sar_events:?}");
        assert!(!text.contains("Jane"), "no personal data in a calendar");

        // An unrelated event keeps every UID; an answer adds the next deadline beside them.
        let before = events(&calendar);
        app.add_event(foia, "acknowledged", "2026-05-05").await;
        let (_, calendar) = fetch(&app, &address).await.unwrap();
        assert_eq!(events(&calendar), before, "nothing changed but an acknowledgement");
        app.add_event(foia, "response", "2026-05-29").await;
        let (_, calendar) = fetch(&app, &address).await.unwrap();
        let after = events(&calendar);
        let response = after.iter().find(|(uid, _, _)| *uid == response_uid).unwrap();
        assert_eq!(response.2, "Response due: Detention figures 2026 (Home Office) (met)", "the same entry, now met");
        assert!(after.iter().any(|(uid, date, _)| *uid == format!("request-{foia}-internal_review_request-1@foi-tracker") && date == "2026-07-27"), "{after:?}");

        // Another organisation's member sees the FOIA request but not the subject access request.
        let other = app.member("other@partner.example", "researcher", "Partner NGO").await;
        let (_, theirs) = fetch(&app, &new_address(&other).await).await.unwrap();
        let uids: Vec<String> = events(&theirs).into_iter().map(|(uid, _, _)| uid).collect();
        assert!(uids.contains(&response_uid));
        assert!(!uids.iter().any(|uid| uid.starts_with(&format!("request-{sar}-"))), "{uids:?}");

        // A new address replaces the old; stopping the feed ends it; a made-up one opens nothing.
        let replacement = new_address(&app.session).await;
        assert_eq!(fetch(&app, &address).await.unwrap_err(), StatusCode::NOT_FOUND);
        assert!(fetch(&app, &replacement).await.is_ok());
        assert!(app.text("/account").await.contains("Your feed has been live since"));
        let stopped = app.post_form("/account/calendar/revoke", &[]).await;
        assert_eq!(stopped.status(), StatusCode::SEE_OTHER);
        assert_eq!(fetch(&app, &replacement).await.unwrap_err(), StatusCode::NOT_FOUND);
        assert_eq!(fetch(&app, &format!("{}/calendar/made-up.ics", app.address)).await.unwrap_err(), StatusCode::NOT_FOUND);

        // A deactivated user's feed stops with everything else they had.
        let leaving = app.member("leaving@coalition.example", "researcher", ORGANISATION).await;
        let theirs = new_address(&leaving).await;
        assert!(fetch(&app, &theirs).await.is_ok());
        foi_tracker::tracker::accounts::deactivate(
            &mut app.connection(),
            &foi_tracker::tracker::audit::Caller::command_line(),
            "leaving@coalition.example",
            None,
            foi_tracker::tracker::now(),
        )
        .unwrap();
        assert_eq!(fetch(&app, &theirs).await.unwrap_err(), StatusCode::NOT_FOUND);
    }
}
