//! The numbers the coalition publishes, checked against a fixture of 64 requests to four
//! authorities under FOIA, EIR and FOISA, built through the API as researchers would: every
//! case that once told a wrong story, with the scorecard expected written out by hand here.
//! Each request asks for its own indicator and year, so that each cell rests on one request.
//! Both backends; today is 1 June 2026.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{browser, TestApp};

/// What happens to one request, and what the scorecard must then show for the four quarters
/// of the year it asks for.
#[derive(Clone, Copy, Debug)]
enum Case {
    /// Granted, and the four quarterly totals entered and verified.
    Released,
    /// Granted, no figure entered yet.
    GrantedNotEntered,
    /// Refused, then overturned on internal review.
    OverturnedOnReview,
    /// Refused, upheld on review, then the Commissioner upheld the complaint.
    OverturnedByCommissioner,
    /// Refused and upheld on review.
    RefusedUpheld,
    /// Refused in June, released in August, the August release entered first.
    ReleaseEnteredBeforeRefusal,
    /// Withdrawn by the coalition before an answer.
    Withdrawn,
    NotHeld,
    PointedElsewhere,
    /// Sent in January 2026, never answered.
    Overdue,
    /// Sent on 20 May 2026: within time today.
    Awaiting,
    /// Granted; only January's total entered.
    OneMonthOfThree,
    /// Granted; only the women's figures entered, quarter by quarter.
    WomenOnly,
    /// Never answered; the Commissioner upheld a complaint about the delay.
    DelayComplaintUpheld,
    /// Granted; the year's total for an indicator asked for by year.
    YearlyIndicatorYearTotal,
    /// Granted; the year's total for an indicator asked for by quarter.
    QuarterlyIndicatorYearTotal,
}

const CASES: [Case; 16] = [
    Case::Released,
    Case::GrantedNotEntered,
    Case::OverturnedOnReview,
    Case::OverturnedByCommissioner,
    Case::RefusedUpheld,
    Case::ReleaseEnteredBeforeRefusal,
    Case::Withdrawn,
    Case::NotHeld,
    Case::PointedElsewhere,
    Case::Overdue,
    Case::Awaiting,
    Case::OneMonthOfThree,
    Case::WomenOnly,
    Case::DelayComplaintUpheld,
    Case::YearlyIndicatorYearTotal,
    Case::QuarterlyIndicatorYearTotal,
];

/// An authority, the law its requests go under, and the grounds its refusals cite.
struct Law {
    authority: &'static str,
    regime: &'static str,
    refusal: &'static str,
    refusal_citation: &'static str,
    elsewhere: &'static str,
}

const LAWS: [Law; 4] = [
    Law {
        authority: "Home Office",
        regime: "foia",
        refusal: "foia-s31-1-a",
        refusal_citation: "FOIA s.31(1)(a)",
        elsewhere: "foia-s21-1",
    },
    Law {
        authority: "Ministry of Justice",
        regime: "foia",
        refusal: "foia-s40-2",
        refusal_citation: "FOIA s.40(2)",
        elsewhere: "foia-s21-1",
    },
    Law {
        authority: "Cabinet Office",
        regime: "eir",
        refusal: "eir-r12-5-a",
        refusal_citation: "EIR reg 12(5)(a)",
        // The catalogue has no ground for reg 6(1)(b): the answer cites none.
        elsewhere: "",
    },
    Law {
        authority: "Scottish Government",
        regime: "foisa",
        refusal: "foisa-s38-1-b",
        refusal_citation: "FOISA s.38(1)(b)",
        elsewhere: "foisa-s25-1",
    },
];

const QUARTERLY: [&str; 11] = [
    "D1.1", "D1.2", "D1.3", "D1.4", "D1.5", "D1.6", "D1.7", "D1.8", "D2.1", "D2.2", "D2.3",
];
const YEARLY: [&str; 4] = ["D2.4", "D2.5", "D3.1", "D3.2"];

/// The expected states of the year's four quarters, and what each cell says beside its state
/// (the grounds of a refusal, or what a release in part is missing), written by hand from
/// the definitions in `src/domain/scorecard.rs`.
fn expected(case: Case, law: &Law, year: i32) -> [(&'static str, Vec<String>); 4] {
    let all = |state: &'static str| std::array::from_fn(|_| (state, Vec::new()));
    match case {
        Case::Released | Case::YearlyIndicatorYearTotal => all("released"),
        Case::QuarterlyIndicatorYearTotal => all("released_in_aggregate"),
        Case::GrantedNotEntered | Case::ReleaseEnteredBeforeRefusal => all("granted_not_entered"),
        Case::OverturnedOnReview | Case::OverturnedByCommissioner => all("refusal_overturned"),
        Case::RefusedUpheld => std::array::from_fn(|_| ("refused", vec![law.refusal_citation.to_string()])),
        Case::Withdrawn => all("withdrawn"),
        Case::NotHeld => all("not_held"),
        Case::PointedElsewhere => all("pointed_elsewhere"),
        Case::Overdue | Case::DelayComplaintUpheld => all("overdue"),
        Case::Awaiting => all("awaiting"),
        Case::OneMonthOfThree => [
            (
                "released_in_part",
                vec![format!("No figure for 1 Feb {year} to 31 Mar {year}")],
            ),
            ("granted_not_entered", Vec::new()),
            ("granted_not_entered", Vec::new()),
            ("granted_not_entered", Vec::new()),
        ],
        Case::WomenOnly => std::array::from_fn(|_| {
            (
                "released_in_part",
                vec!["No total: only broken down (sex=female)".to_string()],
            )
        }),
    }
}

fn response(on: &str, outcome: &str, grounds: &[&str]) -> Value {
    json!({"kind": "response", "occurred_on": on, "outcome": outcome, "grounds": grounds})
}

fn decided(kind: &str, on: &str, outcome: &str) -> Value {
    json!({"kind": kind, "occurred_on": on, "outcome": outcome})
}

fn event(kind: &str, on: &str) -> Value {
    json!({"kind": kind, "occurred_on": on})
}

/// The date the request was sent, and its events in the order they are entered.
fn life(case: Case, law: &Law) -> (&'static str, Vec<Value>) {
    let refused = response("2025-02-03", "refused", &[law.refusal]);
    let review = event("internal_review_requested", "2025-02-10");
    let granted = response("2025-02-03", "granted", &[]);
    match case {
        Case::Released
        | Case::GrantedNotEntered
        | Case::OneMonthOfThree
        | Case::WomenOnly
        | Case::YearlyIndicatorYearTotal
        | Case::QuarterlyIndicatorYearTotal => ("2025-01-06", vec![granted]),
        Case::OverturnedOnReview => (
            "2025-01-06",
            vec![
                refused,
                review,
                decided("internal_review_response", "2025-03-03", "overturned"),
            ],
        ),
        Case::OverturnedByCommissioner => (
            "2025-01-06",
            vec![
                refused,
                review,
                decided("internal_review_response", "2025-03-03", "upheld"),
                event("regulator_complaint", "2025-03-17"),
                decided("regulator_decision", "2025-11-03", "complaint_upheld"),
            ],
        ),
        Case::RefusedUpheld => (
            "2025-01-06",
            vec![
                refused,
                review,
                decided("internal_review_response", "2025-03-03", "upheld"),
            ],
        ),
        Case::ReleaseEnteredBeforeRefusal => (
            "2025-05-06",
            vec![
                response("2025-08-15", "granted", &[]),
                response("2025-06-02", "refused", &[law.refusal]),
            ],
        ),
        Case::Withdrawn => ("2025-01-06", vec![event("withdrawn", "2025-01-20")]),
        Case::NotHeld => ("2025-01-06", vec![response("2025-02-03", "not_held", &[])]),
        Case::PointedElsewhere => (
            "2025-01-06",
            vec![response(
                "2025-02-03",
                "info_accessible_elsewhere",
                &[law.elsewhere]
                    .into_iter()
                    .filter(|g| !g.is_empty())
                    .collect::<Vec<_>>(),
            )],
        ),
        Case::Overdue => ("2026-01-05", vec![]),
        Case::Awaiting => ("2026-05-20", vec![]),
        Case::DelayComplaintUpheld => (
            "2026-01-05",
            vec![
                event("regulator_complaint", "2026-03-02"),
                decided("regulator_decision", "2026-05-11", "complaint_upheld"),
            ],
        ),
    }
}

/// The verified figures entered for the request's indicator and year.
fn figures(case: Case, year: i32) -> Vec<(String, String, &'static str)> {
    let quarter = |q: usize| {
        let (from, to) = [
            ("01-01", "03-31"),
            ("04-01", "06-30"),
            ("07-01", "09-30"),
            ("10-01", "12-31"),
        ][q];
        (format!("{year}-{from}"), format!("{year}-{to}"))
    };
    match case {
        Case::Released => (0..4).map(|q| (quarter(q).0, quarter(q).1, "")).collect(),
        Case::WomenOnly => (0..4)
            .map(|q| (quarter(q).0, quarter(q).1, "sex=female"))
            .collect(),
        Case::OneMonthOfThree => vec![(format!("{year}-01-01"), format!("{year}-01-31"), "")],
        Case::YearlyIndicatorYearTotal | Case::QuarterlyIndicatorYearTotal => {
            vec![(format!("{year}-01-01"), format!("{year}-12-31"), "")]
        }
        _ => Vec::new(),
    }
}

struct Built {
    case: Case,
    law: usize,
    indicator: &'static str,
    year: i32,
}

/// Files the 64 requests, records their lives and enters and verifies their figures.
async fn build(app: &TestApp) -> Vec<Built> {
    let checker = app
        .member("checker@coalition.example", "researcher", support::ORGANISATION)
        .await;
    let mut built = Vec::new();
    let mut next_quarterly = 0;
    for (l, law) in LAWS.iter().enumerate() {
        let authority = app.authority(law.authority).await;
        for case in CASES {
            let (indicator, year) = if matches!(case, Case::YearlyIndicatorYearTotal) {
                (YEARLY[l], 2016 + l as i32)
            } else {
                let k = next_quarterly;
                next_quarterly += 1;
                (
                    QUARTERLY[k % QUARTERLY.len()],
                    2016 + (k / QUARTERLY.len()) as i32,
                )
            };
            let (sent, events) = life(case, law);
            let created = app
                .create_request(json!({
                    "title": format!("{case:?} ({})", law.authority), "body": "Please send the figures.",
                    "authority_id": authority, "regime": law.regime, "sent_on": sent,
                }))
                .await;
            let id = created["id"].as_i64().unwrap();
            let linked = app
                .put_json(
                    &format!("/api/v1/requests/{id}/indicators"),
                    &json!([{"indicator_id": indicator, "from": format!("{year}-01-01"), "to": format!("{year}-12-31")}]),
                )
                .await;
            assert_eq!(linked.status(), StatusCode::OK, "{case:?}");
            for e in events {
                let recorded = app.post_json(&format!("/api/v1/requests/{id}/events"), &e).await;
                let status = recorded.status();
                assert_eq!(
                    status,
                    StatusCode::CREATED,
                    "{case:?} {}: {e}: {}",
                    law.authority,
                    recorded.text().await.unwrap()
                );
            }
            for (from, to, breakdown) in figures(case, year) {
                let entered = app
                    .post_json(
                        "/api/v1/figures",
                        &json!({
                            "indicator_id": indicator, "value": "120", "period_start": from, "period_end": to,
                            "breakdown": breakdown, "definition": "As the indicator", "definition_match": "matches",
                            "source_kind": "request", "request_id": id, "location": "Annex A",
                        }),
                    )
                    .await;
                let status = entered.status();
                let figure: Value = entered.json().await.unwrap();
                assert_eq!(status, StatusCode::CREATED, "{figure}");
                let verified = checker
                    .post_json(&format!("/api/v1/figures/{}/verify", figure["id"]), &json!({}))
                    .await;
                assert_eq!(verified.status(), StatusCode::OK);
            }
            built.push(Built {
                case,
                law: l,
                indicator,
                year,
            });
        }
    }
    assert_eq!(built.len(), 64);
    built
}

on_both_backends! {
    async fn the_scorecard_says_what_happened_to_each_of_64_requests(app) {
        let built = build(&app).await;
        let card: Value = browser().get(app.url("/api/v1/scorecard")).send().await.unwrap().json().await.unwrap();
        let rows: Vec<&Value> = card["demands"].as_array().unwrap().iter().flat_map(|d| d["indicators"].as_array().unwrap()).collect();
        let mut wrong = Vec::new();
        for b in &built {
            let row = rows.iter().find(|r| r["id"] == b.indicator).unwrap();
            let expected = expected(b.case, &LAWS[b.law], b.year);
            for (q, (state, said)) in expected.iter().enumerate() {
                let quarter = format!("{}-Q{}", b.year, q + 1);
                let cell = row["cells"].as_array().unwrap().iter().find(|c| c["quarter"] == quarter.as_str()).unwrap();
                let mut got: Vec<String> = Vec::new();
                for key in ["grounds", "missing"] {
                    got.extend(cell[key].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_string)));
                }
                if cell["state"] != *state || got != *said {
                    wrong.push(format!(
                        "{:?} at {} ({} {quarter}): {} {got:?}, expected {state} {said:?}",
                        b.case, LAWS[b.law].authority, b.indicator, cell["state"]
                    ));
                }
            }
        }
        assert!(wrong.is_empty(), "{} cells wrong:\n{}", wrong.len(), wrong.join("\n"));

        // Coverage, by hand: of each indicator's 41 ended quarters (2026 Q2 is in progress),
        // those released or released in aggregate; released in part is apart.
        for indicator in QUARTERLY.iter().chain(&YEARLY) {
            let (mut covered, mut in_part) = (0u32, 0u32);
            for b in built.iter().filter(|b| b.indicator == *indicator) {
                for (state, _) in expected(b.case, &LAWS[b.law], b.year) {
                    covered += u32::from(matches!(state, "released" | "released_in_aggregate"));
                    in_part += u32::from(state == "released_in_part");
                }
            }
            let row = rows.iter().find(|r| r["id"] == *indicator).unwrap();
            assert_eq!(row["coverage"], json!(f64::from(covered) / 41.0), "{indicator}");
            let expected_part = if in_part == 0 { Value::from(0.0) } else { json!(f64::from(in_part) / 41.0) };
            assert_eq!(row["coverage_in_part"], expected_part, "{indicator}");
        }
    }
}
