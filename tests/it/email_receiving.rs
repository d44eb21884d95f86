//! Replies read from the organisation's mailbox (issue 21), against a real IMAP server
//! (Debian's dovecot, started by the test with a certificate it makes) and the real SMTP
//! server the requests go out through: each reply is filed with the request it answers (by
//! reply address, by thread, by the authority's reference), an unrelated message waits in
//! triage, a bounce is flagged, and nothing is filed twice or lost, whatever happens to the
//! IMAP server. Both backends.

use foi_tracker::config::Settings;
use lettre::message::{header::ContentType, Attachment, MultiPart, SinglePart};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::imap::{self, ImapServer};
use crate::support::smtp::SmtpServer;
use crate::support::{pdf, problem, TestApp};

/// A draft to the Home Office, sent by email through `smtp`: its id, its Message-ID and its
/// reply address.
async fn sent_by_email(app: &TestApp, smtp: &SmtpServer, title: &str) -> (i64, String, String) {
    let home_office = app.authority("Home Office").await;
    let id = app
        .create_request(
            json!({"title": title, "body": "Please send the figures.", "authority_id": home_office}),
        )
        .await["id"]
        .as_i64()
        .unwrap();
    let before = smtp.messages().len();
    let response = app
        .request(reqwest::Method::POST, &format!("/api/v1/requests/{id}/email"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let sent = smtp.wait_for(before + 1).pop().unwrap();
    (id, sent.message_id, sent.reply_to)
}

fn reply(to: &str, subject: &str, message_id: &str) -> lettre::message::MessageBuilder {
    lettre::Message::builder()
        .from(
            "Home Office FOI <foi.responses@homeoffice.gov.uk>"
                .parse()
                .unwrap(),
        )
        .to(to.parse().unwrap())
        .subject(subject)
        .message_id(Some(format!("<{message_id}>")))
}

fn text(builder: lettre::message::MessageBuilder, body: &str) -> Vec<u8> {
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_string())
        .unwrap()
        .formatted()
}

async fn read(app: &TestApp) -> Value {
    let response = app
        .request(reqwest::Method::POST, "/api/v1/inbox/read")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn report(filed: u64, triage: u64, bounces: u64, already: u64) -> Value {
    json!({"filed": filed, "triage": triage, "bounces": bounces, "already": already})
}

/// Sets the organisation's mailbox to send through `smtp` and read `server`, as its admin
/// does; returns the test server's own certificate, which an instance must trust, as an
/// organisation with its own CA would configure it.
async fn use_mailbox(app: &TestApp, smtp: &SmtpServer, server: &ImapServer) -> String {
    let url = server.url();
    let imap = [
        ("imap_url", url.as_str()),
        ("imap_username", imap::USER),
        ("imap_password", imap::PASSWORD),
    ];
    crate::email_sending::set_mailbox_with(app, &smtp.url(), &imap).await;
    server.certificate_path().display().to_string()
}

/// The reply waiting to be classified that the request's page links to.
async fn reply_to_classify(app: &TestApp, request: i64) -> i64 {
    let page = replies(app, request).await;
    page.split("?reply=")
        .nth(1)
        .and_then(|rest| rest.split('#').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("a reply to classify: {page}"))
}

async fn replies(app: &TestApp, id: i64) -> String {
    app.text(&format!("/requests/{id}")).await
}

on_both_backends! {
    async fn replies_are_filed_with_their_requests_once_and_nothing_is_lost(app) {
        let smtp = SmtpServer::start();
        let mut server = ImapServer::start();
        let ca = use_mailbox(&app, &smtp, &server).await;
        let app = app.instance_with(|s| Settings { imap_ca_file: Some(ca.clone()), ..s }).await;

        let (detention, detention_id, reply_address) = sent_by_email(&app, &smtp, "Victims detained, 2025").await;
        let (housing, housing_id, _) = sent_by_email(&app, &smtp, "Safe-house places, 2025").await;
        let home_office = app.authority("Home Office").await;
        let returns = app
            .create_request(json!({"title": "Returns, 2025", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01", "reference": "FOI 52658"}))
            .await["id"]
            .as_i64()
            .unwrap();

        // To the reply address, with a PDF; in the thread; quoting only the reference; from
        // nobody the tracker wrote to; and a server's report that a message did not arrive.
        let with_pdf = reply(&reply_address, "Your request: Victims detained", "r1@homeoffice.gov.uk")
            .multipart(
                MultiPart::mixed()
                    .singlepart(SinglePart::plain("Please find our response attached.".to_string()))
                    .singlepart(Attachment::new("response.pdf".into()).body(pdf("response"), "application/pdf".parse().unwrap())),
            )
            .unwrap()
            .formatted();
        server.deliver(&with_pdf);
        server.deliver(&text(
            reply("foi@coalition.example", "Re: Safe-house places", "r2@homeoffice.gov.uk").in_reply_to(format!("<{housing_id}>")),
            "We need clarification of the period.",
        ));
        // Sent at 23:30 UTC on 28 May, which is 00:30 on the 29th in London: the law's day.
        server.deliver_at(
            &text(
                reply("foi@coalition.example", "Response to your request FOI 52658", "r3@homeoffice.gov.uk"),
                "We hold the information, but we are withholding it under section 40(2) of the Act: it is personal data.",
            ),
            1_780_011_000,
        );
        server.deliver(&text(
            lettre::Message::builder()
                .from("Newsletter <news@example.org>".parse().unwrap())
                .to("foi@coalition.example".parse().unwrap())
                .subject("This week in transparency")
                .message_id(Some("<news-1@example.org>".into())),
            "Unrelated.",
        ));
        let bounce = format!(
            "From: Mail Delivery System <MAILER-DAEMON@mx.coalition.example>\r\nTo: foi@coalition.example\r\n\
             Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.coalition.example>\r\n\
             Date: Mon, 1 Jun 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver it.\r\n\
             --b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.coalition.example\r\n\r\n\
             Final-Recipient: rfc822; foirequests@homeoffice.gov.uk\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
             --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{detention_id}>\r\nSubject: Freedom of Information request\r\n\r\n--b--\r\n"
        );
        server.deliver(bounce.as_bytes());

        assert_eq!(read(&app).await, report(4, 1, 1, 0));
        let today = foi_tracker::clock::london_today().to_string();
        let page = replies(&app, detention).await;
        assert!(page.contains("from foi.responses@homeoffice.gov.uk: Your request: Victims detained"), "{page}");
        assert!(page.contains("Undelivered: the authority's server returned the message"), "{page}");
        assert!(page.contains(&format!("reply-{today}.eml")), "the message kept, named by its arrival: {page}");
        assert!(page.contains("response.pdf"), "its attachment kept: {page}");
        let page = replies(&app, housing).await;
        assert!(page.contains("Re: Safe-house places"), "{page}");
        let page = replies(&app, returns).await;
        assert!(page.contains("Response to your request FOI 52658"), "{page}");
        // Filing changes no deadline: the detention request still awaits its response.
        let request = app.get_json(&format!("/api/v1/requests/{detention}")).await;
        assert_eq!(request["schedule"]["status"], "awaiting_response", "{request}");
        let dashboard = app.text("/").await;
        assert!(dashboard.contains(r#"Replies to classify <span class="count">4</span>"#), "{dashboard}");
        let triage = app.get_json("/api/v1/inbox").await;
        assert_eq!(triage.as_array().unwrap().len(), 1, "{triage}");
        assert_eq!(triage[0]["subject"], "This week in transparency");

        // Classified as a refusal citing s.40(2), the reply sets the same deadlines as the same
        // response recorded by hand on a twin request.
        let reply_id = reply_to_classify(&app, returns).await;
        let proposal = app.get_json(&format!("/api/v1/replies/{reply_id}")).await;
        let suggested = &proposal["event"];
        assert_eq!(suggested["kind"], "response", "{proposal}");
        assert_eq!(suggested["outcome"], "refused", "{proposal}");
        assert_eq!(suggested["grounds"], json!(["foia-s40-2"]), "{proposal}");
        assert_eq!(suggested["occurred_on"], "2026-05-29", "the London date it arrived: {proposal}");
        // The page preselects the suggestion, which a person can change before recording.
        let page = app.text(&format!("/requests/{returns}?reply={reply_id}")).await;
        assert!(page.contains("Suggested: <strong>Response</strong>"), "{page}");
        assert!(page.contains(r#"value="foia-s40-2" checked"#), "{page}");
        assert!(page.contains(r#"<option value="refused" selected>"#), "{page}");
        let overridden = app.text(&format!("/requests/{returns}?reply={reply_id}&kind=clarification_requested")).await;
        assert!(overridden.contains(r#"<input type="hidden" name="kind" value="clarification_requested">"#), "{overridden}");
        assert!(overridden.contains(&format!(r#"<input type="hidden" name="reply" value="{reply_id}">"#)), "{overridden}");
        let response = app.post_json(&format!("/api/v1/replies/{reply_id}/classify"), suggested).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let twin = app
            .create_request(json!({"title": "Returns, 2025 (twin)", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await["id"]
            .as_i64()
            .unwrap();
        let response = app
            .post_json(&format!("/api/v1/requests/{twin}/events"), &json!({"kind": "response", "occurred_on": "2026-05-29", "outcome": "refused", "grounds": ["foia-s40-2"]}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let classified = app.get_json(&format!("/api/v1/requests/{returns}")).await["schedule"]["deadlines"].clone();
        let by_hand = app.get_json(&format!("/api/v1/requests/{twin}")).await["schedule"]["deadlines"].clone();
        assert_eq!(classified, by_hand);
        assert!(classified.as_array().unwrap().len() > 1, "{classified}");
        let response = app.post_json(&format!("/api/v1/replies/{reply_id}/classify"), suggested).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "classified once");

        // Read again, and from two instances at once: nothing is filed twice.
        assert_eq!(read(&app).await, report(0, 0, 0, 0));
        server.deliver(&text(reply(&reply_address, "A further reply", "r5@homeoffice.gov.uk"), "More."));
        let other = app.instance_with(|s| Settings { imap_ca_file: Some(ca.clone()), ..s }).await;
        let (first, second) = tokio::join!(read(&app), read(&other));
        let filed = first["filed"].as_u64().unwrap() + second["filed"].as_u64().unwrap();
        assert_eq!(filed, 1, "{first} {second}");
        assert_eq!(app.snapshot()["incoming_messages"].len(), 6);

        // A new UIDVALIDITY makes the server's numbers new; the messages are known anyway.
        server.set_uid_validity(server.uid_validity() + 7);
        assert_eq!(read(&app).await, report(0, 0, 0, 6));
        assert_eq!(app.snapshot()["incoming_messages"].len(), 6);

        // The IMAP server down for one reading: it says so, and the next one files what came.
        server.deliver(&text(reply(&reply_address, "Sent while the server was down", "r6@homeoffice.gov.uk"), "Late."));
        server.stop();
        let response = app.request(reqwest::Method::POST, "/api/v1/inbox/read").send().await.unwrap();
        let (status, _, body) = problem(response).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{body}");
        server.resume();
        assert_eq!(read(&app).await, report(1, 0, 0, 0));
        assert!(replies(&app, detention).await.contains("Sent while the server was down"));

        // A coordinator files the unrelated message with a request by hand, or dismisses it.
        let message = triage[0]["id"].as_i64().unwrap();
        let response = app.post_json(&format!("/api/v1/inbox/{message}/file"), &json!({"request_id": returns})).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert!(replies(&app, returns).await.contains("This week in transparency"));
        assert_eq!(app.get_json("/api/v1/inbox").await, json!([]));
    }
}

/// The outbox's notices about replies to classify on one request: (stage, status), in key order.
fn classify_notices(app: &TestApp, request: i64) -> Vec<(String, String)> {
    crate::reminder_emails::outbox(app)
        .into_iter()
        .filter(|(key, _)| key.starts_with(&format!("request/{request}/classify_reply/")))
        .map(|(key, (status, _))| (key.split('/').nth(4).unwrap().to_string(), status))
        .collect()
}

on_both_backends! {
    async fn a_reply_left_unclassified_for_two_working_days_is_reminded_of_until_it_is_classified(app) {
        use crate::reminder_emails::remind;
        let mut smtp = SmtpServer::start();
        let server = ImapServer::start();
        let ca = use_mailbox(&app, &smtp, &server).await;
        let app = app.instance_with(|s| Settings { imap_ca_file: Some(ca.clone()), ..s }).await;
        let home_office = app.authority("Home Office").await;
        let id = app
            .create_request(json!({"title": "Victims re-trafficked after return, 2025", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01", "reference": "FOI 60001"}))
            .await["id"]
            .as_i64()
            .unwrap();
        // Thu 28 May 2026 at noon in London: its two working days are Fri 29 May and Mon 1 June.
        server.deliver_at(
            &text(reply("foi@coalition.example", "Your request FOI 60001", "w1@homeoffice.gov.uk"), "We acknowledge your request."),
            1_779_966_000,
        );
        assert_eq!(read(&app).await, report(1, 0, 0, 0));
        let url = smtp.url();
        let about_replies = |smtp: &SmtpServer| -> Vec<crate::support::smtp::Received> {
            smtp.messages().into_iter().filter(|m| m.subject.contains("Say what the authority's reply is")).collect()
        };

        remind(&app, Some(&url), &["--today", "2026-05-28"]).await;
        remind(&app, Some(&url), &["--today", "2026-05-29"]).await;
        assert_eq!(classify_notices(&app, id), vec![], "nothing while it has not waited two working days");
        remind(&app, Some(&url), &["--today", "2026-06-01"]).await;
        assert_eq!(classify_notices(&app, id), vec![("on_the_day".to_string(), "sent".to_string())]);
        let messages = about_replies(&smtp);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].subject, "Today: Say what the authority's reply is: Victims re-trafficked after return, 2025");
        assert_eq!(messages[0].rcpt_to, "coordinator@coalition.example");
        assert!(messages[0].text.contains("Why:       The coalition says what each reply is within 2 working days of its arrival"), "{}", messages[0].text);
        assert!(messages[0].text.contains("Next:      A reply from the authority is filed with this request"), "{}", messages[0].text);
        assert!(messages[0].text.contains(&format!("Open it:   {}/requests/{id}", app.address)), "{}", messages[0].text);

        // Still unclassified: chased the next working day, then every week; the second week's
        // notice meets a dead mail server and waits to be retried.
        remind(&app, Some(&url), &["--today", "2026-06-02"]).await;
        assert_eq!(about_replies(&smtp).last().unwrap().subject, "Missed: Say what the authority's reply is by Mon 1 Jun 2026: Victims re-trafficked after return, 2025");
        smtp.stop();
        remind(&app, Some(&url), &["--today", "2026-06-09"]).await;
        let unsent = classify_notices(&app, id)[1].1.clone();
        assert!(unsent == "failed" || unsent == "pending", "{unsent}");

        // Classified on 9 June: the reminders stop at once, the unsent one with them.
        let app = app.instance_on("2026-06-09").await;
        let reply_id = reply_to_classify(&app, id).await;
        let response = app
            .post_json(&format!("/api/v1/replies/{reply_id}/classify"), &json!({"kind": "acknowledged", "occurred_on": "2026-05-28"}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let expected = [("missed_0", "sent"), ("missed_1", "cancelled"), ("on_the_day", "sent")];
        assert_eq!(classify_notices(&app, id), expected.map(|(a, b)| (a.to_string(), b.to_string())));
        smtp.resume();
        remind(&app, Some(&url), &["--today", "2026-06-16"]).await;
        assert_eq!(classify_notices(&app, id), expected.map(|(a, b)| (a.to_string(), b.to_string())), "no week 2");
        assert_eq!(about_replies(&smtp).len(), 2);
    }
}
