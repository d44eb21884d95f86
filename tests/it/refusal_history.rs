//! The refusal history against a fixture of 30 requests whose every figure was worked out by
//! hand: the due date of each response (20 working days after receipt, in the union of the
//! three gov.uk lists for FOIA and in Scotland's for FOISA), the working days each first
//! response took, then each authority's and period's counts, medians (the mean of the middle
//! two of an even count), 90th percentiles (nearest rank: the ⌈0.9·n⌉-th smallest), outcomes,
//! exemption counts and overturn rates. Today is 1 June 2026. Both backends.
//!
//! The bank holidays on the way: Mon 14 Jul 2025 (Northern Ireland), Mon 4 Aug 2025
//! (Scotland), Mon 25 Aug 2025 (England, Wales, NI), Mon 1 Dec 2025 (Scotland, for St
//! Andrew's Day), 25 and 26 Dec 2025, 1 Jan 2026, Fri 2 Jan 2026 (Scotland).
//!
//! | request | response due | working days to the first response | timeliness |
//! |---|---|---|---|
//! | HO1  | 2025-09-29 | 19 | in_time |
//! | HO2  | 2025-09-29 | 29 | late |
//! | HO3  | 2025-10-06 | 19 | in_time |
//! | HO4  | 2025-10-06 | 49 | late |
//! | HO5  | 2025-10-13 | – | late |
//! | HO6  | 2025-10-13 | 20 | in_time |
//! | HO7  | 2025-11-03 | 19 | in_time |
//! | HO8  | 2025-11-03 | 20 | in_time |
//! | HO9  | 2025-11-17 | 19 | in_time |
//! | HO10 | 2025-12-02 | 33 | late |
//! | HO11 | 2025-12-09 | 19 | in_time |
//! | HO12 | 2025-12-31 | 22 | late |
//! | MJ1  | 2025-07-30 | 18 | in_time |
//! | MJ2  | 2025-08-06 | 36 | late |
//! | MJ3  | 2025-09-02 | 19 | in_time |
//! | MJ4  | 2025-09-09 | 19 | in_time |
//! | MJ5  | 2025-10-20 | 20 | in_time |
//! | MJ6  | 2025-10-29 | 20 | in_time |
//! | MJ7  | 2025-11-10 | – | late |
//! | MJ8  | 2025-12-16 | 19 | in_time |
//! | MJ9  | 2025-12-31 | 21 | late |
//! | MJ10 | 2026-01-16 | 41 | late |
//! | SG1  | 2025-08-26 | 19 | in_time |
//! | SG2  | 2025-09-15 | 19 | in_time |
//! | SG3  | 2025-10-27 | 30 | late |
//! | SG4  | 2025-11-24 | 20 | in_time |
//! | SG5  | 2025-12-23 | 20 | in_time |
//! | SG6  | 2026-01-09 | 21 | late |
//! | HO13 | 2026-06-18 | – | pending |
//! | MJ11 | 2026-05-01 | – | withdrawn |
//!
//! HO13 is still within its time (due 18 Jun 2026); MJ11 was withdrawn before its deadline,
//! so it counts as withdrawn, neither in time nor late.

use std::collections::HashMap;

use crate::support::{problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An event: kind, date, outcome, grounds cited, and its reference (for a regulator's
/// decision, the decision notice's).
type Ev = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);

/// label, authority, law, received, events.
const FIXTURE: &[(&str, &str, &str, &str, &[Ev])] = &[
    (
        "HO1",
        "Home Office",
        "foia",
        "2025-09-01",
        &[
            (
                "response",
                "2025-09-26",
                "refused",
                &["foia-s31-1-e", "foia-s40-2"],
                "",
            ),
            ("internal_review_requested", "2025-10-01", "", &[], ""),
            ("internal_review_response", "2025-10-29", "upheld", &[], ""),
            ("regulator_complaint", "2025-11-03", "", &[], ""),
            (
                "regulator_decision",
                "2026-02-20",
                "not_upheld",
                &[],
                "IC-100001-A1",
            ),
            ("tribunal_appeal", "2026-03-10", "", &[], ""),
            ("tribunal_decision", "2026-05-15", "allowed", &[], "EA/2026/0101"),
        ],
    ),
    (
        "HO2",
        "Home Office",
        "foia",
        "2025-09-01",
        &[
            ("response", "2025-10-10", "refused", &["foia-s31-1-e"], ""),
            ("internal_review_requested", "2025-10-13", "", &[], ""),
            (
                "internal_review_response",
                "2025-11-20",
                "partly_overturned",
                &[],
                "",
            ),
        ],
    ),
    (
        "HO3",
        "Home Office",
        "foia",
        "2025-09-08",
        &[("response", "2025-10-03", "granted", &[], "")],
    ),
    (
        "HO4",
        "Home Office",
        "foia",
        "2025-09-08",
        &[
            ("response", "2025-11-14", "partly_granted", &["foia-s40-2"], ""),
            ("internal_review_requested", "2025-11-17", "", &[], ""),
            ("internal_review_response", "2025-12-15", "upheld", &[], ""),
            ("regulator_complaint", "2025-12-19", "", &[], ""),
            (
                "regulator_decision",
                "2026-04-30",
                "complaint_upheld",
                &[],
                "IC-100002-B2",
            ),
        ],
    ),
    ("HO5", "Home Office", "foia", "2025-09-15", &[]),
    (
        "HO6",
        "Home Office",
        "foia",
        "2025-09-15",
        &[("response", "2025-10-13", "not_held", &[], "")],
    ),
    (
        "HO7",
        "Home Office",
        "foia",
        "2025-10-06",
        &[
            ("response", "2025-10-31", "refused", &["foia-s40-2"], ""),
            ("internal_review_requested", "2025-11-03", "", &[], ""),
            ("internal_review_response", "2025-12-01", "overturned", &[], ""),
        ],
    ),
    (
        "HO8",
        "Home Office",
        "foia",
        "2025-10-06",
        &[("response", "2025-11-03", "refused", &["foia-s12-1"], "")],
    ),
    (
        "HO9",
        "Home Office",
        "foia",
        "2025-10-20",
        &[(
            "response",
            "2025-11-14",
            "neither_confirm_nor_deny",
            &["foia-s23-5", "foia-s24-2"],
            "",
        )],
    ),
    (
        "HO10",
        "Home Office",
        "foia",
        "2025-11-03",
        &[(
            "response",
            "2025-12-19",
            "refused",
            &["foia-s31-1-e", "foia-s40-2"],
            "",
        )],
    ),
    (
        "HO11",
        "Home Office",
        "foia",
        "2025-11-10",
        &[("response", "2025-12-08", "granted", &[], "")],
    ),
    (
        "HO12",
        "Home Office",
        "foia",
        "2025-12-01",
        &[
            ("response", "2026-01-06", "partly_granted", &["foia-s40-2"], ""),
            ("response", "2026-02-02", "granted", &[], ""),
        ],
    ),
    (
        "MJ1",
        "Ministry of Justice",
        "foia",
        "2025-07-01",
        &[("response", "2025-07-28", "granted", &[], "")],
    ),
    (
        "MJ2",
        "Ministry of Justice",
        "foia",
        "2025-07-07",
        &[
            ("response", "2025-08-29", "refused", &["foia-s12-1"], ""),
            ("internal_review_requested", "2025-09-01", "", &[], ""),
            ("internal_review_response", "2025-09-26", "upheld", &[], ""),
            ("regulator_complaint", "2025-10-01", "", &[], ""),
            (
                "regulator_decision",
                "2026-01-15",
                "not_upheld",
                &[],
                "IC-200001-C3",
            ),
            ("tribunal_appeal", "2026-02-05", "", &[], ""),
            (
                "tribunal_decision",
                "2026-05-20",
                "dismissed",
                &[],
                "EA/2026/0202",
            ),
        ],
    ),
    (
        "MJ3",
        "Ministry of Justice",
        "foia",
        "2025-08-04",
        &[("response", "2025-09-01", "partly_granted", &["foia-s40-2"], "")],
    ),
    (
        "MJ4",
        "Ministry of Justice",
        "foia",
        "2025-08-11",
        &[("response", "2025-09-08", "refused", &["foia-s31-1-e"], "")],
    ),
    (
        "MJ5",
        "Ministry of Justice",
        "foia",
        "2025-09-22",
        &[(
            "response",
            "2025-10-20",
            "info_accessible_elsewhere",
            &["foia-s21-1"],
            "",
        )],
    ),
    (
        "MJ6",
        "Ministry of Justice",
        "foia",
        "2025-10-01",
        &[("response", "2025-10-29", "granted", &[], "")],
    ),
    ("MJ7", "Ministry of Justice", "foia", "2025-10-13", &[]),
    (
        "MJ8",
        "Ministry of Justice",
        "foia",
        "2025-11-17",
        &[
            ("response", "2025-12-15", "refused", &["foia-s40-2"], ""),
            ("internal_review_requested", "2025-12-17", "", &[], ""),
            (
                "internal_review_response",
                "2026-02-20",
                "partly_overturned",
                &[],
                "",
            ),
        ],
    ),
    (
        "MJ9",
        "Ministry of Justice",
        "foia",
        "2025-12-01",
        &[("response", "2026-01-05", "granted", &[], "")],
    ),
    (
        "MJ10",
        "Ministry of Justice",
        "foia",
        "2025-12-15",
        &[(
            "response",
            "2026-02-16",
            "refused",
            &["foia-s31-1-e", "foia-s40-2"],
            "",
        )],
    ),
    (
        "SG1",
        "Scottish Government",
        "foisa",
        "2025-07-28",
        &[
            ("response", "2025-08-25", "refused", &["foisa-s38-1-b"], ""),
            ("internal_review_requested", "2025-09-01", "", &[], ""),
            ("internal_review_response", "2025-09-29", "upheld", &[], ""),
            ("regulator_complaint", "2025-10-06", "", &[], ""),
            (
                "regulator_decision",
                "2026-03-02",
                "complaint_upheld",
                &[],
                "Decision 050/2026",
            ),
        ],
    ),
    (
        "SG2",
        "Scottish Government",
        "foisa",
        "2025-08-18",
        &[("response", "2025-09-12", "granted", &[], "")],
    ),
    (
        "SG3",
        "Scottish Government",
        "foisa",
        "2025-09-29",
        &[("response", "2025-11-10", "refused", &["foisa-s35-1"], "")],
    ),
    (
        "SG4",
        "Scottish Government",
        "foisa",
        "2025-10-27",
        &[("response", "2025-11-24", "partly_granted", &["foisa-s38-1-b"], "")],
    ),
    (
        "SG5",
        "Scottish Government",
        "foisa",
        "2025-11-24",
        &[("response", "2025-12-23", "granted", &[], "")],
    ),
    (
        "SG6",
        "Scottish Government",
        "foisa",
        "2025-12-08",
        &[
            (
                "response",
                "2026-01-12",
                "refused",
                &["foisa-s38-1-b", "foisa-s35-1"],
                "",
            ),
            ("internal_review_requested", "2026-01-20", "", &[], ""),
            ("internal_review_response", "2026-02-16", "overturned", &[], ""),
        ],
    ),
    ("HO13", "Home Office", "foia", "2026-05-20", &[]),
    (
        "MJ11",
        "Ministry of Justice",
        "foia",
        "2026-04-01",
        &[("withdrawn", "2026-04-10", "", &[], "")],
    ),
];

fn stage(decided: u32, overturned: u32) -> Value {
    json!({"decided": decided, "overturned": overturned, "rate": f64::from(overturned) / f64::from(decided), "other": 0})
}

/// Records the fixture through the API; returns each label's request id.
async fn load(app: &TestApp) -> HashMap<&'static str, i64> {
    let mut ids = HashMap::new();
    let mut authorities = HashMap::new();
    for (label, authority, regime, received, events) in FIXTURE {
        if !authorities.contains_key(authority) {
            authorities.insert(*authority, app.authority(authority).await);
        }
        let created = app
            .create_request(json!({
                "title": format!("{label}: figures"), "body": "Please send the figures.",
                "authority_id": authorities[authority], "regime": regime, "sent_on": received,
            }))
            .await;
        let id = created["id"].as_i64().unwrap();
        for (kind, on, outcome, grounds, reference) in *events {
            let mut event = json!({"kind": kind, "occurred_on": on, "grounds": grounds});
            if !outcome.is_empty() {
                event["outcome"] = json!(outcome);
            }
            if !reference.is_empty() {
                let field = if *kind == "regulator_decision" {
                    "decision_reference"
                } else {
                    "reference"
                };
                event[field] = json!(reference);
            }
            let response = app
                .post_json(&format!("/api/v1/requests/{id}/events"), &event)
                .await;
            let status = response.status();
            assert_eq!(
                status,
                StatusCode::CREATED,
                "{label} {event}: {}",
                response.text().await.unwrap()
            );
        }
        ids.insert(*label, id);
    }
    ids
}

/// The API's rows with each authority by name.
fn named_rows(history: &Value) -> Vec<Value> {
    history["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let mut row = row.clone();
            let id = row["authority_id"].to_string();
            let name = history["authorities"][&id].clone();
            let object = row.as_object_mut().unwrap();
            object.remove("authority_id");
            object.insert("authority".into(), name);
            row
        })
        .collect()
}

fn without_period(mut figures: Value) -> Value {
    figures.as_object_mut().unwrap().remove("period");
    figures
}

/// The labels of the requests a drill-down lists.
async fn behind(app: &TestApp, ids: &HashMap<&'static str, i64>, query: &str) -> Vec<&'static str> {
    let found = app.get_json(&format!("/api/v1/history/requests?{query}")).await;
    let mut labels: Vec<&'static str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let id = r["id"].as_i64().unwrap();
            *ids.iter().find(|(_, v)| **v == id).unwrap().0
        })
        .collect();
    labels.sort_by_key(|l| FIXTURE.iter().position(|f| f.0 == *l));
    labels
}

on_both_backends! {
    async fn every_figure_of_the_refusal_history_matches_the_fixture(app) {
        let ids = load(&app).await;
        let history = app.get_json("/api/v1/history").await;
        let expected = vec![
        json!({"authority": "Home Office", "period": "2025-Q3", "requests": 6, "in_time": 3, "in_time_beyond_norm": 0, "late": 3, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 3.0 / 6.0, "responded": 5, "median_working_days": 20.0, "p90_working_days": 49, "outcomes": {"granted": 1, "not_held": 1, "partly_granted": 1, "refused": 2}, "exemptions": {"foia-s31-1-e": 2, "foia-s40-2": 2}, "stages": {"internal_review": stage(3, 1), "regulator": stage(2, 1), "tribunal": stage(1, 1)}}),
        json!({"authority": "Home Office", "period": "2025-Q4", "requests": 6, "in_time": 4, "in_time_beyond_norm": 0, "late": 2, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 4.0 / 6.0, "responded": 6, "median_working_days": 19.5, "p90_working_days": 33, "outcomes": {"granted": 1, "neither_confirm_nor_deny": 1, "partly_granted": 1, "refused": 3}, "exemptions": {"foia-s12-1": 1, "foia-s23-5": 1, "foia-s24-2": 1, "foia-s31-1-e": 1, "foia-s40-2": 3}, "stages": {"internal_review": stage(1, 1)}}),
        json!({"authority": "Home Office", "period": "2026-Q2", "requests": 1, "in_time": 0, "in_time_beyond_norm": 0, "late": 0, "pending": 1, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": null, "responded": 0, "median_working_days": null, "p90_working_days": null, "outcomes": {}, "exemptions": {}, "stages": {}}),
        json!({"authority": "Ministry of Justice", "period": "2025-Q3", "requests": 5, "in_time": 4, "in_time_beyond_norm": 0, "late": 1, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 4.0 / 5.0, "responded": 5, "median_working_days": 19.0, "p90_working_days": 36, "outcomes": {"granted": 1, "info_accessible_elsewhere": 1, "partly_granted": 1, "refused": 2}, "exemptions": {"foia-s12-1": 1, "foia-s21-1": 1, "foia-s31-1-e": 1, "foia-s40-2": 1}, "stages": {"internal_review": stage(1, 0), "regulator": stage(1, 0), "tribunal": stage(1, 0)}}),
        json!({"authority": "Ministry of Justice", "period": "2025-Q4", "requests": 5, "in_time": 2, "in_time_beyond_norm": 0, "late": 3, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 2.0 / 5.0, "responded": 4, "median_working_days": 20.5, "p90_working_days": 41, "outcomes": {"granted": 2, "refused": 2}, "exemptions": {"foia-s31-1-e": 1, "foia-s40-2": 2}, "stages": {"internal_review": stage(1, 1)}}),
        json!({"authority": "Ministry of Justice", "period": "2026-Q2", "requests": 1, "in_time": 0, "in_time_beyond_norm": 0, "late": 0, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 1, "lapsed": 0, "in_time_share": null, "responded": 0, "median_working_days": null, "p90_working_days": null, "outcomes": {}, "exemptions": {}, "stages": {}}),
        json!({"authority": "Scottish Government", "period": "2025-Q3", "requests": 3, "in_time": 2, "in_time_beyond_norm": 0, "late": 1, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 2.0 / 3.0, "responded": 3, "median_working_days": 19.0, "p90_working_days": 30, "outcomes": {"granted": 1, "refused": 2}, "exemptions": {"foisa-s35-1": 1, "foisa-s38-1-b": 1}, "stages": {"internal_review": stage(1, 0), "regulator": stage(1, 1)}}),
        json!({"authority": "Scottish Government", "period": "2025-Q4", "requests": 3, "in_time": 2, "in_time_beyond_norm": 0, "late": 1, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 2.0 / 3.0, "responded": 3, "median_working_days": 20.0, "p90_working_days": 21, "outcomes": {"granted": 1, "partly_granted": 1, "refused": 1}, "exemptions": {"foisa-s35-1": 1, "foisa-s38-1-b": 2}, "stages": {"internal_review": stage(1, 1)}}),
        ];
        let rows = named_rows(&history);
        assert_eq!(rows.len(), expected.len(), "{rows:#?}");
        for (row, want) in rows.iter().zip(&expected) {
            assert_eq!(row, want);
        }
        let total = json!({"requests": 30, "in_time": 17, "in_time_beyond_norm": 0, "late": 11, "pending": 1, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 1, "lapsed": 0, "in_time_share": 17.0 / 28.0, "responded": 26, "median_working_days": 20.0, "p90_working_days": 36, "outcomes": {"granted": 7, "info_accessible_elsewhere": 1, "neither_confirm_nor_deny": 1, "not_held": 1, "partly_granted": 4, "refused": 12}, "exemptions": {"foia-s12-1": 2, "foia-s21-1": 1, "foia-s23-5": 1, "foia-s24-2": 1, "foia-s31-1-e": 5, "foia-s40-2": 8, "foisa-s35-1": 2, "foisa-s38-1-b": 3}, "stages": {"internal_review": stage(8, 4), "regulator": stage(4, 2), "tribunal": stage(2, 1)}});
        assert_eq!(history["total"], total);

        // By year, every authority together.
        let years = app.get_json("/api/v1/history?group=year").await;
        let periods: Vec<Value> = years["periods"].as_array().unwrap().clone();
        assert_eq!(periods, vec![
        json!({"period": "2025", "requests": 28, "in_time": 17, "in_time_beyond_norm": 0, "late": 11, "pending": 0, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 0, "lapsed": 0, "in_time_share": 17.0 / 28.0, "responded": 26, "median_working_days": 20.0, "p90_working_days": 36, "outcomes": {"granted": 7, "info_accessible_elsewhere": 1, "neither_confirm_nor_deny": 1, "not_held": 1, "partly_granted": 4, "refused": 12}, "exemptions": {"foia-s12-1": 2, "foia-s21-1": 1, "foia-s23-5": 1, "foia-s24-2": 1, "foia-s31-1-e": 5, "foia-s40-2": 8, "foisa-s35-1": 2, "foisa-s38-1-b": 3}, "stages": {"internal_review": stage(8, 4), "regulator": stage(4, 2), "tribunal": stage(2, 1)}}),
        json!({"period": "2026", "requests": 2, "in_time": 0, "in_time_beyond_norm": 0, "late": 0, "pending": 1, "awaiting_clarification": 0, "awaiting_fee": 0, "withdrawn": 1, "lapsed": 0, "in_time_share": null, "responded": 0, "median_working_days": null, "p90_working_days": null, "outcomes": {}, "exemptions": {}, "stages": {}}),
        ]);
        assert_eq!(years["total"], total);

        // Every figure drills down to the very requests it counted.
        let ho = app.authority("Home Office").await;
        assert_eq!(behind(&app, &ids, &format!("authority_id={ho}&period=2025-Q3&measure=late")).await, ["HO2", "HO4", "HO5"]);
        assert_eq!(behind(&app, &ids, &format!("authority_id={ho}&period=2025-Q3&measure=in_time")).await, ["HO1", "HO3", "HO6"]);
        assert_eq!(behind(&app, &ids, "measure=pending").await, ["HO13"]);
        assert_eq!(behind(&app, &ids, "measure=withdrawn").await, ["MJ11"]);
        assert_eq!(
            behind(&app, &ids, "measure=exemption:foia-s40-2").await,
            ["HO1", "HO4", "HO7", "HO10", "HO12", "MJ3", "MJ8", "MJ10"]
        );
        assert_eq!(behind(&app, &ids, "measure=overturned:internal_review").await, ["HO2", "HO7", "MJ8", "SG6"]);
        assert_eq!(behind(&app, &ids, "measure=decided:tribunal").await, ["HO1", "MJ2"]);
        assert_eq!(behind(&app, &ids, "measure=overturned:regulator").await, ["HO4", "SG1"]);
        assert_eq!(behind(&app, &ids, "measure=outcome:not_held").await, ["HO6"]);
        assert_eq!(behind(&app, &ids, "group=year&period=2026").await, ["HO13", "MJ11"]);

        // A filter keeps the rows it names: the Ministry of Justice, received in 2025-Q4.
        let moj = app.authority("Ministry of Justice").await;
        let filtered = app.get_json(&format!("/api/v1/history?authority_id={moj}&from=2025-10-01&to=2025-12-31")).await;
        let rows = named_rows(&filtered);
        assert_eq!(rows, vec![expected[4].clone()]);
        let mut want = expected[4].clone();
        want.as_object_mut().unwrap().remove("authority");
        assert_eq!(filtered["total"], without_period(want));
    }

    async fn a_request_waiting_for_clarification_has_a_column_of_its_own_and_the_row_adds_up(app) {
        let home_office = app.authority("Home Office").await;
        let mut asked = Vec::new();
        for (title, sent) in [("Still within time", "2026-05-20"), ("Unclear request", "2026-05-01")] {
            let created = app.create_request(json!({"title": title, "body": "B", "authority_id": home_office, "sent_on": sent})).await;
            asked.push(created["id"].as_i64().unwrap());
        }
        let clarification = app
            .post_json(&format!("/api/v1/requests/{}/events", asked[1]), &json!({"kind": "clarification_requested", "occurred_on": "2026-05-06"}))
            .await;
        assert_eq!(clarification.status(), StatusCode::CREATED, "{}", clarification.text().await.unwrap());

        let history = app.get_json("/api/v1/history").await;
        let row = &named_rows(&history)[0];
        assert_eq!((&row["authority"], &row["period"]), (&json!("Home Office"), &json!("2026-Q2")));
        assert_eq!(
            (&row["requests"], &row["in_time"], &row["late"], &row["pending"], &row["awaiting_clarification"]),
            (&json!(2), &json!(0), &json!(0), &json!(1), &json!(1))
        );
        let ids = HashMap::from([("HO13", asked[0]), ("MJ11", asked[1])]);
        assert_eq!(behind(&app, &ids, "measure=awaiting_clarification").await, ["MJ11"]);

        let page = app.text("/history").await.replace("&amp;", "&").replace("&#x3D;", "=");
        assert!(page.contains("<th scope=\"col\">Still due</th><th scope=\"col\">Awaiting clarification</th><th scope=\"col\">Awaiting a fee</th><th scope=\"col\">Withdrawn</th><th scope=\"col\">Lapsed</th>"), "{page}");
        assert!(page.contains("measure=awaiting_clarification\">1</a></td>"), "{page}");
    }

    async fn the_page_shows_the_figures_with_their_charts_and_links(app) {
        load(&app).await;
        // The page as a browser reads it, its links unescaped.
        let page = app.text("/history").await.replace("&amp;", "&").replace("&#x3D;", "=");
        // The Home Office in 2025-Q3: 6 requests, 3 in time, 3 late, 50%, median 20, p90 49,
        // 1 review of 3 overturned, 1 of 2 complaints, 1 of 1 appeals.
        assert!(page.contains("<tr><th scope=\"row\">Home Office</th><td>2025-Q3</td>"), "{page}");
        for figure in [">6</a></td>", ">3</a></td>", "<td>50%</td><td>20</td><td>49</td>", ">1</a> of <a", "(33%)", "(50%)", "(100%)"] {
            assert!(page.contains(figure), "{figure} in {page}");
        }
        for chart in ["Answered within the statutory time, by period", "Outcomes of the first response", "Exemptions cited"] {
            assert!(page.contains(&format!("-title\">{chart}</title>")), "{chart} in {page}");
        }
        assert!(page.contains("<svg class=\"chart\" role=\"img\" aria-labelledby=\"timeliness-title timeliness-desc\""), "{page}");
        assert!(page.contains("<th scope=\"row\">FOIA s.40(2)</th><td>Personal information"), "{page}");
        // The late requests of the Home Office in 2025-Q3, from the link on the page.
        let ho = app.authority("Home Office").await;
        let link = format!("/history/requests?authority_id={ho}&regime=&from=&to=&group=&period=2025-Q3&measure=late");
        assert!(page.contains(&link), "{link} in {page}");
        let listed = app.text(&link).await;
        for label in ["HO2: figures", "HO4: figures", "HO5: figures"] {
            assert!(listed.contains(label), "{label} in {listed}");
        }
        assert!(!listed.contains("HO1: figures"), "{listed}");

        // Bad filters: the form again with the error beside the field; the API names it.
        let response = app.get("/history?from=last+year").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"from-error\""), "{page}");
        let (status, fields, _) = problem(app.get("/api/v1/history?from=2026-01-01&to=2025-01-01").await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["to".to_string()]));
        let (status, fields, _) = problem(app.get("/api/v1/history/requests?measure=exemption:nothing").await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["measure".to_string()]));
    }

    async fn exports_open_in_a_csv_parser_with_the_documented_columns(app) {
        let ids = load(&app).await;
        let csv_of = |body: String| {
            let mut reader = csv::Reader::from_reader(body.as_bytes());
            let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
            let rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            (header, rows)
        };
        let get = |path: String| {
            let app = &app;
            async move {
                let response = app.get(&path).await;
                assert_eq!(response.status(), StatusCode::OK, "{path}");
                assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
                response.text().await.unwrap()
            }
        };

        let (header, rows) = csv_of(get("/history/export?dataset=requests".into()).await);
        assert_eq!(header, ["request_id", "authority", "regime", "received", "status", "response_due", "timeliness", "working_days_to_respond", "first_outcome", "title", "reference"]);
        assert_eq!(rows.len(), 30);
        let ho4 = rows.iter().find(|r| r[0] == ids["HO4"].to_string()).unwrap();
        assert_eq!(&ho4[1..9], ["Home Office", "foia", "2025-09-08", "with_regulator", "2025-10-06", "late", "49", "partly_granted"]);
        assert_eq!(ho4[9], "HO4: figures");

        let (header, rows) = csv_of(get("/history/export?dataset=responses&format=csv".into()).await);
        assert_eq!(header, ["event_id", "request_id", "occurred_on", "outcome", "grounds", "citations", "public_interest_test", "promised_on"]);
        assert_eq!(rows.len(), 27, "26 first responses and HO12's second");
        let ho1 = rows.iter().find(|r| r[1] == ids["HO1"].to_string()).unwrap();
        assert_eq!(&ho1[2..8], ["2025-09-26", "refused", "foia-s31-1-e;foia-s40-2", "FOIA s.31(1)(e); FOIA s.40(2)", "false", ""]);

        let (header, rows) = csv_of(get("/history/export?dataset=appeals".into()).await);
        assert_eq!(header, ["event_id", "request_id", "event", "occurred_on", "stage", "reference", "decision_reference", "outcome"]);
        assert_eq!(rows.len(), 28, "every event of a review, a complaint or an appeal");
        assert!(rows.iter().any(|r| r[1] == ids["HO1"].to_string() && r[2..8] == ["tribunal_decision", "2026-05-15", "tribunal", "EA/2026/0101", "", "allowed"]), "{rows:?}");

        let (header, rows) = csv_of(get(format!("/history/export?dataset=events&authority_id={}", app.authority("Scottish Government").await)).await);
        assert_eq!(header, ["event_id", "request_id", "kind", "occurred_on", "extended_to", "details"]);
        assert_eq!(rows.len(), 18, "six receipts, six responses, and SG1's and SG6's reviews and SG1's complaint");

        // The same records as JSON, from the page and the API.
        let json_rows = app.get_json("/api/v1/history/export?dataset=appeals").await;
        assert_eq!(json_rows.as_array().unwrap().len(), 28);
        assert_eq!(json_rows[0].as_object().unwrap().keys().count(), 8);
        let response = app.get("/history/export?dataset=requests&format=json").await;
        assert_eq!(response.status(), StatusCode::OK);
        let as_json: Value = response.json().await.unwrap();
        assert_eq!(as_json.as_array().unwrap().len(), 30);
        // Each JSON value has its type, and holds what the CSV cell holds.
        let (header, rows) = csv_of(get("/api/v1/history/export?dataset=responses&format=csv".into()).await);
        let typed = app.get_json("/api/v1/history/export?dataset=responses").await;
        assert_eq!(typed.as_array().unwrap().len(), rows.len());
        let column = |name: &str| header.iter().position(|h| h == name).unwrap();
        for (json_row, csv_row) in typed.as_array().unwrap().iter().zip(&rows) {
            assert_eq!(json_row["event_id"].as_i64().unwrap().to_string(), csv_row[column("event_id")]);
            assert_eq!(json_row["request_id"].as_i64().unwrap().to_string(), csv_row[column("request_id")]);
            let grounds: Vec<&str> = json_row["grounds"].as_array().unwrap().iter().map(|g| g.as_str().unwrap()).collect();
            assert_eq!(grounds.join(";"), csv_row[column("grounds")]);
            assert_eq!(json_row["public_interest_test"].as_bool().unwrap().to_string(), csv_row[column("public_interest_test")]);
            match csv_row[column("promised_on")].as_str() {
                "" => assert_eq!(json_row["promised_on"], Value::Null),
                day => assert_eq!(json_row["promised_on"], day),
            }
        }
        assert!(typed.as_array().unwrap().iter().any(|r| r["grounds"].as_array().unwrap().len() > 1), "{typed}");

        let (status, fields, _) = problem(app.get("/api/v1/history/export?dataset=everything").await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["dataset".to_string()]));

        // The API gives CSV when asked, the same as the page's export, and says so.
        let (header, rows) = csv_of(get("/api/v1/history/export?dataset=appeals&format=csv".into()).await);
        assert_eq!(header, ["event_id", "request_id", "event", "occurred_on", "stage", "reference", "decision_reference", "outcome"]);
        assert_eq!(rows.len(), 28);
        let (page_header, page_rows) = csv_of(get("/history/export?dataset=appeals&format=csv".into()).await);
        assert_eq!((header, rows), (page_header, page_rows));
        let (status, fields, _) = problem(app.get("/api/v1/history/export?dataset=appeals&format=xml").await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["format".to_string()]));
        let spec = app.get_json("/api/v1/openapi.json").await;
        let content = &spec["paths"]["/api/v1/history/export"]["get"]["responses"]["200"]["content"];
        assert!(content.get("text/csv").is_some() && content.get("application/json").is_some(), "{content}");
    }
}
