//! The indicator chart draws each figure over the period it covers on a true time axis: the
//! distances between figures are proportional to the days between their periods, and a figure
//! for 21 months spans 21 months. Read from the public page over HTTP. Both backends; today is
//! 1 June 2026.

use crate::support;

use crate::support::browser;
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// One figure's span in the chart: its period and its x from and to.
struct Drawn {
    start: NaiveDate,
    end: NaiveDate,
    x1: f64,
    x2: f64,
}

fn attribute(element: &str, name: &str) -> String {
    let from = element
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {element}"))
        + name.len()
        + 3;
    let length = element[from..].find('"').unwrap();
    element[from..from + length].to_string()
}

/// Every `<line class="span">` of the chart, one per figure.
fn spans(page: &str) -> Vec<Drawn> {
    let svg = &page[page.find("<svg class=\"chart timeline\"").expect("the chart")..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    svg.split("<line class=\"span\"")
        .skip(1)
        .map(|rest| {
            let element = format!(" {}", &rest[..rest.find('>').unwrap()]);
            let date = |name| NaiveDate::parse_from_str(&attribute(&element, name), "%Y-%m-%d").unwrap();
            let number = |name| attribute(&element, name).parse::<f64>().unwrap();
            Drawn {
                start: date("data-start"),
                end: date("data-end"),
                x1: number("x1"),
                x2: number("x2"),
            }
        })
        .collect()
}

fn within_one_percent(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= expected.abs() * 0.01,
        "{what}: {actual} is not within 1% of {expected}"
    );
}

on_both_backends! {
    async fn each_figure_spans_its_period_on_a_true_time_axis(app) {
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        // Two yearly totals, a quarter, and a total over the 21 months from January 2019 to
        // September 2020, as in the demonstration that drew them as evenly spaced points.
        let periods = [("2016-01-01", "2016-12-31", "1,256"), ("2017-01-01", "2017-12-31", "1,300"), ("2018-07-01", "2018-09-30", "410"), ("2019-01-01", "2020-09-30", "4,102")];
        for (from, to, value) in periods {
            let response = app
                .post_json("/api/v1/figures", &json!({
                    "indicator_id": "D1.1", "value": value, "period_start": from, "period_end": to,
                    "definition": "People referred", "definition_match": "matches", "caveats": if to == "2020-09-30" { "21 months, not a year" } else { "" },
                    "source_kind": "publication", "publication_title": "Hidden Futures", "publisher": "Coalition NGO", "published_on": "2021-02-01",
                }))
                .await;
            let status = response.status();
            let created: Value = response.json().await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{created}");
            let verified = checker.post_json(&format!("/api/v1/figures/{}/verify", created["id"]), &json!({})).await;
            assert_eq!(verified.status(), StatusCode::OK);
        }

        let page = browser().get(app.url("/scorecard/D1.1")).send().await.unwrap().text().await.unwrap();
        let drawn = spans(&page);
        let mut drawn_periods: Vec<(String, String)> = drawn.iter().map(|d| (d.start.to_string(), d.end.to_string())).collect();
        drawn_periods.sort();
        assert_eq!(drawn_periods, periods.iter().map(|(f, t, _)| (f.to_string(), t.to_string())).collect::<Vec<_>>(), "one span per figure");

        // Pixels per day, from the first figure's start to the last's: every start, and every
        // end, is where its date is on that scale.
        let first = drawn.iter().min_by_key(|d| d.start).unwrap();
        let last = drawn.iter().max_by_key(|d| d.start).unwrap();
        let per_day = (last.x1 - first.x1) / (last.start - first.start).num_days() as f64;
        assert!(per_day > 0.0);
        for d in &drawn {
            within_one_percent(d.x1 - first.x1, (d.start - first.start).num_days() as f64 * per_day, &format!("start of {}", d.start));
            let days = (d.end - d.start).num_days() as f64 + 1.0;
            within_one_percent(d.x2 - d.x1, days * per_day, &format!("length of {} to {}", d.start, d.end));
        }
        // The 21-month figure spans its 21 months: 639 days, 21/12 of a year's width.
        let long = drawn.iter().find(|d| d.end.to_string() == "2020-09-30").unwrap();
        let year = drawn.iter().find(|d| d.start.to_string() == "2016-01-01").unwrap();
        within_one_percent(long.x2 - long.x1, 639.0 * per_day, "21 months in days");
        within_one_percent((long.x2 - long.x1) / (year.x2 - year.x1), 639.0 / 366.0, "21 months against the leap year 2016");

        // Not joined: no polyline draws a trend across figures of different lengths.
        assert!(!page.contains("<polyline"), "{page}");
        // Labelled axes, the caveat beside the chart, and room for every label.
        for label in ["Period the figure covers (year)", ">2016</text>", ">2020</text>", ">4,102</text>", ">0</text>"] {
            assert!(page.contains(label), "{label}: {page}");
        }
        assert!(page.contains("21 months, not a year"), "the caveat is beside the chart: {page}");
        assert!(page.contains("role=\"img\" aria-labelledby=\"series-title series-desc\" viewBox=\"0 0 640 290\""), "{page}");
        for d in &drawn {
            assert!(d.x1 >= 0.0 && d.x2 <= 640.0 - 40.0, "inside the plot with room for labels: {} to {}", d.x1, d.x2);
        }
    }
}
