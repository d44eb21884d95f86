//! The open data: public downloads of every verified figure as tidy CSV and JSON, described by
//! a Frictionless Data Package that the real validator (`frictionless`, from PyPI) accepts;
//! nothing unverified and nothing from a draft. Both backends.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{browser, TestApp};

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
        let names: Vec<&str> = foi_tracker::tracker::demands::OPEN_COLUMNS.iter().map(|c| c.0).collect();
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
}
