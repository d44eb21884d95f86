//! The petition's data demands: indicators, the quarters they are asked for, and released
//! figures with their exact values, definitions and breakdowns.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

closed_enum! {
    /// The shortest period an indicator is asked for.
    pub enum Granularity {
        Quarter,
        Year,
    }
}

closed_enum! {
    /// How a figure's own definition compares with its indicator's.
    pub enum DefinitionMatch {
        /// The same measure.
        Matches,
        /// A close measure that can stand for it, with its caveats.
        Comparable,
        /// Another measure under similar words: listed as related, never counted.
        Different,
    }
}

closed_enum! {
    pub enum SourceKind {
        /// A response to one of our requests.
        Request,
        /// A statistical release, a parliamentary answer, a report.
        Publication,
    }
}

/// A calendar quarter, e.g. 2019 Q1 (January to March).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn end(self) -> NaiveDate {
        self.start()
            .checked_add_months(Months::new(3))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Quarter {
        match self.number {
            4 => Quarter {
                year: self.year + 1,
                number: 1,
            },
            n => Quarter {
                year: self.year,
                number: n + 1,
            },
        }
    }

    /// Every quarter from `first` to `last`, both included.
    pub fn range(first: Quarter, last: Quarter) -> Vec<Quarter> {
        let mut quarters = Vec::new();
        let mut q = first;
        while q <= last {
            quarters.push(q);
            q = q.next();
        }
        quarters
    }

    /// "2019-Q1", as the scorecard's columns and JSON name it.
    pub fn label(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }

    /// Reads "2019-Q1".
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, number) = text.split_once("-Q")?;
        let quarter = Quarter {
            year: year.parse().ok()?,
            number: number.parse().ok()?,
        };
        (1..=4).contains(&quarter.number).then_some(quarter)
    }
}

/// The most digits a figure's value may have.
pub const MAX_VALUE_DIGITS: usize = 20;

/// Reads a value as people type it: "1,256" and "1256" are the same number; "12.50" keeps its
/// digits; anything else that is not a number must say it is suppressed. At most
/// [`MAX_VALUE_DIGITS`] digits: no statistic needs more, and charts and exports read it as a
/// number.
pub fn parse_value(text: &str) -> Result<String, String> {
    let length = text.trim().chars().count();
    if length > MAX_VALUE_DIGITS + 12 {
        return Err(format!(
            "The value is {length} characters long: a figure has at most {MAX_VALUE_DIGITS} digits"
        ));
    }
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    let digits = cleaned.strip_prefix('-').unwrap_or(&cleaned);
    let mut parts = digits.split('.');
    let whole = parts.next().unwrap_or_default();
    let fraction = parts.next();
    let valid = !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
        && parts.next().is_none();
    let count = cleaned.chars().filter(char::is_ascii_digit).count();
    if valid && count > MAX_VALUE_DIGITS {
        Err(format!(
            "The value has {count} digits: a figure has at most {MAX_VALUE_DIGITS}"
        ))
    } else if valid {
        Ok(cleaned)
    } else {
        Err(format!(
            "{text} is not a number: write it as 1256 or 12.5, or say it is suppressed"
        ))
    }
}

/// Reads a breakdown "sex = female; nationality = Albanian" into sorted pairs written back as
/// "nationality=Albanian; sex=female"; empty for a total.
pub fn parse_breakdown(text: &str) -> Result<String, String> {
    let mut pairs = Vec::new();
    for part in text.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let (dimension, value) = part
            .split_once('=')
            .map(|(d, v)| (d.trim(), v.trim()))
            .filter(|(d, v)| !d.is_empty() && !v.is_empty())
            .ok_or_else(|| format!("{part} is not a dimension = value pair, such as sex = female"))?;
        if pairs
            .iter()
            .any(|(d, _): &(String, String)| d.eq_ignore_ascii_case(dimension))
        {
            return Err(format!("{dimension} is given twice"));
        }
        pairs.push((dimension.to_lowercase(), value.to_string()));
    }
    pairs.sort();
    Ok(pairs
        .into_iter()
        .map(|(d, v)| format!("{d}={v}"))
        .collect::<Vec<_>>()
        .join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters() {
        let q = Quarter::of(NaiveDate::from_ymd_opt(2019, 8, 5).unwrap());
        assert_eq!(q.label(), "2019-Q3");
        assert_eq!(q.start().to_string(), "2019-07-01");
        assert_eq!(q.end().to_string(), "2019-09-30");
        assert_eq!(Quarter::parse("2019-Q4").unwrap().next().label(), "2020-Q1");
        assert_eq!(Quarter::parse("2019-Q5"), None);
        assert_eq!(
            Quarter::range(
                Quarter::parse("2016-Q1").unwrap(),
                Quarter::parse("2016-Q4").unwrap()
            )
            .len(),
            4
        );
    }

    #[test]
    fn values_and_breakdowns() {
        assert_eq!(parse_value("1,256"), Ok("1256".into()));
        assert_eq!(parse_value("12.50"), Ok("12.50".into()));
        assert!(parse_value("fewer than 5").is_err());
        assert!(parse_value("1.2.3").is_err());
        assert_eq!(
            parse_value("12345678901234567890"),
            Ok("12345678901234567890".into())
        );
        assert!(parse_value("123456789012345678901").is_err());
        assert!(parse_value(&"9".repeat(500_000)).unwrap_err().len() < 100);
        assert_eq!(
            parse_breakdown("sex = female; Nationality=Albanian"),
            Ok("nationality=Albanian; sex=female".into())
        );
        assert_eq!(parse_breakdown(""), Ok(String::new()));
        assert!(parse_breakdown("female").is_err());
        assert!(parse_breakdown("sex=female; sex=male").is_err());
    }
}
