//! Changes to requests and their events: one entry each, field by field, and a subject
//! access request's personal data recorded by field name only.

use super::*;

on_both_backends! {
    async fn each_change_reads_as_field_old_and_new(app) {
        let home_office = app.authority("Home Office").await;
        let created = app
            .create_request(json!({"title": "Beds in safe houses", "body": "Please.", "authority_id": home_office, "sent_on": "2026-05-01", "tags": ["support"]}))
            .await;
        let id = created["id"].as_i64().unwrap();
        let response = app
            .put_json(&format!("/api/v1/requests/{id}"), &json!({
                "title": "Beds in refuges", "body": "Please.", "authority_id": home_office, "regime": "foia",
                "sent_via": "email", "sent_on": "2026-05-01", "reference": null, "owner_id": created["owner_id"], "tags": ["support"],
            }))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{}", response.text().await.unwrap());
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let page = auditor.text(&format!("/audit?entity=request&entity_id={id}")).await;
        let shown = changes(&page);
        assert_eq!(shown[0], "Title: Beds in safe houses → Beds in refuges", "only what changed: {page}");
        let created = &shown[1];
        for line in ["Title: Beds in safe houses", "Regime: FOIA", "Sent via: Email", "Sent on: Fri 1 May 2026", "Tags: support", "Reference: (none)"] {
            assert!(created.lines().any(|l| l == line), "a creation's new values: {line:?} in {created}");
        }
        assert!(!page.contains("{&quot;"), "no raw JSON");
    }

    async fn requests_and_events_leave_one_entry_per_change(app) {
        let me = user_id(&app, &app.email);
        let organisation = organisation_of(&app, &app.email);
        let by = web_user(&app.email, me);
        let home_office = app.authority("Home Office").await as i32;

        // Created through the API: no before, the request as stored after.
        let m = mark(&app);
        let created = app
            .create_request(json!({
                "title": "Potential victims in detention, 2026 Q1",
                "body": "Please provide the number of potential victims detained in 2026 Q1.",
                "authority_id": home_office, "sent_on": "2026-05-01", "reference": "FOI-2026-0042",
                "tags": ["Detention", "nrm"],
            }))
            .await;
        let id = id_of(&created);
        let as_created = json!({
            "title": "Potential victims in detention, 2026 Q1",
            "body": "Please provide the number of potential victims detained in 2026 Q1.",
            "authority_id": home_office, "regime": "foia", "sent_via": "email", "sent_on": "2026-05-01",
            "reference": "FOI-2026-0042", "organisation_id": organisation, "owner_id": me,
            "tags": ["detention", "nrm"],
        });
        assert_written(&app, &m, &[by.did("create", "request", Some(id), None, Some(as_created.clone()))]);

        // Edited: the old title before, the new one after.
        let m = mark(&app);
        let response = app
            .put_json(
                &format!("/api/v1/requests/{id}"),
                &json!({
                    "title": "Potential victims in immigration detention, 2026 Q1",
                    "body": "Please provide the number of potential victims detained in 2026 Q1.",
                    "authority_id": home_office, "regime": "foia", "sent_via": "email", "sent_on": "2026-05-01",
                    "reference": "FOI-2026-0042/R", "owner_id": me, "tags": ["detention"],
                }),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let mut as_edited = as_created.clone();
        as_edited["title"] = json!("Potential victims in immigration detention, 2026 Q1");
        as_edited["reference"] = json!("FOI-2026-0042/R");
        as_edited["tags"] = json!(["detention"]);
        assert_written(
            &app,
            &m,
            &[by.did("update", "request", Some(id), Some(as_created), Some(as_edited))],
        );

        // A refused edit changes nothing, and writes nothing.
        let m = mark(&app);
        let response = app
            .put_json(&format!("/api/v1/requests/{id}"), &json!({"title": "", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_written(&app, &m, &[]);

        // A draft, then sent from its page.
        let m = mark(&app);
        let draft = id_of(&app.create_request(json!({"title": "Draft", "body": "B", "authority_id": home_office})).await);
        let draft_values = json!({
            "title": "Draft", "body": "B", "authority_id": home_office, "regime": "foia", "sent_via": "email",
            "sent_on": null, "reference": null, "organisation_id": organisation, "owner_id": me, "tags": [],
        });
        assert_written(&app, &m, &[by.did("create", "request", Some(draft), None, Some(draft_values))]);
        let m = mark(&app);
        let response = app
            .post_form(&format!("/requests/{draft}/send"), &[("sent_on", "2026-05-05"), ("received_on", "2026-05-06")])
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(
            &app,
            &m,
            &[by.did(
                "send",
                "request",
                Some(draft),
                Some(json!({"sent_on": null, "status": "draft"})),
                Some(json!({"sent_on": "2026-05-05", "received_on": "2026-05-06"})),
            )],
        );
        // Sending it again is refused, and writes nothing.
        let m = mark(&app);
        let response = app.post_form(&format!("/requests/{draft}/send"), &[("sent_on", "2026-05-07")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert_written(&app, &m, &[]);

        // An event through the API, another from the request's page.
        let m = mark(&app);
        let added = json_of(
            app.post_json(
                &format!("/api/v1/requests/{id}/events"),
                &json!({"kind": "acknowledged", "occurred_on": "2026-05-05", "details": "Acknowledged by email"}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let acknowledged = id_of(&added["event"]);
        let acknowledged_values = json!({
            "request_id": id, "kind": "acknowledged", "occurred_on": "2026-05-05", "extended_to": null,
            "details": "Acknowledged by email",
        });
        assert_written(&app, &m, &[by.did("create", "event", Some(acknowledged), None, Some(acknowledged_values.clone()))]);

        let m = mark(&app);
        let response = app
            .post_form(
                &format!("/requests/{id}/events"),
                &[("kind", "response"), ("occurred_on", "2026-05-29"), ("extended_to", ""), ("details", "Refused under s.12")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let response_event = id_of(events.as_array().unwrap().last().unwrap());
        let response_values = json!({
            "request_id": id, "kind": "response", "occurred_on": "2026-05-29", "extended_to": null,
            "details": "Refused under s.12",
        });
        assert_written(&app, &m, &[by.did("create", "event", Some(response_event), None, Some(response_values.clone()))]);

        // Taken back, last first: through the API, then from the page. The event is before,
        // nothing after.
        let m = mark(&app);
        let response = app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[by.did("delete", "event", Some(response_event), Some(response_values), None)]);
        let m = mark(&app);
        let response = app.post_form(&format!("/requests/{id}/events/remove-last"), &[("confirm", "yes")]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(&app, &m, &[by.did("delete", "event", Some(acknowledged), Some(acknowledged_values), None)]);

        // An event that does not fit the timeline is refused, and writes nothing.
        let m = mark(&app);
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/events"), &json!({"kind": "internal_review_response", "occurred_on": "2026-05-20"}))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_written(&app, &m, &[]);
    }

    async fn a_subject_access_request_is_recorded_by_field_name_only(app) {
        let me = user_id(&app, &app.email);
        let organisation = organisation_of(&app, &app.email);
        let by = web_user(&app.email, me);
        let home_office = app.authority("Home Office").await as i32;
        let personal = [
            "Jane Doe's own Home Office file",
            "Please send all personal data held about Jane Doe, born 1 April 1990.",
            "SAR-JD-0001",
            "jane-doe",
            "Jane Doe's file, second request",
            "SAR-JD-0002",
            "Copy of Jane Doe's passport enclosed",
        ];

        let m = mark(&app);
        let created = app
            .create_request(json!({
                "title": personal[0], "body": personal[1], "authority_id": home_office, "regime": "sar",
                "sent_on": "2026-05-01", "reference": personal[2], "tags": [personal[3]],
            }))
            .await;
        let sar = id_of(&created);
        // Stored as given: only the trail withholds them.
        assert_eq!(created["title"], personal[0]);
        assert_eq!(created["tags"], json!([personal[3]]));
        let recorded = json!({
            "title": WITHHELD, "body": WITHHELD, "authority_id": home_office, "regime": "sar", "sent_via": "email",
            "sent_on": "2026-05-01", "reference": WITHHELD, "organisation_id": organisation, "owner_id": me,
            "tags": WITHHELD,
        });
        assert_written(&app, &m, &[by.did("create", "request", Some(sar), None, Some(recorded.clone()))]);

        // Edited: the personal fields are named on both sides, the others shown as they were
        // and are.
        let m = mark(&app);
        let response = app
            .put_json(
                &format!("/api/v1/requests/{sar}"),
                &json!({
                    "title": personal[4], "body": personal[1], "authority_id": home_office, "regime": "sar",
                    "sent_via": "post", "sent_on": "2026-05-01", "reference": personal[5], "owner_id": me,
                    "tags": [personal[3]],
                }),
            )
            .await;
        let updated = json_of(response, StatusCode::OK).await;
        assert_eq!(updated["title"], personal[4]);
        let mut edited = recorded.clone();
        edited["sent_via"] = json!("post");
        assert_written(&app, &m, &[by.did("update", "request", Some(sar), Some(recorded), Some(edited))]);

        // An event's details are personal data too.
        let m = mark(&app);
        let added = json_of(
            app.post_json(
                &format!("/api/v1/requests/{sar}/events"),
                &json!({"kind": "acknowledged", "occurred_on": "2026-05-06", "details": personal[6]}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        let event = id_of(&added["event"]);
        let event_values = json!({
            "request_id": sar, "kind": "acknowledged", "occurred_on": "2026-05-06", "extended_to": null,
            "details": WITHHELD,
        });
        assert_written(&app, &m, &[by.did("create", "event", Some(event), None, Some(event_values.clone()))]);
        let m = mark(&app);
        let response = app.delete(&format!("/api/v1/requests/{sar}/events/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_written(&app, &m, &[by.did("delete", "event", Some(event), Some(event_values), None)]);

        for value in personal.iter().chain(&["Jane"]) {
            assert_eq!(holding(&app, value), Vec::<i32>::new(), "{value} is in the trail");
        }

        // An auditor's every view of it is recorded: its page (never cached), and through the
        // API the request and its events, whose details are personal data too.
        app.add_event(sar as i64, "acknowledged", "2026-05-06").await;
        let response = app
            .post_json(&format!("/api/v1/requests/{sar}/events"), &json!({"kind": "note", "occurred_on": "2026-05-07", "details": personal[6]}))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let foia = id_of(&app.create_request(json!({"title": "Not personal", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await);
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let auditor_id = user_id(&app, &auditor.email);
        let m = mark(&app);
        for _ in 0..2 {
            let page = auditor.text(&format!("/requests/{sar}")).await;
            assert!(page.contains("second request"), "the auditor reads the request itself");
        }
        let read = auditor.get_json(&format!("/api/v1/requests/{sar}")).await;
        assert_eq!(read["title"], personal[4]);
        let events = auditor.get_json(&format!("/api/v1/requests/{sar}/events")).await;
        assert_eq!(events.as_array().unwrap().last().unwrap()["details"], personal[6]);
        let view = web_user(&auditor.email, auditor_id).did("view", "request", Some(sar), None, None);
        assert_written(&app, &m, &[view.clone(), view.clone(), view.clone(), view]);

        // Not other requests, and not the views of the request's own organisation.
        let m = mark(&app);
        auditor.text(&format!("/requests/{foia}")).await;
        auditor.get_json(&format!("/api/v1/requests/{foia}/events")).await;
        app.text(&format!("/requests/{sar}")).await;
        app.get_json(&format!("/api/v1/requests/{sar}")).await;
        app.get_json(&format!("/api/v1/requests/{sar}/events")).await;
        // Lists record nothing, so they show an auditor none of the request's personal data.
        let list = auditor.text("/requests").await;
        let listed = auditor.get_json("/api/v1/requests").await;
        assert!(list.contains("Subject access request (open it to see it; your view is recorded)"), "{list}");
        let row = listed["items"].as_array().unwrap().iter().find(|r| r["id"] == sar).unwrap().clone();
        assert_eq!((row["title"].as_str(), row["body"].as_str(), &row["tags"]), (Some(foi_tracker::tracker::access::UNOPENED), Some(""), &json!([])));
        for value in &personal {
            assert!(!list.contains(value) && !listed.to_string().contains(value), "{value} is in an auditor's list");
        }
        assert!(app.text("/requests").await.contains("file, second request"), "its own organisation sees it");
        assert!(!list.contains("file, second request"));
        // Nor does a search find it for them: which requests name someone is personal data too.
        for search in ["/api/v1/requests?q=jane", "/api/v1/requests?tag=jane-doe"] {
            assert_eq!(auditor.get_json(search).await["total"], 0, "{search}");
            assert_eq!(app.get_json(search).await["total"], 1, "{search} by its own organisation");
        }
        assert_written(&app, &m, &[]);

        // What the auditor sees of the trail names the fields but never shows them.
        let page = auditor.text("/audit?entity=request").await;
        let (_, csv) = export(&auditor, "").await;
        let csv = csv.concat().join("\n");
        assert!(page.contains(WITHHELD) && csv.contains(WITHHELD));
        for value in ["Jane", "SAR-JD", "born 1 April", "passport"] {
            assert!(!page.contains(value), "{value} on the audit page");
            assert!(!csv.contains(value), "{value} in the CSV export");
        }
    }

    async fn a_change_whose_entry_cannot_be_written_is_not_made(app) {
        let admin = app.admin().await;
        let auditor = app.member("auditor@oversight.example", "auditor", "Oversight Board").await;
        let home_office = app.authority("Home Office").await;
        let request = id_of(&app.create_request(json!({"title": "T", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await);
        let sar = id_of(&app.create_request(json!({"title": "Jane Doe's file", "body": "B", "authority_id": home_office, "regime": "sar", "sent_on": "2026-05-01"})).await);
        // The trail refuses every new entry for a while.
        let mut conn = app.connection();
        let refuse = match app.backend {
            foi_tracker::db::Backend::Sqlite => vec![
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries BEGIN SELECT RAISE(ABORT, 'the trail is unavailable'); END",
            ],
            foi_tracker::db::Backend::Postgres => vec![
                "CREATE FUNCTION refuse_entries() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the trail is unavailable'; END $$",
                "CREATE TRIGGER refuse_entries BEFORE INSERT ON audit_entries FOR EACH ROW EXECUTE FUNCTION refuse_entries()",
            ],
        };
        for statement in refuse {
            diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut conn).unwrap();
        }
        let before = app.snapshot();
        let created = app.post_json("/api/v1/requests", &json!({"title": "Lost", "body": "B", "authority_id": home_office})).await;
        assert_eq!(created.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let event = app.post_json(&format!("/api/v1/requests/{request}/events"), &json!({"kind": "response", "occurred_on": "2026-05-20"})).await;
        assert_eq!(event.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let authority = admin.put_json(&format!("/api/v1/authorities/{home_office}"), &json!({"name": "Home Office", "short_name": "HO", "foi_email": null, "website": null, "default_regime": "foia", "nation": "uk"})).await;
        assert_eq!(authority.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let token = app.post_form("/account/tokens", &[("name", "lost token")]).await;
        assert_eq!(token.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(app.snapshot(), before, "nothing changed without its entry");
        // Nor does an auditor read a subject access request unrecorded.
        let view = auditor.get(&format!("/requests/{sar}")).await;
        assert_eq!(view.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!view.text().await.unwrap().contains("Jane Doe"));

        // Once the trail takes entries again, the same change is made, with its entry.
        let drop = match app.backend {
            foi_tracker::db::Backend::Sqlite => vec!["DROP TRIGGER refuse_entries"],
            foi_tracker::db::Backend::Postgres => vec!["DROP TRIGGER refuse_entries ON audit_entries", "DROP FUNCTION refuse_entries()"],
        };
        for statement in drop {
            diesel::RunQueryDsl::execute(diesel::sql_query(statement), &mut conn).unwrap();
        }
        let m = mark(&app);
        let event = app.post_json(&format!("/api/v1/requests/{request}/events"), &json!({"kind": "response", "occurred_on": "2026-05-20"})).await;
        let event = id_of(&json_of(event, StatusCode::CREATED).await["event"]);
        let by = web_user(&app.email, user_id(&app, &app.email));
        assert_written(
            &app,
            &m,
            &[by.did("create", "event", Some(event), None, Some(json!({"request_id": request, "kind": "response", "occurred_on": "2026-05-20", "extended_to": null, "details": ""})))],
        );
    }
}
