//! CI cannot pass by skipping PostgreSQL: with `CI` set and no `FOI_TEST_POSTGRES_URL`, a
//! test that asks for the PostgreSQL backend fails instead of running on SQLite only. The
//! environment belongs to the whole process, which every test shares, so each case runs
//! `start_postgres` in a process of its own with the environment it needs.

use std::process::{Command, Output};

use crate::support::{TestApp, TODAY};
use foi_tracker::db::Backend;

/// Marks the process `alone` starts, so that `start_postgres` does nothing anywhere else.
const CHILD: &str = "FOI_TEST_CI_GUARD_CHILD";

/// This test binary running `start_postgres` alone, without a PostgreSQL URL, `CI` as given.
fn alone(ci: Option<&str>) -> (Output, String) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "ci_guard::start_postgres",
            "--exact",
            "--ignored",
            "--test-threads=1",
        ])
        .env(CHILD, "1")
        .env_remove("FOI_TEST_POSTGRES_URL");
    match ci {
        Some(value) => command.env("CI", value),
        None => command.env_remove("CI"),
    };
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output, text)
}

/// Asks for the PostgreSQL backend; only in the process `alone` starts.
#[test]
#[ignore = "run by the tests below, each in a process of its own"]
fn start_postgres() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let started = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestApp::start(Backend::Postgres, TODAY));
    assert!(started.is_none(), "started on PostgreSQL with no URL");
}

#[test]
fn in_ci_a_missing_postgres_url_fails_the_test() {
    let (output, text) = alone(Some("true"));
    assert!(
        !output.status.success(),
        "the PostgreSQL half must fail, not be skipped:\n{text}"
    );
    assert!(
        text.contains("CI is set but FOI_TEST_POSTGRES_URL is not"),
        "{text}"
    );
}

#[test]
fn outside_ci_a_missing_postgres_url_runs_sqlite_only() {
    // A skip, as the README says: the PostgreSQL half starts nothing and passes.
    let (output, text) = alone(None);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}
