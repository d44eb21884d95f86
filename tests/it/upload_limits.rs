//! Uploads are refused before their body is read when the caller may not make them, and a
//! page's form must carry its CSRF token first (issue 14, finding 2); an email cannot carry
//! more attachments than a reply has, and a database held by another writer answers 503 with
//! Retry-After, never 500 (finding 3). Both backends.

use crate::support;

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};
use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Announces a 25 MB multipart upload to `path`, sends its first 64 KiB only, and returns the
/// status line of the answer: a server that waited for the whole body would never answer.
async fn partial_upload(app: &support::TestApp, path: &str, headers: &str) -> String {
    let host = app.address.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let announced = 25 * 1024 * 1024;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\n{headers}Content-Type: multipart/form-data; boundary=XXXX\r\nContent-Length: {announced}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut body = b"--XXXX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n".to_vec();
    body.resize(64 * 1024, b'x');
    stream.write_all(&body).await.unwrap();
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
        .await
        .expect("the server answered without waiting for the rest of the body")
        .unwrap();
    let text = String::from_utf8_lossy(&answer[..read]).to_string();
    text.lines().next().unwrap_or_default().to_string()
}

/// A reply with `count` small CSV attachments.
fn reply_with(count: usize) -> Vec<u8> {
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain("Please find attached.".to_string()));
    for n in 0..count {
        parts = parts.singlepart(Attachment::new(format!("table-{n}.csv")).body(
            format!("quarter,returned\n2025Q{},{n}\n", n % 4 + 1),
            ContentType::parse("text/csv").unwrap(),
        ));
    }
    support::home_office_reply("FOI 12345")
        .multipart(parts)
        .unwrap()
        .formatted()
}

on_both_backends! {
    async fn an_upload_from_someone_who_may_not_make_it_is_refused_before_its_body_is_read(app) {
        let id = support::home_office_request(&app).await;
        let outsider = app.member("outsider@elsewhere.example", "researcher", "Another NGO").await;
        let before = app.snapshot();
        let started = Instant::now();
        for path in [format!("/api/v1/requests/{id}/documents"), format!("/api/v1/requests/{id}/import-email")] {
            let status = partial_upload(&app, &path, "").await;
            assert!(status.contains(" 401 "), "anonymous API upload to {path}: {status}");
        }
        // A page's upload without a session goes to sign in.
        for path in [format!("/requests/{id}/documents"), format!("/requests/{id}/import-email")] {
            let status = partial_upload(&app, &path, "").await;
            assert!(status.contains(" 303 "), "anonymous page upload to {path}: {status}");
        }
        // Signed in, but of another organisation: refused as well, before the body.
        let auth = format!("Authorization: Bearer {}\r\n", outsider.token);
        let status = partial_upload(&app, &format!("/api/v1/requests/{id}/documents"), &auth).await;
        assert!(status.contains(" 404 ") || status.contains(" 403 "), "{status}");
        assert!(started.elapsed() < Duration::from_secs(15), "refused quickly");
        assert_eq!(app.snapshot(), before, "nothing stored");
    }

    async fn a_form_whose_first_part_is_not_its_token_is_refused(app) {
        let id = support::home_office_request(&app).await;
        let before = app.snapshot();
        let file = reqwest::multipart::Part::bytes(b"quarter,returned\n2025Q4,14\n".to_vec()).file_name("table.csv");
        let form = reqwest::multipart::Form::new().part("file", file).text("csrf", app.csrf.clone());
        let response = app.client.post(app.url(&format!("/requests/{id}/documents"))).multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("This form has expired or did not come from this site"));
        assert_eq!(app.snapshot(), before, "nothing stored");
        // With the token first, as the page's form sends it, the same file is kept.
        let response = app.upload(&format!("/requests/{id}/documents"), "table.csv", b"quarter,returned\n2025Q4,14\n".to_vec(), &[]).await;
        assert_eq!(support::location(&response), format!("/requests/{id}#documents"));
    }

    async fn an_email_with_more_attachments_than_a_reply_has_is_refused_whole(app) {
        let id = support::home_office_request(&app).await;
        let before = app.snapshot();
        let response = app.api_upload(&format!("/api/v1/requests/{id}/import-email"), "reply.eml", reply_with(101)).await;
        let status = response.status();
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "file");
        assert_eq!(
            problem["errors"][0]["message"],
            "reply.eml has 101 attachments; a reply can be imported with at most 100: save the attachments and upload the ones that matter"
        );
        assert_eq!(app.snapshot(), before, "no event, no document");
        // A hundred is a reply.
        let response = app.api_upload(&format!("/api/v1/requests/{id}/import-email"), "reply.eml", reply_with(100)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let imported: serde_json::Value = response.json().await.unwrap();
        assert_eq!(imported["documents"].as_array().unwrap().len(), 101, "the message and its attachments");
    }

    async fn a_database_held_by_another_writer_answers_busy_with_retry_after(app) {
        let authority = app.authority("Home Office").await;
        let body = json!({"title": "Held", "body": "B", "authority_id": authority, "sent_on": "2026-05-01"});
        let mut holder = app.connection();
        match support::is_postgres(&app) {
            true => holder.batch_execute("BEGIN; LOCK TABLE register_version IN EXCLUSIVE MODE").unwrap(),
            false => holder.batch_execute("BEGIN IMMEDIATE").unwrap(),
        }
        let response = app.post_json("/api/v1/requests", &body).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["retry-after"], "5");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = response.json().await.unwrap();
        assert_eq!(problem["detail"], "the database is busy; please try again in a moment");
        holder.batch_execute("ROLLBACK").unwrap();
        let response = app.post_json("/api/v1/requests", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "once the other writer is done");
    }
}
