//! Importing figures from a response's table: a real XLSX workbook (written by
//! rust_xlsxwriter, with a notes sheet before the table) through the API, and a real CSV file
//! through the pages. The preview lists every figure and names each bad row; while one row is
//! wrong the import writes nothing; once it is right every figure is written, unverified, in
//! one go, and a second import of the same table is refused. Both backends.

use crate::support;

use crate::support::{problem, Session, TestApp};
use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;
use serde_json::{json, Value};

/// A request to the Home Office with its response, and a document of that response.
async fn response_with(app: &TestApp, file_name: &str, content: Vec<u8>) -> (i64, i64, i64) {
    let home_office = app.authority("Home Office").await;
    let id = app
        .create_request(json!({"title": "NRM referrals by nationality, 2024", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"}))
        .await["id"]
        .as_i64()
        .unwrap();
    let added = app
        .post_json(
            &format!("/api/v1/requests/{id}/events"),
            &json!({"kind": "response", "occurred_on": "2026-04-28", "outcome": "granted"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let event = added.json::<Value>().await.unwrap()["event"]["id"]
        .as_i64()
        .unwrap();
    let event_text = event.to_string();
    let response = app
        .upload(
            &format!("/requests/{id}/documents"),
            file_name,
            content,
            &[("event_id", event_text.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let request = app.get_json(&format!("/api/v1/requests/{id}")).await;
    let document = request["documents"][0]["id"].as_i64().unwrap();
    (id, event, document)
}

/// The Home Office's table as released: a notes sheet, then "Table 2" with its headings in
/// rows 1 to 3, figures from row 4, an empty spacer row 7, a bad cell in C8 and a total in
/// row 9.
fn workbook() -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes
        .write_string(0, 0, "Figures are provisional and subject to change.")
        .unwrap();
    let table = book.add_worksheet();
    table.set_name("Table 2").unwrap();
    table
        .write_string(0, 0, "Table 2: NRM referrals by nationality")
        .unwrap();
    table.write_string(2, 0, "Quarter").unwrap();
    table.write_string(2, 1, "Nationality").unwrap();
    table.write_string(2, 2, "Referrals").unwrap();
    let rows: [(u32, &str, &str, Option<f64>, &str); 5] = [
        (3, "2024 Q1", "Albanian", Some(1256.0), ""),
        (4, "2024 Q1", "Vietnamese", None, "<5"),
        (5, "2024 Q2", "Albanian", Some(98.0), ""),
        (7, "2024 Q2", "Vietnamese", None, "n/a"),
        (8, "2024", "Total", Some(1400.0), ""),
    ];
    for (row, quarter, nationality, number, text) in rows {
        table.write_string(row, 0, quarter).unwrap();
        table.write_string(row, 1, nationality).unwrap();
        match number {
            Some(n) => table.write_number(row, 2, n).unwrap(),
            None => table.write_string(row, 2, text).unwrap(),
        };
    }
    book.save_to_buffer().unwrap()
}

fn spec(skip_rows: &str) -> Value {
    json!({
        "sheet": "Table 2", "first_row": "4", "value_column": "C", "period_column": "A",
        "breakdown_columns": "B = nationality", "skip_rows": skip_rows, "indicator_id": "D1.1",
        "definition": "Referrals to the National Referral Mechanism, by nationality", "definition_match": "matches",
    })
}

fn figures(app: &TestApp) -> Vec<String> {
    app.snapshot()["figures"].clone()
}

async fn preview(app: &Session, document: i64, body: &Value) -> Value {
    let response = app
        .post_json(&format!("/api/v1/documents/{document}/import/preview"), body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

on_both_backends! {
    async fn an_xlsx_table_is_previewed_with_its_bad_row_and_imported_all_or_nothing(app) {
        let (id, event, document) = response_with(&app, "NRM referrals 2024.xlsx", workbook()).await;

        // The preview: every row from 4, the spacer row passed over, the bad row named.
        let shown = preview(&app.session, document, &spec("")).await;
        assert_eq!(shown["sheets"], json!(["Notes", "Table 2"]));
        assert_eq!(shown["sheet"], "Table 2");
        let rows: Vec<i64> = shown["rows"].as_array().unwrap().iter().map(|r| r["row"].as_i64().unwrap()).collect();
        assert_eq!(rows, vec![4, 5, 6, 8, 9]);
        assert_eq!((shown["figures"].as_i64(), shown["errors"].as_i64()), (Some(4), Some(1)));
        assert_eq!(shown["rows"][0]["figure"], json!({
            "indicator_id": "D1.1", "value": "1256", "suppressed": null, "unit": "people",
            "period_start": "2024-01-01", "period_end": "2024-03-31", "breakdown": "nationality=Albanian",
            "location": "Table 2!C4",
        }));
        assert_eq!(shown["rows"][1]["figure"]["suppressed"], "<5");
        assert_eq!(shown["rows"][1]["figure"]["value"], Value::Null);
        assert_eq!(shown["rows"][3]["errors"], json!(["C: \"n/a\" says there is no figure here (not available, not applicable or a note): leave the row out"]));
        assert_eq!(shown["rows"][3]["figure"], Value::Null);
        // The total row: "Total" leaves the dimension out, and the period is the year.
        assert_eq!(shown["rows"][4]["figure"]["breakdown"], "");
        assert_eq!(shown["rows"][4]["figure"]["period_end"], "2024-12-31");

        // While row 8 is wrong, the import writes nothing and names the row.
        let before = app.snapshot();
        let (status, fields, body) = problem(app.post_json(&format!("/api/v1/documents/{document}/import"), &spec("9")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(fields, vec!["rows[8]"]);
        assert!(body.to_string().contains("Row 8: C: \\\"n/a\\\" says there is no figure here"), "{body}");
        assert_eq!(app.snapshot(), before);

        // Leaving out the bad row and the total: three figures, unverified, citing the cell.
        let response = app.post_json(&format!("/api/v1/documents/{document}/import"), &spec("8-9")).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let written: Vec<Value> = response.json().await.unwrap();
        assert_eq!(written.len(), 3);
        for figure in &written {
            assert_eq!(figure["request_id"], id);
            assert_eq!(figure["event_id"], event);
            assert_eq!(figure["document_id"], document);
            assert_eq!(figure["source_kind"], "request");
            assert!(figure["verified_at"].is_null());
        }
        assert_eq!(written[2]["location"], "Table 2!C6");
        assert_eq!(written[2]["value"], "98");
        assert_eq!(figures(&app).len(), 3);
        let trail = app.admin().await.text("/audit?entity=figure").await;
        assert_eq!(trail.matches("Table 2!C").count(), 3, "each figure is audited: {trail}");

        // The same table again: refused row by row, nothing written twice.
        let (status, fields, _) = problem(app.post_json(&format!("/api/v1/documents/{document}/import"), &spec("8-9")).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields, vec!["rows[4]", "rows[5]", "rows[6]"]);
        assert_eq!(figures(&app).len(), 3);

        // Checked by someone else, the 2024 Q1 figure is on the scorecard: released in part,
        // as it counts Albanian nationals only and the total is missing.
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        let verified = checker.post_json(&format!("/api/v1/figures/{}/verify", written[0]["id"]), &json!({})).await;
        assert_eq!(verified.status(), StatusCode::OK);
        let view = support::browser().get(app.url("/api/v1/indicators/D1.1")).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(view["breakdowns"][0]["value"], "1256", "{view}");
        assert_eq!(view["breakdowns"][0]["breakdown"], "nationality=Albanian");
        let q1 = view["cells"].as_array().unwrap().iter().find(|c| c["quarter"] == "2024-Q1").unwrap();
        assert_eq!(q1["state"], "released_in_part", "{q1}");
        assert_eq!(q1["missing"], json!(["No total: only broken down (nationality=Albanian)"]), "{q1}");
    }

    async fn a_layout_that_does_not_fit_is_said_beside_its_field(app) {
        let (_, _, document) = response_with(&app, "NRM referrals 2024.xlsx", workbook()).await;
        let before = app.snapshot();
        let mut wrong = spec("");
        wrong["value_column"] = json!("7");
        wrong["first_row"] = json!("");
        wrong["indicator_id"] = json!("D9.9");
        wrong["period_column"] = json!("");
        let (status, fields, _) = problem(app.post_json(&format!("/api/v1/documents/{document}/import"), &wrong).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields, vec!["indicator_id", "first_row", "value_column", "period_column"]);
        let mut sheet = spec("");
        sheet["sheet"] = json!("Table 9");
        let (status, fields, body) = problem(app.post_json(&format!("/api/v1/documents/{document}/import/preview"), &sheet).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["sheet".to_string()]));
        assert!(body.to_string().contains("has no sheet called Table 9"), "{body}");
        assert_eq!(app.snapshot(), before);

        // Rows past the end of the sheet, and any number of rows left out, cost only the sheet.
        let mut far = spec("1-18446744073709551615");
        far["last_row"] = json!("18446744073709551615");
        far["skip_rows"] = json!("5, 7-8, 9-18446744073709551615");
        let shown = preview(&app.session, document, &far).await;
        assert_eq!(shown["rows"].as_array().unwrap().len(), 2, "{shown}");
        assert_eq!(shown["figures"], 2);

        // A PDF is not a table; an unknown document is 404.
        let (_, _, pdf) = response_with(&app, "reply.pdf", b"%PDF-1.7\n%%EOF\n".to_vec()).await;
        let (status, fields, _) = problem(app.post_json(&format!("/api/v1/documents/{pdf}/import/preview"), &spec("")).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["document".to_string()]));
        let page = app.get(&format!("/documents/{pdf}/import")).await;
        assert_eq!(page.status(), StatusCode::CONFLICT);
        assert!(page.text().await.unwrap().contains("reply.pdf is not a table"));
        let (status, _, _) = problem(app.post_json("/api/v1/documents/9999/import/preview", &spec("")).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn a_csv_table_is_imported_from_the_pages(app) {
        let csv = "Period,Sex,Returned\n2025 Q1,Female,12\n2025 Q1,Male,\"1,031\"\n2025 Q2,Female,unknown\n2025 Q2,Male,[c]\n";
        let (id, _, document) = response_with(&app, "returns.csv", csv.as_bytes().to_vec()).await;
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains(&format!("<a href=\"/documents/{document}/import\">Import figures from this table</a>")), "{page}");

        // The sheet is shown with row numbers and column letters to point at.
        let page = app.text(&format!("/documents/{document}/import")).await;
        assert!(page.contains("<th scope=\"col\">A</th><th scope=\"col\">B</th><th scope=\"col\">C</th>"), "{page}");
        assert!(page.contains("<tr><th scope=\"row\">3</th><td>2025 Q1</td><td>Male</td><td>1,031</td></tr>"), "{page}");

        let form = |action: &'static str, skip: &'static str| -> Vec<(&'static str, &'static str)> {
            vec![
                ("sheet", "returns.csv"), ("value_column", "C"), ("first_row", "2"), ("last_row", ""),
                ("skip_rows", skip), ("period_column", "A"), ("period_start", ""), ("period_end", ""),
                ("breakdown_columns", "B = sex"), ("breakdown", ""), ("indicator_id", "D3.1"), ("unit", ""),
                ("definition", "Enforced returns of people with a positive conclusive grounds decision"),
                ("definition_match", "comparable"), ("caveats", "Provisional"), ("action", action),
            ]
        };
        let path = format!("/documents/{document}/import");
        let response = app.post_form(&path, &form("preview", "")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        assert!(page.contains("3 figures, and <strong>1 rows with a problem</strong>"), "{page}");
        assert!(page.contains("Row 4: C: &quot;unknown&quot; is neither a number nor a suppression marker"), "{page}");
        assert!(page.contains("<td>C3</td><td>2025-01-01 to 2025-03-31</td><td>sex&#x3D;Male</td><td>1031 people</td>"), "{page}");
        assert!(!page.contains("value=\"import\""), "no import button while a row is wrong");

        // Imported anyway: nothing is written, and the page says so beside the rows.
        let before = app.snapshot();
        let response = app.post_form(&path, &form("import", "")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("Nothing was imported: 1 rows have a problem."), "{page}");
        assert!(page.contains("<tr id=\"row-4\" class=\"has-error\">"), "{page}");
        assert_eq!(app.snapshot(), before);

        // A mistake in the layout is shown beside its field.
        let mut wrong = form("preview", "");
        wrong[1] = ("value_column", "3");
        let response = app.post_form(&path, &wrong).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"value_column-error\""), "{page}");

        // Row 4 left out: the preview offers the import, and the import writes three figures.
        let page = app.post_form(&path, &form("preview", "4")).await.text().await.unwrap();
        assert!(page.contains("<button type=\"submit\" name=\"action\" value=\"import\">Import 3 figures</button>"), "{page}");
        let response = app.post_form(&path, &form("import", "4")).await;
        assert_eq!(support::location(&response), "/figures?imported=3");
        let list = app.text("/figures?imported=3").await;
        assert!(list.contains("3 figures were imported."), "{list}");
        assert_eq!(figures(&app), vec!["1|D3.1|12|", "2|D3.1|1031|", "3|D3.1|[c]|"]);
        let written = app.get_json("/api/v1/indicators/D3.1").await;
        let breakdowns: Vec<&str> = written["unverified"].as_array().unwrap().iter().map(|f| f["breakdown"].as_str().unwrap()).collect();
        assert_eq!(breakdowns, vec!["sex=Female", "sex=Male", "sex=Male"]);
    }

    async fn a_spreadsheet_built_to_exhaust_the_reader_is_a_clear_422_and_the_server_goes_on(app) {
        let expected = [
            ("shared-strings.xlsx", "document", "shared-strings.xlsx is too large or complex to read"),
            ("dimensions.xls", "document", "dimensions.xls is too large or complex to read"),
            ("long-string.xlsx", "sheet", "long-string.xlsx has more than 100000 rows, 300 columns, 1000000 cells or 16 MB of text in the sheet"),
            // calamine counts the repeats before it expands them, and refuses the file itself.
            ("repeats.ods", "sheet", "repeats.ods is not a readable spreadsheet"),
        ];
        for ((name, content), (expected_name, field, message)) in support::hostile::crafted().into_iter().zip(expected) {
            assert_eq!(name, expected_name);
            let (_, _, document) = response_with(&app, name, content).await;
            let before = app.snapshot();
            let mut first_sheet = spec("");
            first_sheet["sheet"] = json!("");
            for _ in 0..2 {
                let (status, fields, body) = problem(app.post_json(&format!("/api/v1/documents/{document}/import/preview"), &first_sheet).await).await;
                assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_string()]), "{name}: {body}");
                assert!(body["errors"][0]["message"].as_str().unwrap().starts_with(message), "{name}: {body}");
            }
            // The stored file does not stop the next visitor: the import page says so too.
            let page = app.get(&format!("/documents/{document}/import")).await;
            assert!(page.status().is_client_error(), "{name}: {}", page.status());
            assert!(page.text().await.unwrap().contains(message), "{name}");
            assert_eq!(app.snapshot(), before, "nothing written");
            assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
        }
    }
}
