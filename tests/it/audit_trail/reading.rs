//! Reading the trail: what each reader may see, browsing, filtering and export, and that
//! nothing edits or deletes an entry.

use super::*;

on_both_backends! {
    async fn the_trail_shows_what_its_reader_may_read_and_a_subject_access_request_by_name_only(app) {
        let home_office = app.authority("Home Office").await;
        let draft = id_of(&app.create_request(json!({"title": "DRAFT-SECRET plans", "body": "B", "authority_id": home_office})).await);
        let public = id_of(&app.create_request(json!({"title": "Public figures", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await);
        // Sent as a FOIA request, with a note, and only then made a subject access request.
        let created = app
            .create_request(json!({"title": "Jane Roe's own file", "body": "Jane Roe, born 1 April 1990", "authority_id": home_office, "sent_on": "2026-04-01", "reference": "ROE-REF-1"}))
            .await;
        let later = id_of(&created);
        let note = app.post_json(&format!("/api/v1/requests/{later}/events"), &json!({"kind": "note", "occurred_on": "2026-04-02", "details": "Jane Roe's passport number"})).await;
        json_of(note, StatusCode::CREATED).await;
        let changed = app
            .put_json(
                &format!("/api/v1/requests/{later}"),
                &json!({"title": "Jane Roe's own file", "body": "Jane Roe, born 1 April 1990", "authority_id": home_office, "regime": "sar",
                        "sent_via": "email", "sent_on": "2026-04-01", "reference": "ROE-REF-1", "owner_id": created["owner_id"], "tags": []}),
            )
            .await;
        json_of(changed, StatusCode::OK).await;
        // A subject access request from the start, taken to the regulator.
        let sar = id_of(&app.create_request(json!({"title": "SAR-SECRET-NAME", "body": "B", "authority_id": home_office, "regime": "sar", "sent_on": "2026-04-01", "reference": "SAR-REF-9"})).await);
        let response = app.post_json(&format!("/api/v1/requests/{sar}/events"), &json!({"kind": "response", "occurred_on": "2026-04-20", "outcome": "refused"})).await;
        json_of(response, StatusCode::CREATED).await;
        let complaint = app.post_json(&format!("/api/v1/requests/{sar}/events"), &json!({"kind": "regulator_complaint", "occurred_on": "2026-04-25", "reference": "IC-SAR-777"})).await;
        json_of(complaint, StatusCode::CREATED).await;
        let personal = ["Jane Roe", "ROE-REF-1", "SAR-SECRET-NAME", "SAR-REF-9", "IC-SAR-777"];

        // An auditor reads every entry, drafts included, each subject access request's
        // personal data by name only, whenever the entry was written.
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let everything = export(&auditor, "").await.1;
        let about = |rows: &[Vec<String>], id: i32| rows.iter().any(|r| r[6] == "request" && r[7] == id.to_string());
        assert!([draft, public, later, sar].iter().all(|id| about(&everything, *id)), "{everything:?}");
        let text = format!("{everything:?}{}", auditor.text("/audit").await);
        assert!(text.contains("DRAFT-SECRET"), "{text}");
        for value in personal {
            assert!(!text.contains(value), "{value} in {text}");
        }
        assert!(text.contains(WITHHELD), "{text}");
        let appeals = auditor.text("/api/v1/history/export?dataset=appeals&format=csv").await;
        assert!(!appeals.contains("IC-SAR-777"), "{appeals}");
        assert_eq!(auditor.get(&format!("/audit?entity=request&entity_id={later}")).await.status(), StatusCode::OK);

        // An administrator of another organisation reads none of the entries about its
        // drafts and subject access requests: not in the page, its count, nor the export.
        let admin = app.member("admin@other.example", "admin", "Other NGO").await;
        let hidden = [draft, later, sar];
        let rows = export(&admin, "").await.1;
        let hidden_request = |row: &Vec<String>| {
            let id: Option<i32> = match row[6].as_str() {
                "request" | "request_indicators" => row[7].parse().ok(),
                _ => serde_json::from_str::<Value>(if row[9].is_empty() { &row[8] } else { &row[9] })
                    .ok()
                    .and_then(|v| v["request_id"].as_i64())
                    .map(|id| id as i32),
            };
            id.is_some_and(|id| hidden.contains(&id))
        };
        assert!(rows.iter().all(|r| !hidden_request(r)), "{rows:?}");
        assert!(about(&rows, public), "{rows:?}");
        let text = format!("{rows:?}{}", admin.text("/audit").await);
        assert!(!text.contains("DRAFT-SECRET"), "{text}");
        for value in personal {
            assert!(!text.contains(value), "{value} in {text}");
        }
        let requests_seen = trail(&app)
            .iter()
            .filter(|e| e.entity == "request" && !e.entity_id.is_some_and(|id| hidden.contains(&id)))
            .count();
        let page = admin.text("/audit?entity=request").await;
        assert!(page.contains(&format!("{requests_seen} entries")), "{requests_seen} in {page}");
        assert!(admin.text(&format!("/audit?entity=request&entity_id={draft}")).await.contains("No entries match."));
        let own_admin = app.admin().await;
        assert!(about(&export(&own_admin, "").await.1, draft), "an organisation's administrator reads its drafts' entries");
    }

    async fn auditors_browse_filter_and_export_the_trail(app) {
        let home_office = app.authority("Home Office").await;
        let coordinators = id_of(&app.create_request(json!({"title": "The coordinator's", "body": "B", "authority_id": home_office})).await);
        let researcher = app.member("researcher@coalition.example", "researcher", ORGANISATION).await;
        let researcher_id = user_id(&app, &researcher.email);
        let researchers = id_of(&researcher.create_request(json!({"title": "The researcher's", "body": "B", "authority_id": home_office})).await);
        // Two entries from an earlier year, as the app would have written them then.
        let mut conn = app.connection();
        for (day, actor, action) in [("2020-01-15", "January import", "import"), ("2020-02-20", "February import", "import")] {
            let at = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap().and_hms_opt(12, 0, 0).unwrap();
            let after = json!({"source": day});
            audit::insert(
                &mut conn,
                &NewEntry { user_id: None, actor, client: None, action, entity: "holidays", entity_id: None, before: None, after: Some(&after) },
                at,
            )
            .unwrap();
        }
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let all = trail(&app);
        let (january, february) = (all.iter().find(|e| e.actor == "January import").unwrap().id, all.iter().find(|e| e.actor == "February import").unwrap().id);
        let reading = mark(&app);

        // Everything, newest first.
        let page = auditor.text("/audit").await;
        assert!(page.contains(&format!("{} entries", all.len())), "{page}");
        assert_eq!(rows(&page), first_page(&all, |_| true));

        // By user: the researcher's entries and only theirs.
        let page = auditor.text(&format!("/audit?user_id={researcher_id}")).await;
        let shown = rows(&page);
        assert_eq!(shown, first_page(&all, |e| e.user_id == Some(researcher_id)));
        let entity = |id: i32| format!("request {id}");
        assert!(shown.iter().any(|r| r[4] == entity(researchers) && r[3] == "create"), "{shown:?}");
        assert!(shown.iter().any(|r| r[3] == "sign_in"), "{shown:?}");
        assert!(!shown.iter().any(|r| r[4] == entity(coordinators)), "{shown:?}");
        assert!(shown.iter().all(|r| r[1] == researcher.email), "{shown:?}");

        // By person: part of a name or of an email address, in any case.
        let by_name = rows(&auditor.text("/audit?person=TEST+researcher").await);
        assert_eq!(by_name, first_page(&all, |e| e.user_id == Some(researcher_id)));
        let by_email = rows(&auditor.text(&format!("/audit?person={}", &researcher.email[..8].to_uppercase())).await);
        assert_eq!(by_email, by_name);
        assert!(auditor.text("/audit?person=nobody+at+all").await.contains("No entries match."));

        // By entity, and one entity.
        let shown = rows(&auditor.text("/audit?entity=request").await);
        assert_eq!(shown, first_page(&all, |e| e.entity == "request"));
        assert_eq!(shown.len(), 2);
        let shown = rows(&auditor.text(&format!("/audit?entity=request&entity_id={coordinators}")).await);
        assert_eq!(shown, first_page(&all, |e| e.entity == "request" && e.entity_id == Some(coordinators)));
        assert_eq!(shown.len(), 1);

        // By action, alone and with a user.
        let shown = rows(&auditor.text("/audit?action=sign_in").await);
        assert_eq!(shown, first_page(&all, |e| e.action == "sign_in"));
        assert_eq!(shown.len(), 3, "the coordinator, the researcher and the auditor signed in");
        let shown = rows(&auditor.text(&format!("/audit?action=create&user_id={researcher_id}")).await);
        assert_eq!(shown, first_page(&all, |e| e.action == "create" && e.user_id == Some(researcher_id)));
        assert_eq!(shown.len(), 1);

        // By date, both ends counted whole.
        let actors = |page: &str| -> Vec<String> { rows(page).into_iter().map(|r| r[1].clone()).collect() };
        assert_eq!(actors(&auditor.text("/audit?from=2020-01-01&until=2020-01-31").await), ["January import"]);
        assert_eq!(actors(&auditor.text("/audit?from=2020-02-20&until=2020-02-20").await), ["February import"]);
        assert_eq!(actors(&auditor.text("/audit?until=2020-12-31").await), ["February import", "January import"]);
        assert!(auditor.text("/audit?from=2019-01-01&until=2019-12-31").await.contains("No entries match."));
        let recent = rows(&auditor.text("/audit?from=2021-01-01").await);
        assert_eq!(recent, first_page(&all, |e| e.id != january && e.id != february));

        // A bad filter is shown beside its field, not as a failure.
        let response = auditor.get("/audit?from=2026-13-01").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<p class="error" id="from-error"><span class="visually-hidden">Error:</span> From must be a real date: a month is from 1 to 12</p>"#), "{page}");
        // Shown in the day, month and year boxes as typed, the error beside them.
        assert!(page.contains(r#"<fieldset class="date-input" role="group" aria-describedby="from-error">"#), "{page}");
        assert!(page.contains(r#"<input id="from-month" name="from-month" inputmode="numeric" size="2" maxlength="2" autocomplete="off" value="13" aria-invalid="true">"#), "{page}");
        let response = auditor.get("/audit?user_id=someone").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains(r#"id="user_id-error"><span class="visually-hidden">Error:</span> user_id must be a whole number"#));
        assert_eq!(auditor.get("/audit.csv?until=2026-02-30").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A page number past any bound is a field error, not a failure (PostgreSQL) nor
        // another page (SQLite); the last page allowed is empty, not an error.
        for huge in ["184467440737095517", "9223372036854775807", "100001", "0"] {
            let response = auditor.get(&format!("/audit?page={huge}")).await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "page={huge}");
            let page = response.text().await.unwrap();
            assert!(page.contains("page must be a whole number from 1 to 100000"), "{page}");
            assert!(rows(&page).is_empty(), "page={huge}: {page}");
        }
        let last = auditor.get("/audit?page=100000").await;
        assert_eq!(last.status(), StatusCode::OK);
        assert!(last.text().await.unwrap().contains("No entries match."));

        // The CSV export: every entry matching, newest first, as stored.
        let header = ["id", "at", "user_id", "actor", "client", "action", "entity", "entity_id", "before", "after"];
        let (head, csv) = export(&auditor, "").await;
        assert_eq!(head, header);
        assert_eq!(csv, all.iter().rev().map(csv_row).collect::<Vec<_>>());
        let (head, csv) = export(&auditor, &format!("?user_id={researcher_id}&action=sign_in")).await;
        assert_eq!(head, header);
        assert_eq!(csv, all.iter().rev().filter(|e| e.user_id == Some(researcher_id) && e.action == "sign_in").map(csv_row).collect::<Vec<_>>());
        assert_eq!(csv.len(), 1);
        let (_, csv) = export(&auditor, "?until=2020-01-31").await;
        assert_eq!(csv, [csv_row(all.iter().find(|e| e.id == january).unwrap())]);

        // Reading the trail is not a change.
        assert_written(&app, &reading, &[]);

        // Researchers and coordinators may not read it; administrators may.
        for who in [&researcher, &app.session] {
            assert_eq!(who.get("/audit").await.status(), StatusCode::FORBIDDEN);
            assert_eq!(who.get("/audit.csv").await.status(), StatusCode::FORBIDDEN);
        }
        let anonymous = browser().get(app.url("/audit.csv")).send().await.unwrap();
        assert_ne!(anonymous.status(), StatusCode::OK);
        assert!(!anonymous.text().await.unwrap().contains("sign_in"));
        let admin = app.admin().await;
        assert_eq!(admin.get("/audit").await.status(), StatusCode::OK);
    }

    async fn no_one_edits_or_deletes_an_entry(app) {
        let before = trail(&app);
        let first = before.first().unwrap().id;
        let mut conn = app.connection();
        let mut statements = vec![
            format!("UPDATE audit_entries SET actor = 'someone else', after = NULL WHERE id = {first}"),
            "UPDATE audit_entries SET client = '10.0.0.1'".to_string(),
            format!("DELETE FROM audit_entries WHERE id = {first}"),
            "DELETE FROM audit_entries".to_string(),
        ];
        if support::is_postgres(&app) {
            // Row triggers do not see TRUNCATE; a statement trigger does.
            statements.push("TRUNCATE audit_entries".to_string());
        }
        for statement in statements {
            let refused = diesel::RunQueryDsl::execute(diesel::sql_query(&statement), &mut conn)
                .expect_err(&format!("{statement} succeeded"));
            assert!(refused.to_string().contains("the audit trail is append-only"), "{statement}: {refused}");
        }
        assert_eq!(trail(&app), before, "the trail is as it was");

        // No route changes it: only the two pages that read it mention it.
        let audit_routes: Vec<(&str, &str)> = foi_tracker::web::ROUTES.iter().copied().filter(|(_, path)| path.contains("audit")).collect();
        assert_eq!(audit_routes, [("get", "/audit"), ("get", "/audit.csv")]);
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let m = mark(&app);
        let csrf = auditor.csrf.clone();
        let one = format!("/audit/{first}");
        for method in [reqwest::Method::POST, reqwest::Method::PUT, reqwest::Method::PATCH, reqwest::Method::DELETE] {
            for path in ["/audit", "/audit.csv", one.as_str(), "/api/v1/audit"] {
                let response = auditor.request(method.clone(), path).form(&[("csrf", csrf.as_str()), ("actor", "someone else")]).send().await.unwrap();
                let status = response.status();
                assert!(status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {status}");
            }
        }
        assert_written(&app, &m, &[]);
        let kept = trail(&app);
        assert_eq!(kept[..before.len()], before[..]);
    }
}
