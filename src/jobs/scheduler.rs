//! Runs the reminder sweep inside `serve` on a cron schedule, and between sweeps retries the
//! sends that failed.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use super::shutdown::Shutdown;
use super::sweep::Sweeper;
use crate::config::Settings;
use crate::db::{DatabaseUrl, Pool};
use crate::mail::Postman;
use crate::tracker::holidays::CalendarStore;

/// How often failed sends are looked at between sweeps. Each notice still waits out its own
/// back-off; this only bounds how late after it the retry happens.
const RETRY_INTERVAL: Duration = Duration::from_secs(60);

/// When the sweep runs: a cron schedule read in a time zone.
#[derive(Debug, Clone)]
pub struct Timetable {
    schedule: cron::Schedule,
    zone: chrono_tz::Tz,
}

impl Timetable {
    pub fn from_settings(settings: &Settings) -> Result<Timetable, String> {
        let schedule = cron::Schedule::from_str(settings.reminder_schedule.trim()).map_err(|e| {
            format!(
                "FOI_REMINDER_SCHEDULE {:?} is not a schedule ({e}): write six fields with seconds \
                 and day names, e.g. \"0 0 7 * * Mon-Fri\"",
                settings.reminder_schedule
            )
        })?;
        let zone = settings.reminder_time_zone.trim().parse().map_err(|_| {
            format!(
                "FOI_REMINDER_TIME_ZONE {:?} is not a time zone name such as Europe/London",
                settings.reminder_time_zone
            )
        })?;
        Ok(Timetable { schedule, zone })
    }

    /// The first run strictly after `now`.
    pub fn next_after(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&self.zone);
        self.schedule.after(&local).next().map(|t| t.with_timezone(&Utc))
    }

    /// The last run at or before `now`.
    pub fn last_before(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&self.zone);
        self.schedule
            .after(&local)
            .next_back()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// What the scheduler needs of the running app: handles of its own, so that the jobs know
/// nothing of the web server that shares them.
pub struct Context {
    pub pool: Pool,
    pub database: DatabaseUrl,
    pub calendars: Arc<CalendarStore>,
    pub postman: Arc<Postman>,
    pub settings: Settings,
    pub shutdown: Arc<Shutdown>,
}

impl Context {
    fn sweeper(&self) -> Sweeper<'_> {
        Sweeper {
            database: &self.database,
            calendars: &self.calendars,
            postman: &self.postman,
            settings: &self.settings,
            shutdown: &self.shutdown,
        }
    }

    fn today(&self) -> NaiveDate {
        crate::clock::today(self.settings.today)
    }
}

/// Runs `work` on a blocking thread with a connection of the pool: the sweep's queries and
/// SMTP sends block.
pub(super) async fn blocking<T: Send + 'static>(
    context: &Arc<Context>,
    work: impl FnOnce(&Context, &mut crate::db::PooledConnection) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let context = context.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = context.pool.get().map_err(|e| e.to_string())?;
        work(&context, &mut conn)
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The scheduler's loop; never returns while there is a next run. Every minute it sweeps if
/// no sweep has finished since the last scheduled run (the server was down then, or the
/// sweep failed), and otherwise retries the sends whose time has come.
pub async fn run(state: Arc<Context>, timetable: Timetable) {
    while !state.shutdown.requested() {
        if behind(&state, &timetable).await {
            sweep(&state).await;
        } else {
            retry(&state).await;
        }
        let Some(next) = timetable.next_after(Utc::now()) else {
            tracing::warn!("the reminder schedule has no further run: the scheduler stops");
            return;
        };
        let left = (next - Utc::now()).to_std().unwrap_or_default();
        tokio::select! {
            () = tokio::time::sleep(left.min(RETRY_INTERVAL)) => {}
            () = state.shutdown.wait() => {}
        }
    }
}

/// Whether no sweep has finished since the last scheduled run.
async fn behind(state: &Arc<Context>, timetable: &Timetable) -> bool {
    let Some(last_run) = timetable.last_before(Utc::now()) else {
        return false;
    };
    let finished = blocking(state, |_, conn| {
        crate::db::sweeps::last_finished_sweep(conn).map_err(|e| e.to_string())
    })
    .await;
    match finished {
        Ok(last) => last.is_none_or(|started| started < last_run.naive_utc()),
        Err(error) => {
            tracing::error!(%error, "cannot read when reminders were last swept");
            false
        }
    }
}

async fn sweep(state: &Arc<Context>) {
    let done = blocking(state, |context, conn| {
        context
            .sweeper()
            .sweep(conn, context.today(), false)
            .map_err(|e| e.to_string())
    })
    .await;
    match done {
        Ok(report) if report.locked_out => {
            tracing::info!("another instance is sweeping reminders")
        }
        Ok(report) if report.interrupted => tracing::info!(
            owed = report.owed,
            sent = report.delivery.notices,
            "reminder sweep stopped for shutdown; the next sweep completes it"
        ),
        Ok(report) => tracing::info!(
            owed = report.owed,
            planned = report.planned,
            sent = report.delivery.notices,
            failed = report.delivery.failed,
            cancelled = report.cancelled,
            "reminder sweep done"
        ),
        Err(error) => {
            tracing::error!(%error, "the reminder sweep failed; it runs again at the next tick")
        }
    }
}

async fn retry(state: &Arc<Context>) {
    let done = blocking(state, |context, conn| {
        context
            .sweeper()
            .deliver(conn, context.today())
            .map_err(|e| e.to_string())
    })
    .await;
    match done {
        Ok(Some(delivered)) if delivered.messages + delivered.failed > 0 => tracing::info!(
            sent = delivered.notices,
            failed = delivered.failed,
            "retried reminders"
        ),
        Ok(_) => {}
        Err(error) => tracing::error!(%error, "retrying reminders failed"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn timetable(schedule: &str) -> Timetable {
        Timetable::from_settings(&Settings {
            reminder_schedule: schedule.into(),
            ..Settings::default()
        })
        .unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn the_default_runs_at_seven_in_london_on_weekdays() {
        let t = timetable(&Settings::default().reminder_schedule);
        // Friday 27 November 2026, 08:00 UTC (GMT): the next run is Monday 07:00 GMT.
        assert_eq!(
            t.next_after(utc(2026, 11, 27, 8, 0)),
            Some(utc(2026, 11, 30, 7, 0))
        );
        // In British Summer Time 07:00 in London is 06:00 UTC.
        assert_eq!(t.next_after(utc(2026, 6, 1, 0, 0)), Some(utc(2026, 6, 1, 6, 0)));
        // Across the clocks going forward on Sunday 29 March 2026: Friday in GMT, Monday in BST.
        assert_eq!(t.next_after(utc(2026, 3, 27, 7, 0)), Some(utc(2026, 3, 30, 6, 0)));
        assert_eq!(
            t.last_before(utc(2026, 3, 30, 5, 59)),
            Some(utc(2026, 3, 27, 7, 0))
        );
    }

    #[test]
    fn bad_schedules_and_zones_are_refused_with_the_setting_named() {
        let error = Timetable::from_settings(&Settings {
            reminder_schedule: "0 7 * * 1-5".into(),
            ..Settings::default()
        })
        .unwrap_err();
        assert!(
            error.starts_with("FOI_REMINDER_SCHEDULE \"0 7 * * 1-5\" is not a schedule"),
            "{error}"
        );
        let error = Timetable::from_settings(&Settings {
            reminder_time_zone: "Mars/Olympus".into(),
            ..Settings::default()
        })
        .unwrap_err();
        assert!(error.starts_with("FOI_REMINDER_TIME_ZONE"), "{error}");
    }
}
