//! UK working days: the three gov.uk divisions, and the calendars the regimes count in.
//!
//! FOIA counts in the union of all three lists (s.10(6): a bank holiday "in any part of the
//! United Kingdom"), FOISA and EI(S)R in Scotland's (s.73), and the First-tier Tribunal in
//! England and Wales's (GRC Rules r.12). Each calendar keeps a cumulative index over 1990 to
//! 2100, so adding or counting working days costs the same whatever the distance.

pub mod govuk;
mod index;
mod statutory;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

pub use govuk::{HolidayLists, ImportError};
pub use statutory::{easter_sunday, good_friday};

use index::WorkingDayIndex;

pub const FIRST_YEAR: i32 = 1990;
pub const LAST_YEAR: i32 = 2100;
pub const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).unwrap();
pub const LAST_DAY: NaiveDate = NaiveDate::from_ymd_opt(LAST_YEAR, 12, 31).unwrap();

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} is outside the supported years {FIRST_YEAR} to {LAST_YEAR}")]
    OutOfRange(NaiveDate),
}

/// The three gov.uk divisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Division {
    EnglandAndWales,
    Scotland,
    NorthernIreland,
}

impl Division {
    pub const ALL: [Division; 3] = [
        Division::EnglandAndWales,
        Division::Scotland,
        Division::NorthernIreland,
    ];

    /// The key gov.uk uses.
    pub fn slug(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "england-and-wales",
            Division::Scotland => "scotland",
            Division::NorthernIreland => "northern-ireland",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Division> {
        Division::ALL.into_iter().find(|d| d.slug() == slug)
    }

    pub fn name(self) -> &'static str {
        match self {
            Division::EnglandAndWales => "England and Wales",
            Division::Scotland => "Scotland",
            Division::NorthernIreland => "Northern Ireland",
        }
    }
}

/// Whether a holiday comes from a published list or from the statutory rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidaySource {
    Published,
    Computed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub title: String,
    pub substitute: bool,
    pub source: HolidaySource,
}

/// The working-day calendar a rule counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKind {
    /// FOIA and EIR: the union of the three lists, plus Christmas Day and Good Friday.
    Foia,
    /// FOISA and EI(S)R: Scotland's list, plus Christmas Day.
    Scotland,
    /// The First-tier Tribunal: England and Wales's list, plus Christmas Day and Good Friday.
    EnglandAndWales,
}

impl CalendarKind {
    pub const ALL: [CalendarKind; 3] = [
        CalendarKind::Foia,
        CalendarKind::Scotland,
        CalendarKind::EnglandAndWales,
    ];

    pub fn divisions(self) -> &'static [Division] {
        match self {
            CalendarKind::Foia => &Division::ALL,
            CalendarKind::Scotland => &[Division::Scotland],
            CalendarKind::EnglandAndWales => &[Division::EnglandAndWales],
        }
    }

    fn counts_good_friday(self) -> bool {
        self != CalendarKind::Scotland
    }

    /// Which days do not count, and the law that says so.
    pub fn description(self) -> &'static str {
        match self {
            CalendarKind::Foia => {
                "weekends, Christmas Day, Good Friday and bank holidays in any part of the UK do not count (FOIA s.10(6))"
            }
            CalendarKind::Scotland => {
                "weekends, Christmas Day and bank holidays in Scotland do not count (FOISA s.73)"
            }
            CalendarKind::EnglandAndWales => {
                "weekends, Christmas Day, Good Friday and bank holidays in England and Wales do not count (GRC Rules 2009 r.1)"
            }
        }
    }
}

/// A day that did not count, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub reason: String,
    /// True when the reason is a holiday generated from the rules, not a published list.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub computed: bool,
}

/// Every holiday of every division from 1990 to 2100, and the three working-day indexes.
#[derive(Debug, Clone)]
pub struct Calendar {
    holidays: BTreeMap<NaiveDate, Vec<(Division, Holiday)>>,
    foia: WorkingDayIndex,
    scotland: WorkingDayIndex,
    england_and_wales: WorkingDayIndex,
}

impl Calendar {
    /// The calendar from the bundled gov.uk file, built once per process.
    pub fn bundled() -> &'static Calendar {
        static BUNDLED: OnceLock<Calendar> = OnceLock::new();
        BUNDLED.get_or_init(|| Calendar::new(&HolidayLists::bundled()))
    }

    /// Published lists where they cover a year, the statutory rules elsewhere.
    pub fn new(lists: &HolidayLists) -> Calendar {
        let mut holidays: BTreeMap<NaiveDate, Vec<(Division, Holiday)>> = BTreeMap::new();
        for division in Division::ALL {
            for year in FIRST_YEAR..=LAST_YEAR {
                let year_list = match lists.year(division, year) {
                    Some(published) => published.to_vec(),
                    None => statutory::holidays(division, year),
                };
                for holiday in year_list {
                    holidays
                        .entry(holiday.date)
                        .or_default()
                        .push((division, holiday));
                }
            }
        }
        let index = |kind: CalendarKind| {
            WorkingDayIndex::build(|date| non_working_reason(&holidays, kind, date).is_none())
        };
        Calendar {
            foia: index(CalendarKind::Foia),
            scotland: index(CalendarKind::Scotland),
            england_and_wales: index(CalendarKind::EnglandAndWales),
            holidays,
        }
    }

    fn index(&self, kind: CalendarKind) -> &WorkingDayIndex {
        match kind {
            CalendarKind::Foia => &self.foia,
            CalendarKind::Scotland => &self.scotland,
            CalendarKind::EnglandAndWales => &self.england_and_wales,
        }
    }

    pub fn is_working_day(&self, kind: CalendarKind, date: NaiveDate) -> Result<bool, CalendarError> {
        self.index(kind).is_working(date)
    }

    /// The nth working day after `date`; `date` itself is day 0 whether or not it is a working day.
    pub fn add_working_days(
        &self,
        kind: CalendarKind,
        date: NaiveDate,
        n: u32,
    ) -> Result<NaiveDate, CalendarError> {
        self.index(kind).add(date, n)
    }

    /// The nth working day before `date`.
    pub fn subtract_working_days(
        &self,
        kind: CalendarKind,
        date: NaiveDate,
        n: u32,
    ) -> Result<NaiveDate, CalendarError> {
        self.index(kind).subtract(date, n)
    }

    /// Working days after `after` up to and including `through` (negative if `through` is earlier).
    pub fn working_days_between(
        &self,
        kind: CalendarKind,
        after: NaiveDate,
        through: NaiveDate,
    ) -> Result<i64, CalendarError> {
        self.index(kind).count(after, through)
    }

    /// `date` if it is a working day, else the next working day.
    pub fn working_day_on_or_after(
        &self,
        kind: CalendarKind,
        date: NaiveDate,
    ) -> Result<NaiveDate, CalendarError> {
        self.index(kind).on_or_after(date)
    }

    /// Why `date` is not a working day in `kind`'s calendar, or `None` if it is one.
    pub fn non_working_reason(&self, kind: CalendarKind, date: NaiveDate) -> Option<SkippedDay> {
        non_working_reason(&self.holidays, kind, date)
    }

    /// The weekday holidays of `kind`'s calendar in (after, through]: what a count of working
    /// days skipped besides weekends.
    pub fn holidays_between(
        &self,
        kind: CalendarKind,
        after: NaiveDate,
        through: NaiveDate,
    ) -> Vec<SkippedDay> {
        if through <= after {
            return Vec::new();
        }
        let first = after.succ_opt().unwrap_or(after);
        let mut days: Vec<NaiveDate> = self.holidays.range(first..=through).map(|(d, _)| *d).collect();
        days.extend(christmas_and_good_fridays(first, through));
        days.sort();
        days.dedup();
        days.into_iter()
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .filter_map(|d| holiday_reason(&self.holidays, kind, d))
            .collect()
    }

    /// Every non-working day from `from` to `through`, both included, weekends too.
    pub fn non_working_days(
        &self,
        kind: CalendarKind,
        from: NaiveDate,
        through: NaiveDate,
    ) -> Vec<SkippedDay> {
        from.iter_days()
            .take_while(|d| *d <= through)
            .filter_map(|d| self.non_working_reason(kind, d))
            .collect()
    }

    /// One division's holidays in a year, published or computed, in date order.
    pub fn holidays(&self, division: Division, year: i32) -> Vec<Holiday> {
        let (Some(first), Some(last)) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) else {
            return Vec::new();
        };
        self.holidays
            .range(first..=last)
            .flat_map(|(_, hs)| hs.iter())
            .filter(|(d, _)| *d == division)
            .map(|(_, h)| h.clone())
            .collect()
    }
}

fn christmas_and_good_fridays(first: NaiveDate, through: NaiveDate) -> Vec<NaiveDate> {
    (first.year()..=through.year())
        .flat_map(|y| [NaiveDate::from_ymd_opt(y, 12, 25), Some(good_friday(y))])
        .flatten()
        .filter(|d| (first..=through).contains(d))
        .collect()
}

fn non_working_reason(
    holidays: &BTreeMap<NaiveDate, Vec<(Division, Holiday)>>,
    kind: CalendarKind,
    date: NaiveDate,
) -> Option<SkippedDay> {
    match date.weekday() {
        Weekday::Sat => Some(skipped(date, "Saturday".into(), false)),
        Weekday::Sun => Some(skipped(date, "Sunday".into(), false)),
        _ => holiday_reason(holidays, kind, date),
    }
}

fn skipped(date: NaiveDate, reason: String, computed: bool) -> SkippedDay {
    SkippedDay {
        date,
        reason,
        computed,
    }
}

/// The holiday that makes `date` a non-working day in `kind`'s calendar (weekends aside),
/// named with the divisions it belongs to, e.g. "St Patrick’s Day, substitute day (Northern Ireland)".
fn holiday_reason(
    holidays: &BTreeMap<NaiveDate, Vec<(Division, Holiday)>>,
    kind: CalendarKind,
    date: NaiveDate,
) -> Option<SkippedDay> {
    let entries: Vec<&(Division, Holiday)> = holidays
        .get(&date)
        .map(|hs| hs.iter().filter(|(d, _)| kind.divisions().contains(d)).collect())
        .unwrap_or_default();
    if let Some((_, first)) = entries.first() {
        let mut title = first.title.clone();
        if first.substitute {
            title.push_str(", substitute day");
        }
        let divisions: Vec<&str> = entries.iter().map(|(d, _)| d.name()).collect();
        let computed = entries.iter().any(|(_, h)| h.source == HolidaySource::Computed);
        let place = if divisions.len() == 3 {
            "all of the UK".to_string()
        } else {
            divisions.join(", ")
        };
        let mut reason = format!("{title} ({place})");
        if computed {
            reason.push_str(", computed from the statutory rules, not yet published");
        }
        return Some(skipped(date, reason, computed));
    }
    if date.month() == 12 && date.day() == 25 {
        return Some(skipped(date, "Christmas Day".into(), false));
    }
    if kind.counts_good_friday() && date == good_friday(date.year()) {
        return Some(skipped(date, "Good Friday".into(), false));
    }
    None
}
