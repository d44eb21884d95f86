//! One search over requests, events and the text of every document (issue 22), through the
//! API and the page, over files made here: a PDF with a text layer, a Word document, a
//! workbook of several sheets, an email; a scan, a broken PDF and a compressed bomb named
//! .docx are marked, never fatal; nothing of another organisation's draft or subject access
//! request is found, even through a file it shares with a readable request; and no query,
//! however much it looks like FTS syntax, gives a 500. Both backends.

use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};

use crate::document_text::{bomb, zip_of};
use crate::support::{image_pdf, pdf, problem, text_pdf, Session};
use foi_tracker::db::Backend;

/// A Word document whose body is `paragraphs`.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    zip_of(&[
        ("[Content_Types].xml", "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"),
        ("word/document.xml", &document),
    ])
}

/// A workbook: a summary sheet, and the figures by country with "Albania" in C4.
fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let summary = book.add_worksheet().set_name("Summary").unwrap();
    summary
        .write_string(0, 0, "Returns of referred people, 2025")
        .unwrap();
    let countries = book.add_worksheet().set_name("By country").unwrap();
    countries.write_string(0, 0, "Quarter").unwrap();
    countries.write_string(0, 2, "Country").unwrap();
    countries.write_string(0, 3, "Returned").unwrap();
    for (row, (quarter, country, n)) in [
        ("Q1", "Vietnam", 12.0),
        ("Q1", "Eritrea", 4.0),
        ("Q2", "Albania", 31.0),
    ]
    .into_iter()
    .enumerate()
    {
        let row = row as u32 + 1;
        countries.write_string(row, 0, quarter).unwrap();
        countries.write_string(row, 2, country).unwrap();
        countries.write_number(row, 3, n).unwrap();
    }
    book.save_to_buffer().unwrap()
}

fn email() -> Vec<u8> {
    b"From: Home Office FOI <foi.responses@homeoffice.gov.uk>\r\n\
      To: foi@coalition.example\r\n\
      Subject: Your request FOI 70001\r\n\
      Date: Fri, 29 May 2026 10:00:00 +0100\r\n\
      Message-ID: <s1@homeoffice.gov.uk>\r\n\
      Content-Type: text/plain; charset=utf-8\r\n\r\n\
      Dear requester,\r\n\r\nHere are the figures you asked for. We refused the rest.\r\n"
        .to_vec()
}

async fn upload(session: &Session, request: i64, name: &str, content: Vec<u8>) -> Value {
    let response = session
        .api_upload(&format!("/api/v1/requests/{request}/documents"), name, content)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
    body
}

async fn search(session: &Session, query: &[(&str, &str)]) -> Value {
    let path = format!("/api/v1/search?{}", serde_urlencoded::to_string(query).unwrap());
    let response = session.get(&path).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The places found, as "place → link".
fn places(found: &Value) -> Vec<String> {
    found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} → {}",
                r["place"].as_str().unwrap(),
                r["link"].as_str().unwrap()
            )
        })
        .collect()
}

/// A member's document of many pages, one a body, written as the reader writes a document's
/// pages (reading thousands of real pages would only make the tests slower): the member and
/// the document's id.
async fn document_of_pages(
    app: &crate::support::TestApp,
    email: &str,
    bodies: Vec<String>,
) -> (Session, i32) {
    let me = app
        .member(email, "researcher", crate::support::ORGANISATION)
        .await;
    let id = crate::support::home_office_request(app).await;
    let document = upload(&me, id, "list.pdf", text_pdf(&["A list"])).await;
    let mut conn = app.connection();
    let request_id = id as i32;
    let access = foi_tracker::db::search::access_of(&mut conn, request_id).unwrap();
    let owner = foi_tracker::db::search::Owner {
        request_id,
        access: &access,
    };
    let pages: Vec<_> = bodies
        .into_iter()
        .enumerate()
        .map(|(n, body)| foi_tracker::db::search::Part {
            label: format!("page {}", n + 1),
            first_line: 0,
            body,
        })
        .collect();
    let document_id = document["id"].as_i64().unwrap() as i32;
    foi_tracker::db::search::replace(
        &mut conn,
        owner,
        foi_tracker::db::search::Source::Document,
        document_id,
        &pages,
    )
    .unwrap();
    (me, document_id)
}

fn unmarked(snippet: &Value) -> String {
    snippet
        .as_str()
        .unwrap_or_default()
        .replace("<mark>", "")
        .replace("</mark>", "")
}

on_both_backends! {
    async fn every_word_of_every_document_is_found_with_its_snippet_and_its_place(app) {
        let me = app.member("searcher@coalition.example", "researcher", crate::support::ORGANISATION).await;
        let home_office = app.authority("Home Office").await;
        let created = me
            .post_json("/api/v1/requests", &json!({"title": "Returns of referred people, 2025", "body": "How many people referred to the NRM were returned, by country?", "authority_id": home_office, "sent_on": "2026-05-01", "reference": "FOI 70001", "tags": ["returns"]}))
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

        let pdf_doc = upload(&me, id, "response.pdf", text_pdf(&["Detention figures for 2025", "The rest is withheld under section 31, law enforcement"])).await;
        assert_eq!(pdf_doc["text_state"], "text", "{pdf_doc}");
        let word = upload(&me, id, "letter.docx", docx(&["Dear requester,", "Safe-house places were offered to 412 people."])).await;
        let sheets = upload(&me, id, "returns.xlsx", workbook()).await;
        let response = me.api_upload(&format!("/api/v1/requests/{id}/import-email"), "reply.eml", email()).await;
        assert_eq!(response.status(), StatusCode::CREATED);

        // A page of a PDF, linked to that page.
        let found = search(&me, &[("q", "enforcement")]).await;
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(places(&found), vec![format!("response.pdf, page 2 → /documents/{}#page=2", pdf_doc["id"])]);
        assert!(found["results"][0]["snippet"].as_str().unwrap().contains("<mark>enforcement</mark>"), "{found}");
        assert_eq!(found["results"][0]["request"], "Returns of referred people, 2025");
        assert_eq!(found["results"][0]["authority"], "Home Office");

        // "safe house" finds "Safe-house", in the Word document.
        let found = search(&me, &[("q", "safe house")]).await;
        assert_eq!(places(&found), vec![format!("letter.docx → /documents/{}", word["id"])], "{found}");
        assert!(unmarked(&found["results"][0]["snippet"]).contains("Safe-house places were offered to 412 people"), "{found}");
        assert!(found["results"][0]["snippet"].as_str().unwrap().contains("<mark>"), "{found}");

        // A word of the second sheet, named by its cell.
        let found = search(&me, &[("q", "Albania")]).await;
        assert_eq!(
            places(&found),
            vec![format!("returns.xlsx, By country!C4 → /documents/{}/import?sheet=By+country", sheets["id"])],
            "{found}"
        );

        // A phrase of the email, found in the message kept as a document; the response event
        // the import recorded is found by its outcome's words.
        let found = search(&me, &[("q", "\"figures you asked\"")]).await;
        let found_places = places(&found);
        assert!(found_places.iter().any(|p| p.starts_with("reply.eml → /documents/")), "{found}");
        let found = search(&me, &[("q", "\"you figures asked\"")]).await;
        assert_eq!(found["total"], 0, "a phrase is in order: {found}");

        // Stemming: "refusals" finds "refused"; the request's own words and its tags.
        let found = search(&me, &[("q", "refusals")]).await;
        assert!(places(&found).iter().any(|p| p.starts_with("reply.eml")), "{found}");
        let found = search(&me, &[("q", "NRM country")]).await;
        assert_eq!(places(&found), vec![format!("The request → /requests/{id}")], "{found}");

        // Exclusion, and a filter on where to look.
        let all = search(&me, &[("q", "2025")]).await;
        let without = search(&me, &[("q", "2025 -detention")]).await;
        assert!(all["total"].as_i64().unwrap() > without["total"].as_i64().unwrap(), "{all} {without}");
        assert!(!places(&without).iter().any(|p| p.starts_with("response.pdf")), "{without}");
        let only_documents = search(&me, &[("q", "2025"), ("source", "document")]).await;
        assert!(!places(&only_documents).iter().any(|p| p.starts_with("The request")), "{only_documents}");
        let other_authority = search(&me, &[("q", "2025"), ("authority_id", &(home_office + 1000).to_string())]).await;
        assert_eq!(other_authority["total"], 0);

        // What cannot be read is marked, and stored all the same.
        let scan = upload(&me, id, "scan.pdf", image_pdf()).await;
        assert_eq!(scan["text_state"], "scanned", "{scan}");
        let broken = upload(&me, id, "broken.pdf", pdf("not really a PDF")).await;
        assert_eq!(broken["text_state"], "unreadable", "{broken}");
        let bomb = upload(&me, id, "bomb.docx", bomb()).await;
        assert_eq!(bomb["text_state"], "unreadable", "{bomb}");
        let page = me.text(&format!("/requests/{id}")).await;
        assert!(page.contains("No text: a scan"), "{page}");
        assert!(page.contains("Text unreadable"), "{page}");
        assert_eq!(search(&me, &[("q", "enforcement")]).await["total"], 1, "the server still searches");

        // The page: results with their marks, the box in the header of every page.
        let page = me.text("/search?q=Albania").await;
        assert!(page.contains("returns.xlsx, By country!C4"), "{page}");
        assert!(page.contains("<mark>Albania</mark>"), "{page}");
        assert!(me.text("/requests").await.contains(r#"action="/search""#));
    }
}

on_both_backends! {
    async fn no_query_gives_a_500_and_a_bad_one_names_its_field(app) {
        let home_office = app.authority("Home Office").await;
        let id = app
            .create_request(json!({"title": "Detention of victims (NEAR) \"quoted\" a:b", "body": "text * with ^ syntax", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await["id"]
            .as_i64()
            .unwrap();
        let me = app.member("syntax@coalition.example", "researcher", crate::support::ORGANISATION).await;
        for q in ["-", "\"", "NEAR(", "NEAR(a b)", "*", "x*", ":", "a:b", "title:detention", "\"unclosed", "(", ")", "^", "AND", "OR", "NOT", "detention OR", "-detention", "\u{0}", "''", "\\", "detention AND NOT", "{a}", "[b]"] {
            let path = format!("/api/v1/search?{}", serde_urlencoded::to_string([("q", q)]).unwrap());
            let response = me.get(&path).await;
            let status = response.status();
            assert!(status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY, "{q:?}: {status}");
            if status == StatusCode::UNPROCESSABLE_ENTITY {
                let (_, _, body) = problem(response).await;
                assert_eq!(body["errors"][0]["field"], "q", "{q:?}: {body}");
            }
            let page = me.get(&format!("/search?{}", serde_urlencoded::to_string([("q", q)]).unwrap())).await;
            assert!(page.status() == StatusCode::OK || page.status() == StatusCode::UNPROCESSABLE_ENTITY, "{q:?}: {}", page.status());
        }
        let found = search(&me, &[("q", "NEAR(")]).await;
        assert_eq!(places(&found), vec![format!("The request → /requests/{id}")], "the word near is found: {found}");
        // A colon is no column filter: "a:b" is the words a and b, as the title has them.
        let found = search(&me, &[("q", "a:b")]).await;
        assert_eq!(found["total"], 1, "{found}");
        // Only leaving out is not a search: the field says why, beside it on the page.
        let page = me.get("/search?q=-detention").await;
        assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = page.text().await.unwrap();
        assert!(page.contains(r#"id="q-error""#) && page.contains("leave out"), "{page}");
        let response = me.get("/api/v1/search?q=x&sent_from=2026-13-01").await;
        let (status, _, body) = problem(response).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["field"], "sent_from", "{body}");
    }
}

on_both_backends! {
    async fn nothing_of_another_organisation_s_draft_or_subject_access_request_is_found(app) {
        let home_office = app.authority("Home Office").await;
        // Ours: a subject access request holding a file, a draft, and an ordinary request.
        let sar = app
            .create_request(json!({"title": "Subject access: Zanzibar case", "body": "My file, please.", "authority_id": home_office, "regime": "sar", "sent_on": "2026-05-01", "reference": "SAR-1"}))
            .await["id"]
            .as_i64()
            .unwrap();
        let shared_file = text_pdf(&["Zanzibar interview notes of the applicant"]);
        let ours = app.member("owner@coalition.example", "researcher", crate::support::ORGANISATION).await;
        upload(&ours, sar, "notes.pdf", shared_file.clone()).await;
        // The draft's words name what the index keeps beside them to say who may read.
        let draft = app
            .create_request(json!({"title": "Draft about Zanzibar", "body": "Not sent yet, for everyone o1 o2 o3 access.", "authority_id": home_office}))
            .await;
        let draft_id = draft["id"].as_i64().unwrap();
        upload(&ours, draft_id, "plan.docx", docx(&["Zanzibar plan, for everyone to read once sent"])).await;
        // Theirs: the same file attached to a request they may read.
        let other = app.member("other@other.example", "researcher", "Other NGO").await;
        let created = other
            .post_json("/api/v1/requests", &json!({"title": "Interview practice", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
            .await;
        let theirs = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let their_copy = upload(&other, theirs, "interview.pdf", shared_file).await;
        assert_eq!(their_copy["text_state"], "text", "read once, taken from the same file: {their_copy}");

        let found = search(&other, &[("q", "Zanzibar")]).await;
        assert_eq!(found["total"], 1, "only their own copy: {found}");
        assert_eq!(places(&found), vec![format!("interview.pdf, page 1 → /documents/{}#page=1", their_copy["id"])]);
        let page = other.text("/search?q=Zanzibar").await;
        assert!(!page.contains(&format!("/requests/{sar}")) && !page.contains("Draft about"), "{page}");
        assert!(!page.contains("notes.pdf"), "{page}");

        // We find ours, with their words, and their copy, which anyone may read.
        let found = search(&ours, &[("q", "Zanzibar")]).await;
        assert_eq!(found["total"], 5, "the SAR, its file, the draft, its file and their copy: {found}");
        assert!(found["results"].as_array().unwrap().iter().any(|r| r["request_id"] == theirs), "{found}");
        assert!(found["results"].as_array().unwrap().iter().all(|r| r["snippet"].is_string()), "{found}");

        // An auditor finds the subject access request, named by its reference, without a word of it.
        let auditor = app.member("auditor@audit.example", "auditor", "Audit Org").await;
        let found = search(&auditor, &[("q", "Zanzibar"), ("regime", "sar")]).await;
        assert_eq!(found["total"], 2, "{found}");
        for result in found["results"].as_array().unwrap() {
            assert_eq!(result["request"], "Subject access request, reference SAR-1", "{result}");
            assert!(result["snippet"].is_null(), "{result}");
            assert!(!result["place"].as_str().unwrap().contains("notes.pdf"), "{result}");
        }
        let page = auditor.text("/search?q=Zanzibar&regime=sar").await;
        assert!(!page.contains("Zanzibar interview") && !page.contains("Zanzibar case"), "{page}");

        // Words that read like the index's own access tokens find nothing of the draft.
        for words in ["everyone", "o1", "o2 o3", "access"] {
            let found = search(&other, &[("q", words)]).await;
            assert_eq!(found["total"], 0, "{words}: {found}");
        }
        // Sent, the draft is anyone's to find, from that change on.
        let response = ours
            .put_json(&format!("/api/v1/requests/{draft_id}"), &json!({"title": "Draft about Zanzibar", "body": "Not sent yet, for everyone o1 o2 o3 access.", "authority_id": home_office, "regime": null, "sent_via": null, "sent_on": "2026-05-01", "reference": null, "owner_id": draft["owner_id"], "tags": []}))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let found = search(&other, &[("q", "Zanzibar")]).await;
        assert_eq!(found["total"], 3, "their copy, the request sent and its file: {found}");
        assert!(places(&found).iter().any(|p| p.starts_with("plan.docx")), "{found}");
        let found = search(&other, &[("q", "everyone")]).await;
        assert_eq!(found["total"], 2, "{found}");
        assert!(found["results"].as_array().unwrap().iter().all(|r| r["request_id"] == draft_id), "{found}");
    }
}

on_both_backends! {
    async fn the_command_line_indexes_everything_again_from_scratch(app) {
        let me = app.member("rebuild@coalition.example", "researcher", crate::support::ORGANISATION).await;
        let id = crate::support::home_office_request(&app).await;
        upload(&me, id, "letter.docx", docx(&["Reintegration support in Vietnam"])).await;
        let before = search(&me, &[("q", "reintegration")]).await;
        assert_eq!(before["total"], 1, "{before}");
        assert!(!me.text("/search?q=reintegration").await.contains("Still indexing"));
        // Forgotten, as `--from-scratch` forgets first: the page says how far indexing is.
        foi_tracker::tracker::search::forget(&mut app.connection()).unwrap();
        let page = me.text("/search?q=reintegration").await;
        assert!(page.contains("Still indexing what was stored before search existed: 0 of 1 documents and 0 of 1 requests so far."), "{page}");
        let output = tokio::task::spawn_blocking({
            let url = app.database_url.clone();
            move || {
                std::process::Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
                    .args(["index", "--from-scratch"])
                    .env_clear()
                    .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
                    .env("FOI_DATABASE_URL", url)
                    .output()
                    .unwrap()
            }
        })
        .await
        .unwrap();
        let said = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{said}{}", String::from_utf8_lossy(&output.stderr));
        assert!(said.starts_with("Indexed 1 requests and read 1 documents in "), "{said}");
        assert_eq!(search(&me, &[("q", "reintegration")]).await, before, "the same found again");
        assert!(!me.text("/search?q=reintegration").await.contains("Still indexing"));
    }
}

on_both_backends! {
    async fn past_a_thousand_places_the_most_recent_are_ranked_and_all_are_counted(app) {
        // A document of 1,001 pages that name Montenegro, its first page by far the best match.
        let mut pages = vec!["Montenegro Montenegro Montenegro: returns to Montenegro".to_string()];
        pages.extend((2..=1001).map(|_| format!("Montenegro among fifty countries, {}", "and others ".repeat(40))));
        let (me, document_id) = document_of_pages(&app, "many@coalition.example", pages).await;

        let found = search(&me, &[("q", "Montenegro")]).await;
        assert_eq!(found["total"], 1001, "every place is counted: {found}");
        assert_eq!(found["ranked"], 1000, "{found}");
        assert_eq!(found["pages"], 50, "{found}");
        let last = search(&me, &[("q", "Montenegro"), ("page", "50")]).await;
        assert_eq!(last["results"].as_array().unwrap().len(), 20, "{last}");
        let page_one = &format!("list.pdf, page 1 → /documents/{document_id}#page=1");
        for number in ["1", "50"] {
            let found = search(&me, &[("q", "Montenegro"), ("page", number)]).await;
            assert!(!places(&found).contains(page_one), "the oldest page is past the thousand ranked: {found}");
        }
        let html = me.text("/search?q=Montenegro").await;
        assert!(html.contains("1001 places found, page 1 of 50."), "{html}");
        assert!(html.contains("The 1000 most recent are ranked, best first. To reach the others, add a word or a filter."), "{html}");
        // Another word reaches it.
        let found = search(&me, &[("q", "Montenegro returns")]).await;
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(places(&found), vec![page_one.clone()]);
    }

    async fn a_word_deep_in_a_long_part_is_quoted_and_marked(app) {
        // PostgreSQL quotes from a window around the first form of a word found as written;
        // "policy" is stemmed "polici", which no form here begins with as written, and
        // "Montenégro" has an accent: both are quoted from the whole text instead.
        let filler = "The figures are taken from a live operational database. ".repeat(200);
        let body = format!("{filler}In quarter 2 there were 12 people from Montenegro. {filler}Our policy on Montenégro returns is unchanged. {filler}");
        let (me, _) = document_of_pages(&app, "deep@coalition.example", vec![body]).await;
        // (SQLite marks a phrase whole, PostgreSQL word by word.)
        for (query, words, marked) in [
            ("Montenegro", "people from Montenegro.", "<mark>Montenegro</mark>"),
            ("policy", "Our policy on", "<mark>policy</mark>"),
            ("\"quarter 2\"", "In quarter 2 there", "<mark>quarter"),
        ] {
            let found = search(&me, &[("q", query)]).await;
            let snippet = found["results"][0]["snippet"].as_str().unwrap_or_default();
            let plain = snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(plain.contains(words) && snippet.contains(marked), "{query}: {found}");
        }
    }

    async fn when_the_latest_places_hold_more_than_are_ranked_postgresql_stops_counting(app) {
        // 5,001 pages naming Montenegro, the first the best match: more than PostgreSQL's
        // first look (the latest 4,000 entries) holds.
        let mut pages = vec!["Montenegro Montenegro Montenegro: returns to Montenegro".to_string()];
        pages.extend((2..=5001).map(|n| format!("Montenegro among fifty countries, page {n}")));
        let (me, document_id) = document_of_pages(&app, "many@coalition.example", pages).await;

        let found = search(&me, &[("q", "Montenegro")]).await;
        let total = found["total"].as_i64().unwrap();
        let html = me.text("/search?q=Montenegro").await;
        match app.backend {
            Backend::Sqlite => {
                assert_eq!((total, found["at_least"].clone()), (5001, json!(false)), "{found}");
                assert!(html.contains("5001 places found, page 1 of 50."), "{html}");
            }
            Backend::Postgres => {
                // The latest 4,000 pages were counted, the 1,001 before them not.
                assert_eq!((total, found["at_least"].clone()), (4000, json!(true)), "{found}");
                assert!(html.contains("At least 4000 places found, page 1 of 50."), "{html}");
            }
        }
        assert_eq!((found["ranked"].clone(), found["pages"].clone()), (json!(1000), json!(50)), "{found}");
        // The most recent thousand are the ones ranked, whatever the backend: pages 4,002 to
        // 5,001, equally good, the oldest first.
        let oldest_ranked = format!("list.pdf, page 4002 → /documents/{document_id}#page=4002");
        assert_eq!(places(&found).first(), Some(&oldest_ranked), "{found}");
        let page_one = format!("list.pdf, page 1 → /documents/{document_id}#page=1");
        assert!(!places(&found).contains(&page_one), "{found}");
        // Another word reaches the first page, counted exactly.
        let found = search(&me, &[("q", "Montenegro returns")]).await;
        assert_eq!((found["total"].clone(), found["at_least"].clone()), (json!(1), json!(false)), "{found}");
        assert_eq!(places(&found), vec![page_one]);
    }
}
