//! Batches: one request to the 45 police forces of the UK created in one call, each member
//! under its own law with its own exact deadline; the totals after a mix of answers; the
//! actions on every member at once, audited per request; the page and its CSV. Both backends.

use crate::support::{problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const UK_FORCES: &str = "Police forces of the United Kingdom";

async fn group(app: &TestApp, name: &str) -> Value {
    let groups = app.get_json("/api/v1/authority-groups").await;
    groups
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == name)
        .unwrap_or_else(|| panic!("no group {name}: {groups}"))
        .clone()
}

/// (entity_id, after) of every audit entry with this action about this kind of thing.
fn audited(app: &TestApp, action: &str, entity: &str) -> Vec<(i32, Value)> {
    #[derive(diesel::QueryableByName)]
    struct Entry {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        entity_id: i32,
        #[diesel(sql_type = diesel::sql_types::Text)]
        after: String,
    }
    let query = format!(
        "SELECT entity_id, after FROM audit_entries WHERE action = '{action}' AND entity = '{entity}' AND after IS NOT NULL ORDER BY id"
    );
    let rows: Vec<Entry> =
        diesel::RunQueryDsl::load(diesel::sql_query(query), &mut app.connection()).unwrap();
    rows.into_iter()
        .map(|e| (e.entity_id, serde_json::from_str(&e.after).unwrap()))
        .collect()
}

fn member<'a>(batch: &'a Value, authority: &str) -> &'a Value {
    batch["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["authority"]["name"] == authority)
        .unwrap_or_else(|| panic!("no member {authority}"))
}

async fn respond(app: &TestApp, request: &Value, on: &str, outcome: &str, grounds: &[&str]) {
    let id = request["request_id"].as_i64().unwrap();
    let body = json!({"kind": "response", "occurred_on": on, "outcome": outcome, "grounds": grounds});
    let response = app
        .post_json(&format!("/api/v1/requests/{id}/events"), &body)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
}

on_both_backends! {
    async fn a_batch_to_every_uk_police_force_is_made_in_one_call_with_each_forces_own_deadline(app) {
        let forces = group(&app, UK_FORCES).await;
        assert_eq!(forces["authority_ids"].as_array().unwrap().len(), 45);
        assert_eq!(group(&app, "Territorial police forces of England and Wales").await["authority_ids"].as_array().unwrap().len(), 43);

        // Received on Monday 30 March 2026. FOIA counts a bank holiday anywhere in the UK, so
        // Good Friday and Easter Monday both stop its clock: due 29 April. FOISA counts
        // Scotland's, where Easter Monday is a working day: Police Scotland's is due 28 April.
        let response = app.post_json("/api/v1/batches", &json!({
            "title": "Modern slavery referrals by force, 2025",
            "body": "Please tell me how many referrals to the National Referral Mechanism your force made in 2025.",
            "group_id": forces["id"], "sent_on": "2026-03-30", "tags": ["police"],
            "indicators": [{"indicator_id": "D1.1", "from": "2025-01-01", "to": "2025-12-31"}],
        })).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let batch: Value = response.json().await.unwrap();
        assert_eq!(location, format!("/api/v1/batches/{}", batch["id"]));
        let members = batch["members"].as_array().unwrap();
        assert_eq!(members.len(), 45);
        for m in members {
            let name = m["authority"]["name"].as_str().unwrap();
            let (regime, due) = match name {
                "Police Scotland" => ("foisa", "2026-04-28"),
                _ => ("foia", "2026-04-29"),
            };
            assert_eq!((m["regime"].as_str().unwrap(), m["response_due"].as_str().unwrap()), (regime, due), "{name}");
            // Each member is an ordinary request, with its own schedule saying the same.
            let request = app.get_json(&format!("/api/v1/requests/{}", m["request_id"])).await;
            let response_due = request["schedule"]["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "response").unwrap()["due"].clone();
            assert_eq!(response_due, json!(due), "{name}");
            assert_eq!(request["tags"], json!(["police"]));
            // Separate authorities: nothing for any of them to aggregate with another member.
            assert_eq!(request["related"], json!([]), "{name}");
        }
        assert_eq!(member(&batch, "Police Service of Northern Ireland")["response_due"], "2026-04-29");
        // Today (1 June) every member is overdue.
        assert_eq!(batch["totals"]["overdue"], 45);
        assert_eq!(batch["totals"]["summary"], "0 of 45 answered, 45 overdue");
        let creations = audited(&app, "create", "request").len();
        assert!(creations >= 45, "{creations}");
        assert_eq!(audited(&app, "create", "batch").len(), 1);

        // A mix of answers: 20 release, 9 refuse under s.12 in time, Police Scotland refuses
        // under FOISA s.12 late, 3 do not hold it; 4 acknowledged; the other 12 say nothing.
        let england_and_wales: Vec<&Value> = members.iter().filter(|m| m["regime"] == "foia" && m["authority"]["name"] != "Police Service of Northern Ireland").collect();
        for m in &england_and_wales[0..20] {
            respond(&app, m, "2026-04-20", "granted", &[]).await;
        }
        for m in &england_and_wales[20..29] {
            respond(&app, m, "2026-04-24", "refused", &["foia-s12-1"]).await;
        }
        for m in &england_and_wales[29..32] {
            respond(&app, m, "2026-04-28", "not_held", &[]).await;
        }
        for m in &england_and_wales[32..36] {
            app.add_event(m["request_id"].as_i64().unwrap(), "acknowledged", "2026-03-31").await;
        }
        respond(&app, member(&batch, "Police Scotland"), "2026-05-05", "refused", &["foisa-s12-1"]).await;
        // A figure entered from one release.
        let released = england_and_wales[0]["request_id"].as_i64().unwrap();
        let figure = app.post_json("/api/v1/figures", &json!({
            "indicator_id": "D1.1", "value": "17", "unit": "people", "period_start": "2025-01-01", "period_end": "2025-12-31",
            "definition": "NRM referrals by the force", "definition_match": "comparable", "source_kind": "request", "request_id": released,
        })).await;
        assert_eq!(figure.status(), StatusCode::CREATED, "{}", figure.text().await.unwrap());

        let batch = app.get_json(&location).await;
        let t = &batch["totals"];
        assert_eq!(t["summary"], "33 of 45 answered, 9 refused under FOIA s.12(1), 1 refused under FOISA s.12(1), 12 overdue");
        assert_eq!((t["members"].as_i64(), t["answered"].as_i64(), t["answered_in_time"].as_i64(), t["answered_late"].as_i64()), (Some(45), Some(33), Some(32), Some(1)));
        assert_eq!((t["released"].as_i64(), t["refused"].as_i64(), t["not_held"].as_i64(), t["overdue"].as_i64()), (Some(20), Some(10), Some(3), Some(12)));
        assert_eq!((t["acknowledged"].as_i64(), t["with_figures"].as_i64()), (Some(4), Some(1)));
        let scotland = member(&batch, "Police Scotland");
        assert_eq!((scotland["standing"].as_str(), scotland["timeliness"].as_str(), scotland["grounds"].clone()), (Some("refused"), Some("late"), json!(["FOISA s.12(1)"])));
        // The scorecard, public: the batch's 45 answers for the year asked, counted.
        let public = crate::support::browser().get(app.url("/api/v1/indicators/D1.1")).send().await.unwrap();
        let indicator: Value = public.json().await.unwrap();
        assert_eq!(indicator["batches"], json!([{
            "from": "2025-01-01", "to": "2025-12-31", "authorities": 45, "released": 20, "refused": 10,
            "not_held": 3, "other": 0, "awaiting": 0, "overdue": 12, "withdrawn_or_lapsed": 0,
        }]));
        let page = crate::support::page_text(&crate::support::browser(), app.url("/scorecard/D1.1")).await;
        assert!(page.contains("Asked of many authorities at once") && page.contains("12 overdue"), "{page}");
        let listed = app.get_json("/api/v1/batches").await;
        assert_eq!(listed[0]["totals"]["summary"], t["summary"]);

        // The CSV: a row a force, as the page shows it.
        let csv = app.text(&format!("/batches/{}/members.csv", batch["id"])).await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 46);
        assert_eq!(lines[0], "request_id,authority,regime,standing,status,sent_on,received_on,acknowledged_on,response_due,answered_on,timeliness,outcome,grounds,figures");
        let row = lines.iter().find(|l| l.contains(",Police Scotland,")).unwrap();
        assert!(row.ends_with(",foisa,refused,responded,2026-03-30,2026-03-30,,2026-04-28,2026-05-05,late,refused,FOISA s.12(1),0"), "{row}");

        // Internal reviews for every refused or overdue one (22), drafted, then recorded
        // together, each on its own request, audited per request.
        let drafts = app.get_json(&format!("/api/v1/batches/{}/reviews", batch["id"])).await;
        let drafts = drafts.as_array().unwrap();
        assert_eq!(drafts.len(), 22);
        let scotland_draft = drafts.iter().find(|d| d["authority"] == "Police Scotland").unwrap();
        assert_eq!(scotland_draft["reason"], "Refused (FOISA s.12(1))");
        assert!(scotland_draft["letter"]["body"].as_str().unwrap().contains("Freedom of Information (Scotland) Act"), "{}", scotland_draft["letter"]["body"]);
        let events_before = audited(&app, "create", "event").len();
        let response = app.post_json(&format!("/api/v1/batches/{}/reviews", batch["id"]), &json!({"sent_on": "2026-06-01"})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let sent: Value = response.json().await.unwrap();
        assert_eq!(sent.as_array().unwrap().len(), 22);
        let reviews: Vec<(i32, Value)> = audited(&app, "create", "event").into_iter().skip(events_before).collect();
        assert_eq!(reviews.len(), 22, "one audited event a request");
        assert!(reviews.iter().all(|(_, after)| after["kind"] == "internal_review_requested"));
        let mut reviewed: Vec<i64> = reviews.iter().map(|(_, after)| after["request_id"].as_i64().unwrap()).collect();
        reviewed.sort();
        reviewed.dedup();
        assert_eq!(reviewed.len(), 22, "each on its own request");
        let scotland_request = app.get_json(&format!("/api/v1/requests/{}", scotland["request_id"])).await;
        assert_eq!(scotland_request["status"], "in_internal_review");
        // Asked once: nothing is left to ask for, and asking again changes nothing.
        let (status, _, _) = problem(app.post_json(&format!("/api/v1/batches/{}/reviews", batch["id"]), &json!({"sent_on": "2026-06-01"})).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(audited(&app, "create", "event").len(), events_before + 22);
        // Its review answered, Police Scotland's request stands "responded" again, still
        // refused at first: a review was asked of it already, so none is drafted again.
        let review = app.post_json(&format!("/api/v1/requests/{}/events", scotland["request_id"]), &json!({"kind": "internal_review_response", "occurred_on": "2026-06-01", "outcome": "upheld"})).await;
        assert_eq!(review.status(), StatusCode::CREATED, "{}", review.text().await.unwrap());
        assert_eq!(app.get_json(&format!("/api/v1/batches/{}/reviews", batch["id"])).await, json!([]));
        let (status, _, _) = problem(app.post_json(&format!("/api/v1/batches/{}/reviews", batch["id"]), &json!({"sent_on": "2026-06-01"})).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
    }

    async fn a_batch_of_drafts_is_marked_sent_at_once_each_request_audited(app) {
        let forces = group(&app, "Territorial police forces of England and Wales").await;
        let scotland = app.authority("Police Scotland").await;
        let created = app.post_json("/api/v1/batches", &json!({
            "title": "Trafficking victims arrested, 2025", "body": "How many people your force arrested in 2025 were later recognised as victims of trafficking?",
            "group_id": forces["id"], "authority_ids": [scotland, forces["authority_ids"][0]],
        })).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let batch: Value = created.json().await.unwrap();
        let id = batch["id"].as_i64().unwrap();
        assert_eq!(batch["totals"]["members"], 44, "the group's 43 and Police Scotland, each once");
        assert_eq!(batch["totals"]["summary"], "0 of 44 answered, 44 not sent");

        // Another organisation's researcher sees nothing of a batch of drafts.
        let stranger = app.member("stranger@other.example", "researcher", "Other NGO").await;
        assert_eq!(stranger.get(&format!("/api/v1/batches/{id}")).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(stranger.get_json("/api/v1/batches").await, json!([]));

        // Nor of its trail: another organisation's administrator finds no entry of it, its own
        // finds it.
        let other_admin = app.member("admin@other.example", "admin", "Other NGO").await;
        let trail = other_admin.text("/audit?entity=batch").await;
        assert!(!trail.contains("Trafficking victims arrested"), "{trail}");
        let own_trail = app.admin().await.text("/audit?entity=batch").await;
        assert!(own_trail.contains("Trafficking victims arrested"), "{own_trail}");

        // A bad date changes nothing.
        let (status, fields, _) = problem(app.post_json(&format!("/api/v1/batches/{id}/sent"), &json!({"sent_on": "2026-13-01"})).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["sent_on".to_string()]));
        assert!(audited(&app, "send", "request").is_empty());

        let response = app.post_json(&format!("/api/v1/batches/{id}/sent"), &json!({"sent_on": "2026-05-26"})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let batch: Value = response.json().await.unwrap();
        assert_eq!(batch["totals"]["sent"], 44);
        // Received Tuesday 26 May 2026: 20 working days on, 23 June, in Scotland as elsewhere.
        assert!(batch["members"].as_array().unwrap().iter().all(|m| m["response_due"] == "2026-06-23"), "{}", batch["members"]);
        let sends = audited(&app, "send", "request");
        assert_eq!(sends.len(), 44, "one audit entry a request");
        let mut ids: Vec<i32> = sends.iter().map(|(id, _)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 44);
        assert!(sends.iter().all(|(_, after)| after["batch_id"] == id && after["sent_on"] == "2026-05-26"));
        let (status, fields, _) = problem(app.post_json(&format!("/api/v1/batches/{id}/sent"), &json!({"sent_on": "2026-05-27"})).await).await;
        assert_eq!((status, fields), (StatusCode::CONFLICT, vec!["sent_on".to_string()]));

        // Sent, the batch is the coalition's to read, not to act on.
        assert_eq!(stranger.get_json(&format!("/api/v1/batches/{id}")).await["totals"]["members"], 44);
        let refused = stranger.post_json(&format!("/api/v1/batches/{id}/sent"), &json!({"sent_on": "2026-05-27"})).await;
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert_eq!(audited(&app, "send", "request").len(), 44);
    }

    async fn a_batch_asked_of_nobody_or_of_an_unknown_group_is_refused_and_nothing_is_made(app) {
        let before = app.snapshot();
        for (body, field) in [
            (json!({"title": "Nothing", "body": "Asked of nobody."}), "authority_ids"),
            (json!({"title": "Nothing", "body": "Of a group that is not.", "group_id": 999}), "group_id"),
            (json!({"title": "Nothing", "body": "Of an authority that is not.", "authority_ids": [999]}), "authority_ids"),
            (json!({"title": "", "body": "No title.", "authority_ids": [1]}), "title"),
            (json!({"title": "Bad date", "body": "Sent in the future.", "authority_ids": [1, 2], "sent_on": "2027-01-01"}), "sent_on"),
            (json!({"title": "Everyone", "body": "Asked of a hundred thousand.", "authority_ids": (1..100_000).collect::<Vec<i32>>()}), "authority_ids"),
        ] {
            let (status, fields, _) = problem(app.post_json("/api/v1/batches", &body).await).await;
            assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_string()]), "{body}");
        }
        assert_eq!(app.snapshot(), before, "nothing written, not even part of a batch");
        let form = app.post_form("/batches", &[("title", "Nothing"), ("body", "Asked of nobody."), ("group_id", ""), ("sent_via", "email")]).await;
        assert_eq!(form.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(form.text().await.unwrap().contains("Choose the authorities to ask: a group, or one by one"));
    }

    async fn the_batch_page_shows_the_totals_and_marks_every_member_sent(app) {
        let scotland = app.authority("Police Scotland").await;
        let psni = app.authority("Police Service of Northern Ireland").await;
        let home_office = app.authority("Home Office").await;
        // An earlier request of the coalition's to the Home Office, which the Home Office may
        // add to its member of the batch for the cost limit.
        let earlier = app.create_request(json!({"title": "Detention, 2024", "body": "How many victims did you detain in 2024?", "authority_id": home_office, "sent_on": "2026-05-20"})).await["id"].as_i64().unwrap();
        let form = app.post_form("/batches", &[
            ("title", "Detention of victims, 2025"), ("body", "How many victims did you detain in 2025?"),
            ("group_id", ""), ("authority_ids", &scotland.to_string()), ("authority_ids", &psni.to_string()),
            ("authority_ids", &home_office.to_string()), ("sent_via", "email"), ("tags", "detention"),
        ]).await;
        assert_eq!(form.status(), StatusCode::SEE_OTHER);
        let location = crate::support::location(&form);
        let page = app.text(&location).await;
        assert!(page.contains("0 of 3 answered, 3 not sent"), "{page}");
        assert!(page.contains("Mark all sent"));
        let sent = app.post_form(&format!("{location}/sent"), &[("sent_on", "2026-05-26")]).await;
        assert_eq!(crate::support::location(&sent), location);
        let page = app.text(&location).await;
        assert!(page.contains("0 of 3 answered") && !page.contains("Mark all sent"), "{page}");
        assert!(page.contains("Tue 23 Jun 2026"), "{page}");
        // The cost-limit warning works per authority, as before: the Home Office's member is
        // warned of the earlier request to it, and of no other member of the batch.
        let batch = app.get_json(&format!("/api/v1{location}")).await;
        let home_office_member = member(&batch, "Home Office")["request_id"].as_i64().unwrap();
        let request = app.get_json(&format!("/api/v1/requests/{home_office_member}")).await;
        let related: Vec<i64> = request["related"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(related, vec![earlier], "{}", request["related"]);
        for other in ["Police Scotland", "Police Service of Northern Ireland"] {
            let id = member(&batch, other)["request_id"].as_i64().unwrap();
            assert_eq!(app.get_json(&format!("/api/v1/requests/{id}")).await["related"], json!([]), "{other}");
        }
        let admin = app.admin().await;
        let groups = admin.text("/admin/groups").await;
        assert!(groups.contains(UK_FORCES) && groups.contains("Gwent"), "{groups}");
    }

    async fn a_batch_goes_by_email_one_message_an_authority_and_none_twice(app) {
        let server = crate::support::smtp::SmtpServer::start();
        crate::email_sending::set_mailbox_with(&app, &server.url(), &[]).await;
        let home_office = app.authority("Home Office").await;
        let ukvi = app.authority("Home Office: UK Visas and Immigration").await;
        let scotland = app.authority("Police Scotland").await;
        let created = app.post_json("/api/v1/batches", &json!({
            "title": "Victims returned, 2025", "body": "How many confirmed victims were returned in 2025?",
            "authority_ids": [home_office, ukvi, scotland],
        })).await;
        let batch: Value = created.json().await.unwrap();
        let id = batch["id"].as_i64().unwrap();

        let response = app.post_json(&format!("/api/v1/batches/{id}/email"), &json!({})).await;
        assert_eq!(response.status(), StatusCode::OK);
        let run: Value = response.json().await.unwrap();
        assert_eq!(run["sent"].as_array().unwrap().len(), 2, "{run}");
        assert_eq!(run["not_sent"].as_array().unwrap().len(), 1, "{run}");
        assert_eq!(run["not_sent"][0]["authority"], "Police Scotland");
        assert_eq!(run["not_sent"][0]["reason"], "Police Scotland has no FOI email address: add it on the authority's page first");
        let received = server.wait_for(2);
        assert_eq!(received.len(), 2);
        assert!(received.iter().all(|m| m.rcpt_to.contains("foirequests@homeoffice.gov.uk") && m.subject == "Freedom of Information request: Victims returned, 2025"), "{received:?}");
        // Two reply addresses, one a request: each answer is filed with its own member.
        assert_ne!(received[0].reply_to, received[1].reply_to);

        let batch = app.get_json(&format!("/api/v1/batches/{id}")).await;
        assert_eq!(batch["totals"]["sent"], 2);
        assert_eq!(member(&batch, "Home Office")["sent_on"], crate::support::TODAY);
        assert_eq!(audited(&app, "send", "request").len(), 2, "each sent member audited as its own");

        // Again: the two sent are not sent twice; Police Scotland is still said.
        let again: Value = app.post_json(&format!("/api/v1/batches/{id}/email"), &json!({})).await.json().await.unwrap();
        assert_eq!((again["sent"].as_array().unwrap().len(), again["not_sent"].as_array().unwrap().len()), (0, 1), "{again}");
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(server.messages().len(), 2, "nothing sent twice");

        // The page says which could not go, beside the batch.
        let page = app.post_form(&format!("/batches/{id}/email"), &[]).await;
        assert_eq!(page.status(), StatusCode::OK);
        let text = page.text().await.unwrap();
        assert!(text.contains("0 sent by email; these could not go") && text.contains("Police Scotland has no FOI email address"), "{text}");
    }
}
