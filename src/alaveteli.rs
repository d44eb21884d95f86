//! Reads a request's public JSON from WhatDoTheyKnow, or the Alaveteli site `FOI_WDTK_URL`
//! names: politely (a User-Agent saying who reads and how to reach them, the answer's ETag
//! and Last-Modified sent back), within a time limit, and never more than
//! `domain::wdtk::MAX_BODY_BYTES` read.

use std::time::Duration;

use crate::config::Settings;
use crate::domain::wdtk::{self, Reference, WdtkRequest};

/// Why a reading gave no request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The site has no such request (or hides it).
    #[error("{0}")]
    NotFound(String),
    /// The site is down, slow, or answered an error: try again later.
    #[error("{0}")]
    Unavailable(String),
    /// The site answered something that is not a request: try again later, and say so.
    #[error("{0}")]
    Nonsense(String),
}

/// What a reading found.
#[derive(Debug)]
pub enum Fetched {
    /// The request, with the validators to send next time.
    Request {
        request: Box<WdtkRequest>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// Unchanged since the validators sent.
    NotModified,
}

/// The site and how it is read.
#[derive(Clone)]
pub struct Site {
    base: url::Url,
    agent: ureq::Agent,
    timeout: Duration,
}

impl Site {
    pub fn from_settings(settings: &Settings) -> Result<Site, String> {
        let base = url::Url::parse(settings.wdtk_url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                format!(
                    "FOI_WDTK_URL {:?} is not a site's address such as https://www.whatdotheyknow.com",
                    settings.wdtk_url
                )
            })?;
        let timeout = Duration::from_secs(settings.wdtk_timeout_seconds.max(1));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .user_agent(user_agent(settings))
            // Statuses are read here, each for what it means.
            .http_status_as_error(false)
            .max_redirects(3)
            .build()
            .into();
        Ok(Site { base, agent, timeout })
    }

    /// The site's address, without a trailing slash: how links store it.
    pub fn base(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_string()
    }

    pub fn base_url(&self) -> &url::Url {
        &self.base
    }

    /// Reads the request; with the validators of the last reading, `NotModified` if the site
    /// says nothing changed.
    pub fn fetch(
        &self,
        reference: &Reference,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, FetchError> {
        let address = format!("{}{}", self.base(), reference.json_path());
        let mut call = self.agent.get(&address).header("Accept", "application/json");
        if let Some(etag) = etag {
            call = call.header("If-None-Match", etag);
        }
        if let Some(last_modified) = last_modified {
            call = call.header("If-Modified-Since", last_modified);
        }
        let mut response = call.call().map_err(|e| self.unavailable(e))?;
        let status = response.status().as_u16();
        match status {
            200 => {}
            304 => return Ok(Fetched::NotModified),
            404 | 410 | 403 => {
                return Err(FetchError::NotFound(format!(
                    "{} has no public request at {}",
                    self.base(),
                    reference.json_path().trim_end_matches(".json")
                )))
            }
            _ => {
                return Err(FetchError::Unavailable(format!(
                    "{} answered {status} instead of the request",
                    self.base()
                )))
            }
        }
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(200).collect::<String>())
        };
        let (etag, last_modified) = (header("etag"), header("last-modified"));
        let declared = header("content-length").and_then(|l| l.trim().parse::<u64>().ok());
        if declared.is_some_and(|l| l > wdtk::MAX_BODY_BYTES as u64) {
            return Err(FetchError::Nonsense(format!(
                "{} sent an answer of {} bytes; at most {} are read",
                self.base(),
                declared.unwrap_or_default(),
                wdtk::MAX_BODY_BYTES
            )));
        }
        let body = response
            .body_mut()
            .with_config()
            .limit(wdtk::MAX_BODY_BYTES as u64)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => FetchError::Nonsense(format!(
                    "{} sent an answer over {} bytes",
                    self.base(),
                    wdtk::MAX_BODY_BYTES
                )),
                other => self.unavailable(other),
            })?;
        let request =
            wdtk::parse(&body).map_err(|e| FetchError::Nonsense(format!("{}: {e}", self.base())))?;
        Ok(Fetched::Request {
            request: Box::new(request),
            etag,
            last_modified,
        })
    }

    fn unavailable(&self, error: ureq::Error) -> FetchError {
        FetchError::Unavailable(match error {
            ureq::Error::Timeout(_) => format!(
                "{} did not answer within {} seconds",
                self.base(),
                self.timeout.as_secs()
            ),
            other => format!("{} could not be read: {other}", self.base()),
        })
    }
}

/// Who reads, for the site's operators: the app, and how to reach whoever runs it.
fn user_agent(settings: &Settings) -> String {
    let contact = settings
        .wdtk_contact
        .clone()
        .filter(|c| !c.trim().is_empty())
        .unwrap_or_else(|| settings.mail_from.clone());
    let contact: String = contact.chars().filter(|c| !c.is_control()).collect();
    format!(
        "foi-tracker/{} (Freedom of Information request tracker; contact: {})",
        env!("CARGO_PKG_VERSION"),
        contact.trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_agent_names_the_app_and_the_operator() {
        let settings = Settings {
            wdtk_contact: Some("foi@coalition.example".into()),
            ..Settings::default()
        };
        let agent = user_agent(&settings);
        assert!(agent.starts_with("foi-tracker/"), "{agent}");
        assert!(agent.contains("contact: foi@coalition.example"), "{agent}");
        let fallback = user_agent(&Settings::default());
        assert!(fallback.contains("foi-tracker@localhost"), "{fallback}");
    }

    #[test]
    fn a_site_address_must_be_one() {
        let bad = Settings {
            wdtk_url: "whatdotheyknow".into(),
            ..Settings::default()
        };
        assert!(Site::from_settings(&bad).is_err());
        let site = Site::from_settings(&Settings::default()).ok().unwrap();
        assert_eq!(site.base(), "https://www.whatdotheyknow.com");
    }
}
