//! Sign-ins under load, on both backends: parallel guesses at one account get no more tries
//! than the throttle allows, and a password being checked (deliberately slow) holds up no one
//! else's writes.

use std::time::{Duration, Instant};

use crate::support::{browser, input_value, page_text, TestApp, ORGANISATION, PASSWORD};
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, Version};
use diesel::prelude::*;
use foi_tracker::config::Settings;
use reqwest::StatusCode;
use serde_json::json;

on_both_backends! {
    async fn parallel_guesses_get_no_more_tries_than_the_throttle_allows(app) {
        let app = TestApp::start_with(app.backend, Settings {
            throttle_per_account: 5,
            throttle_per_client: 1000,
            // Enough connections that every attempt runs at once.
            pool_size: 24,
            ..app.settings.clone()
        }).await.unwrap();
        // Twenty browsers with the sign-in form open, then all sent at once.
        let mut forms = Vec::new();
        for _ in 0..20 {
            let client = browser();
            let page = page_text(&client, app.url("/sign-in")).await;
            forms.push((client, input_value(&page, "csrf").unwrap()));
        }
        let attempts = forms.into_iter().map(|(client, csrf)| {
            let (url, email) = (app.url("/sign-in"), app.email.clone());
            tokio::spawn(async move {
                client
                    .post(url)
                    .form(&[("csrf", csrf.as_str()), ("email", email.as_str()), ("password", "a wrong guess")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        });
        let statuses: Vec<StatusCode> = futures_util::future::join_all(attempts)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let evaluated = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
        let refused = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
        assert_eq!((evaluated, refused), (5, 15), "{statuses:?}");
        let blocked = app.sign_in_form(&browser(), &app.email, PASSWORD).await;
        assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS, "the right password waits too");
    }

    async fn a_password_being_checked_holds_up_no_one_elses_writes(app) {
        // A password hash that takes a long time to check (the work factor is in the hash), as
        // a busy server's would: the difference between "checked inside the write lock" and
        // "outside it" becomes seconds.
        let email = "slow@coalition.example";
        let researcher = app.member(email, "researcher", ORGANISATION).await;
        let slow = tokio::task::spawn_blocking(|| {
            let params = Params::new(19 * 1024, 60, 1, None).unwrap();
            let hash: PasswordHash = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
                .hash_password(PASSWORD.as_bytes())
                .unwrap();
            hash.to_string()
        })
        .await
        .unwrap();
        {
            use foi_tracker::db::schema::users;
            diesel::update(users::table.filter(users::email.eq(email)))
                .set(users::password_hash.eq(&slow))
                .execute(&mut app.connection())
                .unwrap();
        }
        let home_office = app.authority("Home Office").await;

        // A wrong password: checked against the slow hash while a colleague saves a request.
        let client = browser();
        let page = page_text(&client, app.url("/sign-in")).await;
        let csrf = input_value(&page, "csrf").unwrap();
        let url = app.url("/sign-in");
        let (status, write, check) = meanwhile(&app, home_office, async move {
            client
                .post(url)
                .form(&[("csrf", csrf.as_str()), ("email", email), ("password", "not the password")])
                .send()
                .await
                .unwrap()
        })
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(write < check / 2, "the colleague's save took {write:?}, waiting for a sign-in that took {check:?}");

        // The same for a password change, which checks the current password first.
        let (status, write, check) = meanwhile(&app, home_office, async move {
            researcher
                .post_form("/account/password", &[("current_password", PASSWORD), ("new_password", "a new long password"), ("confirm", "a new long password")])
                .await
        })
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(write < check / 2, "the colleague's save took {write:?}, waiting for a password change that took {check:?}");
    }
}

/// Runs `slow` (which checks a password) and, once it has started, a colleague's save; returns
/// the slow one's status, how long the save took and how long the slow one took.
async fn meanwhile(
    app: &TestApp,
    authority: i64,
    slow: impl std::future::Future<Output = reqwest::Response> + Send + 'static,
) -> (StatusCode, Duration, Duration) {
    let started = Instant::now();
    let slow = tokio::spawn(async move {
        let status = slow.await.status();
        (status, started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let saving = Instant::now();
    app.create_request(
        json!({"title": "Saved meanwhile", "body": "B", "authority_id": authority, "sent_on": "2026-05-01"}),
    )
    .await;
    let write = saving.elapsed();
    let (status, check) = slow.await.unwrap();
    (status, write, check)
}
