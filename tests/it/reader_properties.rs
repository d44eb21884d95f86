//! The readers of files users hand in, fed arbitrary and mutated bytes: the gov.uk bank holidays
//! file (`import-holidays`, /admin/holidays) and the authorities CSV (`import-authorities`,
//! /authorities/import). Whatever the bytes, the reader returns: the lists, or one clear error
//! on one short line; never a panic, never a file over budget parsed.
//!
//! Cases per property come from PROPTEST_CASES (proptest's own variable; 256 unless set).
//! A long run: `PROPTEST_CASES=50000 cargo test --release --test reader_properties`.

use foi_tracker::domain::calendar::govuk::{MAX_FILE_BYTES, MAX_TITLE};
use foi_tracker::domain::calendar::{Division, HolidayLists};
use foi_tracker::domain::text::{text_problem, Shape};
use foi_tracker::tracker::authorities::{read_csv, MAX_CSV_BYTES, MAX_CSV_ROWS};
use proptest::prelude::*;

const HOLIDAYS: &str = include_str!("../../data/bank-holidays.json");
const AUTHORITIES: &str = include_str!("../../data/authorities.csv");

/// One change to a file: bytes replaced, inserted, removed, or the file cut short.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Vec<u8>),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
    /// A slice of the file repeated, as a hostile file would grow.
    Repeat(usize, usize, usize),
}

/// Bytes that matter to JSON and CSV readers, and to the text rule.
fn interesting_bytes() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(vec![
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "\n",
        "\r",
        "\0",
        "\u{202E}",
        "\u{2066}",
        "\"\"",
        "null",
        "true",
        "-1",
        "1e999",
        "2026-02-30",
        "9999-12-31",
        "\\u0000",
        "\\ud800",
        "\u{FEFF}",
        "england-and-wales",
        "scotland",
        "events",
        "division",
        "title",
        "date",
        "name",
        "nation",
    ])
    .prop_map(|s| s.as_bytes().to_vec());
    prop_oneof![special, prop::collection::vec(any::<u8>(), 1..8)]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), interesting_bytes()).prop_map(|(at, b)| Mutation::Replace(at, b)),
        (any::<usize>(), interesting_bytes()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1..64usize).prop_map(|(at, n)| Mutation::Remove(at, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1..200usize, 1..50usize).prop_map(|(at, n, times)| Mutation::Repeat(at, n, times)),
    ]
}

fn apply(file: &mut Vec<u8>, mutation: &Mutation) {
    let at = |i: usize, file: &Vec<u8>| if file.is_empty() { 0 } else { i % (file.len() + 1) };
    match mutation {
        Mutation::Replace(i, bytes) => {
            let start = at(*i, file);
            let end = (start + bytes.len()).min(file.len());
            file.splice(start..end, bytes.iter().copied());
        }
        Mutation::Insert(i, bytes) => {
            let start = at(*i, file);
            file.splice(start..start, bytes.iter().copied());
        }
        Mutation::Remove(i, n) => {
            let start = at(*i, file);
            let end = (start + n).min(file.len());
            file.drain(start..end);
        }
        Mutation::Truncate(i) => {
            let end = at(*i, file);
            file.truncate(end);
        }
        Mutation::Repeat(i, n, times) => {
            let start = at(*i, file);
            let end = (start + n).min(file.len());
            let slice = file[start..end].to_vec();
            for _ in 0..*times {
                file.splice(end..end, slice.iter().copied());
            }
        }
    }
}

fn mutated(original: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(mutation(), 1..6).prop_map(move |mutations| {
        let mut file = original.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut file, m);
        }
        // The pages and the CLI hand the readers text: bytes that are not UTF-8 are refused
        // before, so the reader sees what a lossy reading leaves.
        String::from_utf8_lossy(&file).into_owned()
    })
}

/// A message a user can read: one line, not empty, short.
fn clear(message: &str) -> Result<(), TestCaseError> {
    prop_assert!(!message.trim().is_empty(), "an empty message");
    prop_assert!(
        text_problem(message, Shape::Line).is_none(),
        "not one line of text: {message:?}"
    );
    prop_assert!(
        message.chars().count() <= 600,
        "{} characters: {message:.200}",
        message.len()
    );
    Ok(())
}

/// What a holidays file read without error must hold.
fn sound(lists: &HolidayLists) -> Result<(), TestCaseError> {
    for division in Division::ALL {
        for year in lists.years(division) {
            let holidays = lists.year(division, year).unwrap();
            prop_assert!(!holidays.is_empty());
            for pair in holidays.windows(2) {
                prop_assert!(pair[0].date < pair[1].date, "sorted, no day twice");
            }
            for holiday in holidays {
                prop_assert!(text_problem(&holiday.title, Shape::Line).is_none());
                prop_assert!(holiday.title.chars().count() <= MAX_TITLE);
                prop_assert!((1990..=2100).contains(&chrono::Datelike::year(&holiday.date)));
            }
        }
    }
    Ok(())
}

fn holidays_read(text: &str) -> Result<(), TestCaseError> {
    match HolidayLists::from_gov_uk_json(text) {
        Ok(lists) => sound(&lists),
        Err(error) => clear(&error.to_string()),
    }
}

fn authorities_read(text: &str) -> Result<(), TestCaseError> {
    match read_csv(text) {
        Ok(rows) => {
            prop_assert!(rows.len() <= MAX_CSV_ROWS);
            for (line, row) in rows {
                prop_assert!(line >= 2);
                match row {
                    Ok((name, values)) => {
                        prop_assert!(text_problem(&name, Shape::Line).is_none(), "{name:?}");
                        prop_assert!(text_problem(&values.short_name, Shape::Line).is_none());
                    }
                    Err(error) => {
                        prop_assert!(!error.field_errors().is_empty(), "a refused row names its field");
                        for field in error.field_errors() {
                            clear(&field.message)?;
                        }
                    }
                }
            }
            Ok(())
        }
        Err(error) => clear(&error.to_string()),
    }
}

proptest! {
    #[test]
    fn the_holidays_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        holidays_read(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn the_holidays_reader_survives_a_mutated_gov_uk_file(text in mutated(HOLIDAYS)) {
        holidays_read(&text)?;
    }

    #[test]
    fn the_authorities_reader_survives_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        authorities_read(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn the_authorities_reader_survives_a_mutated_register(text in mutated(AUTHORITIES)) {
        authorities_read(&text)?;
    }
}

#[test]
fn the_bundled_files_are_read() {
    assert!(HolidayLists::from_gov_uk_json(HOLIDAYS).is_ok());
    let rows = read_csv(AUTHORITIES).unwrap();
    assert!(rows.iter().all(|(_, row)| row.is_ok()));
}

#[test]
fn files_over_budget_are_refused_before_they_are_parsed() {
    let huge = format!("{{\"england-and-wales\": {}}}", " ".repeat(MAX_FILE_BYTES));
    let error = HolidayLists::from_gov_uk_json(&huge).unwrap_err().to_string();
    assert!(error.contains("at most 2097152"), "{error}");

    let huge = format!("{}{}", AUTHORITIES, "x".repeat(MAX_CSV_BYTES));
    let error = read_csv(&huge).unwrap_err().to_string();
    assert!(error.contains("at most 2097152"), "{error}");

    let mut many = String::from("name,short_name,foi_email,website,default_regime,nation\n");
    for i in 0..=MAX_CSV_ROWS {
        many.push_str(&format!("Authority {i},A{i},,,foia,uk\n"));
    }
    let error = read_csv(&many).unwrap_err().to_string();
    assert!(error.contains("more than 5000 rows"), "{error}");
}

#[test]
fn a_title_with_a_direction_override_or_a_line_break_is_refused() {
    for bad in ["\\u202eyadiloh knaB", "Boxing\\nDay", "\\u0000"] {
        let file = HOLIDAYS.replacen(
            "\"title\": \"New Year’s Day\"",
            &format!("\"title\": \"{bad}\""),
            1,
        );
        assert_ne!(file, HOLIDAYS, "the bundled file names New Year’s Day");
        let error = HolidayLists::from_gov_uk_json(&file).unwrap_err().to_string();
        assert!(error.contains("the title"), "{error}");
        assert!(!error.contains('\n'), "{error}");
    }
}
