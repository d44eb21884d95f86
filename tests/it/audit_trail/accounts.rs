//! Users, organisations, tokens, sign-ins, two-factor and calendar feeds.

use super::*;

on_both_backends! {
    async fn users_are_audited_and_deactivation_hands_requests_over(app) {
        let admin = app.admin().await;
        let by = web_user(&admin.email, user_id(&app, &admin.email));

        // Added from the admin page into a new organisation: the organisation, the user and
        // the invitation link, each once.
        let m = mark(&app);
        let response = admin
            .post_form("/admin/users", &[("email", "New.Researcher@Partner.example"), ("name", "New Researcher"), ("organisation", "Partner NGO"), ("role", "researcher")])
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        let invitation = link_secret(&page, "invitations");
        let new_user = user_id(&app, "new.researcher@partner.example");
        let partner = organisation_of(&app, "new.researcher@partner.example");
        // The link expires 7 days after it was made.
        let written = since(&app, &m);
        let expires_at = written.last().map(|e| e.at + Duration::days(7));
        assert_eq!(
            written.iter().map(Entry::from).collect::<Vec<_>>(),
            [
                by.did("create", "organisation", Some(partner), None, Some(json!({"name": "Partner NGO"}))),
                by.did(
                    "create",
                    "user",
                    Some(new_user),
                    None,
                    Some(json!({
                        "email": "new.researcher@partner.example", "name": "New Researcher", "role": "researcher",
                        "organisation_id": partner, "active": true, "two_factor": false, "password": "not set",
                    })),
                ),
                by.did(
                    "create_invitation",
                    "user",
                    Some(new_user),
                    None,
                    Some(json!({"expires_at": expires_at})),
                ),
            ]
        );
        assert_eq!(holding(&app, &invitation), Vec::<i32>::new(), "the invitation's secret is in the trail");

        // The invitation accepted: the person holding the link acts as the user it is for, so
        // that filtering the trail by that user finds it.
        let m = mark(&app);
        use_link(&app, "invitations", &invitation, "a passphrase of their own").await;
        let holder = web_user("new.researcher@partner.example", new_user);
        assert_written(
            &app,
            &m,
            &[holder.did("accept_invitation", "user", Some(new_user), Some(json!({"password": "not set"})), Some(json!({"password": "set", "sessions_ended": 0, "tokens_revoked": 0, "feeds_stopped": 0})))],
        );

        // A password-reset link, and its use.
        let m = mark(&app);
        let response = admin.post_form(&format!("/admin/users/{new_user}/reset-link"), &[]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let reset = link_secret(&response.text().await.unwrap(), "password-reset");
        // The link expires 24 hours after it was made.
        let written = since(&app, &m);
        let expires_at = written.last().map(|e| e.at + Duration::hours(24));
        assert_eq!(
            written.iter().map(Entry::from).collect::<Vec<_>>(),
            [by.did("create_password_reset", "user", Some(new_user), None, Some(json!({"expires_at": expires_at})))]
        );
        let m = mark(&app);
        use_link(&app, "password-reset", &reset, "another passphrase of theirs").await;
        assert_written(
            &app,
            &m,
            &[holder.did("reset_password", "user", Some(new_user), Some(json!({"password": "set"})), Some(json!({"password": "set", "sessions_ended": 0, "tokens_revoked": 0, "feeds_stopped": 0})))],
        );
        for secret in [reset.as_str(), "a passphrase of their own", "another passphrase of theirs"] {
            assert_eq!(holding(&app, secret), Vec::<i32>::new(), "{secret} is in the trail");
        }

        // `foi-tracker user add --password-stdin`: by the command line, from nowhere.
        let m = mark(&app);
        let cli_user = app.add_user("cli.user@coalition.example", "coordinator", ORGANISATION);
        let organisation = organisation_of(&app, &app.email);
        assert_written(
            &app,
            &m,
            &[command_line().did(
                "create",
                "user",
                Some(cli_user),
                None,
                Some(json!({
                    "email": "cli.user@coalition.example", "name": "Test coordinator", "role": "coordinator",
                    "organisation_id": organisation, "active": true, "two_factor": false, "password": "set",
                })),
            )],
        );
        assert_eq!(holding(&app, PASSWORD), Vec::<i32>::new());

        // Deactivated with a hand-over: each request handed over, then the user, once each.
        let leaver = app.member("leaving@coalition.example", "researcher", ORGANISATION).await;
        let leaver_id = user_id(&app, &leaver.email);
        let home_office = app.authority("Home Office").await;
        let first = id_of(&leaver.create_request(json!({"title": "First", "body": "B", "authority_id": home_office})).await);
        let second = id_of(&leaver.create_request(json!({"title": "Second", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await);
        let own = id_of(&app.create_request(json!({"title": "Coordinator's own", "body": "B", "authority_id": home_office})).await);
        let heir = user_id(&app, &app.email);
        let m = mark(&app);
        let response = admin
            .post_form(&format!("/admin/users/{leaver_id}/deactivate"), &[("hand_over_to", app.email.as_str()), ("confirm", "yes")])
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("leaving@coalition.example was deactivated; 2 request(s) handed over"));
        let leaver_values = json!({
            "email": "leaving@coalition.example", "name": "Test researcher", "role": "researcher",
            "organisation_id": organisation, "active": true, "two_factor": false, "password": "set",
        });
        let mut deactivated = leaver_values.clone();
        deactivated["active"] = json!(false);
        let owner = |id: i32| json!({"owner_id": id});
        assert_written(
            &app,
            &m,
            &[
                by.did("hand_over", "request", Some(first), Some(owner(leaver_id)), Some(owner(heir))),
                by.did("hand_over", "request", Some(second), Some(owner(leaver_id)), Some(owner(heir))),
                by.did("deactivate", "user", Some(leaver_id), Some(leaver_values), Some(deactivated)),
            ],
        );
        assert_eq!([owner_of(&app, first), owner_of(&app, second), owner_of(&app, own)], [Some(heir); 3]);
        // The leaver's token no longer opens the API.
        assert_eq!(leaver.get("/api/v1/requests").await.status(), StatusCode::UNAUTHORIZED);
    }

    async fn tokens_sign_ins_and_two_factor_are_audited(app) {
        let researcher = app.member("researcher@coalition.example", "researcher", ORGANISATION).await;
        let me = user_id(&app, &researcher.email);
        let by = web_user(&researcher.email, me);

        // A personal API token from the account page: named, its secret shown once and
        // recorded nowhere.
        let m = mark(&app);
        let response = researcher.post_form("/account/tokens", &[("name", "quarterly export")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        let start = page.find("<pre><code>").expect("the new token is shown") + "<pre><code>".len();
        let secret = page[start..page[start..].find("</code>").unwrap() + start].to_string();
        assert!(secret.starts_with("foi_"), "{secret}");
        let token = foi_tracker::db::sessions::api_tokens_of(&mut app.connection(), me)
            .unwrap()
            .into_iter()
            .find(|t| t.name == "quarterly export")
            .unwrap()
            .id;
        assert_written(&app, &m, &[by.did("create", "api_token", Some(token), None, Some(json!({"user_id": me, "name": "quarterly export"})))]);
        let response = reqwest::Client::new().get(app.url("/api/v1/requests")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "the token works");

        // Revoked once: one entry. Again: nothing changes, nothing is written. Someone else's:
        // not found, nothing written.
        let m = mark(&app);
        let response = researcher.post_form(&format!("/account/tokens/{token}/revoke"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(&app, &m, &[by.did("revoke", "api_token", Some(token), Some(json!({"revoked": false})), Some(json!({"revoked": true})))]);
        let m = mark(&app);
        let response = researcher.post_form(&format!("/account/tokens/{token}/revoke"), &[]).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let coordinators = foi_tracker::db::sessions::api_tokens_of(&mut app.connection(), user_id(&app, &app.email)).unwrap();
        let response = researcher.post_form(&format!("/account/tokens/{}/revoke", coordinators[0].id), &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_written(&app, &m, &[]);
        let response = reqwest::Client::new().get(app.url("/api/v1/requests")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the token is revoked");

        // `foi-tracker token create`: by the command line.
        let m = mark(&app);
        let (cli_token, cli_secret) =
            api_tokens::create_token(&mut app.connection(), &Caller::command_line(), Some(&researcher.email), "nightly sync", now()).unwrap();
        assert_written(&app, &m, &[command_line().did("create", "api_token", Some(cli_token.id), None, Some(json!({"user_id": me, "name": "nightly sync"})))]);
        for secret in [&secret, &cli_secret, &researcher.token, &app.token] {
            assert_eq!(holding(&app, secret), Vec::<i32>::new(), "a token's secret is in the trail");
        }

        // Failed sign-ins: by no one yet, naming the account tried (as typed, folded to lower
        // case), never the password.
        let client = browser();
        let m = mark(&app);
        let (status, _) = try_sign_in(&app, &client, "Researcher@Coalition.example", "not the password at all").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = try_sign_in(&app, &client, "nobody@coalition.example", "not the password either").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_written(
            &app,
            &m,
            &[
                anonymous().did("sign_in_failed", "user", Some(me), None, Some(json!({"email": "researcher@coalition.example"}))),
                anonymous().did("sign_in_failed", "user", None, None, Some(json!({"email": "nobody@coalition.example"}))),
            ],
        );
        for password in ["not the password", PASSWORD] {
            assert_eq!(holding(&app, password), Vec::<i32>::new(), "a password is in the trail");
        }

        // Signing in and out.
        let m = mark(&app);
        let (status, next) = try_sign_in(&app, &client, &researcher.email, PASSWORD).await;
        assert_eq!((status, next.as_str()), (StatusCode::SEE_OTHER, "/"));
        assert_written(&app, &m, &[by.did("sign_in", "user", Some(me), None, None)]);
        let csrf = csrf_of(&app, &client, "/account").await;
        let m = mark(&app);
        let response = client.post(app.url("/sign-out")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_written(&app, &m, &[by.did("sign_out", "user", Some(me), None, None)]);

        // Two-factor sign-in turned on: its secret is not recorded.
        let page = researcher.text("/account/two-factor").await;
        let totp_secret = input_value(&page, "secret").unwrap();
        let recovery = input_value(&page, "recovery_codes").unwrap();
        let code = two_factor::totp(&totp_secret, &researcher.email).unwrap().generate_current().to_string();
        let m = mark(&app);
        let response = researcher
            .post_form("/account/two-factor", &[("secret", totp_secret.as_str()), ("recovery_codes", recovery.as_str()), ("code", code.as_str()), ("password", PASSWORD)])
            .await;
        assert_eq!(location(&response), "/account");
        assert_written(&app, &m, &[by.did("enable_two_factor", "user", Some(me), Some(json!({"two_factor": false})), Some(json!({"two_factor": true})))]);
        assert_eq!(holding(&app, &totp_secret), Vec::<i32>::new());

        // Then a sign-in takes a code: the password step, a wrong code, the right one.
        let client = browser();
        let m = mark(&app);
        let (status, next) = try_sign_in(&app, &client, &researcher.email, PASSWORD).await;
        assert_eq!((status, next.as_str()), (StatusCode::SEE_OTHER, "/sign-in/code"));
        let csrf = csrf_of(&app, &client, "/sign-in/code").await;
        let wrong = wrong_code(&totp_secret, &researcher.email);
        let response = client.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", wrong.as_str())]).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        // A code works once: the next one, which the app accepts early, not the one just used.
        let next_step = chrono::Utc::now().timestamp() as u64 + 30;
        let code = two_factor::totp(&totp_secret, &researcher.email).unwrap().generate(next_step).to_string();
        let response = client.post(app.url("/sign-in/code")).form(&[("csrf", csrf.as_str()), ("code", code.as_str())]).send().await.unwrap();
        let (status, there) = (response.status(), location(&response));
        assert_eq!(there, "/", "{status}: {}", response.text().await.unwrap());
        assert_written(
            &app,
            &m,
            &[
                by.did("sign_in", "user", Some(me), None, None),
                by.did("second_factor_failed", "user", Some(me), None, None),
                by.did("sign_in_second_factor", "user", Some(me), None, None),
            ],
        );

        // Turned off again, then the password changed.
        let csrf = csrf_of(&app, &client, "/account").await;
        let m = mark(&app);
        let response = client.post(app.url("/account/two-factor/disable")).form(&[("csrf", csrf.as_str()), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(location(&response), "/account");
        assert_written(&app, &m, &[by.did("disable_two_factor", "user", Some(me), Some(json!({"two_factor": true})), Some(json!({"two_factor": false})))]);
        let m = mark(&app);
        let response = client
            .post(app.url("/account/password"))
            .form(&[("csrf", csrf.as_str()), ("current_password", PASSWORD), ("new_password", "a fresh passphrase here"), ("confirm", "a fresh passphrase here")])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&response), "/sign-in");
        // Every session (the test's two browsers), both API tokens and any feed end with it.
        let ended = json!({"password": "set", "sessions_ended": 2, "tokens_revoked": 2, "feeds_stopped": 0});
        assert_written(&app, &m, &[by.did("change_password", "user", Some(me), Some(json!({"password": "set"})), Some(ended))]);
        assert_eq!(holding(&app, "a fresh passphrase"), Vec::<i32>::new());
    }

    async fn renaming_an_organisation_is_recorded_once(app) {
        let admin = app.admin().await;
        let admin_id = user_id(&app, &admin.email);
        let mut conn = app.connection();
        let organisation = foi_tracker::db::accounts::find_organisation_by_name(&mut conn, ORGANISATION).unwrap().unwrap();
        let m = mark(&app);
        let response = admin.post_form(&format!("/admin/organisations/{}", organisation.id), &[("name", "Coalition NGO (renamed)")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.text().await.unwrap().contains("The organisation is now called Coalition NGO (renamed)"));
        assert_written(
            &app,
            &m,
            &[web_user(&admin.email, admin_id).did("rename", "organisation", Some(organisation.id), Some(json!({"name": ORGANISATION})), Some(json!({"name": "Coalition NGO (renamed)"})))],
        );
        // A name taken by another organisation is refused beside the field, and nothing is written.
        app.add_user("someone@other.example", "researcher", "Other NGO");
        let m = mark(&app);
        let response = admin.post_form(&format!("/admin/organisations/{}", organisation.id), &[("name", "Other NGO")]).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        assert!(response.text().await.unwrap().contains("An organisation is already called Other NGO"));
        assert_written(&app, &m, &[]);
    }

    async fn a_calendar_feed_made_and_stopped_is_recorded_without_its_address(app) {
        let me = user_id(&app, &app.email);
        let by = web_user(&app.email, me);
        let m = mark(&app);
        let page = app.post_form("/account/calendar", &[]).await.text().await.unwrap();
        let address = page.split("<pre><code>").nth(1).unwrap().split("</code></pre>").next().unwrap().to_string();
        assert_written(&app, &m, &[by.did("create", "calendar_feed", Some(me), Some(json!({"live": false})), Some(json!({"live": true})))]);
        let m = mark(&app);
        app.post_form("/account/calendar", &[]).await;
        assert_written(&app, &m, &[by.did("create", "calendar_feed", Some(me), Some(json!({"live": true})), Some(json!({"live": true})))]);
        let m = mark(&app);
        app.post_form("/account/calendar/revoke", &[]).await;
        assert_written(&app, &m, &[by.did("revoke", "calendar_feed", Some(me), Some(json!({"live": true})), Some(json!({"live": false})))]);
        // Stopping a feed that is not live changes nothing and records nothing.
        let m = mark(&app);
        app.post_form("/account/calendar/revoke", &[]).await;
        assert_written(&app, &m, &[]);
        let secret = address.rsplit('/').next().unwrap().trim_end_matches(".ics");
        assert_eq!(holding(&app, secret), Vec::<i32>::new(), "the feed's secret is in the trail");
    }
}
