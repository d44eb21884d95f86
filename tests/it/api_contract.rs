//! The API as a generated client meets it: every `Location` of a created resource can be read
//! back, and the grounds an event cites come from a catalogue the API serves.

use crate::support::{self, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The resource a 201 names, read back as its creator reads it.
async fn read_back(session: &support::Session, response: reqwest::Response) -> (String, Value, Value) {
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = support::location(&response);
    let created: Value = response.json().await.unwrap();
    let read = session.get(&location).await;
    assert_eq!(read.status(), StatusCode::OK, "GET {location}");
    let read: Value = read.json().await.unwrap();
    (location, created, read)
}

on_both_backends! {
    async fn every_location_of_a_created_resource_can_be_read(app) {
        let home_office = app.authority("Home Office").await;
        let body = json!({"title": "Detention", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"});
        let (location, created, read) = read_back(&app, app.post_json("/api/v1/requests", &body).await).await;
        assert_eq!(location, format!("/api/v1/requests/{}", created["id"]));
        assert_eq!(read["title"], "Detention");
        let request = created["id"].as_i64().unwrap();

        let event = json!({"kind": "acknowledged", "occurred_on": "2026-05-02"});
        let (location, created, read) =
            read_back(&app, app.post_json(&format!("/api/v1/requests/{request}/events"), &event).await).await;
        assert_eq!(location, format!("/api/v1/requests/{request}/events/{}", created["event"]["id"]));
        assert_eq!(read, created["event"], "the event as recorded");

        let figure = json!({"indicator_id": "D1.1", "value": "914", "period_start": "2018-01-01", "period_end": "2018-12-31",
            "definition": "Potential victims detained", "definition_match": "comparable", "source_kind": "publication",
            "publication_title": "Hidden Futures", "publisher": "Coalition"});
        let (location, created, read) = read_back(&app, app.post_json("/api/v1/figures", &figure).await).await;
        assert_eq!(location, format!("/api/v1/figures/{}", created["id"]));
        assert_eq!(read, created);
        let created_figure = created["id"].clone();
        let all = app.get_json("/api/v1/figures").await;
        assert!(all.as_array().unwrap().iter().any(|f| f["id"] == created["id"]), "{all}");

        let admin = app.admin().await;
        let indicator = json!({"id": "D3.9", "demand_id": "D3", "wording": "People re-trafficked after return", "unit": "people",
            "granularity": "year", "breakdowns": "", "definition": "Re-trafficked within a year of return", "official_source": ""});
        let (location, created, read) = read_back(&admin, admin.post_json("/api/v1/indicators", &indicator).await).await;
        assert_eq!(location, "/api/v1/indicators/D3.9");
        assert_eq!(read["indicator"]["wording"], created["wording"]);

        let (location, created, read) = {
            let response = app.api_upload(&format!("/api/v1/requests/{request}/documents"), "reply.txt", b"The figures you asked for".to_vec()).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            let location = support::location(&response);
            let created: Value = response.json().await.unwrap();
            let read = app.get(&location).await;
            assert_eq!(read.status(), StatusCode::OK);
            (location, created, read.bytes().await.unwrap())
        };
        assert_eq!(location, format!("/api/v1/documents/{}", created["id"]));
        assert_eq!(&read[..], b"The figures you asked for");

        // Someone who may not read a request (another organisation's subject access request)
        // does not learn that its events exist.
        let sar = json!({"title": "My file", "body": "B", "authority_id": home_office, "regime": "sar", "sent_on": "2026-05-01"});
        let sar = app.create_request(sar).await["id"].as_i64().unwrap();
        let event = format!("/api/v1/requests/{sar}/events/{}", read_back_event_id(&app, sar).await);
        assert_eq!(app.get(&event).await.status(), StatusCode::OK);
        let outsider = app.member("outsider@elsewhere.example", "researcher", "Elsewhere NGO").await;
        assert_eq!(outsider.get(&event).await.status(), StatusCode::NOT_FOUND);
        let anonymous = support::browser();
        let figure = anonymous.get(app.url(&format!("/api/v1/figures/{}", created_figure))).send().await.unwrap();
        assert_eq!(figure.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(app.get(&format!("/api/v1/requests/{request}/events/999999")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn the_grounds_an_event_cites_are_the_catalogue_the_api_serves(app) {
        let anonymous = support::browser();
        let all: Value = anonymous.get(app.url("/api/v1/exemptions")).send().await.unwrap().json().await.unwrap();
        let foia: Value = anonymous.get(app.url("/api/v1/exemptions?regime=foia")).send().await.unwrap().json().await.unwrap();
        let (all, foia) = (all.as_array().unwrap(), foia.as_array().unwrap());
        assert!(foia.len() < all.len() && foia.iter().all(|e| e["regime"] == "foia"));
        let s40 = foia.iter().find(|e| e["id"] == "foia-s40-2").expect("FOIA s.40(2) listed");
        assert_eq!(s40["citation"], "FOIA s.40(2)");
        assert!(s40["kind"].is_string() && s40["test"].is_string(), "{s40}");
        assert!(foia.iter().any(|e| e["kind"] == "neither_confirm_nor_deny"), "the NCND provisions are listed");
        // The document's enum of grounds is that catalogue, id for id.
        let document = app.get_json("/api/v1/openapi.json").await;
        let listed: Vec<&Value> = document["components"]["schemas"]["GroundId"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .collect();
        assert_eq!(listed, all.iter().map(|e| &e["id"]).collect::<Vec<_>>());
        let response = anonymous.get(app.url("/api/v1/exemptions?regime=gdpr")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }

    async fn an_id_is_never_given_twice(app) {
        let home_office = app.authority("Home Office").await;
        let body = json!({"title": "T", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"});
        let request = app.create_request(body).await["id"].as_i64().unwrap();
        let events = format!("/api/v1/requests/{request}/events");
        let added: Value = app.post_json(&events, &json!({"kind": "acknowledged", "occurred_on": "2026-05-02"})).await.json().await.unwrap();
        let removed = added["event"]["id"].as_i64().unwrap();
        let response = app.delete(&format!("{events}/last")).await;
        assert_eq!(response.status(), StatusCode::OK);
        // The removed event was the newest row of its table: a plain SQLite rowid would hand
        // its id to the next event.
        let again: Value = app.post_json(&events, &json!({"kind": "acknowledged", "occurred_on": "2026-05-03"})).await.json().await.unwrap();
        let new = again["event"]["id"].as_i64().unwrap();
        assert!(new > removed, "{new} after {removed}");
        assert_eq!(app.get(&format!("{events}/{removed}")).await.status(), StatusCode::NOT_FOUND);
    }

    async fn a_call_sent_again_with_its_idempotency_key_creates_nothing_more(app) {
        let home_office = app.authority("Home Office").await;
        let body = json!({"title": "Detention", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"});
        let send = |key: &'static str, body: Value| {
            let app = &app;
            async move {
                app.request(reqwest::Method::POST, "/api/v1/requests").header("idempotency-key", key).json(&body).send().await.unwrap()
            }
        };
        let first = send("3f1c7a52-0b6e-4c8e-9a55-5d2b0e3f6a11", body.clone()).await;
        assert_eq!(first.status(), StatusCode::CREATED);
        let location = support::location(&first);
        assert!(first.headers().get("idempotent-replayed").is_none());
        let first: Value = first.json().await.unwrap();
        let total = app.get_json("/api/v1/requests").await["total"].clone();
        // The answer was lost, say: the client sends the same call again.
        let again = send("3f1c7a52-0b6e-4c8e-9a55-5d2b0e3f6a11", body.clone()).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(support::location(&again), location);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        let again: Value = again.json().await.unwrap();
        assert_eq!(again["id"], first["id"]);
        assert_eq!(app.get_json("/api/v1/requests").await["total"], total, "one request, not two");
        // The same key for another call is a mistake, said as such; nothing is written.
        let before = app.snapshot();
        let mut other = body.clone();
        other["title"] = json!("Returns");
        let (status, fields, answer) = support::problem(send("3f1c7a52-0b6e-4c8e-9a55-5d2b0e3f6a11", other).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["Idempotency-Key".to_string()]), "{answer}");
        assert_eq!(app.snapshot(), before);
        // Another key is another request.
        assert_eq!(send("another-key", body.clone()).await.status(), StatusCode::CREATED);
        assert_ne!(app.get_json("/api/v1/requests").await["total"], total);
        // An event likewise: recorded once.
        let id = first["id"].as_i64().unwrap();
        let events = format!("/api/v1/requests/{id}/events");
        let event = json!({"kind": "acknowledged", "occurred_on": "2026-05-02"});
        for _ in 0..2 {
            let response = app.request(reqwest::Method::POST, &events).header("idempotency-key", "ack-1").json(&event).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        assert_eq!(app.get_json(&events).await.as_array().unwrap().iter().filter(|e| e["kind"] == "acknowledged").count(), 1);
        // A key that is not one line of text is refused before anything is done.
        let response = app.request(reqwest::Method::POST, &events).header("idempotency-key", "x".repeat(300)).json(&event).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);

        // A reply imported from its email file, and a table's figures, likewise once.
        let reply = "From: foi@homeoffice.gov.uk\r\nTo: researcher@coalition.example\r\nDate: Thu, 28 May 2026 10:00:00 +0100\r\nSubject: FOI\r\n\r\nPlease find our response.\r\n";
        let import = |key: &'static str, content: &'static str| {
            let app = &app;
            async move {
                let part = reqwest::multipart::Part::bytes(content.as_bytes().to_vec()).file_name("reply.eml");
                app.request(reqwest::Method::POST, &format!("/api/v1/requests/{id}/import-email"))
                    .header("idempotency-key", key)
                    .multipart(reqwest::multipart::Form::new().part("file", part))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let first = import("reply-1", reply).await;
        assert_eq!(first.status(), StatusCode::CREATED);
        let location = support::location(&first);
        let again = import("reply-1", reply).await;
        assert_eq!((again.status(), support::location(&again)), (StatusCode::CREATED, location.clone()));
        assert_eq!(app.get_json(&events).await.as_array().unwrap().iter().filter(|e| e["kind"] == "response").count(), 1);
        assert_eq!(app.get(&location).await.status(), StatusCode::OK, "the reply's event can be read at {location}");
        let other = import("reply-1", "From: a@b.example\r\nSubject: x\r\n\r\nAnother.\r\n").await;
        assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY, "another file under the same key");

        let upload = || {
            let part = reqwest::multipart::Part::bytes(b"Nationality,Detained\nAlbania,412\nVietnam,203\n".to_vec()).file_name("detained.csv");
            app.request(reqwest::Method::POST, &format!("/api/v1/requests/{id}/documents"))
                .header("idempotency-key", "table-upload-1")
                .multipart(reqwest::multipart::Form::new().part("file", part))
        };
        let documents_before = app.get_json(&format!("/api/v1/requests/{id}")).await["documents"].as_array().unwrap().len();
        let table = upload().send().await.unwrap();
        assert_eq!(table.status(), StatusCode::CREATED);
        let document = table.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let again = upload().send().await.unwrap();
        assert_eq!(again.json::<Value>().await.unwrap()["id"].as_i64().unwrap(), document);
        let documents_after = app.get_json(&format!("/api/v1/requests/{id}")).await["documents"].as_array().unwrap().len();
        assert_eq!(documents_after, documents_before + 1, "one document, not two");
        let read = json!({"first_row": 2, "value_column": "B", "breakdown_columns": "A = nationality", "indicator_id": "D1.1",
            "period_start": "2025-01-01", "period_end": "2025-12-31", "definition": "Potential victims detained", "definition_match": "matches"});
        for _ in 0..2 {
            let response = app.request(reqwest::Method::POST, &format!("/api/v1/documents/{document}/import"))
                .header("idempotency-key", "table-1").json(&read).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
        }
        assert_eq!(app.get_json("/api/v1/figures").await.as_array().unwrap().len(), 2, "two figures, not four");
    }

    async fn the_history_names_each_cited_ground_as_an_object(app) {
        let home_office = app.authority("Home Office").await;
        let body = json!({"title": "Detention", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"});
        let id = app.create_request(body).await["id"].as_i64().unwrap();
        let refusal = json!({"kind": "response", "occurred_on": "2026-05-20", "outcome": "refused", "grounds": ["foia-s40-2"]});
        let response = app.post_json(&format!("/api/v1/requests/{id}/events"), &refusal).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let history = app.get_json("/api/v1/history").await;
        // An object with named fields, which every generated client reads (a tuple schema was not).
        assert_eq!(history["exemptions"]["foia-s40-2"]["citation"], "FOIA s.40(2)", "{history}");
        assert!(history["exemptions"]["foia-s40-2"]["title"].as_str().unwrap().contains("ersonal"), "{history}");
    }
}

async fn read_back_event_id(app: &TestApp, request: i64) -> i64 {
    app.get_json(&format!("/api/v1/requests/{request}/events")).await[0]["id"]
        .as_i64()
        .unwrap()
}

/// Every page of a list, followed from the first by its `Link: rel="next"`, as a client pages.
async fn every_page(session: &support::Session, first: &str) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(first.to_string()));
    while let Some(address) = next.take() {
        let response = session.get(&address).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {address}");
        let links = response.headers()["link"].to_str().unwrap().to_string();
        assert!(
            links.contains("rel=\"first\"") && links.contains("rel=\"last\""),
            "{links}"
        );
        next = links
            .split(", ")
            .find(|l| l.ends_with("rel=\"next\""))
            .map(|l| l[1..l.find('>').unwrap()].to_string());
        items.extend(response.json::<Vec<Value>>().await.unwrap());
        pages += 1;
    }
    (items, pages)
}

on_both_backends! {
    async fn every_list_that_can_grow_is_paged_with_links(app) {
        let admin = app.admin().await;
        for name in ["Crown Prosecution Service", "Gangmasters and Labour Abuse Authority", "Independent Anti-Slavery Commissioner"] {
            let body = json!({"name": name, "short_name": name, "default_regime": "foia", "nation": "uk"});
            assert_eq!(admin.post_json("/api/v1/authorities", &body).await.status(), StatusCode::CREATED);
        }
        let whole: Vec<Value> = app.get_json("/api/v1/authorities").await.as_array().unwrap().clone();
        assert!(whole.len() >= 4, "{whole:?}");
        let (paged, pages) = every_page(&app, "/api/v1/authorities?per_page=2").await;
        assert_eq!(paged, whole, "the pages together are the list, in its order");
        assert_eq!(pages, whole.len().div_ceil(2));

        let home_office = app.authority("Home Office").await;
        for (n, year) in [2019, 2020, 2021].into_iter().enumerate() {
            let figure = json!({"indicator_id": "D1.1", "value": (100 + n).to_string(), "period_start": format!("{year}-01-01"),
                "period_end": format!("{year}-12-31"), "definition": "Potential victims detained", "definition_match": "matches",
                "source_kind": "publication", "publication_title": "Annual report", "publisher": "Home Office"});
            assert_eq!(app.post_json("/api/v1/figures", &figure).await.status(), StatusCode::CREATED);
        }
        let (figures, pages) = every_page(&app, "/api/v1/figures?per_page=1").await;
        assert_eq!(figures, app.get_json("/api/v1/figures").await.as_array().unwrap().clone());
        assert_eq!((figures.len(), pages), (3, 3));

        for day in ["2026-03-02", "2026-03-03", "2026-03-04"] {
            app.create_request(json!({"title": format!("Asked on {day}"), "body": "B", "authority_id": home_office, "sent_on": day})).await;
        }
        let first = "/api/v1/history/requests?measure=all&per_page=2";
        let response = app.get(first).await;
        let links = response.headers()["link"].to_str().unwrap().to_string();
        assert!(links.contains("</api/v1/history/requests?measure=all&page=2&per_page=2>; rel=\"next\""), "the filter is kept: {links}");
        let (behind, pages) = every_page(&app, first).await;
        assert_eq!((behind.len(), pages), (3, 2));

        for path in ["/api/v1/authorities", "/api/v1/figures", "/api/v1/history/requests?measure=all&"] {
            let joiner = if path.ends_with('&') { "" } else { "?" };
            for wrong in ["per_page=0", "per_page=101", "page=0"] {
                let (status, fields, answer) = support::problem(app.get(&format!("{path}{joiner}{wrong}")).await).await;
                assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} {wrong}: {answer}");
                assert_eq!(fields, vec![wrong.split('=').next().unwrap().to_string()], "{answer}");
            }
        }
    }
}

on_both_backends! {
    async fn a_figure_cites_an_event_or_a_document_only_through_its_request(app) {
        let home_office = app.authority("Home Office").await;
        let body = json!({"title": "Detention", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"});
        let id = app.create_request(body).await["id"].as_i64().unwrap();
        let uploaded = app.api_upload(&format!("/api/v1/requests/{id}/documents"), "reply.pdf", b"%PDF-1.4\n% reply\n".to_vec()).await;
        let document = uploaded.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let figure = json!({"indicator_id": "D1.1", "value": "914", "period_start": "2018-01-01", "period_end": "2018-12-31",
            "definition": "Potential victims detained", "definition_match": "comparable", "source_kind": "publication",
            "publication_title": "Hidden Futures", "publisher": "Coalition"});
        let before = app.snapshot();
        for (field, value) in [("document_id", json!(document)), ("event_id", json!(0)), ("document_id", json!(999_999))] {
            let mut cited = figure.clone();
            cited[field] = value;
            let (status, fields, answer) = support::problem(app.post_json("/api/v1/figures", &cited).await).await;
            assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_string()]), "{answer}");
        }
        assert_eq!(app.snapshot(), before, "nothing written");
        // Through its request, the document is cited.
        let mut cited = figure.clone();
        cited["request_id"] = json!(id);
        cited["document_id"] = json!(document);
        cited["source_kind"] = json!("request");
        assert_eq!(app.post_json("/api/v1/figures", &cited).await.status(), StatusCode::CREATED);
    }
}
