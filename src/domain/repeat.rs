//! Quarterly repeat requests: the petition asks for quarterly figures, so until the Home Office
//! publishes them the coalition asks every quarter. A repeat covers the quarter after its
//! predecessor's, and is drafted once that quarter has ended.

use chrono::NaiveDate;

use super::calendar::{Calendar, CalendarKind};
use super::demand::Quarter;

/// The quarter a request asks about: that of the latest period it asks for.
pub fn covered(periods: &[(NaiveDate, NaiveDate)]) -> Option<Quarter> {
    periods.iter().map(|(_, end)| Quarter::of(*end)).max()
}

/// Whether the successor of a request covering `covered` is due on `today`: the next quarter
/// has ended, so its figures exist.
pub fn due(covered: Quarter, today: NaiveDate) -> bool {
    today > covered.next().end()
}

/// The working days a drafted repeat has to be reviewed and sent, counted from the end of the
/// quarter it asks for (it is drafted the day after): two weeks keeps the series quarterly
/// without hurrying the review.
pub const SEND_WITHIN_WORKING_DAYS: u32 = 10;

/// The day a repeat asking for periods up to `asks_until` should be sent by, in the calendar
/// `kind` of its law; `None` outside the calendar's years. Counted from the quarter's end, not
/// the day the sweep drafted it, so a sweep that ran late does not move it.
pub fn send_by(calendar: &Calendar, kind: CalendarKind, asks_until: NaiveDate) -> Option<NaiveDate> {
    let quarter_end = Quarter::of(asks_until).end();
    calendar
        .add_working_days(kind, quarter_end, SEND_WITHIN_WORKING_DAYS)
        .ok()
}

/// Why a repeat is due when it is, for reminders: the index holds the law's explanation of
/// every other deadline, but no law sets this one.
pub fn send_by_rule() -> String {
    format!(
        "The coalition asks every quarter: a repeat is sent within {SEND_WITHIN_WORKING_DAYS} working days of the end of the quarter it asks for."
    )
}

/// A period moved to the same place in the next quarter: a whole quarter to the next whole
/// quarter, any other period by three months.
pub fn next_period(start: NaiveDate, end: NaiveDate) -> (NaiveDate, NaiveDate) {
    let (q_start, q_end) = (Quarter::of(start), Quarter::of(end));
    if start == q_start.start() && end == q_end.end() {
        return (q_start.next().start(), q_end.next().end());
    }
    let shift = |d: NaiveDate| d.checked_add_months(chrono::Months::new(3)).unwrap_or(d);
    (shift(start), shift(end))
}

/// The text of a request with its quarter named anew: "2026 Q1", "Q1 2026" and "2026-Q1"
/// become the next quarter's, and so do the quarter's first and last days.
pub fn next_text(text: &str, from: Quarter, to: Quarter) -> String {
    let forms = |q: Quarter| {
        [
            format!("{} Q{}", q.year, q.number),
            format!("Q{} {}", q.number, q.year),
            format!("{}-Q{}", q.year, q.number),
            q.start().to_string(),
            q.end().to_string(),
        ]
    };
    let mut text = text.to_string();
    for (old, new) in forms(from).iter().zip(forms(to).iter()) {
        text = text.replace(old.as_str(), new.as_str());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_next_quarter() {
        let q1 = Quarter::parse("2026-Q1").unwrap();
        assert_eq!(covered(&[(d("2026-01-01"), d("2026-03-31"))]), Some(q1));
        assert!(!due(q1, d("2026-06-30")));
        assert!(due(q1, d("2026-07-01")));
        assert_eq!(
            next_period(d("2026-01-01"), d("2026-03-31")),
            (d("2026-04-01"), d("2026-06-30"))
        );
        assert_eq!(
            next_period(d("2025-10-01"), d("2025-12-31")),
            (d("2026-01-01"), d("2026-03-31"))
        );
        assert_eq!(
            next_text(
                "Detentions, 2026 Q1 (Q1 2026, 2026-01-01 to 2026-03-31)",
                q1,
                q1.next()
            ),
            "Detentions, 2026 Q2 (Q2 2026, 2026-04-01 to 2026-06-30)"
        );
    }
}
