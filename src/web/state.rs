//! What every handler shares.

use std::sync::Arc;

use chrono::NaiveDate;
use handlebars::Handlebars;

use crate::config::Settings;
use crate::db::{DatabaseUrl, Pool};
use crate::jobs::shutdown::Shutdown;
use crate::mail::Postman;
use crate::tracker::holidays::CalendarStore;

pub struct AppState {
    pub pool: Pool,
    /// Shared with the scheduler, which must see a holiday list an administrator changes.
    pub calendars: Arc<CalendarStore>,
    pub settings: Settings,
    pub templates: Handlebars<'static>,
    pub pages: super::cache::PageCache,
    /// Signs the session and CSRF cookies.
    pub cookie_key: actix_web::cookie::Key,
    /// Sends reminders, invitations and reset links.
    pub postman: Arc<Postman>,
    pub database: DatabaseUrl,
    pub metrics: crate::metrics::Metrics,
    /// Set when the process is asked to stop; the scheduler and `/readyz` watch it.
    pub shutdown: Arc<Shutdown>,
}

impl AppState {
    pub fn today(&self) -> NaiveDate {
        crate::clock::today(self.settings.today)
    }
}
