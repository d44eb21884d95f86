//! Signing in and what keeps it safe, on both backends: cookies, sessions that end at once,
//! revoked tokens, throttling, two-factor sign-in, invitation and reset links, deactivation.

use crate::support;

use crate::support::{browser, input_value, location, Session, TestApp, ORGANISATION, PASSWORD};
use foi_tracker::config::Settings;
use reqwest::StatusCode;
use serde_json::json;

/// The text between `<pre><code>` and `</code></pre>`: where a secret is shown once.
fn shown_once(page: &str) -> Option<String> {
    let start = page.find("<pre><code>")? + "<pre><code>".len();
    let end = page[start..].find("</code></pre>")? + start;
    Some(page[start..end].to_string())
}

/// Posts the sign-in form from a fresh page of `client`; returns the answer.
async fn try_sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    app.sign_in_form(client, email, password).await
}

/// Whether the session of `who` still opens a page that needs one.
async fn signed_in(who: &Session) -> bool {
    let response = who.client.get(who.url("/account")).send().await.unwrap();
    match response.status() {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => {
            assert_eq!(location(&response), "/sign-in?next=%2Faccount");
            false
        }
        other => panic!("unexpected {other}"),
    }
}

/// A new calendar feed address for `who`, made on the account page as its owner does.
async fn feed_address(who: &Session) -> String {
    let page = who
        .post_form("/account/calendar", &[])
        .await
        .text()
        .await
        .unwrap();
    shown_once(&page).expect("the feed address is shown")
}

/// The status a calendar app gets for a feed address.
async fn feed_status(address: &str) -> StatusCode {
    browser().get(address).send().await.unwrap().status()
}

/// Sets up an authenticator app from the account's set-up page, giving `password` if any;
/// returns the answer and the secret the page showed.
async fn set_up_two_factor(
    app: &TestApp,
    who: &Session,
    password: Option<&str>,
) -> (reqwest::Response, String) {
    let page = who.text("/account/two-factor").await;
    assert!(
        page.contains(r#"name="password""#),
        "the set-up form asks for the password"
    );
    let secret = input_value(&page, "secret").unwrap();
    let recovery = input_value(&page, "recovery_codes").unwrap();
    let code = app.next_code(&secret, &who.email).await;
    let mut form = vec![
        ("secret", secret.as_str()),
        ("recovery_codes", recovery.as_str()),
        ("code", code.as_str()),
    ];
    if let Some(password) = password {
        form.push(("password", password));
    }
    (who.post_form("/account/two-factor", &form).await, secret)
}

/// The status of an API call with `token`.
async fn api_with(app: &TestApp, token: &str) -> StatusCode {
    browser()
        .get(app.url("/api/v1/requests"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .status()
}

on_both_backends! {
    async fn the_session_cookie_is_safe_and_new_at_every_sign_in(app) {
        let client = browser();
        let first = try_sign_in(&app, &client, &app.email, PASSWORD).await;
        assert_eq!(first.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&first), "/");
        let cookie = first
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("foi_session="))
            .expect("a session cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain HTTP here: {cookie}");
        let second = try_sign_in(&app, &browser(), &app.email, PASSWORD).await;
        let again = second
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("foi_session="))
            .unwrap();
        assert_ne!(cookie.split(';').next(), again.split(';').next(), "a new session id at every sign-in");

        let page = app.get("/").await;
        for (header, value) in [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("x-frame-options", "DENY"),
        ] {
            assert_eq!(page.headers()[header], value);
        }
        let csp = page.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"), "{csp}");

        let secure = TestApp::start_with(app.backend, Settings {
            public_url: Some("https://foi.example.org".into()),
            ..app.settings.clone()
        }).await.unwrap();
        let response = try_sign_in(&secure, &browser(), &secure.email, PASSWORD).await;
        let cookie = response.headers().get_all("set-cookie").iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("foi_session=")).unwrap();
        assert!(cookie.contains("Secure"), "HTTPS public URL: {cookie}");
    }

    async fn a_wrong_password_is_refused_beside_the_field(app) {
        let response = try_sign_in(&app, &browser(), &app.email, "not the password").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"id="password-error""#) && page.contains("The email address or the password is wrong"));
        assert!(!page.contains("not the password"), "a password is never shown back");
        let unknown = try_sign_in(&app, &browser(), "nobody@example.org", "whatever it is").await;
        assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.text().await.unwrap().contains("The email address or the password is wrong"), "the same words: no one learns who has an account");
    }

    async fn signing_out_everywhere_ends_every_session_at_once(app) {
        let laptop = app.sign_in(&app.email, PASSWORD).await;
        let phone = app.sign_in(&app.email, PASSWORD).await;
        assert!(signed_in(&laptop).await && signed_in(&phone).await);
        let feed = feed_address(&laptop).await;
        assert_eq!(feed_status(&feed).await, StatusCode::OK);
        let account = laptop.text("/account").await;
        assert!(account.contains("Ends every session of yours on every device, every API token and your calendar feed"), "the page says what it ends");
        let response = laptop.post_form("/account/sign-out-everywhere", &[]).await;
        assert_eq!(location(&response), "/sign-in");
        assert!(!signed_in(&phone).await, "the other device is signed out at once");
        assert!(!signed_in(&laptop).await);
        assert!(!signed_in(&app.session).await);
        // Whoever had the account may have made a token or a feed address for themselves.
        assert_eq!(api_with(&app, &app.token).await, StatusCode::UNAUTHORIZED, "every API token ends");
        assert_eq!(api_with(&app, &laptop.token).await, StatusCode::UNAUTHORIZED);
        assert_eq!(feed_status(&feed).await, StatusCode::NOT_FOUND, "the calendar feed stops");

        // Signing out ends that session only.
        let one = app.sign_in(&app.email, PASSWORD).await;
        let other = app.sign_in(&app.email, PASSWORD).await;
        let response = one.post_form("/sign-out", &[]).await;
        assert_eq!(location(&response), "/sign-in");
        assert!(!signed_in(&one).await && signed_in(&other).await);
    }

    async fn a_password_change_ends_every_session_token_and_feed(app) {
        let elsewhere = app.sign_in(&app.email, PASSWORD).await;
        let feed = feed_address(&elsewhere).await;
        assert!(app.text("/account").await.contains("Changing it ends every session of yours, this one too, every API token and your calendar feed"));
        let wrong = app.post_form("/account/password", &[("current_password", "wrong"), ("new_password", "a new long password"), ("confirm", "a new long password")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().await.unwrap().contains(r#"id="current_password-error""#));
        assert!(signed_in(&elsewhere).await, "a refused change ends nothing");
        assert_eq!(api_with(&app, &app.token).await, StatusCode::OK);
        assert_eq!(feed_status(&feed).await, StatusCode::OK);
        let short = app.post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "short"), ("confirm", "short")]).await;
        assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.text().await.unwrap().contains("at least 12 characters"));
        let done = app.post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "a new long password"), ("confirm", "a new long password")]).await;
        assert_eq!(location(&done), "/sign-in");
        assert!(!signed_in(&elsewhere).await && !signed_in(&app.session).await);
        assert_eq!(api_with(&app, &app.token).await, StatusCode::UNAUTHORIZED, "every API token ends");
        assert_eq!(feed_status(&feed).await, StatusCode::NOT_FOUND, "the calendar feed stops");
        assert_eq!(try_sign_in(&app, &browser(), &app.email, PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(location(&try_sign_in(&app, &browser(), &app.email, "a new long password").await), "/");
    }

    async fn a_token_is_shown_once_and_stops_at_once_when_revoked(app) {
        let response = app.post_form("/account/tokens", &[("name", "quarterly export")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let page = response.text().await.unwrap();
        let token = shown_once(&page).expect("the new token is shown");
        assert!(token.starts_with("foi_"), "{token}");
        assert_eq!(api_with(&app, &token).await, StatusCode::OK);
        let account = app.text("/account").await;
        assert!(account.contains("quarterly export") && !account.contains(&token), "shown once, never again");

        let none = browser().get(app.url("/api/v1/requests")).send().await.unwrap();
        assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(none.headers()["www-authenticate"], r#"Bearer realm="foi-tracker""#);
        assert_eq!(api_with(&app, "foi_not-a-real-token").await, StatusCode::UNAUTHORIZED);

        let mut conn = app.connection();
        let tokens = foi_tracker::db::sessions::api_tokens_of(&mut conn, 1).unwrap();
        let id = tokens.iter().find(|t| t.name == "quarterly export").unwrap().id;
        let response = app.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await;
        assert_eq!(location(&response), "/account");
        assert_eq!(api_with(&app, &token).await, StatusCode::UNAUTHORIZED, "revoked: refused at once");
        assert_eq!(api_with(&app, &app.token).await, StatusCode::OK, "the other token still works");

        // Someone else's token is not theirs to revoke.
        let other = app.member("other@elsewhere.example", "researcher", "Other NGO").await;
        let theirs = foi_tracker::db::sessions::api_tokens_of(&mut conn, 1).unwrap()[0].id;
        let refused = other.post_form(&format!("/account/tokens/{theirs}/revoke"), &[]).await;
        assert!(matches!(refused.status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{}", refused.status());
        assert_eq!(api_with(&app, &app.token).await, StatusCode::OK);
    }

    async fn throttling_engages_with_a_clear_message_and_releases(app) {
        // Long enough a window for the failures below to stay inside it on a busy machine.
        let window = std::time::Duration::from_secs(8);
        let app = TestApp::start_with(app.backend, Settings {
            throttle_per_account: 3,
            throttle_per_client: 6,
            throttle_window_seconds: window.as_secs() as i64,
            ..app.settings.clone()
        }).await.unwrap();
        for _ in 0..3 {
            let response = try_sign_in(&app, &browser(), &app.email, "a wrong password").await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let blocked = try_sign_in(&app, &browser(), &app.email, PASSWORD).await;
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        let page = blocked.text().await.unwrap();
        assert!(page.contains("Too many failed sign-ins for this account: try again in 1 minute"), "{page}");
        // Other accounts from other places are not blocked by this one.
        app.add_user("colleague@coalition.example", "researcher", ORGANISATION);
        // Per client: three more failures on other accounts reach the address's limit of six.
        for n in 0..3 {
            let response = try_sign_in(&app, &browser(), &format!("guess{n}@example.org"), "wrong").await;
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        }
        let last_failure = tokio::time::Instant::now();
        let from_here = try_sign_in(&app, &browser(), "colleague@coalition.example", PASSWORD).await;
        assert_eq!(from_here.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(from_here.text().await.unwrap().contains("Too many failed sign-ins from your address"));

        tokio::time::sleep_until(last_failure + window + std::time::Duration::from_millis(200)).await;
        let released = try_sign_in(&app, &browser(), &app.email, PASSWORD).await;
        assert_eq!(released.status(), StatusCode::SEE_OTHER, "the window has passed");
        assert_eq!(location(&released), "/");
    }

    async fn two_factor_sign_in_refuses_a_wrong_code(app) {
        let admin = app.admin().await;
        assert!(signed_in(&admin).await, "set up on first sign-in");
        let client = browser();
        let response = try_sign_in(&app, &client, &admin.email, PASSWORD).await;
        assert_eq!(location(&response), "/sign-in/code");
        // Half signed in: nothing opens yet.
        let home = client.get(app.url("/")).send().await.unwrap();
        assert_eq!(location(&home), "/sign-in");
        let api = client.get(app.url("/api/v1/requests")).send().await.unwrap();
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED);

        let page = support::page_text(&client, app.url("/sign-in/code")).await;
        let csrf = input_value(&page, "csrf").unwrap();
        let wrong = client.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", "000000")]).send().await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().await.unwrap().contains(r#"id="code-error""#));
        let home = client.get(app.url("/account")).send().await.unwrap();
        assert_eq!(location(&home), "/sign-in?next=%2Faccount", "a wrong code opens nothing");

        let mut conn = app.connection();
        let secret = foi_tracker::tracker::accounts::user_by_email(&mut conn, &admin.email).unwrap().totp_secret.unwrap();
        let code = app.next_code(&secret, &admin.email).await;
        let right = client.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
        assert_eq!(location(&right), "/");
        assert_eq!(client.get(app.url("/admin/users")).send().await.unwrap().status(), StatusCode::OK);

        // The same code again, in another browser, is refused: a code works once.
        let replay = browser();
        assert_eq!(location(&try_sign_in(&app, &replay, &admin.email, PASSWORD).await), "/sign-in/code");
        let page = support::page_text(&replay, app.url("/sign-in/code")).await;
        let csrf = input_value(&page, "csrf").unwrap();
        let again = replay.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY, "a replayed code");
        assert_eq!(location(&replay.get(app.url("/")).send().await.unwrap()), "/sign-in");

        // Admins keep two-factor sign-in; others may turn it off.
        let off = admin.post_form("/account/two-factor/disable", &[("password", PASSWORD)]).await;
        assert_eq!(off.status(), StatusCode::FORBIDDEN);
    }

    async fn changing_or_turning_off_two_factor_asks_for_the_password(app) {
        let email = "careful@coalition.example";
        let researcher = app.member(email, "researcher", ORGANISATION).await;
        let secret_of = || foi_tracker::tracker::accounts::user_by_email(&mut app.connection(), email).unwrap().totp_secret;
        for password in [None, Some("not my password")] {
            let (refused, _) = set_up_two_factor(&app, &researcher, password).await;
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
            assert!(refused.text().await.unwrap().contains(r#"id="password-error""#), "beside the field");
            assert_eq!(secret_of(), None, "nothing changed");
        }
        let (done, first) = set_up_two_factor(&app, &researcher, Some(PASSWORD)).await;
        assert_eq!(location(&done), "/account");
        assert_eq!(secret_of(), Some(first.clone()));

        // A new authenticator app replaces the old one only with the password too.
        let (refused, _) = set_up_two_factor(&app, &researcher, None).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(secret_of(), Some(first.clone()), "still the first app");
        let (done, second) = set_up_two_factor(&app, &researcher, Some(PASSWORD)).await;
        assert_eq!(location(&done), "/account");
        assert_eq!(secret_of(), Some(second));

        assert!(researcher.text("/account").await.contains(r#"action="/account/two-factor/disable""#));
        for password in [None, Some("not my password")] {
            let form: Vec<(&str, &str)> = password.map(|p| ("password", p)).into_iter().collect();
            let refused = researcher.post_form("/account/two-factor/disable", &form).await;
            assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password:?}");
            assert!(refused.text().await.unwrap().contains(r#"id="password-error""#));
            assert!(secret_of().is_some(), "still on");
        }
        let off = researcher.post_form("/account/two-factor/disable", &[("password", PASSWORD)]).await;
        assert_eq!(location(&off), "/account");
        assert_eq!(secret_of(), None);
    }

    async fn an_invitation_link_works_once(app) {
        let admin = app.admin().await;
        let response = admin.post_form("/admin/users", &[("email", "New@Member.example"), ("name", "New Member"), ("organisation", "Second NGO"), ("role", "researcher")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["cache-control"], "no-store");
        let page = response.text().await.unwrap();
        let link = shown_once(&page).expect("the invitation link is shown to the admin");
        assert!(link.starts_with(&format!("{}/invitations/", app.address)), "{link}");
        let path = link.trim_start_matches(&app.address).to_string();
        assert!(!admin.text("/admin/users").await.contains(&link), "shown once");

        let visitor = browser();
        let form = visitor.get(app.url(&path)).send().await.unwrap();
        assert_eq!(form.status(), StatusCode::OK);
        let form = form.text().await.unwrap();
        assert!(form.contains("new@member.example"));
        let csrf = input_value(&form, "csrf").unwrap();
        let mismatch = visitor.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("password", "a long new password"), ("confirm", "another")]).send().await.unwrap();
        assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(mismatch.text().await.unwrap().contains(r#"id="confirm-error""#));
        let accepted = visitor.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("password", "a long new password"), ("confirm", "a long new password")]).send().await.unwrap();
        assert_eq!(location(&accepted), "/sign-in");
        assert_eq!(visitor.get(app.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND, "used once");
        assert_eq!(location(&try_sign_in(&app, &browser(), "new@member.example", "a long new password").await), "/");

        // A reset link for the same user replaces their password once.
        let users = admin.text("/admin/users").await;
        let id = users.split("/admin/users/").filter_map(|s| s.split('/').next()).filter_map(|s| s.parse::<i32>().ok()).max().unwrap();
        let page = admin.post_form(&format!("/admin/users/{id}/reset-link"), &[]).await.text().await.unwrap();
        let reset = shown_once(&page).unwrap();
        assert!(reset.contains("/password-reset/"), "{reset}");
        let path = reset.trim_start_matches(&app.address).to_string();
        let page = support::page_text(&visitor, app.url(&path)).await;
        let csrf = input_value(&page, "csrf").unwrap();
        let done = visitor.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("password", "yet another password"), ("confirm", "yet another password")]).send().await.unwrap();
        assert_eq!(location(&done), "/sign-in");
        assert_eq!(visitor.get(app.url(&path)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
        assert_eq!(location(&try_sign_in(&app, &browser(), "new@member.example", "yet another password").await), "/");
        assert_eq!(visitor.get(app.url("/invitations/made-up")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    }

    async fn a_deactivated_user_can_do_nothing_and_their_requests_are_handed_over(app) {
        let leaving = app.member("leaving@coalition.example", "researcher", ORGANISATION).await;
        let home_office = app.authority("Home Office").await;
        let mut ids = Vec::new();
        for title in ["Theirs 1", "Theirs 2"] {
            let response = leaving.post_json("/api/v1/requests", &json!({"title": title, "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
            assert_eq!(response.status(), StatusCode::CREATED);
            let created: serde_json::Value = response.json().await.unwrap();
            ids.push(created["id"].as_i64().unwrap());
        }
        let admin = app.admin().await;
        let users = admin.text("/admin/users").await;
        let own = users.split("<tr>").find(|r| r.contains("<td>admin@coalition.example</td>")).unwrap();
        let own: i32 = own.split("/admin/users/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
        let myself = admin.post_form(&format!("/admin/users/{own}/deactivate"), &[("confirm", "yes")]).await;
        assert_eq!(myself.status(), StatusCode::CONFLICT, "an administrator cannot lock themselves out");
        assert!(signed_in(&admin).await);
        let row = users.split("<tr>").find(|r| r.contains("<td>leaving@coalition.example</td>")).unwrap();
        let id: i32 = row.split("/admin/users/").nth(1).unwrap().split('/').next().unwrap().parse().unwrap();
        let wrong = admin.post_form(&format!("/admin/users/{id}/deactivate"), &[("hand_over_to", "nobody@example.org"), ("confirm", "yes")]).await;
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(signed_in(&leaving).await, "a refused deactivation changes nothing");
        let done = admin.post_form(&format!("/admin/users/{id}/deactivate"), &[("hand_over_to", app.email.as_str()), ("confirm", "yes")]).await;
        assert_eq!(done.status(), StatusCode::OK);
        let page = done.text().await.unwrap();
        assert!(page.contains("leaving@coalition.example was deactivated; 2 request(s) handed over"), "{page}");

        assert!(!signed_in(&leaving).await, "their session ended");
        assert_eq!(api_with(&app, &leaving.token).await, StatusCode::UNAUTHORIZED, "their token ended");
        assert_eq!(try_sign_in(&app, &browser(), &leaving.email, PASSWORD).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let coordinator_id = app.get_json("/api/v1/requests").await["items"].as_array().unwrap().iter()
            .filter(|r| ids.contains(&r["id"].as_i64().unwrap()))
            .map(|r| r["owner_id"].clone())
            .collect::<Vec<_>>();
        assert_eq!(coordinator_id, vec![json!(1), json!(1)], "handed over to the coordinator (user 1)");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_install_tells_the_newcomer_how_to_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        database_url: format!("sqlite://{}", dir.path().join("fresh.db").display()),
        bind: "127.0.0.1:0".into(),
        ..Settings::default()
    };
    let app = foi_tracker::startup::Application::build(settings).unwrap();
    let address = format!("http://{}", app.address());
    tokio::spawn(app.run());
    let page = support::page_text(&browser(), format!("{address}/sign-in")).await;
    assert!(page.contains("No one can sign in yet"));
    assert!(
        page.contains("foi-tracker user add --email you@example.org"),
        "{page}"
    );
    assert!(page.contains("serve --demo"));
    let home = browser().get(format!("{address}/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&home), "/sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_or_a_revocation_in_one_instance_holds_in_another_at_once_on_sqlite() {
    across_instances(foi_tracker::db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_or_a_revocation_in_one_instance_holds_in_another_at_once_on_postgres() {
    across_instances(foi_tracker::db::Backend::Postgres).await;
}

/// Two instances of one deployment on one database: a session signed out, or a token
/// revoked, on one is refused by the other on its very next request, even for a page the
/// other has just served from its cache.
async fn across_instances(backend: foi_tracker::db::Backend) {
    let Some(app) = TestApp::start(backend, support::TODAY).await else {
        return eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
    };
    let other = app.second_instance().await;
    let here = app.sign_in(&app.email, PASSWORD).await;
    let mut there = here.clone();
    there.address = other.address.clone();
    assert!(signed_in(&there).await, "one session works on every instance");
    for _ in 0..2 {
        let dashboard = there.get("/").await;
        assert_eq!(
            dashboard.status(),
            StatusCode::OK,
            "the second view comes from the cache"
        );
    }
    let response = here.post_form("/sign-out", &[]).await;
    assert_eq!(location(&response), "/sign-in");
    let dashboard = there.get("/").await;
    assert_eq!(dashboard.status(), StatusCode::SEE_OTHER, "not the cached page");
    assert_eq!(location(&dashboard), "/sign-in");
    assert!(!signed_in(&there).await);

    let page = app
        .post_form("/account/tokens", &[("name", "across instances")])
        .await
        .text()
        .await
        .unwrap();
    let token = shown_once(&page).expect("the new token is shown");
    assert_eq!(api_with(&other, &token).await, StatusCode::OK);
    let mut conn = app.connection();
    let tokens = foi_tracker::db::sessions::api_tokens_of(&mut conn, 1).unwrap();
    let id = tokens.iter().find(|t| t.name == "across instances").unwrap().id;
    let response = app.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!(location(&response), "/account");
    assert_eq!(
        api_with(&other, &token).await,
        StatusCode::UNAUTHORIZED,
        "revoked on the other instance at once"
    );
    assert_eq!(
        api_with(&other, &app.token).await,
        StatusCode::OK,
        "the other token still works there"
    );
}
