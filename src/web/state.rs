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
    /// One permit per pooled connection, handed out first come, first served. The pool's own
    /// wait lets a newcomer take a connection just returned ahead of a caller already waiting,
    /// so under load a few callers waited many turns; taking a permit first keeps the order.
    pub turns: Arc<tokio::sync::Semaphore>,
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
    /// Waits, in order of arrival, until a pooled connection is free for this caller.
    pub async fn turn(&self) -> Result<tokio::sync::OwnedSemaphorePermit, crate::error::AppError> {
        self.turns.clone().acquire_owned().await.map_err(|_| {
            crate::error::AppError::Internal("the wait for a database connection was closed".into())
        })
    }

    pub fn today(&self) -> NaiveDate {
        crate::clock::today(self.settings.today)
    }
}
