//! Reminders sent through lettre to a real SMTP server process (aiosmtpd), read back from the
//! server's mailbox; and the faults a mail server and a crash bring: each notice arrives
//! once. The sweep runs as system cron would run it, `foi-tracker remind`. Both backends.

use crate::support;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::smtp::{Received, SmtpServer};
use crate::support::{TestApp, ORGANISATION};
use serde_json::json;

const COORDINATOR: &str = "coordinator@coalition.example";

/// `foi-tracker remind ARGS` against the app's database, sending through `smtp` (or into
/// the app's mail folder).
fn remind_command(app: &TestApp, smtp: Option<&str>, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_foi-tracker"));
    command
        .arg("remind")
        .args(args)
        .env_clear()
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .env("FOI_DATABASE_URL", &app.database_url)
        .env("FOI_PUBLIC_URL", &app.address)
        .env("FOI_MAIL_DIR", &app.mail_dir)
        .env("FOI_MAIL_FROM", "foi-tracker <reminders@coalition.example>")
        // A failed send may be retried by the very next sweep.
        .env("FOI_MAIL_RETRY_SECONDS", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = smtp {
        command.env("FOI_SMTP_URL", url);
    }
    command
}

pub(crate) async fn remind(app: &TestApp, smtp: Option<&str>, args: &[&str]) -> String {
    let mut command = remind_command(app, smtp, args);
    let output: Output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "remind {args:?} failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// A FOIA request sent on 1 May 2026: its response is due on Tuesday 2 June (4 and 25 May are
/// bank holidays).
async fn request(app: &TestApp, title: &str) -> i64 {
    let home_office = app.authority("Home Office").await;
    let created = app
        .create_request(json!({"title": title, "body": "Please send the figures.", "authority_id": home_office, "sent_on": "2026-05-01"}))
        .await;
    created["id"].as_i64().unwrap()
}

/// The outbox, straight from the database: key -> (status, attempts).
pub(crate) fn outbox(app: &TestApp) -> BTreeMap<String, (String, i32)> {
    use diesel::prelude::*;
    use foi_tracker::db::schema::outbox::dsl::*;
    let mut conn = app.connection();
    outbox
        .select((key, status, attempts))
        .load::<(String, String, i32)>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|(k, s, a)| (k, (s, a)))
        .collect()
}

/// How many messages each Message-ID arrived in.
fn arrivals(messages: &[Received]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for message in messages {
        *counts.entry(message.message_id.clone()).or_insert(0) += 1;
    }
    counts
}

on_both_backends! {
    async fn a_reminder_arrives_by_real_smtp_with_both_bodies_and_the_link(app) {
        let server = SmtpServer::start();
        let id = request(&app, "Detention figures 2026").await;
        let sar = app
            .create_request(json!({"title": "Jane Doe's Home Office file", "body": "All data about Jane Doe", "authority_id": app.authority("Home Office").await, "regime": "sar", "reference": "SAR-0042", "sent_on": "2026-05-20"}))
            .await;
        let sar_due = sar["schedule"]["deadlines"][0]["due"].as_str().unwrap().to_string();
        let sar = sar["id"].as_i64().unwrap();

        let printed = remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        // Recording the request planned its reminder at once; the sweep sends it.
        assert!(printed.contains("Reminders for Mon 1 Jun 2026: 1 owed, 0 new; sent 1 notices in 1 messages through SMTP"), "{printed}");
        let messages = server.wait_for(1);
        assert_eq!(messages.len(), 1, "{messages:?}");
        let message = &messages[0];
        assert_eq!(message.rcpt_to, COORDINATOR);
        assert_eq!(message.to, COORDINATOR);
        assert_eq!(message.subject, "Response due by Tue 2 Jun 2026: Detention figures 2026");
        assert_eq!(message.parts, ["multipart/alternative", "text/plain", "text/html"]);
        let link = format!("{}/requests/{id}", app.address);
        assert!(message.text.contains(&format!("Open it:   {link}")), "{}", message.text);
        assert!(message.text.contains("Deadline:  Response due\n   Due:       Tue 2 Jun 2026\n"), "{}", message.text);
        assert!(message.text.contains("Why:       Due on the 20th working day after receipt (FOIA s.10(1))"), "the rule: {}", message.text);
        assert!(message.text.contains("Next:      Nothing to do yet."), "{}", message.text);
        assert!(!message.text.contains("&amp;") && !message.text.contains("&#x27;"), "text is not HTML-escaped: {}", message.text);
        assert!(message.html.contains(&format!("<a href=\"{link}\">Open the request</a>")), "{}", message.html);
        assert!(message.html.contains("<strong>Tue 2 Jun 2026</strong>"), "{}", message.html);

        // The same day again sends nothing more; the next day's stage is a new notice.
        let printed = remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        assert!(printed.contains("1 owed, 0 new; sent 0 notices in 0 messages"), "{printed}");
        remind(&app, Some(&server.url()), &["--today", "2026-06-02"]).await;
        let messages = server.wait_for(2);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[1].subject, "Today: Response due: Detention figures 2026");
        assert_ne!(messages[0].message_id, messages[1].message_id);

        // The subject access request's own deadline: by reference, never by its title.
        remind(&app, Some(&server.url()), &["--today", &sar_due]).await;
        let messages = server.wait_for(3);
        let about_sar: Vec<&Received> = messages
            .iter()
            .filter(|m| m.text.contains(&format!("/requests/{sar}")))
            .collect();
        assert!(!about_sar.is_empty(), "{messages:?}");
        for message in &messages {
            for text in [&message.subject, &message.text, &message.html] {
                assert!(!text.contains("Jane Doe"), "personal details in an email: {text}");
            }
        }
        assert!(about_sar[0].text.contains("Subject access request SAR-0042 (Home Office)"), "{}", about_sar[0].text);
    }

    async fn a_dry_run_lists_what_it_would_send_and_sends_nothing(app) {
        let server = SmtpServer::start();
        let id = request(&app, "Support figures").await;
        let before = app.snapshot();
        let printed = remind(&app, Some(&server.url()), &["--dry-run", "--today", "2026-06-02"]).await;
        assert!(printed.contains("Dry run for Tue 2 Jun 2026: 1 notices owed, 1 not yet in the outbox"), "{printed}");
        assert!(printed.contains(&format!("would send to {COORDINATOR}: request {id} response due 2026-06-02 (Due today, immediate)")), "{printed}");
        assert_eq!(app.snapshot(), before, "the outbox included");
        std::thread::sleep(Duration::from_millis(300));
        assert!(server.messages().is_empty());
    }

    async fn with_no_mail_server_configured_reminders_are_kept_as_eml_files(app) {
        request(&app, "Returns figures").await;
        let printed = remind(&app, None, &["--today", "2026-06-02"]).await;
        assert!(printed.contains("sent 1 notices in 1 messages through .eml files in"), "{printed}");
        let files: Vec<_> = std::fs::read_dir(&app.mail_dir).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 1);
        let eml = std::fs::read_to_string(&files[0]).unwrap();
        assert!(eml.contains("Subject: Today: Response due: Returns figures"), "{eml}");

        // The outbox page names the request and the way mail goes, never the server's folders.
        let page = app.text("/outbox").await;
        assert!(page.contains(">Returns figures</a></td>"), "{page}");
        assert!(page.contains("Mail goes out through .eml files kept on the server."), "{page}");
        let folder = app.mail_dir.display().to_string();
        assert!(!page.contains(&folder), "no server path: {page}");
        assert!(page.contains("for Tue 2 Jun 2026"), "{page}");
        let stamp = |text: &str| text.as_bytes().windows(11).any(|w| w[4] == b'-' && w[7] == b'-' && w[10] == b'T');
        assert!(!stamp(&page), "instants written out, not as stored: {page}");
    }

    async fn the_outbox_names_a_subject_access_request_by_its_reference_only(app) {
        let home_office = app.authority("Home Office").await;
        app.create_request(json!({"title": "Records about Jane Doe", "body": "My records, please.", "authority_id": home_office,
            "regime": "sar", "reference": "SAR-2026-17", "sent_on": "2026-05-01"})).await;
        remind(&app, None, &["--today", "2026-06-01"]).await;
        let page = app.text("/outbox").await;
        assert!(page.contains(">Subject access request, reference SAR-2026-17</a>"), "{page}");
        assert!(!page.contains("Jane Doe"), "never its title: {page}");
    }

    async fn a_mail_server_down_for_one_sweep_loses_nothing_and_repeats_nothing(app) {
        let mut server = SmtpServer::start();
        for n in 0..3 {
            request(&app, &format!("Figures {n}")).await;
        }
        app.add_user("researcher@coalition.example", "researcher", ORGANISATION);
        app.add_user("second.coordinator@coalition.example", "coordinator", ORGANISATION);
        server.stop();

        // The coordinator's three were planned with the requests; the second coordinator's now.
        let printed = remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        assert!(printed.contains("6 owed, 3 new; sent 0 notices in 0 messages"), "{printed}");
        // The first failure stops the round: the rest wait for the next, untried.
        assert!(printed.contains("1 messages failed (retried later)"), "{printed}");
        let stored = outbox(&app);
        assert_eq!(stored.len(), 6);
        let mut states: Vec<(String, i32)> = stored.values().cloned().collect();
        states.sort();
        assert_eq!(states, [("failed".to_string(), 1), ("pending".to_string(), 0), ("pending".to_string(), 0), ("pending".to_string(), 0), ("pending".to_string(), 0), ("pending".to_string(), 0)]);
        let page = app.text("/outbox?status=failed").await;
        assert!(page.contains("the SMTP server did not take the message"), "the error is kept and shown");

        server.resume();
        let printed = remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        assert!(printed.contains("6 owed, 0 new; sent 6 notices in 6 messages"), "{printed}");
        remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        server.wait_for(6);
        // Anything sent twice would arrive within this.
        std::thread::sleep(Duration::from_millis(300));
        let messages = server.messages();
        assert_eq!(messages.len(), 6, "{messages:?}");
        assert!(arrivals(&messages).values().all(|n| *n == 1));
        let mut recipients: Vec<&str> = messages.iter().map(|m| m.rcpt_to.as_str()).collect();
        recipients.sort();
        assert_eq!(recipients, [COORDINATOR, COORDINATOR, COORDINATOR, "second.coordinator@coalition.example", "second.coordinator@coalition.example", "second.coordinator@coalition.example"]);
        let attempts: Vec<i32> = outbox(&app).values().map(|(status, attempts)| { assert_eq!(status, "sent"); *attempts }).collect();
        assert_eq!(attempts.iter().sum::<i32>(), 7, "one failed attempt, six that went through: {attempts:?}");
    }

    async fn a_sweep_killed_between_planning_and_sending_is_finished_by_the_next(app) {
        for n in 0..4 {
            request(&app, &format!("Figures {n}")).await;
        }
        // A server that accepts the connection and never answers: the sweep has written its
        // outbox and is waiting to send when it is killed.
        let silent = TcpListener::bind("127.0.0.1:0").unwrap();
        let silent_url = format!("smtp://{}", silent.local_addr().unwrap());
        let mut child = remind_command(&app, Some(&silent_url), &["--today", "2026-06-01"]).spawn().unwrap();
        let (_held, _) = silent.accept().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
        let stored = outbox(&app);
        assert_eq!(stored.len(), 4);
        assert!(stored.values().all(|(status, attempts)| status == "pending" && *attempts == 0), "{stored:?}");

        let server = SmtpServer::start();
        let printed = remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        assert!(printed.contains("4 owed, 0 new; sent 4 notices in 4 messages"), "{printed}");
        remind(&app, Some(&server.url()), &["--today", "2026-06-01"]).await;
        server.wait_for(4);
        std::thread::sleep(Duration::from_millis(300));
        let messages = server.messages();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(arrivals(&messages).values().all(|n| *n == 1));
    }

    async fn sweeps_racing_on_one_database_send_each_notice_once(app) {
        let server = SmtpServer::start();
        for n in 0..10 {
            request(&app, &format!("Figures {n}")).await;
        }
        app.add_user("second.coordinator@coalition.example", "coordinator", ORGANISATION);
        app.add_user("third.coordinator@coalition.example", "coordinator", ORGANISATION);
        let children: Vec<_> = (0..4)
            .map(|_| remind_command(&app, Some(&server.url()), &["--today", "2026-06-01"]).spawn().unwrap())
            .collect();
        let started = Instant::now();
        let mut outputs = Vec::new();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            outputs.push(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        assert!(started.elapsed() < Duration::from_secs(120));
        server.wait_for(30);
        std::thread::sleep(Duration::from_millis(300));
        let messages = server.messages();
        assert_eq!(messages.len(), 30, "10 requests x 3 coordinators: {outputs:?}");
        assert!(arrivals(&messages).values().all(|n| *n == 1), "{outputs:?}");
        let stored = outbox(&app);
        assert_eq!(stored.len(), 30);
        assert!(stored.values().all(|(status, attempts)| status == "sent" && *attempts == 1));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_inside_serve_sweeps_on_its_cron_schedule() {
    let server = SmtpServer::start();
    let app = TestApp::start_scheduled(
        foi_tracker::db::Backend::Sqlite,
        foi_tracker::config::Settings {
            today: Some(support::date("2026-06-01")),
            smtp_url: Some(server.url()),
            // Every two seconds: the test sees a scheduled run, not only the one at start-up.
            reminder_schedule: "*/2 * * * * *".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    request(&app, "Scheduled figures").await;
    let messages = server.wait_for(1);
    assert_eq!(messages.len(), 1, "the scheduler swept within 20 seconds");
    assert_eq!(
        messages[0].subject,
        "Response due by Tue 2 Jun 2026: Scheduled figures"
    );
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(server.messages().len(), 1, "later runs send it no more");
    let page = app.text("/outbox").await;
    assert!(page.contains("Last sweep"), "{page}");
}

fn recipient(message: &mail_parser::Message<'_>) -> String {
    message
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default()
        .to_string()
}

on_both_backends! {
    async fn preferences_are_saved_from_the_account_page_and_bad_ones_change_nothing(app) {
        let page = app.text("/account").await;
        assert!(page.contains("name=\"kind_requester_lapsed\" value=\"on\" checked"), "every kind by default");

        let before = app.snapshot();
        let response = app.post_form("/account/reminders", &[("delivery", "daily_digest"), ("kind_authority_missed", "on"), ("paused_until", "2026-05-31")]).await;
        assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"paused_until-error\"><span class=\"visually-hidden\">Error:</span> The last day of leave has passed (today is 2026-06-01)"), "{page}");
        assert!(page.contains("name=\"delivery\" value=\"daily_digest\" checked"), "the form keeps what was sent");
        let response = app.post_form("/account/reminders", &[("delivery", "weekly"), ("kind_everything", "on")]).await;
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"delivery-error\""), "{page}");
        assert!(page.contains("id=\"kinds-error\""), "{page}");
        assert_eq!(app.snapshot(), before);

        let response = app.post_form("/account/reminders", &[("delivery", "daily_digest"), ("kind_authority_missed", "on"), ("kind_requester_lapsed", "on"), ("paused_until", "2026-06-10")]).await;
        assert_eq!(support::location(&response), "/account#reminders");
        let page = app.text("/account").await;
        assert!(page.contains("name=\"delivery\" value=\"daily_digest\" checked"));
        assert!(page.contains("name=\"kind_authority_missed\" value=\"on\" checked"));
        assert!(!page.contains("name=\"kind_authority_approaching\" value=\"on\" checked"));
        // The leave date, shown back in its day, month and year boxes.
        assert!(page.contains(r#"name="paused_until-day" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="10""#), "{page}");
        assert!(page.contains(r#"name="paused_until-month" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="6""#), "{page}");
        assert!(page.contains(r#"name="paused_until-year" inputmode="numeric" size="4" maxlength="4" autocomplete="off" value="2026""#), "{page}");
        let trail = app.admin().await.text("/audit?entity=reminder_preferences").await;
        assert!(trail.contains("daily_digest"), "the change is audited: {trail}");
    }

    async fn a_digest_gathers_a_days_notices_and_leave_never_silences_everyone(app) {
        for n in 0..3 {
            request(&app, &format!("Figures {n}")).await;
        }
        // The only coordinator takes a digest and is on leave: with no one else to tell, the
        // digest still comes, and says why.
        app.post_form("/account/reminders", &[("delivery", "daily_digest"), ("kind_authority_approaching", "on"), ("kind_authority_missed", "on"), ("paused_until", "2026-06-30")]).await;
        remind(&app, None, &["--today", "2026-06-01"]).await;
        let messages = support::written_messages(&app);
        assert_eq!(messages.len(), 1, "one digest, not three messages");
        let digest = &messages[0];
        assert_eq!(recipient(digest), COORDINATOR);
        assert_eq!(digest.subject(), Some("foi-tracker: 3 deadline reminders for Mon 1 Jun 2026"));
        let text = digest.body_text(0).unwrap();
        for n in 0..3 {
            assert!(text.contains(&format!("Figures {n} (Home Office)")), "{text}");
        }
        assert!(text.contains("1. Response due by Tue 2 Jun 2026") && text.contains("3. Response due by Tue 2 Jun 2026"), "{text}");
        assert!(text.contains("You are on leave, but everyone else who would be told is too"), "{text}");

        // A second coordinator who is not on leave: the first is left in peace.
        app.add_user("second.coordinator@coalition.example", "coordinator", ORGANISATION);
        remind(&app, None, &["--today", "2026-06-02"]).await;
        let messages = support::written_messages(&app);
        let new: Vec<String> = messages[1..].iter().map(recipient).collect();
        assert_eq!(new, ["second.coordinator@coalition.example"; 3]);
    }

    async fn an_event_that_meets_a_deadline_cancels_its_unsent_reminder(app) {
        let id = request(&app, "Figures").await;
        let other = request(&app, "Other figures").await;
        remind(&app, Some("smtp://127.0.0.1:9"), &["--today", "2026-06-01"]).await;
        assert!(outbox(&app).values().all(|(status, _)| status == "failed" || status == "pending"));
        app.add_event(id, "response", "2026-06-01").await;
        let stored = outbox(&app);
        let status_of = |request: i64| {
            stored
                .iter()
                .find(|(key, _)| key.starts_with(&format!("request/{request}/")))
                .map(|(_, (status, _))| status.clone())
                .unwrap()
        };
        assert_eq!(status_of(id), "cancelled", "{stored:?}");
        assert_ne!(status_of(other), "cancelled", "{stored:?}");
        let page = app.text("/outbox?status=cancelled").await;
        assert!(page.contains("no longer owed: the deadline was met or moved"), "{page}");
        remind(&app, None, &["--today", "2026-06-01"]).await;
        let messages = support::written_messages(&app);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].subject(), Some("Response due by Tue 2 Jun 2026: Other figures"));
    }

    async fn a_correction_re_plans_at_once_and_what_it_makes_owed_again_comes_back(app) {
        // Received on 30 April: the response is due today, 1 June.
        let home_office = app.authority("Home Office").await;
        let id = app
            .create_request(json!({"title": "Figures", "body": "B", "authority_id": home_office, "sent_on": "2026-04-30"}))
            .await["id"]
            .as_i64()
            .unwrap();
        let key = format!("request/{id}/response/2026-06-01/on_the_day/user/1");
        let status = |app: &TestApp| outbox(app).get(&key).map(|(status, _)| status.clone());
        assert_eq!(status(&app).as_deref(), Some("pending"), "planned when the request was recorded");
        // A response recorded by mistake meets the deadline: the notice is cancelled at once.
        app.add_event(id, "response", "2026-05-29").await;
        assert_eq!(status(&app).as_deref(), Some("cancelled"));
        // The mistake removed, the deadline is due today again, and so is its notice.
        let response = app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
        assert!(response.status().is_success(), "{}", response.status());
        assert_eq!(status(&app).as_deref(), Some("pending"));
        remind(&app, None, &["--today", "2026-06-01"]).await;
        let messages = support::written_messages(&app);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].subject(), Some("Today: Response due: Figures"));
    }

    async fn a_holiday_import_that_moves_a_deadline_re_plans_its_reminders(app) {
        let id = request(&app, "Figures").await;
        let key = |due: &str, stage: &str| format!("request/{id}/response/{due}/{stage}/user/1");
        assert_eq!(outbox(&app).get(&key("2026-06-02", "before_1")).map(|s| s.0.as_str()), Some("pending"));
        // A bank holiday proclaimed for Friday 29 May: the response is now due on 3 June, and
        // on 1 June it is 5 working days away or less.
        let mut file: serde_json::Value = serde_json::from_str(include_str!("../../data/bank-holidays.json")).unwrap();
        file["england-and-wales"]["events"]
            .as_array_mut()
            .unwrap()
            .push(json!({"title": "Proclaimed bank holiday", "date": "2026-05-29", "notes": "", "bunting": true}));
        let admin = app.admin().await;
        let response = admin.upload("/admin/holidays", "bank-holidays.json", file.to_string().into_bytes(), &[]).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        let stored = outbox(&app);
        assert_eq!(stored.get(&key("2026-06-02", "before_1")).map(|s| s.0.as_str()), Some("cancelled"), "{stored:?}");
        assert_eq!(stored.get(&key("2026-06-03", "before_5")).map(|s| s.0.as_str()), Some("pending"), "{stored:?}");
        remind(&app, None, &["--today", "2026-06-01"]).await;
        let messages = support::written_messages(&app);
        assert_eq!(messages.len(), 1);
        assert_eq!(messages[0].subject(), Some("Response due by Wed 3 Jun 2026: Figures"));
    }

    async fn an_administrator_sees_no_other_organisations_private_reminders(app) {
        let foia = request(&app, "Figures").await;
        let home_office = app.authority("Home Office").await;
        let sar = app
            .create_request(json!({"title": "Jane Doe's immigration file", "body": "All my data", "authority_id": home_office, "regime": "sar", "sent_on": "2026-05-01", "reference": "SAR-JD-1"}))
            .await["id"]
            .as_i64()
            .unwrap();
        remind(&app, None, &["--today", "2026-06-01"]).await;
        let count = |request: i64| {
            use diesel::prelude::*;
            use foi_tracker::db::schema::outbox::dsl::*;
            outbox.filter(request_id.eq(request as i32)).count().get_result::<i64>(&mut app.connection()).unwrap()
        };
        let (of_foia, of_sar) = (count(foia), count(sar));
        assert!(of_foia > 0 && of_sar > 0, "{of_foia} {of_sar}");
        let link = |request: i64| format!("href=\"/requests/{request}\"");

        // The organisation's coordinator, and an auditor, see both.
        for who in [app.session.clone(), app.member("auditor@oversight.example", "auditor", "Oversight Board").await] {
            let page = who.text("/outbox").await;
            assert!(page.contains(&link(foia)) && page.contains(&link(sar)), "{page}");
            assert!(page.contains(&format!("Sent: {}", of_foia + of_sar)), "{page}");
        }
        // Another organisation's administrator sees the reminder of the request they may
        // read, not that of the subject access request, nor its count.
        let admin = app.member("admin@other.example", "admin", "Other NGO").await;
        let page = admin.text("/outbox").await;
        assert!(page.contains(&link(foia)), "{page}");
        assert!(!page.contains(&link(sar)) && !page.contains(&format!("#{sar}<")), "{page}");
        assert!(page.contains(&format!("Sent: {of_foia}")), "{page}");
        assert_eq!(admin.get(&format!("/requests/{sar}")).await.status(), reqwest::StatusCode::NOT_FOUND);
    }

    async fn coordinators_retry_failed_reminders_from_the_outbox_page(app) {
        request(&app, "Figures").await;
        remind(&app, Some("smtp://127.0.0.1:9"), &["--today", "2026-06-01"]).await;
        let page = app.text("/outbox").await;
        assert!(page.contains("Failed: 1"), "{page}");
        assert!(page.contains("Failed, next try"), "{page}");
        assert!(page.contains("Retry every failed reminder now"), "{page}");
        // Backed off far into the day: only a person's retry brings it forward.
        {
            use diesel::prelude::*;
            use foi_tracker::db::schema::outbox::dsl::*;
            let later = support::date("2026-12-31").and_hms_opt(0, 0, 0).unwrap();
            diesel::update(outbox).set(next_attempt_at.eq(later)).execute(&mut app.connection()).unwrap();
        }
        remind(&app, None, &["--today", "2026-06-01"]).await;
        assert!(support::written_messages(&app).is_empty(), "not due yet");
        let response = app.post_form("/outbox/retry", &[]).await;
        assert_eq!(support::location(&response), "/outbox?status=failed");
        remind(&app, None, &["--today", "2026-06-01"]).await;
        assert_eq!(outbox(&app).values().next().unwrap(), &("sent".to_string(), 2));
        assert_eq!(support::written_messages(&app).len(), 1);
        let response = app.get("/outbox?status=bogus").await;
        assert_eq!(response.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"status-error\"><span class=\"visually-hidden\">Error:</span> Unknown status &quot;bogus&quot;"), "beside the field: {page}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_and_reset_links_are_emailed_at_once() {
    let server = SmtpServer::start();
    let app = TestApp::start_with(
        foi_tracker::db::Backend::Sqlite,
        foi_tracker::config::Settings {
            today: Some(support::date("2026-06-01")),
            smtp_url: Some(server.url()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let admin = app.admin().await;
    let response = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "new.researcher@coalition.example"),
                ("name", "New Researcher"),
                ("organisation", ORGANISATION),
                ("role", "researcher"),
            ],
        )
        .await;
    let page = response.text().await.unwrap();
    assert!(
        page.contains("The link was emailed to new.researcher@coalition.example."),
        "{page}"
    );
    let messages = server.wait_for(1);
    assert_eq!(messages.len(), 1);
    let invitation = &messages[0];
    assert_eq!(invitation.rcpt_to, "new.researcher@coalition.example");
    assert_eq!(invitation.subject, "Your foi-tracker account");
    assert!(
        invitation
            .text
            .contains(&format!("as Researcher for {ORGANISATION}")),
        "{}",
        invitation.text
    );
    let link = invitation
        .text
        .lines()
        .find(|l| l.starts_with(&format!("{}/invitations/", app.address)))
        .expect("the link, on a line of its own");
    assert!(page.contains(link), "the admin sees the same link");
    assert!(invitation
        .html
        .contains(&format!("<a href=\"{link}\">Choose your password</a>")));
    let opened = support::browser().get(link).send().await.unwrap();
    assert_eq!(opened.status(), reqwest::StatusCode::OK, "the emailed link works");

    // With the mail server down, the admin is told, and still has the link to pass on.
    let mut server = server;
    server.stop();
    let id = app.add_user("colleague@coalition.example", "researcher", ORGANISATION);
    let response = admin
        .post_form(&format!("/admin/users/{id}/reset-link"), &[])
        .await;
    let page = response.text().await.unwrap();
    assert!(
        page.contains("The link could not be emailed to colleague@coalition.example"),
        "{page}"
    );
    assert!(
        page.contains(&format!("{}/password-reset/", app.address)),
        "{page}"
    );
}

/// The outbox's notices about one request: (stage, status), in key order.
fn notices_of(app: &TestApp, request: i64) -> Vec<(String, String)> {
    outbox(app)
        .into_iter()
        .filter(|(key, _)| key.starts_with(&format!("request/{request}/send_repeat/")))
        .map(|(key, (status, _))| (key.split('/').nth(4).unwrap().to_string(), status))
        .collect()
}

/// The one request `remind` says it drafted.
fn drafted(printed: &str) -> i64 {
    let ids = printed
        .split("review and send: [")
        .nth(1)
        .and_then(|rest| rest.split(']').next());
    ids.and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("one drafted request: {printed}"))
}

/// The messages about quarterly repeats, as the SMTP server has them.
fn about_repeats(server: &SmtpServer) -> Vec<Received> {
    server
        .messages()
        .into_iter()
        .filter(|m| m.subject.contains("Send the quarterly repeat"))
        .collect()
}

on_both_backends! {
    async fn a_drafted_repeat_is_reminded_of_until_it_is_sent_or_skipped(app) {
        let mut server = SmtpServer::start();
        let smtp = server.url();
        let home_office = app.authority("Home Office").await;
        let id = app
            .create_request(json!({"title": "Referred people detained, 2026 Q1", "body": "Figures for 2026 Q1, please.", "authority_id": home_office, "sent_on": "2026-04-02"}))
            .await["id"]
            .as_i64()
            .unwrap();
        app.put_json(&format!("/api/v1/requests/{id}/indicators"), &json!([{"indicator_id": "D1.1", "from": "2026-01-01", "to": "2026-03-31"}])).await;
        app.post_json(&format!("/api/v1/requests/{id}/repeat"), &json!({"repeats": true})).await;

        // 2026 Q2 ends on 30 June; its repeat is drafted on 1 July, to be sent by the 10th
        // working day after: Wednesday 15 July, since 13 July is a holiday in Northern Ireland.
        let printed = remind(&app, Some(&smtp), &["--today", "2026-07-01"]).await;
        let q2 = drafted(&printed);
        assert!(notices_of(&app, q2).is_empty(), "nothing owed yet");
        remind(&app, Some(&smtp), &["--today", "2026-07-07"]).await;
        assert_eq!(notices_of(&app, q2), vec![("before_5".to_string(), "sent".to_string())]);
        let messages = about_repeats(&server);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].subject, "Send the quarterly repeat by Wed 15 Jul 2026: Referred people detained, 2026 Q2");
        assert_eq!(messages[0].rcpt_to, COORDINATOR);
        assert!(messages[0].text.contains("Why:       The coalition asks every quarter: a repeat is sent within 10 working days of the end of the quarter it asks for."), "{}", messages[0].text);
        assert!(messages[0].text.contains("Next:      A quarterly repeat request is drafted from the last one"), "{}", messages[0].text);
        assert!(messages[0].text.contains(&format!("Open it:   {}/requests/{q2}", app.address)), "{}", messages[0].text);

        // On the day, then, unsent past its date, chased every week rather than once; the
        // second week's notice meets a dead mail server and waits to be retried.
        remind(&app, Some(&smtp), &["--today", "2026-07-15"]).await;
        remind(&app, Some(&smtp), &["--today", "2026-07-16"]).await;
        server.stop();
        remind(&app, Some(&smtp), &["--today", "2026-07-23"]).await;
        let subjects: Vec<String> = about_repeats(&server).into_iter().map(|m| m.subject).collect();
        assert_eq!(subjects[1..], ["Today: Send the quarterly repeat: Referred people detained, 2026 Q2", "Missed: Send the quarterly repeat by Wed 15 Jul 2026: Referred people detained, 2026 Q2"], "{subjects:?}");
        // Unsent: failed, or still pending behind another notice that failed first.
        let stages: Vec<(String, String)> = notices_of(&app, q2);
        let unsent = if stages[2].1 == "failed" { "failed" } else { "pending" };
        let expected = [("before_5", "sent"), ("missed_0", "sent"), ("missed_1", unsent), ("on_the_day", "sent")];
        assert_eq!(stages, expected.map(|(a, b)| (a.to_string(), b.to_string())));

        // Skipped: the reminders stop at once, the failed one with them.
        assert_eq!(app.post_json(&format!("/api/v1/requests/{q2}/skip"), &json!({})).await.status(), reqwest::StatusCode::NO_CONTENT);
        assert_eq!(notices_of(&app, q2)[2], ("missed_1".to_string(), "cancelled".to_string()));
        server.resume();
        remind(&app, Some(&smtp), &["--today", "2026-07-30"]).await;
        assert_eq!(notices_of(&app, q2).len(), 4, "no week 2 for a skipped repeat");
        assert_eq!(notices_of(&app, q2)[2].1, "cancelled");
        assert_eq!(about_repeats(&server).len(), 3);

        // Q3's repeat, drafted on 1 October (due 14 October) and sent from its page: no reminder
        // after it is sent.
        let printed = remind(&app, Some(&smtp), &["--today", "2026-10-01"]).await;
        let q3 = drafted(&printed);
        remind(&app, Some(&smtp), &["--today", "2026-10-08"]).await;
        assert_eq!(notices_of(&app, q3), vec![("before_5".to_string(), "sent".to_string())]);
        let later = app.instance_on("2026-10-09").await;
        let sent = later.post_form(&format!("/requests/{q3}/send"), &[("sent_on", "2026-10-09"), ("received_on", "")]).await;
        assert_eq!(sent.status(), reqwest::StatusCode::SEE_OTHER);
        remind(&app, Some(&smtp), &["--today", "2026-10-14"]).await;
        remind(&app, Some(&smtp), &["--today", "2026-10-16"]).await;
        assert_eq!(notices_of(&app, q3).len(), 1, "sent: nothing more about sending it");
        assert_eq!(about_repeats(&server).len(), 4);
    }
}
