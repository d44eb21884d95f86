//! Documents uploaded to a request: stored once by content, downloaded byte for byte with
//! their type, refused with a clear message (and nothing stored) when too large or not what
//! their name says; downloads of a subject access request's documents audited. Both backends.

use crate::support;

use crate::support::TestApp;
use foi_tracker::db::Backend;
use reqwest::StatusCode;
use serde_json::json;

async fn request(app: &TestApp, regime: &str) -> i64 {
    let home_office = app.authority("Home Office").await;
    app.create_request(json!({"title": "Detention of victims", "body": "B", "authority_id": home_office, "regime": regime, "reference": "SAR-0007", "sent_on": "2026-05-01"}))
        .await["id"]
        .as_i64()
        .unwrap()
}

fn count(app: &TestApp, table: &str) -> usize {
    app.snapshot()[table].len()
}

on_both_backends! {
    async fn a_document_is_stored_once_and_downloads_byte_for_byte(app) {
        let id = request(&app, "foia").await;
        let content = support::pdf("Home Office reply");
        let response = app.upload(&format!("/requests/{id}/documents"), "HO reply 2026.pdf", content.clone(), &[("event_id", "")]).await;
        assert_eq!(support::location(&response), format!("/requests/{id}#documents"));
        // The same file again, say attached to a later event: a second document, one blob.
        app.upload(&format!("/requests/{id}/documents"), "copy.pdf", content.clone(), &[]).await;
        assert_eq!(count(&app, "documents"), 2);
        assert_eq!(count(&app, "blobs"), 1);

        let page = app.text(&format!("/requests/{id}")).await;
        let documents = support::document_ids(&page);
        assert_eq!(documents.len(), 2, "{page}");
        assert!(page.contains("HO reply 2026.pdf"));
        let response = app.get(&format!("/documents/{}", documents[0])).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(response.headers()["content-disposition"], "attachment; filename=\"HO reply 2026.pdf\"");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(response.bytes().await.unwrap().to_vec(), content);
        // Through the API: listed on the request, downloaded by id.
        let api = app.get_json(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(api["documents"][0]["filename"], "HO reply 2026.pdf");
        assert_eq!(api["documents"][0]["content_type"], "application/pdf");
        assert_eq!(api["documents"][0]["sha256"], foi_tracker::db::documents::sha256_hex(&content));
        let by_api = app.get(&format!("/api/v1/documents/{}", api["documents"][0]["id"])).await;
        assert_eq!(by_api.status(), StatusCode::OK);
        assert_eq!(by_api.bytes().await.unwrap().to_vec(), content);
    }

    async fn documents_are_added_through_the_api_with_the_same_checks(app) {
        let id = request(&app, "foia").await;
        let content = support::pdf("by the API");
        let response = app.api_upload(&format!("/api/v1/requests/{id}/documents"), "reply.pdf", content.clone()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let document: serde_json::Value = response.json().await.unwrap();
        assert_eq!(document["filename"], "reply.pdf");
        assert_eq!(document["content_type"], "application/pdf");
        let back = app.get(&format!("/api/v1/documents/{}", document["id"])).await;
        assert_eq!(back.bytes().await.unwrap().to_vec(), content);

        let before = app.snapshot();
        let mut program = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
        program.extend(std::iter::repeat_n(0u8, 512));
        let (status, fields, json) = support::problem(app.api_upload(&format!("/api/v1/requests/{id}/documents"), "figures.pdf", program).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["file".to_string()]), "{json}");
        assert_eq!(app.snapshot(), before);
    }

    async fn a_program_named_pdf_is_refused_and_nothing_is_stored(app) {
        let id = request(&app, "foia").await;
        let before = app.snapshot();
        let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00\x01\x00\x00\x00".to_vec();
        elf.extend(std::iter::repeat_n(0x90, 4096));
        let response = app.upload(&format!("/requests/{id}/documents"), "reply.pdf", elf, &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"file-error\"><span class=\"visually-hidden\">Error:</span> The content of reply.pdf is not a PDF (it looks like a program)"), "{page}");
        let response = app.upload(&format!("/requests/{id}/documents"), "setup.exe", b"MZ\x90\x00".to_vec(), &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("setup.exe is not a kind of document foi-tracker keeps"));
        let response = app.upload(&format!("/requests/{id}/documents"), "empty.csv", Vec::new(), &[]).await;
        assert!(response.text().await.unwrap().contains("empty.csv is empty"));
        assert_eq!(app.snapshot(), before);
    }

    async fn downloads_of_a_subject_access_requests_documents_are_audited(app) {
        let id = request(&app, "sar").await;
        app.upload(&format!("/requests/{id}/documents"), "my-file.pdf", support::pdf("personal"), &[]).await;
        let page = app.text(&format!("/requests/{id}")).await;
        let document = support::document_ids(&page)[0];
        for _ in 0..2 {
            assert_eq!(app.get(&format!("/documents/{document}")).await.status(), StatusCode::OK);
        }
        let admin = app.admin().await;
        let trail = admin.text(&format!("/audit?entity=document&id={document}")).await;
        assert_eq!(trail.matches(r#"<td data-label="Action">download</td>"#).count(), 2, "{trail}");
        assert!(!trail.contains("my-file.pdf"), "the name of a subject access request's file is withheld");
        // Nobody outside the organisation learns it exists.
        let outsider = app.member("outsider@partner.example", "researcher", "Partner NGO").await;
        assert_eq!(outsider.get(&format!("/documents/{document}")).await.status(), StatusCode::NOT_FOUND);
    }
}

async fn over_the_limit_is_refused_and_nothing_is_stored(backend: Backend) {
    let settings = foi_tracker::config::Settings {
        today: Some(support::date(support::TODAY)),
        max_upload_bytes: 64 * 1024,
        ..Default::default()
    };
    let Some(app) = TestApp::start_with(backend, settings).await else {
        return eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
    };
    let id = request(&app, "foia").await;
    let before = app.snapshot();
    let mut big = support::pdf("large");
    big.resize(64 * 1024 + 1, b' ');
    let response = app
        .upload(&format!("/requests/{id}/documents"), "big.pdf", big, &[])
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("big.pdf is 0.1 MB; documents can be at most 0.1 MB"),
        "{page}"
    );
    assert!(page.contains("id=\"file-error\""), "beside the field: {page}");
    // Far over the limit, the upload is cut off while it is read.
    let response = app
        .upload(
            &format!("/requests/{id}/documents"),
            "huge.pdf",
            vec![b'%'; 2 * 1024 * 1024],
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.snapshot(), before);
    let mut exact = support::pdf("exact");
    exact.resize(64 * 1024, b' ');
    let response = app
        .upload(&format!("/requests/{id}/documents"), "exact.pdf", exact, &[])
        .await;
    assert_eq!(
        support::location(&response),
        format!("/requests/{id}#documents"),
        "the limit itself is allowed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_limit_is_refused_on_sqlite() {
    over_the_limit_is_refused_and_nothing_is_stored(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_limit_is_refused_on_postgres() {
    over_the_limit_is_refused_and_nothing_is_stored(Backend::Postgres).await;
}
