//! Each user's secret calendar feed, parsed with a real iCalendar parser: a request's deadlines
//! are in it, their UIDs survive unrelated events, subject access requests appear by reference
//! only, and a replaced or revoked address opens nothing. Both backends.

use crate::support;

use crate::support::{browser, Session, TestApp, ORGANISATION};
use icalendar::{Calendar, Component, DatePerhapsTime};
use reqwest::StatusCode;
use serde_json::{json, Value};

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

/// The feed as Python's `icalendar` package reads it: each event's UID, start, end, summary
/// and alarms (UID and trigger in seconds, relative to the start).
fn read_with_python(text: &str) -> Value {
    let python = support::python::with_package("icalendar", "icalendar==7.3.0");
    let script = r#"
import json, sys
from icalendar import Calendar
calendar = Calendar.from_ical(sys.stdin.read())
problems = lambda c: [list(e) for e in getattr(c, "errors", [])]
events = []
for event in calendar.walk("VEVENT"):
    alarms = [{"uid": str(a.get("UID")), "trigger": a.decoded("TRIGGER").total_seconds(),
               "related": a["TRIGGER"].params.get("RELATED", "START"), "errors": problems(a)}
              for a in event.walk("VALARM")]
    events.append({"uid": str(event["UID"]), "start": event.decoded("DTSTART").isoformat(),
                   "end": event.decoded("DTEND").isoformat(), "summary": str(event["SUMMARY"]),
                   "errors": problems(event), "alarms": alarms})
print(json.dumps({"errors": problems(calendar), "events": events}))
"#;
    support::python::json_from_script(
        &python,
        script,
        text.as_bytes(),
        &format!("icalendar could not read the feed:\n{text}"),
    )
}

/// RFC 5545's framing: lines end CRLF, no other CR or LF, at most 75 octets each.
fn assert_framed(text: &str) {
    assert!(text.ends_with("\r\n"));
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(!line.contains(['\r', '\n']), "a bare line break: {line:?}");
        assert!(line.len() <= 75, "a line longer than 75 octets: {line:?}");
    }
}

on_both_backends! {
    async fn a_feed_is_valid_icalendar_with_stable_reminders_the_day_before_at_nine(app) {
        let home_office = app.authority("Home Office").await;
        let request = app.create_request(json!({"title": "Line one", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
        let request = request["id"].as_i64().unwrap() as i32;
        // A title stored before text input refused control characters: a carriage return in it.
        {
            use diesel::prelude::*;
            use foi_tracker::db::schema::requests;
            diesel::update(requests::table.find(request))
                .set(requests::title.eq("Line one\rLine two\r\nand three, with a long enough tail to need folding"))
                .execute(&mut app.connection())
                .unwrap();
        }
        let address = new_address(&app.session).await;
        let (first, _) = fetch(&app, &address).await.unwrap();
        let (second, _) = fetch(&app, &address).await.unwrap();
        assert_framed(&first);
        let (first, second) = (read_with_python(&first), read_with_python(&second));
        assert_eq!(first["errors"], json!([]));
        let events = first["events"].as_array().unwrap();
        assert!(!events.is_empty());
        for event in events {
            assert_eq!(event["errors"], json!([]), "{event}");
            // An all-day event ends, exclusively, the next day.
            let start = support::date(event["start"].as_str().unwrap());
            assert_eq!(event["end"], json!((start + chrono::Duration::days(1)).to_string()), "{event}");
        }
        let response = events
            .iter()
            .find(|e| e["uid"] == format!("request-{request}-response-1@foi-tracker"))
            .unwrap();
        assert_eq!(
            response["summary"],
            "Response due: Line one Line two and three, with a long enough tail to need folding (Home Office)",
            "line breaks in a title become spaces"
        );
        // One reminder at 09:00 the day before: 15 hours before the all-day event starts.
        let alarms = response["alarms"].as_array().unwrap();
        assert_eq!(alarms.len(), 1);
        assert_eq!(alarms[0]["trigger"], json!(-15.0 * 3600.0));
        assert_eq!(alarms[0]["related"], "START");
        // The same reminder at every fetch, so that a calendar app does not show it anew.
        let alarm_uids = |feed: &Value| -> Vec<Value> {
            feed["events"].as_array().unwrap().iter()
                .flat_map(|e| e["alarms"].as_array().unwrap().iter().map(|a| a["uid"].clone()))
                .collect()
        };
        assert_eq!(alarm_uids(&first), alarm_uids(&second));
        assert!(alarm_uids(&first).iter().all(|uid| uid.as_str().unwrap().ends_with("@foi-tracker")), "{first}");
    }


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
        assert!(text.contains("BEGIN:VALARM"), "a reminder the day before: {text}");
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
        // An auditor's feed is a list like the others they see: a subject access request by
        // its number, its reference only once they open it (which is recorded).
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let (text, theirs) = fetch(&app, &new_address(&auditor).await).await.unwrap();
        let sar_events: Vec<_> = events(&theirs).into_iter().filter(|(uid, _, _)| uid.starts_with(&format!("request-{sar}-"))).collect();
        assert!(!sar_events.is_empty());
        assert!(sar_events.iter().all(|(_, _, summary)| summary.contains(&format!("Subject access request #{sar}"))), "{sar_events:?}");
        assert!(!text.contains("SAR-0042") && !text.contains("Jane"), "{text}");

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
            foi_tracker::clock::now(),
        )
        .unwrap();
        assert_eq!(fetch(&app, &theirs).await.unwrap_err(), StatusCode::NOT_FOUND);
    }
}
