//! How the cells of a released table become figures: the period a cell names, the value or
//! suppression marker a cell holds, and which columns hold the breakdown.

use chrono::NaiveDate;

use super::demand::{parse_value, Quarter};
use super::spreadsheet::column;

/// What a value cell holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellValue {
    Number(String),
    /// The marker the authority gave instead of a number, as given.
    Suppressed(String),
}

/// Markers official tables use in place of a small or withheld number: "<5", "fewer than 5",
/// "*", "[c]" (confidential), "~" (rounds to nothing).
fn is_suppression(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.starts_with('<')
        || lower.starts_with('*')
        || lower.starts_with('~')
        || lower == "[c]"
        || ["fewer than", "less than", "suppressed", "redacted"]
            .iter()
            .any(|m| lower.starts_with(m))
}

/// Markers for "no figure": not available ("[x]", ".."), not applicable ("[z]"), or a note.
/// A bare "-" is among them: some tables use it for zero, others for nothing, so the
/// researcher must say which by leaving the row out or entering it by hand.
fn is_absence(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.starts_with('[') || lower.starts_with("..") || lower == "-" || lower == "n/a"
}

/// Reads a value cell: a number, or a suppression marker kept as given.
pub fn read_value(text: &str) -> Result<CellValue, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the value cell is empty".into());
    }
    match parse_value(text) {
        Ok(number) => Ok(CellValue::Number(number)),
        Err(_) if is_suppression(text) => Ok(CellValue::Suppressed(text.to_string())),
        Err(_) if is_absence(text) => Err(format!(
            "\"{text}\" says there is no figure here (not available, not applicable or a note): leave the row out"
        )),
        Err(_) => Err(format!(
            "\"{text}\" is neither a number nor a suppression marker such as <5 or [c]"
        )),
    }
}

/// The period a cell names: a quarter ("2024 Q1", "Q1 2024", "2024-Q1"), a calendar year
/// ("2024"), a financial year ("2023/24", "2023-24": April to March), or two dates
/// ("2024-01-01 to 2024-03-31").
pub fn read_period(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let text = text.trim();
    let wrong =
        || format!("\"{text}\" is not a period: write 2024 Q1, 2024, 2023/24 or 2024-01-01 to 2024-03-31");
    if let Some((from, to)) = text.split_once(" to ") {
        let date = |t: &str| NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok();
        return match (date(from), date(to)) {
            (Some(from), Some(to)) if from <= to => Ok((from, to)),
            (Some(_), Some(_)) => Err(format!("\"{text}\" ends before it starts")),
            _ => Err(wrong()),
        };
    }
    let compact: String = text
        .to_uppercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if let Some(quarter) = quarter(&compact) {
        return Ok((quarter.start(), quarter.end()));
    }
    if compact.len() == 4 {
        if let Some(year) = compact.parse::<i32>().ok().filter(|y| (1990..=2100).contains(y)) {
            return Ok((ymd(year, 1, 1), ymd(year, 12, 31)));
        }
    }
    let financial = text
        .split_once('/')
        .or_else(|| text.split_once('-'))
        .and_then(|(a, b)| Some((a.trim().parse::<i32>().ok()?, b.trim())));
    if let Some((first, second)) = financial.filter(|(y, _)| (1990..=2100).contains(y)) {
        let next = first + 1;
        if second == format!("{:02}", next % 100) || second == next.to_string() {
            return Ok((ymd(first, 4, 1), ymd(next, 3, 31)));
        }
    }
    Err(wrong())
}

/// "2024Q1" or "Q12024", spaces and dashes already removed.
fn quarter(compact: &str) -> Option<Quarter> {
    let (year, number) = if let Some((year, number)) = compact.split_once('Q').filter(|(y, _)| y.len() == 4) {
        (year, number)
    } else {
        let rest = compact.strip_prefix('Q')?;
        let (number, year) = rest.split_at_checked(1)?;
        (year, number)
    };
    let quarter = Quarter {
        year: year.parse().ok().filter(|y| (1990..=2100).contains(y))?,
        number: number.parse().ok().filter(|n| (1..=4).contains(n))?,
    };
    Some(quarter)
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Reads "B = nationality; D = sex": the columns whose cells are each row's breakdown.
pub fn read_breakdown_columns(text: &str) -> Result<Vec<(usize, String)>, String> {
    let mut columns: Vec<(usize, String)> = Vec::new();
    for part in text.split([';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let (letters, dimension) = part
            .split_once('=')
            .map(|(l, d)| (l.trim(), d.trim()))
            .filter(|(_, d)| !d.is_empty())
            .ok_or_else(|| format!("{part} is not a column = dimension pair, such as B = nationality"))?;
        let index = column(letters).ok_or_else(|| format!("{letters} is not a column such as B"))?;
        if columns.iter().any(|(_, d)| d.eq_ignore_ascii_case(dimension)) {
            return Err(format!("{dimension} is given twice"));
        }
        columns.push((index, dimension.to_string()));
    }
    Ok(columns)
}

/// The most parts "rows to leave out" may have.
const MAX_SKIPPED_PARTS: usize = 1_000;

/// Reads "12, 15-17": the rows to leave out, such as totals and notes, as inclusive ranges.
pub fn read_rows(text: &str) -> Result<Vec<(usize, usize)>, String> {
    let mut ranges = Vec::new();
    for part in text
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if ranges.len() == MAX_SKIPPED_PARTS {
            return Err(format!("Give at most {MAX_SKIPPED_PARTS} rows or ranges"));
        }
        let number = |t: &str| {
            t.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or_else(|| format!("{part} is not a row number or a range such as 15-17"))
        };
        let range = match part.split_once('-') {
            Some((from, to)) => (number(from)?, number(to)?),
            None => (number(part)?, number(part)?),
        };
        if range.1 < range.0 {
            return Err(format!("{part} is not a range such as 15-17"));
        }
        ranges.push(range);
    }
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(text: &str) -> String {
        read_period(text).map_or_else(|e| e, |(s, e)| format!("{s} {e}"))
    }

    #[test]
    fn periods_as_tables_write_them() {
        for text in ["2024 Q1", "Q1 2024", "2024-Q1", "2024Q1", "q1 2024"] {
            assert_eq!(period(text), "2024-01-01 2024-03-31", "{text}");
        }
        assert_eq!(period("2023 Q4"), "2023-10-01 2023-12-31");
        assert_eq!(period("2024"), "2024-01-01 2024-12-31");
        assert_eq!(period("2023/24"), "2023-04-01 2024-03-31");
        assert_eq!(period("2023-24"), "2023-04-01 2024-03-31");
        assert_eq!(period("2019/2020"), "2019-04-01 2020-03-31");
        assert_eq!(period("2024-01-01 to 2024-06-30"), "2024-01-01 2024-06-30");
        for wrong in [
            "2024 Q5",
            "Spring 2024",
            "2023/25",
            "2024-03-31",
            "2024-06-30 to 2024-01-01",
            "",
        ] {
            assert!(read_period(wrong).is_err(), "{wrong}");
        }
    }

    #[test]
    fn values_and_markers() {
        assert_eq!(read_value("1,256"), Ok(CellValue::Number("1256".into())));
        assert_eq!(read_value(" 12.5 "), Ok(CellValue::Number("12.5".into())));
        for marker in ["<5", "fewer than 5", "*", "[c]", "~"] {
            assert_eq!(read_value(marker), Ok(CellValue::Suppressed(marker.into())));
        }
        for absent in ["[x]", "[z]", "..", "-", "[note 3]", "N/A"] {
            assert!(
                read_value(absent).unwrap_err().contains("leave the row out"),
                "{absent}"
            );
        }
        assert!(read_value("unknown").unwrap_err().contains("neither a number"));
        assert!(read_value("").unwrap_err().contains("empty"));
    }

    #[test]
    fn breakdown_columns_and_rows() {
        assert_eq!(
            read_breakdown_columns("B = nationality; d=sex"),
            Ok(vec![(1, "nationality".into()), (3, "sex".into())])
        );
        assert_eq!(read_breakdown_columns(""), Ok(vec![]));
        assert!(read_breakdown_columns("B").is_err());
        assert!(read_breakdown_columns("7 = sex").is_err());
        assert!(read_breakdown_columns("B = sex; C = Sex").is_err());
        assert_eq!(read_rows("12, 15-17"), Ok(vec![(12, 12), (15, 17)]));
        assert_eq!(read_rows("1-18446744073709551615").map(|r| r.len()), Ok(1));
        assert!(read_rows(&"1-9,".repeat(1_001))
            .unwrap_err()
            .contains("at most 1000"));
        assert!(read_rows("0").is_err());
        assert!(read_rows("17-15").is_err());
    }
}
