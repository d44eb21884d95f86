//! Sending a request by email (issue 21): from the organisation's own mailbox, through a real
//! SMTP server (aiosmtpd), with a reply address that names the request; recorded as sent and
//! received that day with the exact message kept as its first document. A double click sends
//! once, a server that refuses leaves nothing behind, and a crash mid-send is settled by a
//! person. Both backends.

use regex::Regex;
use reqwest::StatusCode;
use serde_json::json;

use crate::support::smtp::SmtpServer;
use crate::support::{audit_actions, problem, TestApp, TODAY};

const AUTHORITY_EMAIL: &str = "foirequests@homeoffice.gov.uk";

/// A draft FOIA request to the Home Office, by the default user: its id.
async fn draft(app: &TestApp, title: &str) -> i64 {
    let home_office = app.authority("Home Office").await;
    app.create_request(json!({"title": title, "body": "Dear Home Office,\n\nPlease send the number of victims detained.\n\nYours faithfully,\nA. Researcher", "authority_id": home_office}))
        .await["id"]
        .as_i64()
        .unwrap()
}

async fn set_mailbox(app: &TestApp, smtp_url: &str) {
    set_mailbox_with(app, smtp_url, &[]).await
}

/// Sets the organisation's mailbox as its admin does, sending through `smtp_url`, with the
/// `more` fields (the IMAP server's) beside.
pub(crate) async fn set_mailbox_with(app: &TestApp, smtp_url: &str, more: &[(&str, &str)]) {
    let admin = app.admin().await;
    let mut fields = vec![
        ("address", "foi@coalition.example"),
        ("display_name", "Coalition FOI team"),
        ("smtp_url", smtp_url),
        ("smtp_username", ""),
        ("smtp_password", ""),
    ];
    fields.extend_from_slice(more);
    let response = admin.post_form("/admin/mailbox", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn send_api(app: &TestApp, id: i64) -> reqwest::Response {
    app.request(reqwest::Method::POST, &format!("/api/v1/requests/{id}/email"))
        .send()
        .await
        .unwrap()
}

on_both_backends! {
    async fn a_draft_goes_by_email_with_its_own_reply_address_and_is_sent_that_day(app) {
        let server = SmtpServer::start();
        let id = draft(&app, "Victims detained, 2025").await;

        // Without a mailbox, the page and the API say what is missing; nothing is sent.
        let page = app.text(&format!("/requests/{id}/email")).await;
        assert!(page.contains("Your organisation has no mailbox to send from yet"), "{page}");
        let (status, _, body) = problem(send_api(&app, id).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body["detail"].as_str().unwrap().contains("no mailbox"), "{body}");

        set_mailbox(&app, &server.url()).await;
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains(&format!(r#"<a href="/requests/{id}/email">Send it by email</a>"#)), "{page}");
        let page = app.text(&format!("/requests/{id}/email")).await;
        assert!(page.contains("<dt>From</dt><dd>Coalition FOI team &lt;foi@coalition.example&gt;</dd>"), "{page}");
        assert!(page.contains(&format!("<dt>To</dt><dd>{AUTHORITY_EMAIL}</dd>")), "{page}");
        assert!(page.contains(&format!("<dt>Replies to</dt><dd>foi+r{id}-…@coalition.example</dd>")), "{page}");
        assert!(page.contains("Freedom of Information request: Victims detained, 2025"), "{page}");

        // Sent from the page: it arrives from the mailbox, with the request's reply address.
        let response = app.post_form(&format!("/requests/{id}/email"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let messages = server.wait_for(1);
        assert_eq!(messages.len(), 1, "{messages:?}");
        let sent = &messages[0];
        assert_eq!(sent.rcpt_to, AUTHORITY_EMAIL);
        assert_eq!(sent.to, AUTHORITY_EMAIL);
        assert_eq!(sent.from, "\"Coalition FOI team\" <foi@coalition.example>");
        assert_eq!(sent.subject, "Freedom of Information request: Victims detained, 2025");
        let reply_to = Regex::new(&format!(r"^foi\+r{id}-[0-9a-f]{{24}}@coalition\.example$")).unwrap();
        assert!(reply_to.is_match(&sent.reply_to), "{}", sent.reply_to);
        assert!(sent.text.contains("Please send the number of victims detained."), "{}", sent.text);
        assert!(sent.text.contains(&format!("Please send your reply, and anything else about this request, to {}", sent.reply_to)), "{}", sent.text);
        assert!(sent.message_id.starts_with(&format!("foi-tracker.r{id}.")) && sent.message_id.ends_with("@coalition.example"), "{}", sent.message_id);

        // Sent and received today (day 0), by email, the message kept as its first document.
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("Request sent by email and recorded as sent today."), "{page}");
        let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(request["sent_on"], TODAY, "{request}");
        assert_eq!(request["sent_via"], "email", "{request}");
        assert_eq!(request["schedule"]["received"], TODAY, "{request}");
        let document = crate::support::document_ids(&page)[0];
        let stored = app.get(&format!("/api/v1/documents/{document}")).await.bytes().await.unwrap();
        let stored = String::from_utf8(stored.to_vec()).unwrap();
        assert!(stored.contains(&format!("Message-ID: <{}>", sent.message_id)), "{stored}");
        assert!(stored.contains(&format!("Reply-To: {}", sent.reply_to)), "{stored}");
        // The message kept is the one that arrived, but for the envelope lines the server adds
        // and the line endings its maildir writes (\n alone).
        let arrived: Vec<&str> = std::str::from_utf8(&sent.raw).unwrap().lines().filter(|l| !l.starts_with("X-Peer:") && !l.starts_with("X-MailFrom:") && !l.starts_with("X-RcptTo:")).collect();
        let kept: Vec<&str> = stored.lines().collect();
        assert_eq!(arrived.join("\n").trim_end(), kept.join("\n").trim_end());
        assert!(page.contains(&format!("request-{TODAY}.eml")), "{page}");
        assert_eq!(audit_actions(&app, "send").len(), 1);

        // Sending again sends nothing: the request has gone.
        let (status, _, body) = problem(send_api(&app, id).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body["detail"].as_str().unwrap().contains("already been sent"), "{body}");
        assert_eq!(server.wait_for(2).len(), 1);

        // Written to afterwards, the authority gets the message in the request's thread; an
        // empty message is refused beside its field.
        let page = app.text(&format!("/requests/{id}/email")).await;
        assert!(page.contains("Re: Freedom of Information request: Victims detained, 2025"), "{page}");
        let response = app
            .post_form(&format!("/requests/{id}/email/follow-up"), &[("subject", "Re: your acknowledgement"), ("body", "")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<p class="error" id="body-error"><span class="visually-hidden">Error:</span> Message is required"#), "{page}");
        let response = app
            .post_form(&format!("/requests/{id}/email/follow-up"), &[("subject", "Re: your acknowledgement"), ("body", "Could you confirm the date you received it?")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let messages = server.wait_for(2);
        assert_eq!(messages.len(), 2);
        let follow_up = &messages[1];
        assert_eq!(follow_up.rcpt_to, AUTHORITY_EMAIL);
        assert_eq!(follow_up.reply_to, sent.reply_to);
        assert_eq!(header(&follow_up.raw, "In-Reply-To"), Some(format!("<{}>", sent.message_id).as_str()));
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("Message sent to the authority in the request&#x27;s thread"), "{page}");
        assert!(page.contains(&format!("follow-up-{TODAY}.eml")), "{page}");
        let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(request["schedule"]["status"], "awaiting_response", "a follow-up records no event");
    }

    async fn a_double_click_sends_once_and_a_refusing_server_leaves_nothing_behind(app) {
        let mut server = SmtpServer::start();
        set_mailbox(&app, &server.url()).await;
        let id = draft(&app, "Safe-house places").await;

        // The mail server is down: the person is told, and nothing is recorded.
        server.stop();
        let before = app.snapshot();
        let response = app.post_form(&format!("/requests/{id}/email"), &[]).await;
        assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
        let page = response.text().await.unwrap();
        assert!(page.contains("the mail server did not take the message"), "{page}");
        assert!(page.contains("Nothing was sent or recorded"), "{page}");
        let (status, _, body) = problem(send_api(&app, id).await).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY);
        assert_eq!(body["type"], "/api/v1/problems#upstream");
        let after = app.snapshot();
        for table in ["requests", "events", "documents", "outgoing_messages", "audit_entries"] {
            assert_eq!(after[table], before[table], "{table} changed");
        }

        // Back up, two clicks at once: one message, one request sent.
        server.resume();
        let (first, second) = tokio::join!(send_api(&app, id), send_api(&app, id));
        let mut statuses = [first.status(), second.status()];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
        std::thread::sleep(std::time::Duration::from_millis(500));
        assert_eq!(server.messages().len(), 1);
        assert_eq!(app.snapshot()["outgoing_messages"].len(), 1);
    }

    async fn a_message_interrupted_by_a_crash_is_settled_by_a_person(app) {
        let server = SmtpServer::start();
        set_mailbox(&app, &server.url()).await;
        let went = draft(&app, "Reprisals after return").await;
        let lost = draft(&app, "Re-trafficking after return").await;

        // As a crash between the server taking them and the record leaves them: claimed an
        // hour ago, never recorded.
        let mut conn = app.connection();
        for (id, raw) in [(went, "Subject: went\r\n\r\nbody\r\n"), (lost, "Subject: lost\r\n\r\nbody\r\n")] {
            foi_tracker::db::outgoing_messages::insert(
                &mut conn,
                &foi_tracker::db::outgoing_messages::NewOutgoingMessage {
                    request_id: id as i32,
                    purpose: "request",
                    status: "sending",
                    message_id: &format!("interrupted.{id}@coalition.example"),
                    recipient: AUTHORITY_EMAIL,
                    subject: "Freedom of Information request",
                    raw: Some(raw.as_bytes()),
                    sent_by: None,
                    started_at: foi_tracker::clock::now() - chrono::Duration::hours(1),
                },
            )
            .unwrap();
        }

        // The page asks, and sending again is refused until someone answers.
        let page = app.text(&format!("/requests/{went}/email")).await;
        assert!(page.contains("Did this message go?"), "{page}");
        let (status, _, body) = problem(send_api(&app, went).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body["detail"].as_str().unwrap().contains("check the mailbox's Sent folder"), "{body}");
        let response = app.post_form(&format!("/requests/{went}/email/settle"), &[("went", "maybe")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

        // It went: recorded as sent on the day it was sent, the message kept.
        let response = app.post_form(&format!("/requests/{went}/email/settle"), &[("went", "yes")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let request = app.get_json(&format!("/api/v1/requests/{went}")).await;
        assert_eq!(request["sent_via"], "email", "{request}");
        assert!(request["sent_on"].is_string(), "{request}");
        let page = app.text(&format!("/requests/{went}")).await;
        let document = crate::support::document_ids(&page)[0];
        let stored = app.get(&format!("/api/v1/documents/{document}")).await.text().await.unwrap();
        assert_eq!(stored, "Subject: went\r\n\r\nbody\r\n");

        // It did not: set aside through the API, and the request can be sent for real.
        let response = app
            .post_json(&format!("/api/v1/requests/{lost}/email/settle"), &json!({"went": false}))
            .await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(audit_actions(&app, "discard_unsent").len(), 1);
        let response = send_api(&app, lost).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(server.wait_for(1).len(), 1, "only the request sent for real reached the server");
    }
}

/// A header of a message as the server stored it, if it has it.
fn header<'a>(raw: &'a [u8], name: &str) -> Option<&'a str> {
    std::str::from_utf8(raw)
        .unwrap()
        .lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
}

on_both_backends! {
    async fn a_review_request_goes_in_the_thread_and_a_complaint_to_the_regulator(app) {
        let server = SmtpServer::start();
        set_mailbox(&app, &server.url()).await;
        let id = draft(&app, "Victims returned, 2025").await;
        assert_eq!(send_api(&app, id).await.status(), StatusCode::CREATED);
        app.add_event(id, "response", TODAY).await;
        let request_message = server.wait_for(1)[0].message_id.clone();

        // The review request answers the authority in the request's thread.
        let letter = |kind: &str, to: &str| {
            json!({"kind": kind, "to": to, "subject": format!("{kind}: Victims returned, 2025"), "body": "Dear team,\n\nPlease review the refusal.\n\nYours faithfully,\nA. Researcher"})
        };
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/letters/email"), &letter("internal_review", "Home Office (foirequests@homeoffice.gov.uk)"))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let sent: serde_json::Value = response.json().await.unwrap();
        assert_eq!(sent["event"]["kind"], "internal_review_requested", "{sent}");
        assert_eq!(sent["event"]["occurred_on"], TODAY, "{sent}");
        assert_eq!(sent["email"]["document"]["filename"], format!("internal-review-{TODAY}.eml"), "{sent}");
        let messages = server.wait_for(2);
        let review = &messages[1];
        assert_eq!(review.rcpt_to, AUTHORITY_EMAIL);
        assert_eq!(header(&review.raw, "In-Reply-To"), Some(format!("<{request_message}>").as_str()));
        assert_eq!(header(&review.raw, "References"), Some(format!("<{request_message}>").as_str()));
        assert_eq!(review.reply_to, messages[0].reply_to, "replies come back to the request's own address");

        // The complaint goes to the regulator, outside the authority's thread.
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/letters/email"), &letter("regulator_complaint", "Information Commissioner's Office (icocasework@ico.org.uk)"))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let messages = server.wait_for(3);
        let complaint = &messages[2];
        assert_eq!(complaint.rcpt_to, "icocasework@ico.org.uk");
        assert_eq!(header(&complaint.raw, "In-Reply-To"), None);
        assert_eq!(header(&complaint.raw, "References"), None);
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let kinds: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["received", "response", "internal_review_requested", "regulator_complaint"]);

        // A tribunal appeal is made on the tribunal's form, and an address is needed: refused
        // beside the field, nothing sent or recorded.
        let before = app.snapshot();
        let (status, fields, _) = problem(
            app.post_json(&format!("/api/v1/requests/{id}/letters/email"), &letter("tribunal_appeal", "GRC")).await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields, ["kind", "to"]);
        let page = app
            .post_form(&format!("/requests/{id}/letters"), &[("kind", "internal_review"), ("to", "Home Office"), ("subject", "s"), ("body", "b"), ("sent_on", ""), ("action", "email")])
            .await
            .text()
            .await
            .unwrap();
        assert!(page.contains("Give the email address it goes to"), "{page}");
        assert_eq!(app.snapshot()["events"], before["events"]);
        assert_eq!(server.messages().len(), 3);
    }
}
