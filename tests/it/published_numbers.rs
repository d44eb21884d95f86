//! The numbers the coalition publishes, checked against a fixture of 80 requests to four
//! authorities under FOIA, EIR and FOISA, built through the API as researchers would: every
//! case that once told a wrong story, with the scorecard and the refusal history expected
//! written out by hand here, and the working days counted here from the bank holiday lists
//! typed below, not by the engine. Each request asks for its own indicator and year, so that
//! each cell rests on one request. Both backends; today is 1 June 2026.

use crate::support;

use crate::support::{browser, TestApp};
use chrono::{Datelike, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};

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
    /// Due 23 January 2025; an extension notified on day 22, answered on day 30.
    LateExtension,
    /// An extension notified on day 15 to day 70, answered on day 65.
    ExtensionBeyondNorm,
    /// The authority asked what the request means, and no answer came.
    ClarificationNeverCame,
    /// Refused; on review partly overturned; the new answer cites the same ground again.
    CitedTwice,
}

/// The cases received on 6 January 2025 and granted in full on 3 February, day 20: a
/// pattern, so that each match names them once.
macro_rules! granted_on_day_20 {
    () => {
        Case::Released
            | Case::GrantedNotEntered
            | Case::OneMonthOfThree
            | Case::WomenOnly
            | Case::YearlyIndicatorYearTotal
            | Case::QuarterlyIndicatorYearTotal
    };
}

const CASES: [Case; 20] = [
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
    Case::LateExtension,
    Case::ExtensionBeyondNorm,
    Case::ClarificationNeverCame,
    Case::CitedTwice,
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
        Case::GrantedNotEntered
        | Case::ReleaseEnteredBeforeRefusal
        | Case::LateExtension
        | Case::ExtensionBeyondNorm
        | Case::CitedTwice => all("granted_not_entered"),
        Case::ClarificationNeverCame => all("awaiting"),
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
        granted_on_day_20!() => ("2025-01-06", vec![granted]),
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
        // FOISA has no extension: its requests are answered on the same days without one.
        Case::LateExtension => (
            "2024-12-20",
            [event("extension", "2025-01-27")]
                .into_iter()
                .filter(|_| law.regime != "foisa")
                .chain([response("2025-02-06", "granted", &[])])
                .collect(),
        ),
        // Only a FOIA extension runs to a date the authority gives; EIR's runs to day 40.
        Case::ExtensionBeyondNorm => (
            "2024-10-07",
            [match law.regime {
                "foia" => {
                    json!({"kind": "extension", "occurred_on": "2024-10-28", "extended_to": "2025-01-20"})
                }
                _ => event("extension", "2024-10-28"),
            }]
            .into_iter()
            .filter(|_| law.regime != "foisa")
            .chain([response("2025-01-13", "granted", &[])])
            .collect(),
        ),
        Case::ClarificationNeverCame => ("2024-11-04", vec![event("clarification_requested", "2024-11-08")]),
        Case::CitedTwice => (
            "2024-11-11",
            vec![
                response("2024-12-03", "refused", &[law.refusal]),
                event("internal_review_requested", "2024-12-10"),
                decided("internal_review_response", "2025-01-06", "partly_overturned"),
                response("2025-01-13", "partly_granted", &[law.refusal]),
            ],
        ),
    }
}

/// The bank holidays from October 2024 to June 2026 (gov.uk's lists, typed by hand): FOIA and
/// EIR count working days in the union of the three lists, FOISA in Scotland's.
const UNION_HOLIDAYS: [&str; 24] = [
    "2024-12-02",
    "2024-12-25",
    "2024-12-26",
    "2025-01-01",
    "2025-01-02",
    "2025-03-17",
    "2025-04-18",
    "2025-04-21",
    "2025-05-05",
    "2025-05-26",
    "2025-07-14",
    "2025-08-04",
    "2025-08-25",
    "2025-12-01",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-01-02",
    "2026-03-17",
    "2026-04-03",
    "2026-04-06",
    "2026-05-04",
    "2026-05-25",
    "2026-06-01",
];
const SCOTTISH_HOLIDAYS: [&str; 17] = [
    "2024-12-02",
    "2024-12-25",
    "2024-12-26",
    "2025-01-01",
    "2025-01-02",
    "2025-04-18",
    "2025-05-05",
    "2025-05-26",
    "2025-08-04",
    "2025-12-01",
    "2025-12-25",
    "2025-12-26",
    "2026-01-01",
    "2026-01-02",
    "2026-04-03",
    "2026-05-04",
    "2026-05-25",
];

/// Working days after `from` up to and including `to`, counted one day at a time.
fn working_days(regime: &str, from: &str, to: &str) -> i64 {
    let holidays: &[&str] = if regime == "foisa" {
        &SCOTTISH_HOLIDAYS
    } else {
        &UNION_HOLIDAYS
    };
    let (from, to): (NaiveDate, NaiveDate) = (from.parse().unwrap(), to.parse().unwrap());
    from.iter_days()
        .skip(1)
        .take_while(|d| *d <= to)
        .filter(|d| d.weekday().number_from_monday() <= 5 && !holidays.contains(&d.to_string().as_str()))
        .count() as i64
}

/// What the refusal history must count for one request, written by hand from the definitions
/// in `src/domain/history.rs`: where it stands, its first response (date and outcome), the
/// grounds its responses cited, and each appeal decision as (stage, on a refusal, against the
/// authority).
struct Counted {
    timeliness: &'static str,
    first: Option<(&'static str, &'static str)>,
    grounds: Vec<&'static str>,
    decisions: Vec<(&'static str, bool, bool)>,
}

fn counted(case: Case, law: &Law) -> Counted {
    let on_time = |outcome: &'static str, grounds: Vec<&'static str>, decisions| Counted {
        timeliness: "in_time",
        first: Some(("2025-02-03", outcome)),
        grounds,
        decisions,
    };
    let review = |overturned| ("internal_review", true, overturned);
    let unanswered = |timeliness, decisions| Counted {
        timeliness,
        first: None,
        grounds: vec![],
        decisions,
    };
    let granted_on = |timeliness, on| Counted {
        timeliness,
        first: Some((on, "granted")),
        grounds: vec![],
        decisions: vec![],
    };
    match case {
        granted_on_day_20!() => on_time("granted", vec![], vec![]),
        Case::OverturnedOnReview => on_time("refused", vec![law.refusal], vec![review(true)]),
        Case::OverturnedByCommissioner => on_time(
            "refused",
            vec![law.refusal],
            vec![review(false), ("regulator", true, true)],
        ),
        Case::RefusedUpheld => on_time("refused", vec![law.refusal], vec![review(false)]),
        Case::NotHeld => on_time("not_held", vec![], vec![]),
        Case::PointedElsewhere => on_time(
            "info_accessible_elsewhere",
            [law.elsewhere].into_iter().filter(|g| !g.is_empty()).collect(),
            vec![],
        ),
        // The June refusal is the first response, though entered after the August release.
        Case::ReleaseEnteredBeforeRefusal => Counted {
            timeliness: "in_time",
            first: Some(("2025-06-02", "refused")),
            grounds: vec![law.refusal],
            decisions: vec![],
        },
        Case::Withdrawn => unanswered("withdrawn", vec![]),
        Case::Overdue => unanswered("late", vec![]),
        Case::Awaiting => unanswered("pending", vec![]),
        // A complaint about a request never answered overturns no refusal.
        Case::DelayComplaintUpheld => unanswered("late", vec![("regulator", false, true)]),
        // The notice came after the day-20 deadline it would have extended: it extends nothing.
        Case::LateExtension => granted_on("late", "2025-02-06"),
        // Under FOIA, answered by the authority's date but after the ICO's 40 working days;
        // under EIR the 40 days are the law's limit; FOISA has no extension at all.
        Case::ExtensionBeyondNorm => granted_on(
            if law.regime == "foia" {
                "in_time_beyond_norm"
            } else {
                "late"
            },
            "2025-01-13",
        ),
        Case::ClarificationNeverCame => unanswered("awaiting_clarification", vec![]),
        Case::CitedTwice => Counted {
            timeliness: "in_time",
            first: Some(("2024-12-03", "refused")),
            grounds: vec![law.refusal],
            decisions: vec![review(true)],
        },
    }
}

const TIMELINESS: [&str; 8] = [
    "in_time",
    "in_time_beyond_norm",
    "late",
    "pending",
    "awaiting_clarification",
    "awaiting_fee",
    "withdrawn",
    "lapsed",
];

/// The period a request counts in: the quarter it was received.
fn quarter_of(date: &str) -> String {
    let d: NaiveDate = date.parse().unwrap();
    format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
}

/// The figures of a group of requests, summed from their hand-written facts.
fn expected_figures(group: &[(Case, &Law)]) -> Value {
    let mut f = serde_json::Map::new();
    f.insert("requests".into(), json!(group.len()));
    for t in TIMELINESS {
        let n = group
            .iter()
            .filter(|(c, l)| counted(*c, l).timeliness == t)
            .count();
        f.insert(t.into(), json!(n));
    }
    let n = |key: &str| f[key].as_u64().unwrap() as f64;
    let judged = n("in_time") + n("in_time_beyond_norm") + n("late");
    f.insert(
        "in_time_share".into(),
        if judged > 0.0 {
            json!(n("in_time") / judged)
        } else {
            Value::Null
        },
    );
    let mut days: Vec<i64> = group
        .iter()
        .filter_map(|(c, l)| Some(working_days(l.regime, life(*c, l).0, counted(*c, l).first?.0)))
        .collect();
    days.sort_unstable();
    f.insert("responded".into(), json!(days.len()));
    let median = match days.len() {
        0 => Value::Null,
        k if k % 2 == 1 => json!(days[k / 2] as f64),
        k => json!((days[k / 2 - 1] + days[k / 2]) as f64 / 2.0),
    };
    f.insert("median_working_days".into(), median);
    let p90 = match days.len() {
        0 => Value::Null,
        k => json!(days[(9 * k).div_ceil(10) - 1]),
    };
    f.insert("p90_working_days".into(), p90);
    let (mut outcomes, mut exemptions, mut stages) = (
        serde_json::Map::new(),
        serde_json::Map::new(),
        serde_json::Map::new(),
    );
    let add = |map: &mut serde_json::Map<String, Value>, key: &str| {
        let v = map.entry(key).or_insert(json!(0));
        *v = json!(v.as_u64().unwrap() + 1);
    };
    for (c, l) in group {
        let facts = counted(*c, l);
        if let Some((_, outcome)) = facts.first {
            add(&mut outcomes, outcome);
        }
        for g in facts.grounds {
            add(&mut exemptions, g);
        }
        for (stage, on_refusal, against) in facts.decisions {
            let s = stages
                .entry(stage)
                .or_insert(json!({"decided": 0, "overturned": 0, "rate": null, "other": 0}));
            let key = if on_refusal { "decided" } else { "other" };
            s[key] = json!(s[key].as_u64().unwrap() + 1);
            if on_refusal && against {
                s["overturned"] = json!(s["overturned"].as_u64().unwrap() + 1);
            }
        }
    }
    for s in stages.values_mut() {
        let (decided, overturned) = (s["decided"].as_u64().unwrap(), s["overturned"].as_u64().unwrap());
        s["rate"] = if decided > 0 {
            json!(overturned as f64 / decided as f64)
        } else {
            Value::Null
        };
    }
    f.insert("outcomes".into(), Value::Object(outcomes));
    f.insert("exemptions".into(), Value::Object(exemptions));
    f.insert("stages".into(), Value::Object(stages));
    Value::Object(f)
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
    id: i64,
    case: Case,
    law: usize,
    indicator: &'static str,
    year: i32,
}

/// Files the 80 requests, records their lives and enters and verifies their figures.
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
                id,
                case,
                law: l,
                indicator,
                year,
            });
        }
    }
    assert_eq!(built.len(), 80);
    built
}

on_both_backends! {
    async fn the_scorecard_says_what_happened_to_each_of_80_requests(app) {
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

    async fn the_refusal_history_counts_what_it_says_for_each_of_80_requests(app) {
        let built = build(&app).await;
        let history = app.get_json("/api/v1/history").await;

        // Each request where the definitions put it, with the working days counted here.
        let export = app.get_json("/history/export?dataset=requests&format=json").await;
        let exported = export.as_array().unwrap();
        let mut wrong = Vec::new();
        for b in &built {
            let law = &LAWS[b.law];
            let facts = counted(b.case, law);
            // Typed as the document says: numbers as numbers, nothing as null.
            let row = exported.iter().find(|r| r["request_id"] == json!(b.id)).unwrap();
            let days = json!(facts.first.map(|(on, _)| working_days(law.regime, life(b.case, law).0, on)));
            let outcome = json!(facts.first.map(|(_, o)| o));
            if row["timeliness"] != facts.timeliness || row["working_days_to_respond"] != days || row["first_outcome"] != outcome {
                wrong.push(format!(
                    "{:?} at {}: {} {} {}, expected {} {days} {outcome}",
                    b.case, law.authority, row["timeliness"], row["working_days_to_respond"], row["first_outcome"], facts.timeliness
                ));
            }
        }
        assert!(wrong.is_empty(), "{} requests counted wrongly:\n{}", wrong.len(), wrong.join("\n"));

        // Every authority's quarter, summed from those facts, and every row adds up.
        let mut groups: std::collections::BTreeMap<(&str, String), Vec<(Case, &Law)>> = Default::default();
        for b in &built {
            let law = &LAWS[b.law];
            groups.entry((law.authority, quarter_of(life(b.case, law).0))).or_default().push((b.case, law));
        }
        let rows = history["rows"].as_array().unwrap();
        assert_eq!(rows.len(), groups.len(), "{rows:#?}");
        for ((authority, period), group) in &groups {
            let row = rows
                .iter()
                .find(|r| history["authorities"][r["authority_id"].to_string()] == *authority && r["period"] == period.as_str())
                .unwrap_or_else(|| panic!("no row for {authority} {period}"));
            let mut got = row.clone();
            for key in ["authority_id", "period"] {
                got.as_object_mut().unwrap().remove(key);
            }
            assert_eq!(got, expected_figures(group), "{authority} {period}");
            let parts: u64 = TIMELINESS.iter().map(|t| row[*t].as_u64().unwrap()).sum();
            assert_eq!(parts, row["requests"].as_u64().unwrap(), "{authority} {period} does not add up");
        }
        let everything: Vec<(Case, &Law)> = built.iter().map(|b| (b.case, &LAWS[b.law])).collect();
        assert_eq!(history["total"], expected_figures(&everything));

        // Count what is said: the exemption's count is the number of requests its drill-down
        // lists, and the regulator's refusals overturned leave out the complaint about delay.
        let home_office = app.authority("Home Office").await;
        let total = &history["total"];
        let behind = app.get_json(&format!("/api/v1/history/requests?authority_id={home_office}&measure=exemption:foia-s31-1-a")).await;
        assert_eq!(behind.as_array().unwrap().len(), 5);
        let home_office_rows: u64 = rows
            .iter()
            .filter(|r| r["authority_id"] == home_office)
            .map(|r| r["exemptions"]["foia-s31-1-a"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(home_office_rows, 5);
        assert_eq!(total["stages"]["regulator"], json!({"decided": 4, "overturned": 4, "rate": 1.0, "other": 4}));
        let delayed = app.get_json("/api/v1/history/requests?measure=other_decision:regulator").await;
        let titles: Vec<&str> = delayed.as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect();
        assert_eq!(titles.len(), 4);
        assert!(titles.iter().all(|t| t.starts_with("DelayComplaintUpheld")), "{titles:?}");
    }
}
