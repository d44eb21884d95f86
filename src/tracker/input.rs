//! Reading user input field by field, collecting every problem with the field it belongs to,
//! so that a form can show each message beside its field and the API can name it.

use std::str::FromStr;

use serde::Deserialize;

use chrono::NaiveDate;

use crate::domain::calendar::{FIRST_YEAR, LAST_YEAR};
use crate::domain::written;
use crate::error::{AppError, FieldError};

pub use crate::domain::text::{control_characters, is_direction_control, text_problem, Shape};

#[derive(Debug, Default)]
pub struct Fields {
    errors: Vec<FieldError>,
}

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        if !self.errors.iter().any(|e| e.field == field) {
            self.errors.push(FieldError::new(field, message));
        }
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }

    /// `value` if no field had a problem, else every problem found.
    pub fn finish<T>(self, value: T) -> Result<T, AppError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(AppError::Invalid(self.errors))
        }
    }

    /// Required text, trimmed, at most `max` characters.
    pub fn text(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, format!("{label} is required"));
        }
        self.limit(field, label, value, max);
        value.to_string()
    }

    /// Optional text: blank is none.
    pub fn optional_text(
        &mut self,
        field: &str,
        label: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        self.optional(field, label, value, max, Shape::Line)
    }

    /// Required text of several lines (a letter, details), at most `max` characters.
    pub fn lines(&mut self, field: &str, label: &str, value: &str, max: usize) -> String {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, format!("{label} is required"));
        }
        self.limit_shaped(field, label, value, max, Shape::Lines);
        value.to_string()
    }

    /// Optional text of several lines: blank is none.
    pub fn optional_lines(
        &mut self,
        field: &str,
        label: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        self.optional(field, label, value, max, Shape::Lines)
    }

    fn optional(
        &mut self,
        field: &str,
        label: &str,
        value: Option<&str>,
        max: usize,
        shape: Shape,
    ) -> Option<String> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.limit_shaped(field, label, value, max, shape);
        Some(value.to_string())
    }

    /// Text that may be blank, kept as written (trimmed), within the rule and `max`.
    pub fn free_text(&mut self, field: &str, label: &str, value: &str, max: usize, shape: Shape) -> String {
        let value = value.trim();
        self.limit_shaped(field, label, value, max, shape);
        value.to_string()
    }

    fn limit(&mut self, field: &str, label: &str, value: &str, max: usize) {
        self.limit_shaped(field, label, value, max, Shape::Line)
    }

    fn limit_shaped(&mut self, field: &str, label: &str, value: &str, max: usize, shape: Shape) {
        if let Some(problem) = text_problem(value, shape) {
            self.error(field, format!("{label} {problem}"));
        }
        let length = value.chars().count();
        if length > max {
            self.error(
                field,
                format!("{label} must be at most {max} characters (it has {length})"),
            );
        }
    }

    /// One value of a closed set, such as a regime.
    pub fn closed<T: FromStr>(
        &mut self,
        field: &str,
        label: &str,
        value: &str,
        allowed: &[&str],
    ) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, format!("{label} is required"));
            return None;
        }
        let parsed = value.parse().ok();
        if parsed.is_none() {
            self.error(field, format!("{label} must be one of {}", allowed.join(", ")));
        }
        parsed
    }

    /// A date written YYYY-MM-DD, within the calendar's years and not after `today`.
    pub fn date(
        &mut self,
        field: &str,
        label: &str,
        value: &str,
        today: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let value = value.trim();
        if value.is_empty() {
            self.error(field, format!("{label} is required"));
            return None;
        }
        let date = match parse_date(value) {
            Ok(date) => date,
            Err(why) => {
                self.error(field, format!("{label} {why}"));
                return None;
            }
        };
        if !(FIRST_YEAR..=LAST_YEAR).contains(&chrono::Datelike::year(&date)) {
            self.error(
                field,
                format!("{label} must fall between {FIRST_YEAR} and {LAST_YEAR}"),
            );
            return None;
        }
        if let Some(today) = today.filter(|t| date > *t) {
            self.error(field, format!("{label} cannot be after today ({today})"));
            return None;
        }
        Some(date)
    }

    pub fn optional_date(
        &mut self,
        field: &str,
        label: &str,
        value: Option<&str>,
        today: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        let value = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.date(field, label, value, today)
    }

    /// An optional email address: something@somewhere.tld, without spaces.
    pub fn optional_email(&mut self, field: &str, label: &str, value: Option<&str>) -> Option<String> {
        let email = self.optional_text(field, label, value, 254)?;
        let valid = email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }) && !email.chars().any(char::is_whitespace);
        if !valid {
            self.error(
                field,
                format!("{label} must be an email address like foi@homeoffice.gov.uk"),
            );
        }
        Some(email)
    }

    /// An optional web address starting http:// or https://.
    pub fn optional_url(&mut self, field: &str, label: &str, value: Option<&str>) -> Option<String> {
        let url = self.optional_text(field, label, value, 500)?;
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.chars().any(char::is_whitespace)) {
            self.error(field, format!("{label} must be a web address starting https://"));
        }
        Some(url)
    }
}

/// The snake_case names of a closed enum, for messages.
pub fn names<T: strum::VariantArray + Into<&'static str> + Copy>() -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| (*v).into()).collect()
}

/// A date written YYYY-MM-DD, which is also what a form's day, month and year boxes are
/// joined into (`web::dates`), so that one parser says what is wrong with either: a part
/// missing, a part that is not a number, a day the month does not have.
pub fn parse_date(value: &str) -> Result<NaiveDate, String> {
    let written_like = || "must be a date written like 2026-03-02".to_string();
    let [year, month, day] = value.split('-').collect::<Vec<_>>()[..] else {
        return Err(written_like());
    };
    let missing: Vec<&str> = [("day", day), ("month", month), ("year", year)]
        .into_iter()
        .filter(|(_, part)| part.is_empty())
        .map(|(name, _)| name)
        .collect();
    if !missing.is_empty() {
        return Err(format!("must include a {}", missing.join(" and a ")));
    }
    if ![year, month, day]
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("must be a real date, in numbers, like 2 3 2026".into());
    }
    if year.len() != 4 {
        return Err("must have a year of four digits, like 2026".into());
    }
    if month.len() != 2 || day.len() != 2 {
        return Err(written_like());
    }
    let (y, m, d) = (
        year.parse().unwrap_or(0),
        month.parse().unwrap_or(0),
        day.parse().unwrap_or(0),
    );
    let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) else {
        return Err("must be a real date: a month is from 1 to 12".into());
    };
    NaiveDate::from_ymd_opt(y, m, d).filter(|_| d > 0).ok_or_else(|| {
        let days = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|next| next.pred_opt())
            .map_or(31, |last| chrono::Datelike::day(&last));
        format!("must be a real date: {} has {days} days", written::month(first))
    })
}

/// A whole number sent as a JSON number (as the API documents it) or as text (as a form
/// sends it), kept as text for `Fields` to check; null is empty.
pub fn number_or_text<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Given {
        Number(u64),
        Text(String),
    }
    Ok(match Option::<Given>::deserialize(deserializer)? {
        Some(Given::Number(n)) => n.to_string(),
        Some(Given::Text(text)) => text,
        None => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_date;

    #[test]
    fn dates_are_parsed_or_refused_saying_why() {
        let cases = [
            ("2026-03-02", Ok("2026-03-02")),
            ("2026-04-31", Err("must be a real date: April 2026 has 30 days")),
            (
                "2026-02-29",
                Err("must be a real date: February 2026 has 28 days"),
            ),
            ("2028-02-29", Ok("2028-02-29")),
            (
                "2026-02-00",
                Err("must be a real date: February 2026 has 28 days"),
            ),
            ("2026-13-01", Err("must be a real date: a month is from 1 to 12")),
            ("-04-30", Err("must include a year")),
            ("2026--", Err("must include a day and a month")),
            (
                "2026-0a-01",
                Err("must be a real date, in numbers, like 2 3 2026"),
            ),
            ("26-04-01", Err("must have a year of four digits, like 2026")),
            ("2026-4-1", Err("must be a date written like 2026-03-02")),
            ("2 March 2026", Err("must be a date written like 2026-03-02")),
        ];
        for (written, expected) in cases {
            let parsed = parse_date(written).map(|d| d.to_string());
            assert_eq!(parsed.as_deref().map_err(String::as_str), expected, "{written}");
        }
    }
}
