//! What the server writes to disk holds personal data (subject access requests, sign-in
//! links in emails): the SQLite database with its -wal and -shm files, and the mail folder's
//! `.eml` files, are readable by the server's own user alone, whatever the umask.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::support::{TestApp, TODAY};
use foi_tracker::db::Backend;
use reqwest::StatusCode;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_and_the_mail_are_readable_by_the_server_alone() {
    let app = TestApp::start(Backend::Sqlite, TODAY).await.unwrap();
    let database = app.database_url.strip_prefix("sqlite://").unwrap().to_string();
    for file in [
        database.clone(),
        format!("{database}-wal"),
        format!("{database}-shm"),
    ] {
        assert_eq!(mode(Path::new(&file)), 0o600, "{file}");
    }

    // An invitation is emailed at once: without a mail server it is an .eml in the mail folder.
    let admin = app.admin().await;
    let response = admin
        .post_form(
            "/admin/users",
            &[
                ("email", "new@member.example"),
                ("name", "New Member"),
                ("organisation", "Second NGO"),
                ("role", "researcher"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(mode(&app.mail_dir), 0o700, "the mail folder");
    let messages: Vec<_> = std::fs::read_dir(&app.mail_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert!(!messages.is_empty(), "the invitation was written");
    for message in messages {
        assert_eq!(mode(&message), 0o600, "{}", message.display());
    }
}
