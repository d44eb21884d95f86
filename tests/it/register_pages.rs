//! The register as a researcher uses it in a browser, without JavaScript: forms, redirects,
//! the pages that show deadlines, the dashboard, and importing bank holidays. Both backends.

use crate::support::Session;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Posts a form and follows the 303 to the page it leads to.
async fn submit(app: &Session, path: &str, form: &[(&str, &str)]) -> (String, String) {
    let response = app.post_form(path, form).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "POST {path}: {}",
        response.text().await.unwrap()
    );
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let page = location.split('#').next().unwrap().to_string();
    (location, app.text(&page).await)
}

/// The bundled gov.uk file with one more day proclaimed in England and Wales.
fn holidays_with(date: &str, title: &str) -> String {
    let mut file: Value = serde_json::from_str(include_str!("../../data/bank-holidays.json")).unwrap();
    file["england-and-wales"]["events"]
        .as_array_mut()
        .unwrap()
        .push(json!({"title": title, "date": date, "notes": "", "bunting": true}));
    file.to_string()
}

on_both_backends! {
    async fn a_researcher_files_and_follows_a_request(app) {
        let home_office = app.authority("Home Office").await.to_string();
        let new_form = app.text("/requests/new").await;
        assert!(new_form.contains(r#"<label for="title">Title</label>"#));

        let (location, page) = submit(&app, "/requests", &[
            ("title", "Safe-house places, 2026 Q1"),
            ("body", "Please provide the number of safe-house places refused."),
            ("authority_id", &home_office),
            ("regime", ""),
            ("sent_via", "email"),
            ("sent_on", "2026-05-01"),
            ("received_on", ""),
            ("tags", "support, D2"),
        ]).await;
        assert!(location.starts_with("/requests/"));
        assert!(page.contains("<h1>Safe-house places, 2026 Q1</h1>"));
        assert!(page.contains("Awaiting response"));
        assert!(page.contains(r#"<span class="deadline-label">Response due</span>"#));
        assert!(page.contains(r#"<time datetime="2026-06-02">Tue 2 Jun 2026</time>"#), "{page}");
        assert!(page.contains("Early May bank holiday (all of the UK)"), "the skipped days are named");
        assert!(page.contains(r#"<a class="tag" href="/requests?tag=d2">d2</a>"#));

        let (_, page) = submit(&app, &format!("{location}/events"), &[
            ("kind", "response"), ("occurred_on", "2026-05-29"), ("details", "Refused under s.12."),
        ]).await;
        assert!(page.contains("Refused under s.12."));
        assert!(page.contains(r#"<span class="deadline-label">Ask for an internal review</span>"#));
        assert!(page.contains(r#"<time datetime="2026-07-27">Mon 27 Jul 2026</time>"#));
        assert!(page.contains(r#"badge-met">Met on Fri 29 May 2026"#), "{page}");
        assert!(page.contains(r#"<span class="party">Your deadline</span>"#));

        let (_, page) = submit(&app, &format!("{location}/events/remove-last"), &[("confirm", "yes")]).await;
        assert!(!page.contains("Refused under s.12."));
        assert!(page.contains("Awaiting response"));

        let (_, page) = submit(&app, &location, &[
            ("title", "Safe-house places, 2026 Q1 (revised)"),
            ("body", "Please provide the number of safe-house places refused or delayed."),
            ("authority_id", &home_office),
            ("regime", "foia"),
            ("sent_via", "email"),
            ("sent_on", "2026-05-01"),
            ("tags", "support"),
        ]).await;
        assert!(page.contains("<h1>Safe-house places, 2026 Q1 (revised)</h1>"));
        assert!(!page.contains(">d2</a>"));
    }

    async fn a_draft_is_sent_with_a_warning_about_aggregation(app) {
        let home_office = app.authority("Home Office").await;
        app.create_request(json!({"title": "Detention Q1", "body": "B", "authority_id": home_office, "sent_on": "2026-04-20"})).await;
        app.create_request(json!({"title": "Long ago", "body": "B", "authority_id": home_office, "sent_on": "2025-11-03"})).await;
        let draft = app
            .create_request(json!({"title": "Detention Q2", "body": "B", "authority_id": home_office}))
            .await;
        assert_eq!(draft["status"], "draft");
        // 60 working days before 1 June 2026 reach back to 5 March.
        let related: Vec<&str> = draft["related"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
        assert_eq!(related, ["Detention Q1"]);
        let id = draft["id"].as_i64().unwrap();
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("Other requests to Home Office within 60 working days"));
        assert!(page.contains("(Appropriate Limit and Fees) Regulations 2004, reg 5"));
        assert!(page.contains("Mark as sent"));

        let (_, page) = submit(&app, &format!("/requests/{id}/send"), &[("sent_on", "2026-06-01"), ("received_on", "")]).await;
        assert!(page.contains("Awaiting response"));
        assert!(page.contains(r#"<time datetime="2026-06-29">Mon 29 Jun 2026</time>"#));
        assert!(page.contains("Detention Q1"), "the warning stays while the request awaits its answer");
        assert!(!page.contains("Mark as sent"));
        let again = app.post_form(&format!("/requests/{id}/send"), &[("sent_on", "2026-06-01")]).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
    }

    /// Reg 5 of the Fees Regulations 2004 adds up FOIA requests only; FOISA has its own rule
    /// (SSI 2004/467, reg 6: 20 Scottish working days); the EIR and subject access have none.
    async fn only_requests_under_the_same_fees_rule_are_named_for_aggregation(app) {
        let home_office = app.authority("Home Office").await;
        let sent = |title: &str, regime: &str, on: &str| json!({"title": title, "body": "B", "authority_id": home_office, "regime": regime, "sent_on": on});
        app.create_request(sent("FOIA in April", "foia", "2026-04-20")).await;
        app.create_request(sent("EIR in April", "eir", "2026-04-20")).await;
        app.create_request(sent("SAR in April", "sar", "2026-04-20")).await;
        app.create_request(sent("FOISA in April", "foisa", "2026-04-20")).await;
        app.create_request(sent("FOISA in May", "foisa", "2026-05-20")).await;
        let titles = |request: &Value| -> Vec<String> {
            request["related"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_string()).collect()
        };

        let foia = app.create_request(json!({"title": "FOIA draft", "body": "B", "authority_id": home_office, "regime": "foia"})).await;
        assert_eq!(titles(&foia), ["FOIA in April"], "neither the EIR, the SAR nor the FOISA requests");

        // 20 Scottish working days before 1 June 2026 reach back to 30 April (4 and 25 May
        // are bank holidays in Scotland too).
        let foisa = app.create_request(json!({"title": "FOISA draft", "body": "B", "authority_id": home_office, "regime": "foisa"})).await;
        assert_eq!(titles(&foisa), ["FOISA in May"]);
        assert_eq!(foisa["aggregation"]["working_days"], 20);
        let page = app.text(&format!("/requests/{}", foisa["id"])).await;
        assert!(page.contains("Other requests to Home Office within 20 working days"), "{page}");
        assert!(page.contains("SSI 2004/467), reg 6"));
        assert!(!page.contains("FOIA in April"));

        for regime in ["eir", "sar"] {
            let draft = app.create_request(json!({"title": format!("{regime} draft"), "body": "B", "authority_id": home_office, "regime": regime})).await;
            assert_eq!(titles(&draft), Vec::<String>::new(), "{regime}: no aggregation rule");
            assert!(draft.get("aggregation").is_none());
            let page = app.text(&format!("/requests/{}", draft["id"])).await;
            assert!(!page.contains("id=\"aggregation\""), "{regime}");
        }
    }

    async fn the_dashboard_shows_what_needs_doing(app) {
        let home_office = app.authority("Home Office").await;
        let police_scotland = app.authority("Police Scotland").await;
        app.create_request(json!({"title": "Overdue one", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await;
        app.create_request(json!({"title": "Due this week", "body": "B", "authority_id": home_office, "sent_on": "2026-05-05"})).await;
        app.create_request(json!({"title": "Due later", "body": "B", "authority_id": police_scotland, "sent_on": "2026-05-20"})).await;
        app.create_request(json!({"title": "A draft", "body": "B", "authority_id": home_office})).await;
        let answered = app.create_request(json!({"title": "Answered", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
        app.add_event(answered["id"].as_i64().unwrap(), "response", "2026-05-29").await;
        let clarify = app.create_request(json!({"title": "Needs clarifying", "body": "B", "authority_id": home_office, "sent_on": "2026-05-20"})).await;
        app.add_event(clarify["id"].as_i64().unwrap(), "clarification_requested", "2026-05-22").await;

        let page = app.text("/").await;
        let section = |id: &str| -> String {
            let start = page.find(&format!(r#"<h2 id="{id}">"#)).unwrap();
            let end = page[start..].find("</section>").unwrap() + start;
            page[start..end].to_string()
        };
        let overdue = section("overdue");
        assert!(overdue.contains("Overdue one") && overdue.contains("19 working days late"), "{overdue}");
        assert!(!overdue.contains("Due this week"));
        let soon = section("due-soon");
        assert!(soon.contains("Due this week") && soon.contains(r#"datetime="2026-06-03""#), "{soon}");
        assert!(!soon.contains("Due later"));
        let yours = section("yours");
        assert!(yours.contains("Answered") && yours.contains("Ask for an internal review"), "{yours}");
        assert!(section("clarification").contains("Needs clarifying"));
        assert!(section("drafts").contains("A draft"));

        let list = app.text("/requests?overdue=true").await;
        assert!(list.contains("Overdue one") && !list.contains("Due this week"));
        assert!(list.contains("1 request."));
    }

    async fn importing_a_proclaimed_holiday_moves_the_deadlines_that_span_it(app) {
        let home_office = app.authority("Home Office").await;
        let spans = app.create_request(json!({"title": "Spans it", "body": "B", "authority_id": home_office, "sent_on": "2026-06-01"})).await;
        let before_it = app.create_request(json!({"title": "Before it", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
        assert_eq!(spans["schedule"]["deadlines"][0]["due"], "2026-06-29");
        let file = holidays_with("2026-06-15", "Proclaimed bank holiday");

        let admin = app.admin().await;
        let dry = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(file.clone()).file_name("bank-holidays.json"))
            .text("dry_run", "true");
        let before = app.snapshot();
        let response = admin.client.post(app.url("/admin/holidays")).multipart(dry).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        assert!(page.contains("What the import would change"));
        assert!(page.contains("Proclaimed bank holiday (England and Wales)"));
        assert_eq!(app.snapshot(), before, "a dry run writes nothing");

        let form = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(file).file_name("bank-holidays.json"));
        let response = admin.client.post(app.url("/admin/holidays")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        assert!(page.contains("Imported bank-holidays.json"));
        assert!(page.contains("1 days added, 0 removed, 1 deadlines moved"), "{page}");
        assert!(page.contains(r#"<time datetime="2026-06-29">Mon 29 Jun 2026</time> to <time datetime="2026-06-30">Tue 30 Jun 2026</time>"#));

        let id = spans["id"].as_i64().unwrap();
        let moved = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(moved["schedule"]["deadlines"][0]["due"], "2026-06-30");
        assert!(moved["schedule"]["deadlines"][0]["skipped"].to_string().contains("Proclaimed bank holiday"));
        let stored = app.snapshot();
        assert!(stored["deadlines"].contains(&format!("{id}|0|response|2026-06-30|")), "{:?}", stored["deadlines"]);
        let untouched = before_it["id"].as_i64().unwrap();
        assert_eq!(app.get_json(&format!("/api/v1/requests/{untouched}")).await["schedule"]["deadlines"][0]["due"], "2026-06-02");
        // The calculator uses the new calendar too.
        let schedule: Value = app
            .post_json("/api/v1/deadline", &json!({"regime": "foia", "received": "2026-06-01"}))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(schedule["deadlines"][0]["due"], "2026-06-30");

        let broken = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text("{\"wales\": {}}").file_name("bad.json"));
        let before = app.snapshot();
        let response = admin.client.post(app.url("/admin/holidays")).multipart(broken).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("unknown division"));
        assert_eq!(app.snapshot(), before);
    }

    async fn a_write_in_one_instance_refreshes_the_pages_of_another(app) {
        let other = app.second_instance().await;
        let before = app.text("/").await;
        assert!(before.contains("Nothing is overdue."));
        let home_office = other.authority("Home Office").await;
        other.create_request(json!({"title": "Filed elsewhere", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await;
        let after = app.text("/").await;
        assert!(after.contains("Filed elsewhere"), "the first instance's cached dashboard is refreshed");
        assert!(app.text("/requests").await.contains("Filed elsewhere"));
    }

    async fn the_public_calculator_page(app) {
        let page = app.text("/deadline?regime=foia&received=2026-01-05&event_kind=extension&event_date=2026-01-20&event_kind=&event_date=&today=2026-01-21").await;
        assert!(page.contains(r#"<time datetime="2026-03-02">Mon 2 Mar 2026</time>"#), "{page}");
        assert!(page.contains("public interest extension"));
        let refused = app.get("/deadline?regime=foia&received=2026-01-05&event_kind=response&event_date=2026-01-01").await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("before the request was received"));

        // As the form sends it: every date in day, month and year boxes, each row's its own.
        let typed = app.text("/deadline?regime=foia&received-day=5&received-month=1&received-year=2026&event_kind=&event_date_0-day=&event_date_0-month=&event_date_0-year=&event_kind=extension&event_date_1-day=20&event_date_1-month=1&event_date_1-year=2026&today-day=21&today-month=1&today-year=2026").await;
        assert!(typed.contains(r#"<time datetime="2026-03-02">Mon 2 Mar 2026</time>"#), "{typed}");
        assert!(typed.contains(r#"<legend>Date of event 1</legend>"#), "{typed}");
        assert!(typed.contains(r#"name="event_date_0-day" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="20""#), "the extension's date shown back in the first row's boxes: {typed}");
        assert!(!typed.contains(r#"type="date""#), "{typed}");
    }

    async fn health_and_authorities(app) {
        let health = app.get("/healthz").await;
        assert_eq!(health.status(), StatusCode::OK);
        assert_eq!(health.text().await.unwrap(), "ok\n");
        let page = app.text("/authorities").await;
        for name in ["Home Office", "UK Visas and Immigration", "Immigration Enforcement", "Ministry of Justice",
                     "HM Prison and Probation Service", "Cabinet Office", "National Crime Agency", "Scottish Government",
                     "Police Scotland", "Police Service of Northern Ireland", "Department of Justice (Northern Ireland)",
                     "Department for Education"] {
            assert!(page.contains(name), "{name} is seeded");
        }
        let admin = app.admin().await;
        let (_, page) = submit(&admin, "/authorities", &[
            ("name", "Gangmasters and Labour Abuse Authority"), ("short_name", "GLAA"),
            ("foi_email", ""), ("website", "https://www.gla.gov.uk"), ("default_regime", "foia"), ("nation", "uk"),
        ]).await;
        assert!(page.contains("Gangmasters and Labour Abuse Authority"));
        let csv = "name,short_name,foi_email,website,default_regime,nation\nHome Office,HO,foirequests@homeoffice.gov.uk,https://www.gov.uk/government/organisations/home-office,foia,uk\nIndependent Anti-Slavery Commissioner,IASC,,,foia,uk\n";
        let form = reqwest::multipart::Form::new()
            .text("csrf", admin.csrf.clone())
            .part("file", reqwest::multipart::Part::text(csv).file_name("authorities.csv"))
            .text("dry_run", "true");
        let before = app.snapshot();
        let response = admin.client.post(app.url("/authorities/import")).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        assert!(page.contains("1 to add, 1 to update, 0 unchanged, 0 refused"), "{page}");
        assert_eq!(app.snapshot(), before);
    }
}
