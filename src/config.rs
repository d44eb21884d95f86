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
    /// The address people use to reach the app, for links in emails and feeds.
    pub public_url: Option<String>,
    /// Database connections kept open.
    pub pool_size: u32,
    /// `human` or `json` log lines.
    pub log_format: LogFormat,
    /// Pins "today" (in London) to a fixed date, for demonstrations and tests.
    pub today: Option<NaiveDate>,
    /// Keep rendered pages until a write changes what they show (off: render every view).
    pub page_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Human,
    Json,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            database_url: "sqlite://foi-tracker.db".into(),
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            pool_size: 8,
            log_format: LogFormat::Human,
            today: None,
            page_cache: true,
        }
    }
}

impl Settings {
    /// Defaults, then the file named by `FOI_CONFIG` (or `foi-tracker.toml` if present), then
    /// `FOI_DATABASE_URL`, `FOI_BIND` and the like.
    pub fn load() -> Result<Settings, String> {
        let file = std::env::var("FOI_CONFIG").unwrap_or_else(|_| "foi-tracker.toml".into());
        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("FOI_").only(&[
                "database_url",
                "bind",
                "public_url",
                "pool_size",
                "log_format",
                "today",
                "page_cache",
            ]))
            .extract()
            .map_err(|e| e.to_string())
    }

    /// Today's date in London, unless pinned.
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(crate::cli::london_today)
    }
}
