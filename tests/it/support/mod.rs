//! Starts the real server on port 0 against a fresh database, SQLite or PostgreSQL, and
//! talks HTTP to it as a browser or an API client would.
#![allow(dead_code)]

pub mod browser;
pub mod contract;
pub mod hostile;
pub mod imap;
pub mod python;
pub mod smtp;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use foi_tracker::config::Settings;
use foi_tracker::db::{Backend, DatabaseUrl};
use foi_tracker::startup::Application;
use foi_tracker::tracker::accounts;
use foi_tracker::tracker::audit::Caller;
use foi_tracker::tracker::two_factor;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// The day the tests' server believes it is, unless a test says otherwise.
pub const TODAY: &str = "2026-06-01";

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A database for one test, removed when the test ends.
enum TestDb {
    Sqlite(tempfile::TempDir),
    Postgres {
        admin_url: String,
        name: String,
    },
    /// Another instance's database, removed by that instance.
    Shared,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

/// Someone using the app: a browser with a session cookie, which also sends the user's API
/// token on /api/ requests.
#[derive(Clone)]
pub struct Session {
    pub address: String,
    pub client: Client,
    pub email: String,
    pub password: String,
    /// The session's CSRF token, which every form must carry.
    pub csrf: String,
    /// A personal API token of the same user.
    pub token: String,
}

/// The password every test user is given.
pub const PASSWORD: &str = "correct horse battery staple";
/// The organisation of the test app's default user.
pub const ORGANISATION: &str = "Coalition NGO";

pub struct TestApp {
    pub address: String,
    pub backend: Backend,
    pub database_url: String,
    pub settings: Settings,
    /// The default user: a coordinator of [`ORGANISATION`].
    pub session: Session,
    /// Where the app writes its email as `.eml` files, unless a test gave it an SMTP server.
    pub mail_dir: std::path::PathBuf,
    /// `http://ADDRESS` of the metrics' own server, when the settings name one.
    pub metrics_address: Option<String>,
    /// Checks, when the app is dropped, every API answer against the OpenAPI document.
    _contract: contract::Contract,
    _mail: tempfile::TempDir,
    _db: TestDb,
}

impl std::ops::Deref for TestApp {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

/// A browser that follows no redirects and keeps cookies.
pub fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap()
}

/// A page's text as `client` gets it, whatever its status.
pub async fn page_text(client: &Client, url: impl reqwest::IntoUrl) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The value of the first `<input name="{name}" value="…">` in a page.
pub fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

pub fn location(response: &Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The PostgreSQL server the tests may create databases on. Outside CI, leaving it out runs
/// SQLite only; in CI (`CI` set) it must be there, so that a run cannot pass by skipping half.
fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("FOI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.trim().is_empty());
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    // Before this process's first PostgreSQL connection, as the app's own connections do.
    foi_tracker::db::init_client_library();
    assert!(
        url.is_some() || !in_ci,
        "CI is set but FOI_TEST_POSTGRES_URL is not: CI must run every database test on PostgreSQL too"
    );
    url
}

/// A fresh, empty database URL for the backend; `None` for PostgreSQL when it is not configured.
fn fresh_database(backend: Backend) -> Option<(String, TestDb)> {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}", dir.path().join("foi-tracker.db").display());
            Some((url, TestDb::Sqlite(dir)))
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url()?;
            let name = format!("foi_test_{}", rand::random::<u64>());
            let mut conn = diesel::PgConnection::establish(&admin_url)
                .unwrap_or_else(|e| panic!("FOI_TEST_POSTGRES_URL is set but PostgreSQL refuses: {e}"));
            conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .unwrap();
            let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
            Some((format!("{base}/{name}"), TestDb::Postgres { admin_url, name }))
        }
    }
}

/// A new, empty database that no app has started on yet, removed when dropped: for the
/// command line to fill.
pub struct EmptyDatabase {
    pub url: String,
    pub backend: Backend,
    _db: TestDb,
}

/// `None` for PostgreSQL when it is not configured.
pub fn empty_database(backend: Backend) -> Option<EmptyDatabase> {
    let (url, db) = fresh_database(backend)?;
    Some(EmptyDatabase {
        url,
        backend,
        _db: db,
    })
}

/// `settings` on a fresh database, bound to a free port.
fn on_fresh_database(backend: Backend, settings: Settings) -> Option<(Settings, TestDb)> {
    let (database_url, db) = fresh_database(backend)?;
    let settings = Settings {
        database_url,
        bind: "127.0.0.1:0".into(),
        ..settings
    };
    Some((settings, db))
}

impl TestApp {
    /// The server on `backend`, with today pinned to `today`; `None` if PostgreSQL is not configured.
    pub async fn start(backend: Backend, today: &str) -> Option<TestApp> {
        let (database_url, db) = fresh_database(backend)?;
        Some(TestApp::serve(backend, database_url, today, db).await)
    }

    /// Another instance of the app on this one's database, as in a deployment with several.
    pub async fn second_instance(&self) -> TestApp {
        self.instance_on(TODAY).await
    }

    /// Another instance on this one's database that believes it is `today`: the register
    /// as it will be seen on a later day.
    pub async fn instance_on(&self, today: &str) -> TestApp {
        TestApp::serve(self.backend, self.database_url.clone(), today, TestDb::Shared).await
    }

    /// The server on a database filled beforehand, signed in as the default user (whose
    /// account must be there).
    pub async fn open(database: &EmptyDatabase, today: &str) -> TestApp {
        TestApp::serve(database.backend, database.url.clone(), today, TestDb::Shared).await
    }

    /// Another instance on this one's database with its settings changed by `change`.
    pub async fn instance_with(&self, change: impl FnOnce(Settings) -> Settings) -> TestApp {
        let settings = change(TestApp::settings(self.database_url.clone(), TODAY));
        TestApp::serve_with(self.backend, self.database_url.clone(), settings, TestDb::Shared).await
    }

    async fn serve(backend: Backend, database_url: String, today: &str, db: TestDb) -> TestApp {
        let settings = TestApp::settings(database_url.clone(), today);
        TestApp::serve_with(backend, database_url, settings, db).await
    }

    /// What every test's server is started with.
    fn settings(database_url: String, today: &str) -> Settings {
        Settings {
            database_url: database_url.clone(),
            bind: "127.0.0.1:0".into(),
            pool_size: 4,
            today: Some(date(today)),
            // Instances of one deployment share the key, so that a session works on each.
            session_key: Some(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
                    .into(),
            ),
            // And the key that seals the organisations' mail passwords.
            secret_key: Some("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into()),
            ..Settings::default()
        }
    }

    /// The server with these settings (bind and database are set here).
    pub async fn start_with(backend: Backend, settings: Settings) -> Option<TestApp> {
        let (settings, db) = on_fresh_database(backend, settings)?;
        Some(TestApp::serve_with(backend, settings.database_url.clone(), settings, db).await)
    }

    /// The server with its reminder scheduler running, as `serve` runs it.
    pub async fn start_scheduled(backend: Backend, settings: Settings) -> Option<TestApp> {
        let (settings, db) = on_fresh_database(backend, settings)?;
        Some(TestApp::build(backend, settings.database_url.clone(), settings, db).await)
    }

    /// Tests run the reminder sweep themselves, at the moment they choose, so the scheduler
    /// is off unless a test starts it with [`start_scheduled`](Self::start_scheduled).
    async fn serve_with(backend: Backend, database_url: String, settings: Settings, db: TestDb) -> TestApp {
        // The app parses users' files in a child of its own binary; inside a test binary, that
        // is the real foi-tracker.
        foi_tracker::sandbox::use_program(env!("CARGO_BIN_EXE_foi-tracker"));
        let settings = Settings {
            scheduler: false,
            ..settings
        };
        TestApp::build(backend, database_url, settings, db).await
    }

    async fn build(backend: Backend, database_url: String, settings: Settings, db: TestDb) -> TestApp {
        let mail = tempfile::tempdir().unwrap();
        let mut settings = settings;
        if settings.mail_dir == Settings::default().mail_dir {
            settings.mail_dir = mail.path().join("mail").display().to_string();
        }
        // The tests talk to the server through the relay that holds its answers to the
        // document, and the server's links name the relay.
        let contract = contract::Contract::bind();
        if settings.public_url.is_none() {
            settings.public_url = Some(contract.address.clone());
        }
        let app = Application::build(settings.clone()).expect("the app starts");
        contract.forward_to(app.address().to_string());
        let address = contract.address.clone();
        let metrics_address = app.metrics_address().map(|a| format!("http://{a}"));
        tokio::spawn(app.run());
        let mut partial = TestApp {
            session: Session {
                address: address.clone(),
                client: browser(),
                email: String::new(),
                password: String::new(),
                csrf: String::new(),
                token: String::new(),
            },
            address,
            backend,
            database_url,
            mail_dir: settings.mail_dir.clone().into(),
            metrics_address,
            _contract: contract,
            settings,
            _mail: mail,
            _db: db,
        };
        let email = "coordinator@coalition.example";
        partial.session = match matches!(partial._db, TestDb::Shared) {
            true => partial.sign_in(email, PASSWORD).await,
            false => partial.member(email, "coordinator", ORGANISATION).await,
        };
        partial
    }

    /// The relay that holds this app's API answers to the OpenAPI document.
    pub fn contract(&self) -> &contract::Contract {
        &self._contract
    }

    /// A direct connection to the app's database.
    pub fn connection(&self) -> foi_tracker::db::DbConnection {
        DatabaseUrl::parse(&self.database_url).unwrap().connect().unwrap()
    }

    /// Adds a user as `foi-tracker user add --password-stdin` does, and signs them in.
    pub async fn member(&self, email: &str, role: &str, organisation: &str) -> Session {
        self.add_user(email, role, organisation);
        self.sign_in(email, PASSWORD).await
    }

    /// Adds a user with [`PASSWORD`] from the server's command line; returns their id.
    pub fn add_user(&self, email: &str, role: &str, organisation: &str) -> i32 {
        let input = accounts::UserInput {
            email: email.into(),
            name: format!("Test {role}"),
            organisation: organisation.into(),
            role: role.into(),
            password: Some(PASSWORD.into()),
        };
        let mut conn = self.connection();
        accounts::add_user(
            &mut conn,
            &Caller::command_line(),
            &input,
            &self.address,
            foi_tracker::clock::now(),
        )
        .unwrap()
        .user
        .id
    }

    /// An administrator, signed in with their second factor, as `email`.
    pub async fn admin(&self) -> Session {
        self.member("admin@coalition.example", "admin", ORGANISATION)
            .await
    }

    /// A code from the authenticator app of `email` that the app has not accepted yet: each
    /// code works once, so a second sign-in within 30 seconds takes the next step's code, and
    /// a third waits for the clock.
    pub async fn next_code(&self, secret: &str, email: &str) -> String {
        #[derive(diesel::QueryableByName)]
        struct Last {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            totp_last_step: Option<i64>,
        }
        let last: Vec<Last> = diesel::RunQueryDsl::load(
            diesel::sql_query(format!(
                "SELECT totp_last_step FROM users WHERE email = '{email}'"
            )),
            &mut self.connection(),
        )
        .unwrap();
        let last = last.first().and_then(|l| l.totp_last_step).unwrap_or(0);
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64
        };
        let step = (now() / 30).max(last + 1);
        // One step of clock drift is allowed: wait until `step` is at most the next one.
        while step > now() / 30 + 1 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
        two_factor::totp(secret, email)
            .unwrap()
            .generate((step * 30) as u64)
            .to_string()
    }

    /// Opens the sign-in page in `client` and posts the form with its CSRF token.
    pub async fn sign_in_form(&self, client: &Client, email: &str, password: &str) -> Response {
        let page = page_text(client, self.url("/sign-in")).await;
        let csrf = input_value(&page, "csrf").expect("the sign-in form carries a CSRF token");
        client
            .post(self.url("/sign-in"))
            .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// Signs in through the pages as a browser does, setting up two-factor sign-in where it is
    /// required, and takes a personal API token from the command line.
    pub async fn sign_in(&self, email: &str, password: &str) -> Session {
        let client = browser();
        let response = self.sign_in_form(&client, email, password).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "signing in as {email}");
        if location(&response) == "/account/two-factor" {
            let page = page_text(&client, self.url("/account/two-factor")).await;
            let secret = input_value(&page, "secret").expect("the set-up page shows a secret");
            let recovery = input_value(&page, "recovery_codes").expect("and recovery codes");
            let code = two_factor::totp(&secret, email)
                .unwrap()
                .generate_current()
                .to_string();
            let csrf = input_value(&page, "csrf").unwrap();
            let response = client
                .post(self.url("/account/two-factor"))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("secret", secret.as_str()),
                    ("recovery_codes", recovery.as_str()),
                    ("code", code.as_str()),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(location(&response), "/account", "two-factor set-up for {email}");
        }
        let page = page_text(&client, self.url("/account")).await;
        let csrf = input_value(&page, "csrf").expect("signed in: the account page has forms");
        let mut conn = self.connection();
        let (_, token) = foi_tracker::tracker::api_tokens::create_token(
            &mut conn,
            &Caller::command_line(),
            Some(email),
            "tests",
            foi_tracker::clock::now(),
        )
        .unwrap();
        Session {
            address: self.address.clone(),
            client,
            email: email.into(),
            password: password.into(),
            csrf,
            token,
        }
    }
}

impl Session {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A request as this user: with the API token under /api/, the session cookie elsewhere.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self.client.request(method, self.url(path));
        if path.starts_with("/api/") {
            builder.bearer_auth(&self.token)
        } else {
            builder
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(reqwest::Method::GET, path).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(reqwest::Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.request(reqwest::Method::PUT, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.request(reqwest::Method::DELETE, path).send().await.unwrap()
    }

    /// Posts a form as the browser does, with the session's CSRF token.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        let mut fields = vec![("csrf", self.csrf.as_str())];
        fields.extend_from_slice(form);
        self.client
            .post(self.url(path))
            .form(&fields)
            .send()
            .await
            .unwrap()
    }

    /// A file sent as a browser's upload form sends it, with this session's CSRF token.
    pub async fn upload(
        &self,
        path: &str,
        file_name: &str,
        content: Vec<u8>,
        fields: &[(&str, &str)],
    ) -> Response {
        let mut form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone());
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        let part = reqwest::multipart::Part::bytes(content).file_name(file_name.to_string());
        form = form.part("file", part);
        self.client
            .post(self.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// A file sent to the API as multipart/form-data, with this user's token.
    pub async fn api_upload(&self, path: &str, file_name: &str, content: Vec<u8>) -> Response {
        let part = reqwest::multipart::Part::bytes(content).file_name(file_name.to_string());
        self.request(reqwest::Method::POST, path)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap()
    }

    pub async fn text(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.text().await.unwrap()
    }

    /// The id of an authority seeded on start-up, by name.
    pub async fn authority(&self, name: &str) -> i64 {
        let list = self.get_json("/api/v1/authorities").await;
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no authority {name}"))["id"]
            .as_i64()
            .unwrap()
    }

    /// Creates a request through the API and returns its JSON.
    pub async fn create_request(&self, body: Value) -> Value {
        let response = self.post_json("/api/v1/requests", &body).await;
        let status = response.status();
        let json: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{json}");
        json
    }

    /// Records an event through the API and returns the schedule after it.
    pub async fn add_event(&self, request: i64, kind: &str, on: &str) -> Value {
        let body = serde_json::json!({"kind": kind, "occurred_on": on});
        let response = self
            .post_json(&format!("/api/v1/requests/{request}/events"), &body)
            .await;
        let status = response.status();
        let json: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{kind}@{on}: {json}");
        json["schedule"].clone()
    }
}

impl TestApp {
    /// Everything stored, read straight from the database, to prove a refusal changed nothing.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<String>> {
        let mut conn = self.connection();
        let mut tables = BTreeMap::new();
        let queries = [
            ("authorities", "SELECT id || '|' || name || '|' || short_name || '|' || COALESCE(foi_email, '') || '|' || COALESCE(website, '') || '|' || default_regime || '|' || nation || '|' || CAST(updated_at AS TEXT) FROM authorities ORDER BY id"),
            ("requests", "SELECT id || '|' || title || '|' || body || '|' || authority_id || '|' || regime || '|' || sent_via || '|' || COALESCE(CAST(sent_on AS TEXT), '') || '|' || COALESCE(reference, '') || '|' || organisation_id || '|' || COALESCE(CAST(owner_id AS TEXT), '') || '|' || status || '|' || CAST(updated_at AS TEXT) FROM requests ORDER BY id"),
            ("request_tags", "SELECT request_id || '|' || tag FROM request_tags ORDER BY request_id, tag"),
            ("events", "SELECT id || '|' || request_id || '|' || kind || '|' || CAST(occurred_on AS TEXT) || '|' || COALESCE(CAST(extended_to AS TEXT), '') || '|' || details FROM events ORDER BY id"),
            ("deadlines", "SELECT request_id || '|' || position || '|' || kind || '|' || CAST(due AS TEXT) || '|' || COALESCE(settled_state, '') FROM deadlines ORDER BY request_id, position"),
            ("holiday_imports", "SELECT id || '|' || source FROM holiday_imports ORDER BY id"),
            ("register_version", "SELECT CAST(version AS TEXT) FROM register_version"),
            ("organisations", "SELECT id || '|' || name FROM organisations ORDER BY id"),
            ("users", "SELECT id || '|' || email || '|' || role || '|' || CAST(active AS TEXT) || '|' || COALESCE(password_hash, '') || '|' || COALESCE(totp_secret, '') FROM users ORDER BY id"),
            ("sessions", "SELECT id || '|' || user_id FROM sessions ORDER BY id"),
            ("api_tokens", "SELECT id || '|' || name || '|' || COALESCE(CAST(revoked_at AS TEXT), '') FROM api_tokens ORDER BY id"),
            ("audit_entries", "SELECT id || '|' || action || '|' || entity FROM audit_entries ORDER BY id"),
            ("calendar_feeds", "SELECT id || '|' || user_id || '|' || COALESCE(CAST(revoked_at AS TEXT), '') FROM calendar_feeds ORDER BY id"),
            ("reminder_preferences", "SELECT user_id || '|' || delivery || '|' || kinds || '|' || COALESCE(CAST(paused_until AS TEXT), '') FROM reminder_preferences ORDER BY user_id"),
            ("outbox", "SELECT id || '|' || key || '|' || status || '|' || attempts FROM outbox ORDER BY id"),
            ("reminder_sweeps", "SELECT id || '|' || CAST(today AS TEXT) FROM reminder_sweeps ORDER BY id"),
            ("blobs", "SELECT sha256 || '|' || size FROM blobs ORDER BY sha256"),
            ("responses", "SELECT event_id || '|' || outcome || '|' || COALESCE(CAST(promised_on AS TEXT), '') FROM responses ORDER BY event_id"),
            ("response_grounds", "SELECT event_id || '|' || position || '|' || ground FROM response_grounds ORDER BY event_id, position"),
            ("mailboxes", "SELECT organisation_id || '|' || address || '|' || display_name || '|' || smtp_url || '|' || COALESCE(smtp_username, '') || '|' || COALESCE(smtp_password_sealed, '') FROM mailboxes ORDER BY organisation_id"),
            ("figures", "SELECT id || '|' || indicator_id || '|' || COALESCE(value, suppressed) || '|' || COALESCE(CAST(verified_at AS TEXT), '') FROM figures ORDER BY id"),
            ("request_indicators", "SELECT request_id || '|' || indicator_id || '|' || CAST(period_start AS TEXT) FROM request_indicators ORDER BY request_id, indicator_id, period_start"),
            ("indicators", "SELECT id || '|' || wording FROM indicators ORDER BY id"),
            ("appeals", "SELECT event_id || '|' || stage || '|' || COALESCE(reference, '') || '|' || COALESCE(decision_reference, '') || '|' || COALESCE(outcome, '') FROM appeals ORDER BY event_id"),
            ("documents", "SELECT id || '|' || request_id || '|' || blob_sha256 || '|' || filename FROM documents ORDER BY id"),
            ("incoming_messages", "SELECT id || '|' || uid_validity || '|' || uid || '|' || dedupe_key || '|' || status || '|' || COALESCE(CAST(request_id AS TEXT), '') FROM incoming_messages ORDER BY id"),
            ("outgoing_messages", "SELECT id || '|' || request_id || '|' || purpose || '|' || status || '|' || message_id || '|' || COALESCE(CAST(document_id AS TEXT), '') FROM outgoing_messages ORDER BY id"),
        ];
        for (table, query) in queries {
            #[derive(diesel::QueryableByName)]
            struct Line {
                #[diesel(sql_type = diesel::sql_types::Text)]
                line: String,
            }
            let query = query
                .replacen("SELECT ", "SELECT (", 1)
                .replacen(" FROM ", ") AS line FROM ", 1);
            let lines: Vec<Line> = diesel::RunQueryDsl::load(diesel::sql_query(query), &mut conn).unwrap();
            tables.insert(table.to_string(), lines.into_iter().map(|l| l.line).collect());
        }
        tables
    }
}

/// Runs a test body on SQLite and, when FOI_TEST_POSTGRES_URL is set, on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block)*) => {
        $(
            $(#[$meta])*
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn body($app: $crate::support::TestApp) $body

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::support::TestApp::start(foi_tracker::db::Backend::Sqlite, $crate::support::TODAY).await.unwrap();
                    body(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    match $crate::support::TestApp::start(foi_tracker::db::Backend::Postgres, $crate::support::TODAY).await {
                        Some(app) => body(app).await,
                        None => eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran"),
                    }
                }
            }
        )*
    };
}

/// The ids of the documents a request's page links to, in the order listed.
pub fn document_ids(page: &str) -> Vec<i64> {
    page.match_indices("href=\"/documents/")
        .filter_map(|(at, m)| {
            let rest = &page[at + m.len()..];
            // The document itself, not its import page.
            rest[..rest.find('"').unwrap()].parse().ok()
        })
        .collect()
}

/// An API call by `who` that must be refused with `status`, naming `field` when given, with a
/// detail, changing nothing; the problem it answered.
pub async fn refused_to(
    app: &TestApp,
    who: &Session,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: StatusCode,
    field: Option<&str>,
) -> Value {
    let before = app.snapshot();
    let request = who.request(method.parse().unwrap(), path);
    let request = match &body {
        Some(body) => request.json(body),
        None => request,
    };
    let (got, fields, answer) = problem(request.send().await.unwrap()).await;
    assert_eq!(got, status, "{method} {path} {body:?}: {answer}");
    if let Some(field) = field {
        assert!(
            fields.iter().any(|f| f == field),
            "{method} {path} {body:?} should name {field}: {answer}"
        );
    }
    assert!(
        !answer["detail"].as_str().unwrap_or_default().is_empty(),
        "{answer}"
    );
    assert_eq!(
        app.snapshot(),
        before,
        "{method} {path} {body:?} changed the database"
    );
    answer
}

/// A PDF-looking file with `extra` in a comment and every byte value in it.
pub fn pdf(extra: &str) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% {extra}\n").into_bytes();
    bytes.extend(0..=255u8);
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

/// A valid PDF whose pages show `pages` as text in Helvetica, one line each; a page of "" has
/// no text.
pub fn text_pdf(pages: &[&str]) -> Vec<u8> {
    let contents: Vec<String> = pages
        .iter()
        .map(|text| {
            let text = text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
            format!("BT /F1 24 Tf 72 700 Td ({text}) Tj ET")
        })
        .collect();
    pdf_pages(&contents)
}

/// A valid one-page PDF whose page is a drawn rectangle and no text, as a scan has none.
pub fn image_pdf() -> Vec<u8> {
    pdf_pages(&["0 0 1 rg 72 72 300 400 re f".to_string()])
}

/// A PDF of one page per content stream, with Helvetica as /F1, its xref offsets counted as
/// written.
fn pdf_pages(contents: &[String]) -> Vec<u8> {
    let pages = contents.len();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 4 + 2 * i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count {pages} >>", kids.join(" ")),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    for (i, content) in contents.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + 2 * i
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ));
    }
    let mut bytes = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(bytes.len());
        bytes.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = bytes.len();
    bytes.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        bytes.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    bytes.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    bytes
}

/// A FOIA request to the Home Office sent on 1 May 2026, by the default user: its id.
pub async fn home_office_request(app: &TestApp) -> i64 {
    let home_office = app.authority("Home Office").await;
    app.create_request(serde_json::json!({"title": "Returned victims", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
        .await["id"]
        .as_i64()
        .unwrap()
}

/// When the authority's reply in the email tests was sent, in seconds since 1970: 28 May 2026,
/// 23:30 in London (22:30 UTC), so late in the evening that the date in London is what counts.
pub const REPLY_SENT: u64 = 1_780_007_400;

/// The head of an authority's reply as the email tests receive it: from the Home Office's FOI
/// team to a researcher, sent at `REPLY_SENT`; the body is the caller's.
pub fn home_office_reply(subject: &str) -> lettre::message::MessageBuilder {
    lettre::Message::builder()
        .from(
            "Home Office FOI <foi.requests@homeoffice.gov.uk>"
                .parse()
                .unwrap(),
        )
        .to("researcher@coalition.example".parse().unwrap())
        .subject(subject)
        .date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(REPLY_SENT))
}

/// A problem+json answer: its status, and the fields it names.
pub async fn problem(response: Response) -> (StatusCode, Vec<String>, Value) {
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(kind, "application/problem+json", "status {status}");
    let body: Value = response.json().await.unwrap();
    let fields = body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    (status, fields, body)
}

/// The audit entries with `action`, each as `id|action|entity`.
pub fn audit_actions(app: &TestApp, action: &str) -> Vec<String> {
    app.snapshot()["audit_entries"]
        .iter()
        .filter(|line| line.split('|').nth(1) == Some(action))
        .cloned()
        .collect()
}

/// One email the app wrote to its mail folder: to whom, its subject and its text.
#[derive(Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// The `.eml` files the app wrote, parsed, oldest first.
pub fn written_messages(app: &TestApp) -> Vec<mail_parser::Message<'static>> {
    let mut files: Vec<_> = match std::fs::read_dir(&app.mail_dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => return Vec::new(),
    };
    files.sort_by_key(|f| std::fs::metadata(f).unwrap().modified().unwrap());
    files
        .iter()
        .map(|f| {
            let raw = std::fs::read(f).unwrap();
            mail_parser::MessageParser::default()
                .parse(&raw)
                .unwrap()
                .into_owned()
        })
        .collect()
}

/// Every email the app wrote as a file, oldest first: to whom, its subject and its text.
pub fn written_mail(app: &TestApp) -> Vec<Mail> {
    written_messages(app)
        .iter()
        .map(|message| Mail {
            to: message
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .unwrap_or_default()
                .to_string(),
            subject: message.subject().unwrap_or_default().to_string(),
            text: message.body_text(0).unwrap_or_default().to_string(),
        })
        .collect()
}

pub fn is_postgres(app: &TestApp) -> bool {
    app.backend == Backend::Postgres
}
