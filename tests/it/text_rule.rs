//! One text rule for every input: no NUL or other control character (line breaks only where a
//! text has several lines), no direction override, every length bounded. Whatever carries the
//! text (a form, JSON, a query string, a path, an upload's name), a breach is a clear answer
//! naming the field, never a 500 (PostgreSQL refuses NUL outright), and nothing changes. On
//! both backends.

use crate::support::{browser, input_value, page_text, problem, refused_to};
use reqwest::StatusCode;
use serde_json::{json, Value};

const FIGURE: &str = r#"{"indicator_id": "D1.1", "value": "914", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "Potential victims detained", "definition_match": "comparable", "source_kind": "publication", "publication_title": "Hidden Futures", "publisher": "Coalition"}"#;

fn with(base: &str, field: &str, value: Value) -> Value {
    let mut body: Value = serde_json::from_str(base).unwrap();
    body[field] = value;
    body
}

on_both_backends! {
    async fn nul_in_the_sign_in_email_is_a_clear_answer(app) {
        let client = browser();
        let page = page_text(&client, app.url("/sign-in")).await;
        let csrf = input_value(&page, "csrf").unwrap();
        let before = app.snapshot();
        let response = client
            .post(app.url("/sign-in"))
            .form(&[("csrf", csrf.as_str()), ("email", "coordinator@coalition.example\u{0}"), ("password", "x")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains("email contains a control character (U+0000)"), "{html}");
        assert_eq!(app.snapshot(), before);

        // A direction override or an address longer than any can be: wrong, not a fault.
        for email in ["coordinator@coalition.example\u{202E}", &format!("{}@x.org", "a".repeat(300))] {
            let response = app.sign_in_form(&client, email, "x").await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{email}");
            let html = response.text().await.unwrap();
            assert!(html.contains("id=\"email-error\""), "{html}");
        }
    }

    async fn a_path_that_cannot_name_anything_is_not_found(app) {
        for path in ["/scorecard/%00", "/scorecard/D1.1%E2%80%AE", "/admin/indicators/%00/edit", "/requests/%0A1"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        }
        let anonymous = browser();
        let response = anonymous.get(app.url("/scorecard/%00")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        for path in ["/api/v1/indicators/%00", "/api/v1/indicators/D1.1%00", "/api/v1/requests/%00"] {
            refused_to(&app, &app.session, "GET", path, None, StatusCode::NOT_FOUND, None).await;
        }
        let response = anonymous.get(app.url("/api/v1/indicators/%00")).send().await.unwrap();
        let (status, _, _) = problem(response).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // The path is not text, so the answer does not repeat it.
        let answer = refused_to(&app, &app.session, "GET", "/api/v1/indicators/%00", None, StatusCode::NOT_FOUND, None).await;
        assert!(!answer.to_string().contains("\\u0000"), "{answer}");
    }

    async fn the_tag_filter_and_other_parameters_follow_the_rule(app) {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        for query in ["tag=%00", "tag=a%E2%80%AEb", "q=x%00", "status=%00", "tag=a%0Ab"] {
            let field = query.split('=').next().unwrap();
            refused_to(&app, &app.session, "GET", &format!("/api/v1/requests?{query}"), None, unprocessable, Some(field)).await;
            let page = app.get(&format!("/requests?{query}")).await;
            assert_eq!(page.status(), unprocessable, "{query}");
        }
        let long = "t".repeat(2000);
        refused_to(&app, &app.session, "GET", &format!("/api/v1/requests?tag={long}"), None, unprocessable, Some("tag")).await;
        let page = app.get(&format!("/requests?tag={long}")).await;
        assert_eq!(page.status(), unprocessable);
        let html = page.text().await.unwrap();
        assert!(html.contains("Tag must be at most 40 characters"), "{html}");
        // The history and the audit trail read their filters the same way.
        let admin = app.admin().await;
        for path in ["/history?authority=%00", "/audit?entity=%00", "/open-data/figures.csv?x=%00"] {
            let response = admin.get(path).await;
            assert_ne!(response.status(), StatusCode::INTERNAL_SERVER_ERROR, "{path}");
            assert!(response.status().is_client_error(), "{path}: {}", response.status());
        }
    }

    async fn figure_fields_follow_the_rule(app) {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let session = app.session.clone();
        for (field, value) in [
            ("indicator_id", json!("D1.1\u{0}")),
            ("indicator_id", json!("\u{0}")),
            ("unit", json!("people\u{0}")),
            ("caveats", json!("x\u{0}")),
            ("breakdown", json!("sex = \u{0}")),
            ("definition", json!("Detained\u{0}")),
            ("publisher", json!("Coalition\u{202E}")),
            ("suppressed", json!("\u{0}")),
            ("caveats", json!("c".repeat(2001))),
            ("unit", json!("u".repeat(61))),
        ] {
            let mut body = with(FIGURE, field, value);
            if field == "suppressed" {
                body["value"] = json!("");
            }
            refused_to(&app, &session, "POST", "/api/v1/figures", Some(body), unprocessable, Some(field)).await;
        }
        // The page's form: a control character is refused before the form is read further;
        // what a browser can send is shown beside its field.
        let form = [
            ("indicator_id", "D1.1"), ("value", "914"), ("period_start", "2018-01-01"), ("period_end", "2018-12-31"),
            ("definition", "Detained"), ("definition_match", "comparable"), ("source_kind", "publication"),
            ("publication_title", "Hidden Futures"), ("publisher", "Coalition"),
        ];
        for (at, value, message) in [
            (0, "D1.1\u{0}", "indicator_id contains a control character"),
            (4, "Detained\u{0}", "definition contains a control character"),
            (7, "Hidden\u{202E}Futures", "id=\"publication_title-error\""),
        ] {
            let mut fields = form.to_vec();
            fields[at].1 = value;
            let before = app.snapshot();
            let response = app.post_form("/figures", &fields).await;
            assert_eq!(response.status(), unprocessable, "{value:?}");
            let html = response.text().await.unwrap();
            assert!(html.contains(message), "{message}: {html}");
            assert_eq!(app.snapshot(), before);
        }
    }

    async fn a_figure_of_half_a_million_digits_is_refused(app) {
        let body = with(FIGURE, "value", json!("9".repeat(500_000)));
        let answer = refused_to(&app, &app.session, "POST", "/api/v1/figures", Some(body), StatusCode::UNPROCESSABLE_ENTITY, Some("value")).await;
        let detail = answer["errors"][0]["message"].as_str().unwrap();
        assert!(detail.contains("at most 20 digits"), "{detail}");
        assert!(detail.len() < 200, "the message does not repeat the value");
        let body = with(FIGURE, "value", json!("123456789012345678901"));
        refused_to(&app, &app.session, "POST", "/api/v1/figures", Some(body), StatusCode::UNPROCESSABLE_ENTITY, Some("value")).await;
        let body = with(FIGURE, "value", json!("12,345,678,901,234,567,890"));
        let response = app.post_json("/api/v1/figures", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "twenty digits are a figure");
    }

    async fn indicator_fields_follow_the_rule(app) {
        let admin = app.admin().await;
        let good = r#"{"id": "D3.9", "demand_id": "D3", "wording": "Returns monitored", "unit": "people", "granularity": "year", "definition": "People monitored after return"}"#;
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        for (field, value) in [
            ("id", json!("D3.9\u{0}")),
            ("demand_id", json!("\u{0}")),
            ("wording", json!("Returns\u{0}")),
            ("wording", json!("Returns\u{202E}")),
            ("breakdowns", json!("sex\u{0}")),
            ("official_source", json!("x".repeat(501))),
        ] {
            refused_to(&app, &admin, "POST", "/api/v1/indicators", Some(with(good, field, value)), unprocessable, Some(field)).await;
        }
        let response = admin.get("/admin/indicators/D1.1%00/edit").await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }

    async fn direction_overrides_are_refused_in_titles_and_file_names(app) {
        let home_office = app.authority("Home Office").await;
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        // "Detention data" that displays as something else.
        let title = "Detention \u{202E}atad\u{202C} request";
        let body = json!({"title": title, "body": "Please provide…", "authority_id": home_office});
        let answer = refused_to(&app, &app.session, "POST", "/api/v1/requests", Some(body), unprocessable, Some("title")).await;
        assert!(answer.to_string().contains("U+202E"), "{answer}");
        for isolate in ["\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{202A}", "\u{202B}", "\u{202D}"] {
            let body = json!({"title": format!("Detention{isolate}"), "body": "B", "authority_id": home_office});
            refused_to(&app, &app.session, "POST", "/api/v1/requests", Some(body), unprocessable, Some("title")).await;
        }
        // A title of one line: a line break is refused there, kept in the text sent.
        let body = json!({"title": "Detention\nINFO forged", "body": "Line one\nLine two", "authority_id": home_office});
        refused_to(&app, &app.session, "POST", "/api/v1/requests", Some(body), unprocessable, Some("title")).await;
        let created = app.create_request(json!({"title": "Detention", "body": "Line one\nLine two\tend", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
        let id = created["id"].as_i64().unwrap();

        // On the page, beside the field.
        let before = app.snapshot();
        let response = app.post_form("/requests", &[("title", title), ("body", "Text"), ("authority_id", &home_office.to_string())]).await;
        assert_eq!(response.status(), unprocessable);
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"title-error\""), "{html}");
        assert!(html.contains("direction override (U+202E)"), "{html}");
        assert_eq!(app.snapshot(), before);

        // A file called "invoice" U+202E "fdp.exe" shows as "invoiceexe.pdf".
        // Sent as browsers send a name, in UTF-8 as it is (not percent-encoded).
        let form = |csrf: Option<&str>, name: &str| {
            let mut form = reqwest::multipart::Form::new().percent_encode_noop();
            if let Some(csrf) = csrf {
                form = form.text("csrf", csrf.to_string());
            }
            form.part("file", reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name(name.to_string()))
        };
        for (name, code) in [("invoice\u{202E}fdp.exe", "U+202E"), ("reply\u{2067}.txt", "U+2067")] {
            let before = app.snapshot();
            let response = app
                .request(reqwest::Method::POST, &format!("/api/v1/requests/{id}/documents"))
                .multipart(form(None, name))
                .send()
                .await
                .unwrap();
            let (status, fields, answer) = problem(response).await;
            assert_eq!(status, unprocessable, "{answer}");
            assert_eq!(fields, ["file"], "{answer}");
            assert!(answer.to_string().contains(code), "{answer}");
            assert_eq!(app.snapshot(), before);
            let response = app
                .client
                .post(app.url(&format!("/requests/{id}/documents")))
                .multipart(form(Some(&app.csrf), name))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), unprocessable, "{name:?}");
            assert!(response.text().await.unwrap().contains(code));
            assert_eq!(app.snapshot(), before);
        }
        let response = app
            .request(reqwest::Method::POST, &format!("/api/v1/requests/{id}/documents"))
            .multipart(form(None, "réponse.txt"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "a name in UTF-8 is kept");
    }

    async fn nul_anywhere_in_a_json_body_is_named(app) {
        let home_office = app.authority("Home Office").await;
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let body = json!({"title": "T", "body": "B", "authority_id": home_office, "tags": ["ok", "a\u{0}"]});
        refused_to(&app, &app.session, "POST", "/api/v1/requests", Some(body), unprocessable, Some("tags[1]")).await;
        let body = json!({"regime": "foia", "received": "2026-01-05\u{0}"});
        refused_to(&app, &app.session, "POST", "/api/v1/deadline", Some(body), unprocessable, Some("received")).await;
        let body = json!({"title": "T", "body": "B", "authority_id": home_office, "reference": "\u{0085}"});
        refused_to(&app, &app.session, "POST", "/api/v1/requests", Some(body), unprocessable, Some("reference")).await;
    }
}
