//! CI cannot pass by skipping PostgreSQL: with `CI` set and no `FOI_TEST_POSTGRES_URL`, a
//! test that asks for the PostgreSQL backend fails instead of running on SQLite only. Alone in
//! its own test binary, because it changes the process's environment.

mod support;

use foi_tracker::db::Backend;
use support::{TestApp, TODAY};

#[test]
fn in_ci_a_missing_postgres_url_fails_the_test() {
    std::env::set_var("CI", "true");
    std::env::remove_var("FOI_TEST_POSTGRES_URL");
    let outcome = std::panic::catch_unwind(|| {
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(TestApp::start(Backend::Postgres, TODAY))
            .is_some()
    });
    let message = outcome.expect_err("the PostgreSQL half must fail, not be skipped");
    let message = message
        .downcast_ref::<&str>()
        .map(|m| m.to_string())
        .or_else(|| message.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(message.contains("FOI_TEST_POSTGRES_URL"), "{message}");

    // Outside CI the same call is a skip: SQLite only, as the README says.
    std::env::remove_var("CI");
    let started = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(TestApp::start(Backend::Postgres, TODAY));
    assert!(started.is_none());
}
