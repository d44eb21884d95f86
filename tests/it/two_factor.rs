//! Two-factor sign-in when the app is lost: recovery codes shown once at set-up, each good
//! for one sign-in, renewed from the account page; an administrator's reset of another user's
//! two-factor sign-in, with their own password, audited, the user told by email. Both backends.

use crate::support;

use crate::support::{browser, input_value, location, page_text, TestApp, ORGANISATION, PASSWORD};
use reqwest::StatusCode;

/// The recovery codes a set-up page shows, as listed on it.
fn listed_codes(page: &str) -> Vec<String> {
    page.split("<li><code>")
        .skip(1)
        .map(|rest| rest[..rest.find("</code>").unwrap()].to_string())
        .collect()
}

/// Signs in with the password, then answers the code step with `code`: where that leads.
async fn sign_in_with_code(app: &TestApp, email: &str, code: &str) -> (StatusCode, String) {
    let client = browser();
    let response = app.sign_in_form(&client, email, PASSWORD).await;
    assert_eq!(location(&response), "/sign-in/code", "the password is right");
    let page = page_text(&client, app.url("/sign-in/code")).await;
    assert!(page.contains("one of your recovery codes"), "{page}");
    let csrf = input_value(&page, "csrf").unwrap();
    let answer = client
        .post(app.url("/sign-in/code"))
        .form(&[("csrf", csrf.as_str()), ("code", code)])
        .send()
        .await
        .unwrap();
    (answer.status(), location(&answer))
}

on_both_backends! {
    async fn recovery_codes_are_shown_once_and_each_signs_in_once(app) {
        let email = "admin@coalition.example";
        app.add_user(email, "admin", ORGANISATION);
        // The first sign-in of an administrator leads to the set-up page, which says why.
        let client = browser();
        let response = app.sign_in_form(&client, email, PASSWORD).await;
        assert_eq!(location(&response), "/account/two-factor");
        let page = page_text(&client, app.url("/account/two-factor")).await;
        assert!(page.contains("Your role needs two-factor sign-in: set it up to continue"), "{page}");
        let codes = listed_codes(&page);
        assert_eq!(codes.len(), 10, "{page}");
        assert_eq!(input_value(&page, "recovery_codes").unwrap(), codes.join(" "));
        let secret = input_value(&page, "secret").unwrap();
        let code = app.next_code(&secret, email).await;
        let csrf = input_value(&page, "csrf").unwrap();
        let done = client
            .post(app.url("/account/two-factor"))
            .form(&[("csrf", csrf.as_str()), ("secret", secret.as_str()), ("recovery_codes", codes.join(" ").as_str()), ("code", code.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&done), "/account");
        let account = page_text(&client, app.url("/account")).await;
        assert!(account.contains("10 of your recovery codes are unused."), "{account}");
        assert!(!account.contains(&codes[0]), "shown once, at set-up only");

        // A lost phone: a recovery code, typed in capitals with spaces, signs in once.
        let typed = codes[3].to_uppercase().replace('-', " ");
        assert_eq!(sign_in_with_code(&app, email, &typed).await, (StatusCode::SEE_OTHER, "/".into()));
        let (status, _) = sign_in_with_code(&app, email, &codes[3]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a used code");
        let account = page_text(&client, app.url("/account")).await;
        assert!(account.contains("9 of your recovery codes are unused."), "{account}");
        let used: Vec<String> = support::audit_actions(&app, "sign_in_recovery_code");
        assert_eq!(used.len(), 1, "the sign-in by recovery code is in the audit trail");

        // A new set, given the password: shown once; the old codes stop working.
        let csrf = input_value(&account, "csrf").unwrap();
        let renew = |password: &'static str| {
            client
                .post(app.url("/account/recovery-codes"))
                .form(&[("csrf", csrf.clone()), ("recovery_password", password.to_string())])
                .send()
        };
        let wrong = renew("not it").await.unwrap();
        assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text().await.unwrap().contains("That is not your current password"));
        let renewed = renew(PASSWORD).await.unwrap();
        assert_eq!(renewed.status(), StatusCode::OK);
        let page = renewed.text().await.unwrap();
        let fresh = listed_codes(&page);
        assert_eq!(fresh.len(), 10, "{page}");
        assert!(page.contains("They will not be shown again, and the old ones no longer work."));
        let (status, _) = sign_in_with_code(&app, email, &codes[5]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an old set's code");
        assert_eq!(sign_in_with_code(&app, email, &fresh[0]).await, (StatusCode::SEE_OTHER, "/".into()));
    }

    async fn an_administrator_resets_a_lost_two_factor_with_their_own_password(app) {
        let admin = app.admin().await;
        let email = "lost.phone@coalition.example";
        let id = app.add_user(email, "coordinator", ORGANISATION);
        // The coordinator turns two-factor sign-in on, then loses the phone.
        let coordinator = app.sign_in(email, PASSWORD).await;
        let page = coordinator.text("/account/two-factor").await;
        let secret = input_value(&page, "secret").unwrap();
        let recovery = input_value(&page, "recovery_codes").unwrap();
        let code = app.next_code(&secret, email).await;
        let on = coordinator
            .post_form("/account/two-factor", &[("secret", secret.as_str()), ("recovery_codes", recovery.as_str()), ("code", code.as_str()), ("password", PASSWORD)])
            .await;
        assert_eq!(location(&on), "/account");

        let users = admin.text("/admin/users").await;
        let link = format!("/admin/users/{id}/two-factor-reset");
        assert!(users.contains(&format!("href=\"{link}\"")), "{users}");
        let form = admin.text(&link).await;
        assert!(form.contains("Reset the two-factor sign-in of Test coordinator"), "{form}");
        assert!(form.contains("Every session they have open ends."), "{form}");

        // Someone at an administrator's open session, without the password, cannot.
        let before = app.snapshot();
        let refused = admin.post_form(&link, &[("password", "guess")]).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.text().await.unwrap().contains("That is not your current password"));
        assert_eq!(app.snapshot(), before, "nothing changed");
        // Nor can anyone but an administrator.
        let other = app.member("researcher@coalition.example", "researcher", ORGANISATION).await;
        assert_eq!(other.post_form(&link, &[("password", PASSWORD)]).await.status(), StatusCode::FORBIDDEN);

        let done = admin.post_form(&link, &[("password", PASSWORD)]).await;
        assert_eq!(done.status(), StatusCode::OK);
        let page = done.text().await.unwrap();
        assert!(page.contains(&format!("They were told by email at {email}.")), "{page}");
        // Signed out everywhere; the password alone now signs in.
        assert_eq!(location(&coordinator.get("/account").await), "/sign-in?next=%2Faccount");
        let client = browser();
        assert_eq!(location(&app.sign_in_form(&client, email, PASSWORD).await), "/");
        assert_eq!(support::audit_actions(&app, "reset_two_factor").len(), 1, "audited");

        let mail = support::written_mail(&app);
        let told = mail.iter().find(|m| m.to == email).expect("the user is told");
        assert_eq!(told.subject, "Your foi-tracker two-factor sign-in was reset");
        let text = told.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Test admin, an administrator, reset your foi-tracker two-factor sign-in on"), "{text}");
        assert!(text.contains("set up a new authenticator app on your account page"), "{text}");

        // Done once, there is nothing left to reset.
        let again = admin.post_form(&link, &[("password", PASSWORD)]).await;
        assert_eq!(again.status(), StatusCode::CONFLICT);
    }
}
