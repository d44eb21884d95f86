//! `foi-tracker deadline`, run as a user runs it: the real binary, its output and exit status.

use std::process::{Command, Output};

use serde_json::Value;

fn foi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn the_readme_example_explains_the_deadline() {
    let out = foi(&[
        "deadline",
        "--regime",
        "foia",
        "--received",
        "2019-03-04",
        "--today",
        "2019-03-20",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("FOIA request (Freedom of Information Act 2000), received Monday 4 March 2019"),
        "{text}"
    );
    assert!(
        text.contains("Status on Wednesday 20 March 2019: awaiting response"),
        "{text}"
    );
    assert!(
        text.contains("Response due: Tuesday 2 April 2019 [running]"),
        "{text}"
    );
    assert!(
        text.contains("the 20th working day after receipt (FOIA s.10(1))"),
        "{text}"
    );
    assert!(
        text.contains("2019-03-18  St Patrick’s Day, substitute day (Northern Ireland)"),
        "{text}"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let out = foi(&[
        "deadline",
        "--regime",
        "foia",
        "--received",
        "2026-01-05",
        "--event",
        "extension@2026-01-20",
        "--extended-to",
        "2026-03-20",
        "--today",
        "2026-03-23",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["regime"], "foia");
    assert_eq!(json["received"], "2026-01-05");
    assert_eq!(json["status"], "awaiting_response");
    assert_eq!(json["overdue"], true);
    let deadlines = json["deadlines"].as_array().unwrap();
    assert_eq!(deadlines.len(), 1);
    let response = &deadlines[0];
    assert_eq!(response["kind"], "response");
    assert_eq!(response["due"], "2026-03-20");
    assert_eq!(response["latest"], Value::Null);
    assert_eq!(response["state"], "missed");
    assert_eq!(response["working_days_late"], 1);
    assert_eq!(response["original_due"], "2026-02-02");
    assert_eq!(
        response["beyond_ico_norm"], true,
        "the 40th working day is 2026-03-02"
    );
    assert_eq!(response["late_extension"], false);
    assert!(response["rule"].as_str().unwrap().contains("FOIA s.10(3)"));
    let skipped = response["skipped"].as_array().unwrap();
    assert_eq!(skipped[0]["date"], "2026-03-17");
    assert_eq!(skipped[0]["reason"], "St Patrick’s Day (Northern Ireland)");
}

#[test]
fn today_defaults_to_the_date_in_london() {
    let out = foi(&[
        "deadline",
        "--regime",
        "sar",
        "--received",
        "2026-01-31",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let london = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
        .to_string();
    assert_eq!(json["today"], london);
}

#[test]
fn bad_input_prints_one_line_and_exits_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--regime", "foi", "--received", "2026-01-05"],
            "unknown regime \"foi\"",
        ),
        (
            &["--regime", "foia", "--received", "2026-02-30"],
            "\"2026-02-30\" is not a date",
        ),
        (
            &["--regime", "foia", "--received", "5/1/2026"],
            "\"5/1/2026\" is not a date",
        ),
        (&["--regime", "foia"], "--received"),
        (
            &[
                "--regime",
                "foia",
                "--received",
                "2026-01-05",
                "--event",
                "reply@2026-01-10",
            ],
            "unknown event \"reply\"",
        ),
        (
            &[
                "--regime",
                "foia",
                "--received",
                "2026-01-05",
                "--event",
                "response",
            ],
            "is not KIND@DATE",
        ),
        (
            &[
                "--regime",
                "foia",
                "--received",
                "2026-01-05",
                "--event",
                "response@2026-01-01",
            ],
            "Response on 2026-01-01: it comes before the request was received",
        ),
        (
            &[
                "--regime",
                "foia",
                "--received",
                "2026-01-05",
                "--event",
                "fee_paid@2026-01-09",
            ],
            "no fee was asked for",
        ),
        (
            &[
                "--regime",
                "foia",
                "--received",
                "2026-01-05",
                "--extended-to",
                "2026-03-01",
            ],
            "--extended-to needs an --event extension@DATE",
        ),
        (
            &["--regime", "foia", "--received", "1989-06-01"],
            "outside the supported years",
        ),
        (
            &["--regime", "foia", "--received", "2026-01-05", "--format", "xml"],
            "invalid value 'xml'",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["deadline"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--today", "2026-11-28"]);
        let out = foi(&all);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?} printed {err:?}");
        assert!(err.contains(message), "{args:?}: {err:?} should say {message}");
        assert!(stdout(&out).is_empty(), "{args:?} printed to stdout");
    }
}
