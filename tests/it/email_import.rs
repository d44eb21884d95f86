//! An authority's reply saved as an `.eml` file becomes a response on the timeline, dated
//! from the message, with the message and each attachment as its documents. The message is
//! a real multipart email with two attachments, built with lettre. Both backends.

use crate::support;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, MultiPart, SinglePart};
use reqwest::StatusCode;

fn reply(pdf_name: &str, pdf: &[u8], csv: &[u8]) -> Vec<u8> {
    support::home_office_reply("FOI 12345: your request about returned victims")
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain(
                    "Please find attached our response.\nSection 40(2) applies to some figures.".to_string(),
                ))
                .singlepart(
                    Attachment::new(pdf_name.to_string())
                        .body(pdf.to_vec(), ContentType::parse("application/pdf").unwrap()),
                )
                .singlepart(
                    Attachment::new("table.csv".to_string())
                        .body(csv.to_vec(), ContentType::parse("text/csv").unwrap()),
                ),
        )
        .unwrap()
        .formatted()
}

on_both_backends! {
    async fn an_emailed_reply_becomes_a_response_with_its_attachments(app) {
        let id = support::home_office_request(&app).await;
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend(0..=255u8);
        let csv = b"quarter,returned\n2025Q4,14\n2026Q1,<5\n".to_vec();
        let eml = reply("figures.pdf", &pdf, &csv);

        let response = app.upload(&format!("/requests/{id}/import-email"), "reply.eml", eml.clone(), &[]).await;
        assert_eq!(support::location(&response), format!("/requests/{id}#documents"));

        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let response_event = events.as_array().unwrap().iter().find(|e| e["kind"] == "response").expect("a response event");
        assert_eq!(response_event["occurred_on"], "2026-05-28");
        let details = response_event["details"].as_str().unwrap();
        assert!(details.starts_with("Email from foi.requests@homeoffice.gov.uk: FOI 12345: your request about returned victims\n\nPlease find attached our response."), "{details}");

        let page = app.text(&format!("/requests/{id}")).await;
        for name in ["reply.eml", "figures.pdf", "table.csv"] {
            assert!(page.contains(name), "{name} listed");
        }
        let documents = support::document_ids(&page);
        assert_eq!(documents.len(), 3);
        let paths: Vec<String> = documents.iter().map(|d| format!("/documents/{d}")).collect();
        assert_eq!(app.get(&paths[0]).await.bytes().await.unwrap().to_vec(), eml);
        let pdf_back = app.get(&paths[1]).await;
        assert_eq!(pdf_back.headers()["content-type"], "application/pdf");
        assert_eq!(pdf_back.bytes().await.unwrap().to_vec(), pdf);
        assert_eq!(app.get(&paths[2]).await.bytes().await.unwrap().to_vec(), csv);
        {
            use diesel::prelude::*;
            use foi_tracker::db::schema::documents::dsl::*;
            let linked: Vec<Option<i32>> = documents.select(event_id).load(&mut app.connection()).unwrap();
            assert_eq!(linked, vec![Some(response_event["id"].as_i64().unwrap() as i32); 3], "each came with the response");
        }
    }

    async fn an_emailed_reply_is_imported_through_the_api(app) {
        let id = support::home_office_request(&app).await;
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.extend(0..=255u8);
        let eml = reply("figures.pdf", &pdf, b"quarter,returned\n2025Q4,14\n");
        let response = app.api_upload(&format!("/api/v1/requests/{id}/import-email"), "reply.eml", eml).await;
        let status = response.status();
        let imported: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{imported}");
        assert_eq!(imported["event"]["kind"], "response");
        assert_eq!(imported["event"]["occurred_on"], "2026-05-28");
        let names: Vec<&str> = imported["documents"].as_array().unwrap().iter().map(|d| d["filename"].as_str().unwrap()).collect();
        assert_eq!(names, ["reply.eml", "figures.pdf", "table.csv"]);
    }

    async fn an_email_with_a_disguised_attachment_is_refused_whole(app) {
        let id = support::home_office_request(&app).await;
        let mut program = b"\x7fELF\x02\x01\x01\x00".to_vec();
        program.resize(128, 0);
        let eml = reply("figures.pdf", &program, b"a,b\n1,2\n");
        let before = app.snapshot();
        let response = app.upload(&format!("/requests/{id}/import-email"), "reply.eml", eml, &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("The content of figures.pdf is not a PDF (it looks like a program)"), "{page}");
        assert_eq!(app.snapshot(), before, "no event, no document");
        let response = app.upload(&format!("/requests/{id}/import-email"), "notes.eml", b"just some words".to_vec(), &[]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("notes.eml is not an email message"));
        assert_eq!(app.snapshot(), before);
    }
}
