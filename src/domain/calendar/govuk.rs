//! The published bank holiday lists, in the shape gov.uk serves them
//! (`https://www.gov.uk/bank-holidays.json`), validated as a whole before anything is used.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::{Division, Holiday, HolidaySource, FIRST_DAY, LAST_DAY};
use crate::domain::text::{quoted, text_problem, Shape};

/// Why a bank holidays file was refused. Nothing of a refused file is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("not a gov.uk bank holidays file: {0}")]
    Shape(String),
    #[error("unknown division \"{0}\" (expected england-and-wales, scotland or northern-ireland)")]
    UnknownDivision(String),
    #[error("division \"{key}\" is labelled \"{label}\" inside")]
    DivisionMismatch { key: String, label: String },
    #[error("division {0} is missing")]
    MissingDivision(&'static str),
    #[error("division {0} lists no holidays")]
    NoEvents(&'static str),
    #[error("{division}, holiday {number} (\"{title}\"): \"{value}\" is not a date (expected YYYY-MM-DD)")]
    BadDate {
        division: &'static str,
        number: usize,
        title: String,
        value: String,
    },
    #[error("{division}, {date}: the date is outside the supported years 1990 to 2100")]
    OutOfRange { division: &'static str, date: NaiveDate },
    #[error("{division}, holiday {number} on {date} has no title")]
    NoTitle {
        division: &'static str,
        number: usize,
        date: NaiveDate,
    },
    #[error("{division} lists {date} twice")]
    Duplicate { division: &'static str, date: NaiveDate },
    #[error("{division}, holiday {number} on {date}: the title {problem}")]
    BadTitle {
        division: &'static str,
        number: usize,
        date: NaiveDate,
        problem: String,
    },
    #[error("the file is {0} bytes; a bank holidays file has at most {max} (gov.uk's is about 60,000)", max = MAX_FILE_BYTES)]
    TooLarge(usize),
    #[error("{division} lists more than {max} holidays", max = MAX_EVENTS)]
    TooMany { division: &'static str },
}

/// The largest file read: gov.uk's own, covering 2012 to 2028, is 62 KB.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;
/// The most holidays one division may list: about twelve a year for 111 years.
pub const MAX_EVENTS: usize = 2_000;
/// The longest title of a holiday.
pub const MAX_TITLE: usize = 200;

#[derive(Deserialize)]
struct RawDivision {
    division: String,
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
struct RawEvent {
    title: String,
    date: String,
    #[serde(default)]
    notes: String,
}

/// Published holidays by division and year. A year is covered when its list names at least
/// one day; uncovered years are left to the statutory generator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayLists {
    years: BTreeMap<Division, BTreeMap<i32, Vec<Holiday>>>,
}

const BUNDLED: &str = include_str!("../../../data/bank-holidays.json");

impl HolidayLists {
    /// The copy of gov.uk's file shipped in `data/` (2012 to 2028).
    pub fn bundled() -> HolidayLists {
        HolidayLists::from_gov_uk_json(BUNDLED).expect("data/bank-holidays.json is valid (tested)")
    }

    /// Reads gov.uk's file: the size is checked before anything is parsed, and every value
    /// quoted in an error is escaped and shortened, so that the message stays one short line.
    pub fn from_gov_uk_json(text: &str) -> Result<HolidayLists, ImportError> {
        if text.len() > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge(text.len()));
        }
        let raw: HashMap<String, serde_json::Value> =
            serde_json::from_str(text).map_err(|e| ImportError::Shape(e.to_string()))?;
        let mut lists = HolidayLists::default();
        for (key, value) in raw {
            let division =
                Division::from_slug(&key).ok_or_else(|| ImportError::UnknownDivision(quoted(&key, 60)))?;
            let raw_division: RawDivision = serde_json::from_value(value)
                .map_err(|e| ImportError::Shape(format!("{key}: {}", quoted(&e.to_string(), 200))))?;
            if raw_division.division != key {
                return Err(ImportError::DivisionMismatch {
                    key,
                    label: quoted(&raw_division.division, 60),
                });
            }
            lists
                .years
                .insert(division, parse_events(division, raw_division.events)?);
        }
        for division in Division::ALL {
            if !lists.years.contains_key(&division) {
                return Err(ImportError::MissingDivision(division.slug()));
            }
        }
        Ok(lists)
    }

    /// Lays `newer` over these lists: each year it covers replaces the same year here.
    pub fn merge(&mut self, newer: &HolidayLists) {
        for (division, years) in &newer.years {
            let mine = self.years.entry(*division).or_default();
            for (year, holidays) in years {
                mine.insert(*year, holidays.clone());
            }
        }
    }

    /// The published list of one division for one year, if this file covers it.
    pub fn year(&self, division: Division, year: i32) -> Option<&[Holiday]> {
        self.years.get(&division)?.get(&year).map(Vec::as_slice)
    }

    /// The years this file covers for a division.
    pub fn years(&self, division: Division) -> impl Iterator<Item = i32> + '_ {
        self.years
            .get(&division)
            .into_iter()
            .flat_map(|y| y.keys().copied())
    }
}

fn parse_events(
    division: Division,
    events: Vec<RawEvent>,
) -> Result<BTreeMap<i32, Vec<Holiday>>, ImportError> {
    let name = division.slug();
    if events.is_empty() {
        return Err(ImportError::NoEvents(name));
    }
    if events.len() > MAX_EVENTS {
        return Err(ImportError::TooMany { division: name });
    }
    let mut years: BTreeMap<i32, Vec<Holiday>> = BTreeMap::new();
    for (i, event) in events.into_iter().enumerate() {
        let number = i + 1;
        let date = NaiveDate::parse_from_str(&event.date, "%Y-%m-%d")
            .ok()
            .filter(|_| event.date.len() == 10)
            .ok_or_else(|| ImportError::BadDate {
                division: name,
                number,
                title: quoted(&event.title, 60),
                value: quoted(&event.date, 30),
            })?;
        if date < FIRST_DAY || date > LAST_DAY {
            return Err(ImportError::OutOfRange { division: name, date });
        }
        let title = event.title.trim();
        if title.is_empty() {
            return Err(ImportError::NoTitle {
                division: name,
                number,
                date,
            });
        }
        if let Some(problem) = text_problem(title, Shape::Line).or_else(|| {
            (title.chars().count() > MAX_TITLE).then(|| format!("is longer than {MAX_TITLE} characters"))
        }) {
            return Err(ImportError::BadTitle {
                division: name,
                number,
                date,
                problem,
            });
        }
        let year = years.entry(date.year()).or_default();
        if year.iter().any(|h| h.date == date) {
            return Err(ImportError::Duplicate { division: name, date });
        }
        year.push(Holiday {
            date,
            title: title.to_string(),
            substitute: event.notes.trim().eq_ignore_ascii_case("substitute day"),
            source: HolidaySource::Published,
        });
    }
    for holidays in years.values_mut() {
        holidays.sort_by_key(|h| h.date);
    }
    Ok(years)
}
