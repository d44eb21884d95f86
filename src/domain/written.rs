//! Dates and instants written for people, in one place, so that a date reads the same on a
//! page, in an email, in a letter and on the command line. Instants are stored in UTC and
//! written as such; the pages that show them say so. Formats for machines (RFC 3339 in JSON,
//! ISO dates in CSV) are not here: see `instant.rs` and the exports.

use chrono::{NaiveDate, NaiveDateTime};

/// "Tue 2 Jun 2026": deadlines and events in lists, reminders.
pub fn day(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// "Tuesday 2 June 2026": one date given on its own, as the command line prints it.
pub fn day_in_full(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "2 Jun 2026": periods and spans, where the weekday adds nothing.
pub fn date(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// "2 June 2026": letters, and dates in a sentence.
pub fn date_in_full(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "June 2026".
pub fn month(date: NaiveDate) -> String {
    date.format("%B %Y").to_string()
}

/// "Tue 2 Jun 2026, 14:05": an instant in a table.
pub fn moment(at: NaiveDateTime) -> String {
    at.format("%a %-d %b %Y, %H:%M").to_string()
}

/// "2 June 2026 at 14:05 UTC": an instant in a sentence of an email.
pub fn moment_in_full(at: NaiveDateTime) -> String {
    at.format("%-d %B %Y at %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_as_people_read_it() {
        let on = NaiveDate::from_ymd_opt(2026, 6, 2).unwrap();
        let at = on.and_hms_opt(14, 5, 9).unwrap();
        assert_eq!(day(on), "Tue 2 Jun 2026");
        assert_eq!(day_in_full(on), "Tuesday 2 June 2026");
        assert_eq!(date(on), "2 Jun 2026");
        assert_eq!(date_in_full(on), "2 June 2026");
        assert_eq!(month(on), "June 2026");
        assert_eq!(moment(at), "Tue 2 Jun 2026, 14:05");
        assert_eq!(moment_in_full(at), "2 June 2026 at 14:05 UTC");
    }
}
