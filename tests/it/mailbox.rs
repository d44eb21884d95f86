//! Each organisation's mailbox (issue 21): an administrator sets the address its requests go
//! out from and the SMTP server that sends them; the password is sealed, never shown, logged
//! or audited; bad input is refused beside its field and changes nothing. Both backends.

use reqwest::StatusCode;

const PASSWORD: &str = "app-password-7c1d";

fn form<'a>(
    address: &'a str,
    smtp_url: &'a str,
    username: &'a str,
    password: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("address", address),
        ("display_name", "Coalition FOI team"),
        ("smtp_url", smtp_url),
        ("smtp_username", username),
        ("smtp_password", password),
    ]
}

fn error_beside(page: &str, field: &str, message: &str) -> bool {
    page.contains(&format!(
        r#"<p class="error" id="{field}-error"><span class="visually-hidden">Error:</span> {message}"#
    ))
}

on_both_backends! {
    async fn an_administrator_sets_the_mailbox_and_its_password_is_never_shown_again(app) {
        let admin = app.admin().await;
        let page = admin.get("/admin/mailbox").await.text().await.unwrap();
        assert!(page.contains("plus-addressing"), "{page}");

        // Bad input: each problem beside its field, the password not sent back, nothing stored.
        let before = app.snapshot();
        let response = admin
            .post_form("/admin/mailbox", &form("foi+x@coalition.example", &format!("smtp://foi:{PASSWORD}@mail.example.org:587"), "", PASSWORD))
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(error_beside(&page, "address", "foi+x@coalition.example: the part before @ may hold only letters"), "{page}");
        assert!(error_beside(&page, "smtp_url", "Put the user name and password in their own fields"), "{page}");
        assert!(!page.contains(PASSWORD), "a password typed is never sent back");
        assert_eq!(app.snapshot(), before, "nothing changed");
        let response = admin
            .post_form("/admin/mailbox", &form("foi@coalition.example", "smtp://mail.example.org:587", "", ""))
            .await;
        let page = response.text().await.unwrap();
        assert!(error_beside(&page, "smtp_url", "Mail to another machine must be encrypted"), "{page}");
        let response = admin
            .post_form("/admin/mailbox", &form("foi@coalition.example", "smtps://mail.example.org:465", "", PASSWORD))
            .await;
        let page = response.text().await.unwrap();
        assert!(error_beside(&page, "smtp_username", "User name is required with a password"), "{page}");
        assert_eq!(app.snapshot(), before, "nothing changed");

        // Saved: the page shows what was set, and that a password is stored, never which.
        let response = admin
            .post_form("/admin/mailbox", &form("foi@coalition.example", "smtps://mail.example.org:465", "foi@coalition.example", PASSWORD))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let page = admin.get("/admin/mailbox").await.text().await.unwrap();
        assert!(page.contains("Mailbox saved."), "{page}");
        assert!(page.contains(r#"value="smtps://mail.example.org:465""#), "{page}");
        assert!(page.contains("A password is stored, encrypted"), "{page}");
        assert!(!page.contains(PASSWORD));

        // In the database only sealed; in the audit trail, that it changed.
        let stored = app.snapshot()["mailboxes"].join("\n");
        assert!(stored.contains("|v1:"), "{stored}");
        assert!(!stored.contains(PASSWORD), "{stored}");
        let organisation: i32 = app.snapshot()["organisations"]
            .iter()
            .find_map(|line| line.strip_suffix(&format!("|{}", crate::support::ORGANISATION)))
            .unwrap()
            .parse()
            .unwrap();
        let mut conn = app.connection();
        let audited: Vec<(Option<String>, Option<String>)> = {
            use diesel::prelude::*;
            use foi_tracker::db::schema::audit_entries::dsl::*;
            audit_entries.filter(entity.eq("mailbox")).select((before, after)).load(&mut conn).unwrap()
        };
        assert_eq!(audited.len(), 1);
        let after = audited[0].1.clone().unwrap();
        assert!(after.contains(r#""smtp_password_changed":true"#), "{after}");
        assert!(!after.contains(PASSWORD), "{after}");
        let sealed = foi_tracker::db::mailboxes::find(&mut conn, organisation).unwrap().unwrap().smtp_password_sealed.unwrap();
        let key = foi_tracker::sealing::SealingKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let context = foi_tracker::tracker::mailboxes::smtp_password_context(organisation);
        assert_eq!(key.open(&sealed, &context).unwrap(), PASSWORD);

        // Saved again with the password left blank: the stored one is kept.
        let response = admin
            .post_form("/admin/mailbox", &form("foi@coalition.example", "smtps://smtp.example.org:465", "foi@coalition.example", ""))
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let row = foi_tracker::db::mailboxes::find(&mut conn, organisation).unwrap().unwrap();
        assert_eq!(row.smtp_url, "smtps://smtp.example.org:465");
        assert_eq!(row.smtp_password_sealed.as_deref(), Some(sealed.as_str()));
        assert_eq!(crate::support::audit_actions(&app, "create").iter().filter(|l| l.ends_with("|mailbox")).count(), 1);
        assert_eq!(crate::support::audit_actions(&app, "update").iter().filter(|l| l.ends_with("|mailbox")).count(), 1);
    }

    async fn only_administrators_see_or_set_a_mailbox(app) {
        let researcher = app.member("researcher@coalition.example", "researcher", crate::support::ORGANISATION).await;
        assert_eq!(researcher.get("/admin/mailbox").await.status(), StatusCode::FORBIDDEN);
        let before = app.snapshot();
        let response = researcher
            .post_form("/admin/mailbox", &form("foi@coalition.example", "smtp://127.0.0.1:1025", "", ""))
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.snapshot(), before);
    }
}

on_both_backends! {
    async fn hostile_mailbox_input_is_refused_and_changes_nothing(app) {
        let admin = app.admin().await;
        let before = app.snapshot();
        // A NUL in the address and the password, and a 10 MB name.
        let huge = "x".repeat(10 * 1024 * 1024);
        for fields in [
            form("foi\0@coalition.example", "smtp://127.0.0.1:1025", "", ""),
            form("foi@coalition.example", "smtp://127.0.0.1:1025", "foi", "pass\0word"),
            vec![
                ("address", "foi@coalition.example"),
                ("display_name", huge.as_str()),
                ("smtp_url", "smtp://127.0.0.1:1025"),
            ],
        ] {
            let response = admin.post_form("/admin/mailbox", &fields).await;
            let status = response.status();
            assert!(status.is_client_error(), "{status}");
            let page = response.text().await.unwrap();
            assert!(!page.contains("pass\0word") && page.len() < 1024 * 1024, "{status}");
        }
        assert_eq!(app.snapshot(), before, "nothing changed");
    }
}
