//! Behind a reverse proxy the client's address is the one the trusted proxy appended to the
//! header, never an entry the client wrote itself: the per-address sign-in limit holds and
//! the audit trail records the real address, on both backends.

use crate::support::{browser, input_value, page_text, TestApp, ORGANISATION, PASSWORD};
use foi_tracker::config::Settings;
use reqwest::StatusCode;

/// A sign-in through the proxy: `forwarded` is the whole X-Forwarded-For header as it reaches
/// the app.
async fn sign_in_via(app: &TestApp, forwarded: &str, email: &str, password: &str) -> reqwest::Response {
    let client = browser();
    let page = page_text(&client, app.url("/sign-in")).await;
    let csrf = input_value(&page, "csrf").unwrap();
    client
        .post(app.url("/sign-in"))
        .header("X-Forwarded-For", forwarded)
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// The addresses the audit trail records for failed sign-ins, as an auditor exports them,
/// sorted.
async fn failed_sign_ins_from(app: &TestApp) -> Vec<String> {
    let auditor = app
        .member("auditor@coalition.example", "auditor", ORGANISATION)
        .await;
    let csv = auditor.text("/audit.csv?action=sign_in_failed").await;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = headers
        .iter()
        .position(|h| h == "client")
        .expect("a client column");
    let mut clients: Vec<String> = reader.records().map(|r| r.unwrap()[column].to_string()).collect();
    clients.sort();
    clients
}

on_both_backends! {
    async fn the_address_is_the_one_the_trusted_proxy_appended(app) {
        let app = TestApp::start_with(app.backend, Settings {
            trusted_proxy_header: Some("X-Forwarded-For".into()),
            throttle_per_account: 100,
            throttle_per_client: 3,
            ..app.settings.clone()
        }).await.unwrap();
        // The client writes whatever it likes on the left; the proxy appends 203.0.113.7.
        for n in 0..3 {
            let forged = format!("10.9.8.{n}, 203.0.113.7");
            let response = sign_in_via(&app, &forged, &format!("guess{n}@example.org"), "wrong").await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let blocked = sign_in_via(&app, "10.9.8.99, 203.0.113.7", &app.email, PASSWORD).await;
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "a forged entry does not make a new client");
        assert!(blocked.text().await.unwrap().contains("Too many failed sign-ins from your address"));
        // Another client behind the same proxy is not held back by this one.
        let other = sign_in_via(&app, "203.0.113.7, 203.0.113.8", &app.email, PASSWORD).await;
        assert_eq!(other.status(), StatusCode::SEE_OTHER, "{}", other.text().await.unwrap());

        let recorded = failed_sign_ins_from(&app).await;
        assert_eq!(recorded, vec!["203.0.113.7"; 3], "the audit trail records the address the proxy saw");
    }

    async fn with_two_proxies_the_address_is_counted_two_hops_from_the_right(app) {
        let app = TestApp::start_with(app.backend, Settings {
            trusted_proxy_header: Some("X-Forwarded-For".into()),
            trusted_proxy_hops: 2,
            ..app.settings.clone()
        }).await.unwrap();
        // The outer proxy appends the client (198.51.100.9), the inner one the outer (10.0.0.1).
        let response = sign_in_via(&app, "192.0.2.66, 198.51.100.9, 10.0.0.1", "nobody@example.org", "wrong").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // Fewer entries than trusted proxies, or one that is not an address: not trusted, so the
        // connection's own address (the proxy's) counts.
        let short = sign_in_via(&app, "198.51.100.10", "nobody@example.org", "wrong").await;
        assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let garbage = sign_in_via(&app, "1.2.3.4, <script>, 10.0.0.1", "nobody@example.org", "wrong").await;
        assert_eq!(garbage.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(failed_sign_ins_from(&app).await, vec!["127.0.0.1", "127.0.0.1", "198.51.100.9"]);
    }

    async fn without_a_trusted_proxy_the_header_is_ignored(app) {
        let response = sign_in_via(&app, "203.0.113.7", "nobody@example.org", "wrong").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(failed_sign_ins_from(&app).await, vec!["127.0.0.1"]);
    }
}
