//! Settings: defaults, then an optional TOML file, then `FOI_*` environment variables.

use chrono::NaiveDate;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `sqlite://PATH` (the default, created if missing) or `postgres://USER@HOST/DATABASE`.
    pub database_url: String,
    /// The address `serve` listens on.
    pub bind: String,
    /// A second address serving only `/metrics`, to anyone who can reach it (for example an
    /// internal interface Prometheus scrapes). Unset: `/metrics` answers on `bind` to
    /// loopback callers and to those with `metrics_token`.
    pub metrics_bind: Option<String>,
    /// A bearer token that lets Prometheus scrape `/metrics` on `bind` from elsewhere.
    pub metrics_token: Option<String>,
    /// The address people use to reach the app, for links in emails and feeds.
    pub public_url: Option<String>,
    /// Database connections kept open.
    pub pool_size: u32,
    /// How long `serve` waits for a PostgreSQL server that does not answer yet (it may still
    /// be starting beside the app), trying again every few seconds, before it gives up.
    pub database_wait_seconds: u64,
    /// `human` or `json` log lines.
    pub log_format: LogFormat,
    /// Pins "today" (in London) to a fixed date, for demonstrations and tests.
    pub today: Option<NaiveDate>,
    /// Keep rendered pages until a write changes what they show (off: render every view).
    pub page_cache: bool,
    /// Signs the session cookie: at least 64 bytes, base64. Without it a random key is made
    /// at start-up, and every session ends when the server restarts.
    pub session_key: Option<String>,
    /// Seals the organisations' mail passwords in the database: 32 random bytes, base64, the
    /// same on every instance. Unset on SQLite: a key file beside the database is made.
    pub secret_key: Option<String>,
    /// A header that a trusted reverse proxy sets to the client's address, such as
    /// X-Forwarded-For. Leave unset unless such a proxy is in front: clients could forge it.
    pub trusted_proxy_header: Option<String>,
    /// How many trusted proxies in a row append to that header: the client's address is the
    /// entry this many places from the right (the entries further left are the client's own
    /// words, and anyone can write them).
    pub trusted_proxy_hops: usize,
    /// Failed sign-ins allowed per account, and per client address, within the window.
    pub throttle_per_account: usize,
    pub throttle_per_client: usize,
    pub throttle_window_seconds: i64,
    /// Where email goes: `smtp://host:1025`, `smtp://host:587?tls=required`,
    /// `smtps://user:pass@host:465`. Unset: each message is written as an `.eml` file into
    /// `mail_dir`, so nothing is lost without a mail server.
    pub smtp_url: Option<String>,
    pub mail_dir: String,
    /// The From of every message.
    pub mail_from: String,
    /// How long to wait for the SMTP server before counting a send as failed.
    pub smtp_timeout_seconds: u64,
    /// The first wait before a failed send is retried; each further failure doubles it.
    pub mail_retry_seconds: i64,
    /// Run the reminder sweep inside `serve` (off: rely on `foi-tracker remind` from cron).
    pub scheduler: bool,
    /// When the sweep runs: six cron fields with seconds, weekdays by name.
    pub reminder_schedule: String,
    /// The time zone the schedule is read in.
    pub reminder_time_zone: String,
    /// The largest document that may be uploaded, in bytes.
    pub max_upload_bytes: usize,
    /// Certificates (a PEM file) to trust for the organisations' IMAP servers instead of the
    /// public roots: for a mail server with a certificate of its own CA.
    pub imap_ca_file: Option<String>,
    /// How often `serve` reads each organisation's mailbox for replies, in seconds; 0: never
    /// (read on demand from the inbox page).
    pub imap_poll_seconds: u64,
    /// The WhatDoTheyKnow (or other Alaveteli) site whose requests are linked and read.
    pub wdtk_url: String,
    /// How the site's operators reach whoever runs this register, sent in the User-Agent of
    /// every reading (default: the address mail is sent from).
    pub wdtk_contact: Option<String>,
    /// How long a reading of the site may take.
    pub wdtk_timeout_seconds: u64,
    /// How often `serve` reads every linked open request again, in seconds; 0: never.
    pub wdtk_poll_seconds: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Human,
    Json,
}

impl LogFormat {
    /// `FOI_LOG_FORMAT` alone, for the messages logged before the settings could be read.
    pub fn from_env() -> LogFormat {
        match std::env::var("FOI_LOG_FORMAT").as_deref().map(str::trim) {
            Ok("json") => LogFormat::Json,
            _ => LogFormat::Human,
        }
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database_url: "sqlite://foi-tracker.db".into(),
            bind: "127.0.0.1:8080".into(),
            metrics_bind: None,
            metrics_token: None,
            public_url: None,
            pool_size: 8,
            database_wait_seconds: 120,
            log_format: LogFormat::Human,
            today: None,
            page_cache: true,
            session_key: None,
            secret_key: None,
            trusted_proxy_header: None,
            trusted_proxy_hops: 1,
            throttle_per_account: 5,
            throttle_per_client: 20,
            throttle_window_seconds: 15 * 60,
            smtp_url: None,
            mail_dir: "mail".into(),
            mail_from: "foi-tracker <foi-tracker@localhost>".into(),
            smtp_timeout_seconds: 30,
            mail_retry_seconds: 60,
            scheduler: true,
            reminder_schedule: "0 0 7 * * Mon-Fri".into(),
            reminder_time_zone: "Europe/London".into(),
            max_upload_bytes: 25 * 1024 * 1024,
            imap_ca_file: None,
            imap_poll_seconds: 300,
            wdtk_url: "https://www.whatdotheyknow.com".into(),
            wdtk_contact: None,
            wdtk_timeout_seconds: 20,
            wdtk_poll_seconds: 24 * 60 * 60,
        }
    }
}

impl Settings {
    /// How long an SMTP server may take to answer: at least a second.
    pub fn smtp_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.smtp_timeout_seconds.max(1))
    }

    /// Defaults, then the file named by `FOI_CONFIG` (or `foi-tracker.toml` if present), then
    /// `FOI_DATABASE_URL`, `FOI_BIND` and the like.
    pub fn load() -> Result<Settings, String> {
        let file = std::env::var("FOI_CONFIG").unwrap_or_else(|_| "foi-tracker.toml".into());
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("FOI_").only(&[
                "database_url",
                "bind",
                "metrics_bind",
                "metrics_token",
                "public_url",
                "pool_size",
                "database_wait_seconds",
                "log_format",
                "today",
                "page_cache",
                "session_key",
                "secret_key",
                "trusted_proxy_header",
                "trusted_proxy_hops",
                "throttle_per_account",
                "throttle_per_client",
                "throttle_window_seconds",
                "smtp_url",
                "mail_dir",
                "mail_from",
                "smtp_timeout_seconds",
                "mail_retry_seconds",
                "scheduler",
                "reminder_schedule",
                "reminder_time_zone",
                "max_upload_bytes",
                "imap_ca_file",
                "imap_poll_seconds",
                "wdtk_url",
                "wdtk_contact",
                "wdtk_timeout_seconds",
                "wdtk_poll_seconds",
            ]))
            .extract()
            .map_err(|e| e.to_string())
    }

    /// The address people reach the app at, for links: `public_url`, else the bound address.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.bind),
        }
    }

    /// Cookies are Secure when people reach the app over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}
