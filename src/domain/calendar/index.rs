//! The cumulative working-day index that makes deadline arithmetic O(1).
//!
//! `cumulative[i]` is the number of working days from the first supported day up to and
//! including day `i`; `working[k]` is the day number of the (k+1)th working day. Adding n
//! working days is then one lookup in each, and counting is one subtraction.

use chrono::{Datelike, NaiveDate};

use super::{CalendarError, FIRST_DAY, LAST_DAY};

#[derive(Debug, Clone)]
pub(super) struct WorkingDayIndex {
    cumulative: Vec<u32>,
    working: Vec<u32>,
}

fn day_number(date: NaiveDate) -> Result<usize, CalendarError> {
    if date < FIRST_DAY || date > LAST_DAY {
        return Err(CalendarError::OutOfRange(date));
    }
    Ok((date.num_days_from_ce() - FIRST_DAY.num_days_from_ce()) as usize)
}

fn date_of(day: u32) -> NaiveDate {
    FIRST_DAY + chrono::Days::new(u64::from(day))
}

impl WorkingDayIndex {
    pub(super) fn build(is_working: impl Fn(NaiveDate) -> bool) -> Self {
        let days = (LAST_DAY - FIRST_DAY).num_days() as u32 + 1;
        let mut cumulative = Vec::with_capacity(days as usize);
        let mut working = Vec::with_capacity(days as usize * 5 / 7);
        for day in 0..days {
            if is_working(date_of(day)) {
                working.push(day);
            }
            cumulative.push(working.len() as u32);
        }
        WorkingDayIndex { cumulative, working }
    }

    pub(super) fn is_working(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let i = day_number(date)?;
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        Ok(self.cumulative[i] > before)
    }

    /// The nth working day after `date` (day 0 is `date` itself, working or not).
    pub(super) fn add(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        if n == 0 {
            day_number(date)?;
            return Ok(date);
        }
        let i = day_number(date)?;
        let k = (self.cumulative[i] + n - 1) as usize;
        self.working
            .get(k)
            .map(|&day| date_of(day))
            .ok_or(CalendarError::OutOfRange(LAST_DAY))
    }

    /// The nth working day before `date`.
    pub(super) fn subtract(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let i = day_number(date)?;
        let before = if i == 0 { 0 } else { self.cumulative[i - 1] };
        before
            .checked_sub(n)
            .and_then(|k| self.working.get(k as usize))
            .map(|&day| date_of(day))
            .ok_or(CalendarError::OutOfRange(FIRST_DAY))
    }

    /// Working days in the interval (after, through]; negative when `through` is earlier.
    pub(super) fn count(&self, after: NaiveDate, through: NaiveDate) -> Result<i64, CalendarError> {
        let a = self.cumulative[day_number(after)?];
        let b = self.cumulative[day_number(through)?];
        Ok(i64::from(b) - i64::from(a))
    }

    /// `date` if it is a working day, else the first working day after it.
    pub(super) fn on_or_after(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working(date)? {
            Ok(date)
        } else {
            self.add(date, 1)
        }
    }
}
