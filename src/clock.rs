//! The clock, read in two ways: the instant the database stores, and the day in London, where
//! statutory days are counted. Nothing else in the application reads the system time.

use chrono::{NaiveDate, NaiveDateTime, SubsecRound};

/// The current instant in UTC, to the microsecond: what both backends store.
pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// Today's date in London, where statutory days are counted.
pub fn london_today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}

/// The date in London of an instant stored in UTC.
pub fn london_date(instant: NaiveDateTime) -> NaiveDate {
    instant
        .and_utc()
        .with_timezone(&chrono_tz::Europe::London)
        .date_naive()
}

/// Today, unless the settings pin it (`FOI_TODAY`, for demonstrations and tests).
pub fn today(pinned: Option<NaiveDate>) -> NaiveDate {
    pinned.unwrap_or_else(london_today)
}
