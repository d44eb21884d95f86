//! Signing in returns to the page asked for, through the second factor and its forced set-up,
//! and never to another site. Both backends.

use crate::support;

use crate::support::{browser, input_value, location, page_text, TestApp, PASSWORD};
use reqwest::{Client, StatusCode};

/// Opens `path` signed out, follows the way to the sign-in page and posts the form there;
/// returns the answer to the password.
async fn sign_in_from(app: &TestApp, client: &Client, path: &str, email: &str) -> reqwest::Response {
    let asked = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(asked.status(), StatusCode::SEE_OTHER, "{path}");
    let sign_in = location(&asked);
    let page = page_text(client, app.url(&sign_in)).await;
    post_sign_in(app, client, &page, email).await
}

/// Posts the sign-in form of `page` as it stands, hidden fields and all.
async fn post_sign_in(app: &TestApp, client: &Client, page: &str, email: &str) -> reqwest::Response {
    let csrf = input_value(page, "csrf").unwrap();
    let mut form = vec![
        ("csrf", csrf),
        ("email", email.to_string()),
        ("password", PASSWORD.to_string()),
    ];
    if let Some(next) = input_value(page, "next") {
        form.push(("next", next.replace("&#x3D;", "=").replace("&amp;", "&")));
    }
    client.post(app.url("/sign-in")).form(&form).send().await.unwrap()
}

/// The sign-in page's address with `next` as given, percent-encoded.
fn with_next(app: &TestApp, next: &str) -> String {
    app.url(&format!(
        "/sign-in?{}",
        serde_urlencoded::to_string([("next", next)]).unwrap()
    ))
}

on_both_backends! {
    async fn a_deep_link_survives_signing_in(app) {
        app.add_user("researcher@coalition.example", "researcher", support::ORGANISATION);
        let client = browser();
        let asked = client.get(app.url("/requests?status=awaiting_response&tag=d2")).send().await.unwrap();
        assert_eq!(location(&asked), "/sign-in?next=%2Frequests%3Fstatus%3Dawaiting_response%26tag%3Dd2");
        let page = page_text(&client, app.url(&location(&asked))).await;
        assert!(page.contains(r#"<input type="hidden" name="next" value="/requests?status&#x3D;awaiting_response&amp;tag&#x3D;d2">"#), "{page}");

        let signed_in = post_sign_in(&app, &client, &page, "researcher@coalition.example").await;
        assert_eq!(location(&signed_in), "/requests?status=awaiting_response&tag=d2");
        let list = client.get(app.url(&location(&signed_in))).send().await.unwrap();
        assert_eq!(list.status(), StatusCode::OK);

        // Without a place asked for, the dashboard, as before.
        let plain = browser();
        let page = page_text(&plain, app.url("/sign-in")).await;
        assert!(!page.contains(r#"name="next""#));
        let signed_in = post_sign_in(&app, &plain, &page, "researcher@coalition.example").await;
        assert_eq!(location(&signed_in), "/");
        // Already signed in, a sign-in link goes straight on.
        let again = plain.get(app.url("/sign-in?next=/requests/new")).send().await.unwrap();
        assert_eq!(location(&again), "/requests/new");
    }

    async fn the_second_factor_and_its_set_up_keep_the_place(app) {
        // An administrator's first sign-in sets up two-factor sign-in on the way.
        app.add_user("admin@coalition.example", "admin", support::ORGANISATION);
        let client = browser();
        let response = sign_in_from(&app, &client, "/admin/users", "admin@coalition.example").await;
        assert_eq!(location(&response), "/account/two-factor?next=%2Fadmin%2Fusers");
        let page = page_text(&client, app.url(&location(&response))).await;
        let secret = input_value(&page, "secret").unwrap();
        let recovery = input_value(&page, "recovery_codes").unwrap();
        assert_eq!(input_value(&page, "next").as_deref(), Some("/admin/users"));
        let code = app.next_code(&secret, "admin@coalition.example").await;
        let csrf = input_value(&page, "csrf").unwrap();
        let set_up = client
            .post(app.url("/account/two-factor"))
            .form(&[("csrf", csrf.as_str()), ("secret", secret.as_str()), ("recovery_codes", recovery.as_str()), ("code", code.as_str()), ("next", "/admin/users")])
            .send().await.unwrap();
        assert_eq!(location(&set_up), "/admin/users");
        assert_eq!(client.get(app.url("/admin/users")).send().await.unwrap().status(), StatusCode::OK);

        // Next time: the code, then the page.
        let client = browser();
        let response = sign_in_from(&app, &client, "/audit?action=create", "admin@coalition.example").await;
        assert_eq!(location(&response), "/sign-in/code?next=%2Faudit%3Faction%3Dcreate");
        let page = page_text(&client, app.url(&location(&response))).await;
        assert_eq!(input_value(&page, "next").as_deref(), Some("/audit?action&#x3D;create"));
        let code = app.next_code(&secret, "admin@coalition.example").await;
        let csrf = input_value(&page, "csrf").unwrap();
        let verified = client
            .post(app.url("/sign-in/code"))
            .form(&[("csrf", csrf.as_str()), ("code", code.as_str()), ("next", "/audit?action=create")])
            .send().await.unwrap();
        assert_eq!(location(&verified), "/audit?action=create");
    }

    async fn sign_in_never_sends_anyone_to_another_site(app) {
        app.add_user("researcher@coalition.example", "researcher", support::ORGANISATION);
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/%2F/evil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\r\nLocation: https://evil.example",
        ] {
            let client = browser();
            let page = client.get(with_next(&app, bad)).send().await.unwrap();
            let status = page.status();
            let page = page.text().await.unwrap();
            assert!(!page.contains(r#"name="next""#), "{bad:?} is not kept: {status}");
            // Posted by hand all the same: the dashboard, or the form refused.
            let fresh = page_text(&client, app.url("/sign-in")).await;
            let csrf = input_value(&fresh, "csrf").unwrap();
            let response = client
                .post(app.url("/sign-in"))
                .form(&[("csrf", csrf.as_str()), ("email", "researcher@coalition.example"), ("password", PASSWORD), ("next", bad)])
                .send().await.unwrap();
            let to = location(&response);
            assert!(to == "/" || (to.is_empty() && response.status() == StatusCode::UNPROCESSABLE_ENTITY), "{bad:?} led to {to:?}");
            // And a signed-in visit to the sign-in page with it stays here.
            if to == "/" {
                let again = client.get(with_next(&app, bad)).send().await.unwrap();
                assert!(location(&again) == "/" || again.status() == StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}");
            }
        }
    }

    async fn a_page_that_does_not_exist_keeps_the_sites_header(app) {
        let signed_out = browser().get(app.url("/no-such-page")).send().await.unwrap();
        assert_eq!(signed_out.status(), StatusCode::NOT_FOUND);
        let page = signed_out.text().await.unwrap();
        assert!(page.contains("<h1>Page not found</h1>"), "{page}");
        assert!(page.contains(r#"<nav aria-label="Main">"#));
        assert!(page.contains(r#"<a href="/scorecard">Scorecard</a>"#));
        assert!(page.contains(r#"<a href="/sign-in">Sign in</a>"#));
        assert!(!page.contains(r#"<a href="/requests">Requests</a>"#), "no signed-in links signed out");

        let unknown = app.session.get("/requests/999999").await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let page = unknown.text().await.unwrap();
        assert!(page.contains("<h1>Page not found</h1>"));
        assert!(page.contains("request 999999 was not found"));
        assert!(page.contains(r#"<a href="/requests">Requests</a>"#), "the viewer's own navigation");
        assert!(page.contains(r#"<button type="submit" class="link">Sign out</button>"#));
    }
}
