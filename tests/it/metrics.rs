//! `/metrics`, `/readyz` and request ids, as an operator's tools see them: the text checked by
//! Prometheus's own `promtool` and read by the Python client's parser. Both backends.

use crate::support;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::TestApp;
use foi_tracker::config::Settings;
use foi_tracker::db::Backend;
use serde_json::Value;

/// `promtool check metrics` on `text`: its complaints, if any (an empty string when none).
/// Outside CI a machine without promtool skips this check, saying so; in CI it must run.
fn promtool(text: &str) -> String {
    let installed = Command::new("promtool").arg("--version").output().is_ok();
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if !installed && !in_ci {
        eprintln!("promtool is not installed (Debian's prometheus package): its check was skipped");
        return String::new();
    }
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs: install Debian's prometheus package (.ci/run does)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "promtool refused the metrics: {said}\n{text}"
    );
    said
}

/// Every sample in `text` as Python's prometheus_client parses it: "name{labels}" -> value,
/// labels sorted by name.
fn parsed(text: &str) -> BTreeMap<String, f64> {
    let python = support::python::with_package("prometheus_client", "prometheus-client");
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
samples = {}
for family in text_string_to_metric_families(sys.stdin.read()):
    for s in family.samples:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
        samples[f"{s.name}{{{labels}}}"] = s.value
json.dump(samples, sys.stdout)
"#;
    support::python::json_from_script(
        &python,
        script,
        text.as_bytes(),
        "prometheus_client could not parse the metrics",
    )
}

async fn scrape(url: &str) -> String {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.unwrap()
}

fn sample(samples: &BTreeMap<String, f64>, key: &str) -> f64 {
    samples.get(key).copied().unwrap_or(0.0)
}

on_both_backends! {
    async fn requests_counted_by_route_and_status_pass_promtool_and_a_real_parser(app) {
        let before = parsed(&scrape(&format!("{}/metrics", app.address)).await);
        let id = support::home_office_request(&app).await;
        for _ in 0..3 {
            assert_eq!(app.get(&format!("/requests/{id}")).await.status(), 200);
        }
        assert_eq!(app.get("/requests/999999").await.status(), 404);

        let text = scrape(&format!("{}/metrics", app.address)).await;
        let complaints = promtool(&text);
        assert_eq!(complaints.trim(), "", "promtool's lint is clean");
        let after = parsed(&text);
        let shown = r#"foi_http_requests_total{method="GET",route="/requests/{id}",status="200"}"#;
        let missing = r#"foi_http_requests_total{method="GET",route="/requests/{id}",status="404"}"#;
        assert_eq!(sample(&after, shown) - sample(&before, shown), 3.0, "{text}");
        assert_eq!(sample(&after, missing) - sample(&before, missing), 1.0, "{text}");
        let timed = r#"foi_http_request_duration_seconds_count{method="GET",route="/requests/{id}"}"#;
        assert_eq!(sample(&after, timed) - sample(&before, timed), 4.0);
        // The pool, the outbox (the request planned its first reminder) and the sweep.
        assert!(sample(&after, "foi_db_pool_max_connections{}") >= 1.0);
        assert!(after.contains_key(r#"foi_db_pool_connections{state="idle"}"#), "{text}");
        assert!(sample(&after, "foi_db_pool_wait_seconds_count{}") > 0.0, "{text}");
        assert!(sample(&after, r#"foi_outbox_notices{status="pending"}"#) >= 1.0, "{text}");
        assert!(after.contains_key("foi_outbox_oldest_unsent_age_seconds{}"));
        assert_eq!(sample(&after, "foi_reminder_sweep_last_started_timestamp_seconds{}"), 0.0, "no sweep yet");
        assert!(after.contains_key(r#"foi_page_cache_lookups_total{result="hit"}"#));
        // A path that is no route is counted under one label, whatever the path.
        assert!(!text.contains("/requests/999999"), "{text}");
    }

    async fn readyz_says_ready_once_the_schema_is_this_binary_s(app) {
        let response = reqwest::get(format!("{}/readyz", app.address)).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ready\n");
    }

    async fn every_answer_carries_a_request_id_kept_when_well_formed(app) {
        let client = support::browser();
        let made = client.get(format!("{}/livez", app.address)).send().await.unwrap();
        let id = made.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        let other = client.get(format!("{}/livez", app.address)).send().await.unwrap();
        assert_ne!(other.headers()["x-request-id"], id.as_str(), "each request its own");

        let kept = client
            .get(format!("{}/requests/1", app.address))
            .header("X-Request-Id", "proxy-7f3a.42")
            .send()
            .await
            .unwrap();
        assert_eq!(kept.status(), 303, "not signed in: sent to sign in");
        assert_eq!(kept.headers()["x-request-id"], "proxy-7f3a.42");

        let problem = client
            .get(format!("{}/api/requests/999999", app.address))
            .bearer_auth(&app.token)
            .header("X-Request-Id", "bad id with spaces")
            .send()
            .await
            .unwrap();
        assert_eq!(problem.status(), 404);
        let replaced = problem.headers()["x-request-id"].to_str().unwrap();
        assert_eq!(replaced.len(), 32, "{replaced}");
        let body: Value = problem.json().await.unwrap();
        assert_eq!(body["status"], 404);
    }
}

/// Where the metrics are served from depends on settings, not on the backend.
async fn on_sqlite(settings: Settings) -> TestApp {
    TestApp::start_with(Backend::Sqlite, settings).await.unwrap()
}

/// The metrics are not for the public: a request through a proxy (its peer is on loopback,
/// but it carries the proxy's header) is refused, and so is a wrong token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_answer_loopback_and_the_token_and_nobody_else() {
    let app = on_sqlite(Settings {
        metrics_token: Some("s3cret-scrape-token".into()),
        ..Settings::default()
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("{}/metrics", app.address);
    let status =
        |request: reqwest::RequestBuilder| async move { request.send().await.unwrap().status().as_u16() };
    assert_eq!(status(client.get(&url)).await, 200, "loopback");
    let proxied = status(client.get(&url).header("X-Forwarded-For", "203.0.113.9")).await;
    assert_eq!(proxied, 403, "through a proxy in front");
    let forwarded = status(client.get(&url).header("Forwarded", "for=203.0.113.9")).await;
    assert_eq!(forwarded, 403);
    let wrong = status(
        client
            .get(&url)
            .header("X-Forwarded-For", "203.0.113.9")
            .bearer_auth("guess"),
    )
    .await;
    assert_eq!(wrong, 403);
    let right = status(
        client
            .get(&url)
            .header("X-Forwarded-For", "203.0.113.9")
            .bearer_auth("s3cret-scrape-token"),
    )
    .await;
    assert_eq!(right, 200);
    let refused = client
        .get(&url)
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!refused.contains("foi_http"), "{refused}");
}

/// With a trusted proxy, the address it gives is the caller's: one on the proxy's own host
/// is local, any other is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_address_it_gives_decides() {
    let app = on_sqlite(Settings {
        trusted_proxy_header: Some("X-Forwarded-For".into()),
        ..Settings::default()
    })
    .await;
    let client = reqwest::Client::new();
    let url = format!("{}/metrics", app.address);
    let from = |address: &'static str| {
        let request = client.get(&url).header("X-Forwarded-For", address);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(from("127.0.0.1").await, 200);
    assert_eq!(from("198.51.100.4").await, 403);
}

/// On an address of their own, the metrics answer anyone who reaches it, and that address
/// serves nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_address() {
    let app = on_sqlite(Settings {
        metrics_bind: Some("127.0.0.1:0".into()),
        ..Settings::default()
    })
    .await;
    let own = app.metrics_address.clone().expect("a metrics address");
    assert_ne!(own, app.address);
    let client = reqwest::Client::new();
    let text = client
        .get(format!("{own}/metrics"))
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("# TYPE foi_http_requests_total counter"), "{text}");
    let page = client.get(format!("{own}/requests")).send().await.unwrap();
    assert_eq!(page.status(), 404, "nothing but the metrics there");
}
