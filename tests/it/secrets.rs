//! Passwords, tokens, session ids and one-time links never appear in the server's log, in
//! pages (after the one page that shows a new secret), in API output or in the database.
//! The real binary runs with debug logging, as an operator might run it to chase a problem.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

use crate::support::input_value;
use reqwest::blocking::Client;

const PASSWORD: &str = "first admin passphrase";
const INVITED_PASSWORD: &str = "invited member passphrase";

fn foi(database: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_foi-tracker"));
    command
        .env("FOI_DATABASE_URL", database)
        // Any email goes beside the test's database, never into the working folder.
        .env(
            "FOI_MAIL_DIR",
            format!("{}.mail", database.trim_start_matches("sqlite://")),
        )
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .env("FOI_TODAY", "2026-06-01")
        .env("RUST_LOG", "debug")
        .env("NO_COLOR", "1");
    command
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

fn csrf(client: &Client, url: &str) -> String {
    input_value(&client.get(url).send().unwrap().text().unwrap(), "csrf").unwrap()
}

/// The secret part of a signed cookie's value (after its 44-character signature).
fn cookie_secret(set_cookie: &str) -> String {
    let value = set_cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    value[44..].to_string()
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

#[test]
fn secrets_never_reach_the_log_pages_api_or_database() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("secrets.db").display());

    let mut add = foi(&database)
        .args([
            "user",
            "add",
            "--email",
            "admin@ngo.example",
            "--name",
            "Admin",
            "--org",
            "NGO",
            "--role",
            "coordinator",
        ])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
    let mut cli_output = String::from_utf8_lossy(&added.stdout).into_owned();
    cli_output.push_str(&String::from_utf8_lossy(&added.stderr));

    let invited = foi(&database)
        .args([
            "user",
            "add",
            "--email",
            "invited@ngo.example",
            "--name",
            "Invited",
            "--org",
            "NGO",
            "--role",
            "researcher",
        ])
        .output()
        .unwrap();
    assert!(invited.status.success());
    let said = String::from_utf8_lossy(&invited.stdout).into_owned();
    let invitation = said
        .split_whitespace()
        .find(|w| w.contains("/invitations/"))
        .unwrap_or_else(|| panic!("an invitation link is printed: {said}"))
        .to_string();
    let invitation_secret = invitation.rsplit('/').next().unwrap().to_string();

    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = foi(&database)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let server = Server(child);
    let mut line = String::new();
    while !line.contains("is running on") {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0);
    }
    let address = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .to_string();
    let url = |path: &str| format!("{address}{path}");

    // Sign in; take a token from the account page; use it.
    let client = browser();
    let token_csrf = csrf(&client, &url("/sign-in"));
    let signed_in = client
        .post(url("/sign-in"))
        .form(&[
            ("csrf", token_csrf.as_str()),
            ("email", "admin@ngo.example"),
            ("password", PASSWORD),
        ])
        .send()
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let session = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("foi_session="))
        .map(|c| cookie_secret(&c))
        .unwrap();
    let session_csrf = csrf(&client, &url("/account"));
    let page = client
        .post(url("/account/tokens"))
        .form(&[("csrf", session_csrf.as_str()), ("name", "script")])
        .send()
        .unwrap()
        .text()
        .unwrap();
    let token = between(&page, "<pre><code>", "</code></pre>")
        .unwrap()
        .to_string();
    let api = Client::new();
    let mut api_output = String::new();
    for path in ["/api/v1/requests", "/api/v1/authorities", "/api/v1/requests/999"] {
        let response = api.get(url(path)).bearer_auth(&token).send().unwrap();
        api_output.push_str(&response.text().unwrap());
    }
    // A wrong password and a wrong token are logged as failures, without the guesses.
    let stranger = browser();
    let stranger_csrf = csrf(&stranger, &url("/sign-in"));
    stranger
        .post(url("/sign-in"))
        .form(&[
            ("csrf", stranger_csrf.as_str()),
            ("email", "admin@ngo.example"),
            ("password", "guessed password 1"),
        ])
        .send()
        .unwrap();
    api.get(url("/api/v1/requests"))
        .bearer_auth("foi_guessed-token")
        .send()
        .unwrap();

    // A calendar feed, fetched as a calendar app does.
    let page = client
        .post(url("/account/calendar"))
        .form(&[("csrf", session_csrf.as_str())])
        .send()
        .unwrap()
        .text()
        .unwrap();
    let feed = between(&page, "<pre><code>", "</code></pre>")
        .unwrap()
        .to_string();
    let feed_secret = feed
        .rsplit('/')
        .next()
        .unwrap()
        .trim_end_matches(".ics")
        .to_string();
    let feed_path = format!("/calendar/{feed_secret}.ics");
    assert_eq!(api.get(url(&feed_path)).send().unwrap().status(), 200);

    // Accept the invitation.
    let visitor = browser();
    // The command line cannot know this test's port: the link names the configured public URL.
    let invitation_path = format!("/invitations/{invitation_secret}");
    let invite_csrf = csrf(&visitor, &url(&invitation_path));
    let accepted = visitor
        .post(url(&invitation_path))
        .form(&[
            ("csrf", invite_csrf.as_str()),
            ("password", INVITED_PASSWORD),
            ("confirm", INVITED_PASSWORD),
        ])
        .send()
        .unwrap();
    assert_eq!(accepted.status(), 303);

    // Every page the user can reach, after the token was shown.
    let mut pages = String::new();
    for path in ["/", "/requests", "/account", "/authorities", "/deadline"] {
        pages.push_str(&client.get(url(path)).send().unwrap().text().unwrap());
    }
    drop(server);
    let mut log = String::new();
    std::fs::File::open(&log_path)
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("request served"), "the log records requests: {log}");
    assert!(
        log.contains("/invitations/[redacted]"),
        "the link's path is logged redacted"
    );

    let secrets = [
        ("the first password", PASSWORD.to_string()),
        ("the invited member's password", INVITED_PASSWORD.to_string()),
        ("a guessed password", "guessed password 1".to_string()),
        ("the session id", session.clone()),
        ("the API token", token.clone()),
        ("the guessed token", "foi_guessed-token".to_string()),
        ("the invitation secret", invitation_secret.clone()),
        ("the calendar feed's secret", feed_secret.clone()),
    ];
    let mut conn = foi_tracker::db::DatabaseUrl::parse(&database)
        .unwrap()
        .connect()
        .unwrap();
    let stored = dump(&mut conn);
    for (what, secret) in &secrets {
        let line = log.lines().find(|l| l.contains(secret.as_str()));
        assert!(line.is_none(), "{what} is in the log: {line:?}");
        assert!(!pages.contains(secret.as_str()), "{what} is in a page");
        assert!(
            !api_output.contains(secret.as_str()),
            "{what} is in the API output"
        );
        assert!(!stored.contains(secret.as_str()), "{what} is stored as it is");
    }
    assert!(
        !cli_output.contains(PASSWORD),
        "the command line does not echo the password"
    );
    for leak in ["$argon2", "password_hash", "totp_secret", "token_hash"] {
        assert!(
            !pages.contains(leak) && !api_output.contains(leak),
            "{leak} leaks"
        );
    }
    assert!(
        stored.contains("$argon2id$"),
        "passwords are stored as argon2id hashes"
    );
}

/// Every text column of the tables that could hold a secret.
fn dump(conn: &mut foi_tracker::db::DbConnection) -> String {
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        line: String,
    }
    let queries = [
        "SELECT email || '|' || COALESCE(password_hash, '') || '|' || COALESCE(totp_secret, '') AS line FROM users",
        "SELECT token_hash || '|' || csrf_token AS line FROM sessions",
        "SELECT token_hash AS line FROM api_tokens",
        "SELECT token_hash AS line FROM one_time_tokens",
        "SELECT token_hash AS line FROM calendar_feeds",
        "SELECT action || '|' || COALESCE(before, '') || '|' || COALESCE(after, '') AS line FROM audit_entries",
    ];
    let mut text = String::new();
    for query in queries {
        let lines: Vec<Line> = diesel::RunQueryDsl::load(diesel::sql_query(query), conn).unwrap();
        for l in lines {
            text.push_str(&l.line);
            text.push('\n');
        }
    }
    text
}
