//! The working-day calendar: the generator against gov.uk's lists, computed years, imports.

use crate::common::date;
use chrono::NaiveDate;
use foi_tracker::domain::calendar::{
    Calendar, CalendarKind, Division, Holiday, HolidayLists, HolidaySource, ImportError,
};

#[test]
fn the_generator_reproduces_every_published_list_2012_to_2028() {
    let published = HolidayLists::bundled();
    let computed = Calendar::new(&HolidayLists::default());
    for division in Division::ALL {
        let years: Vec<i32> = published.years(division).collect();
        assert_eq!(
            years,
            (2012..=2028).collect::<Vec<_>>(),
            "{division:?} covers 2012 to 2028"
        );
        for year in years {
            let list = published.year(division, year).unwrap();
            let generated = computed.holidays(division, year);
            let dates = |hs: &[Holiday]| hs.iter().map(|h| h.date).collect::<Vec<_>>();
            assert_eq!(dates(&generated), dates(list), "{division:?} {year}");
            // The same names too, though gov.uk itself swapped the titles of Scotland's 2 and
            // 3 January between 2017 and 2023, so names are compared as a set.
            let titles = |hs: &[Holiday]| {
                let mut t: Vec<String> = hs.iter().map(|h| h.title.clone()).collect();
                t.sort();
                t
            };
            assert_eq!(titles(&generated), titles(list), "{division:?} {year}");
            assert!(generated.iter().all(|h| h.source == HolidaySource::Computed));
        }
    }
}

#[test]
fn published_years_are_marked_published_and_others_computed() {
    let calendar = Calendar::bundled();
    let published = calendar.holidays(Division::Scotland, 2026);
    assert!(published.iter().all(|h| h.source == HolidaySource::Published));
    let computed = calendar.holidays(Division::Scotland, 2030);
    assert!(!computed.is_empty());
    assert!(computed.iter().all(|h| h.source == HolidaySource::Computed));
    // 30 November 2030 is a Saturday: St Andrew's Day moves to Monday 2 December.
    let st_andrew = computed.iter().find(|h| h.title == "St Andrew’s Day").unwrap();
    assert_eq!(st_andrew.date, date("2030-12-02"));
    assert!(st_andrew.substitute);
    let reason = calendar
        .non_working_reason(CalendarKind::Foia, date("2030-12-02"))
        .unwrap();
    assert!(reason.computed);
    assert!(reason.reason.contains("computed"), "{}", reason.reason);
}

#[test]
fn whatdotheyknow_dates_of_2009_are_computed_right() {
    let calendar = Calendar::bundled();
    let table = [
        ("2009-03-12", "2009-04-14"),
        ("2009-03-13", "2009-04-15"),
        ("2009-03-14", "2009-04-15"),
        ("2009-03-15", "2009-04-15"),
        ("2009-03-16", "2009-04-16"),
    ];
    for (received, due) in table {
        assert_eq!(
            calendar
                .add_working_days(CalendarKind::Foia, date(received), 20)
                .unwrap(),
            date(due),
            "received {received}"
        );
    }
}

#[test]
fn one_off_days_replace_the_regular_ones() {
    let calendar = Calendar::bundled();
    let ew = |year| -> Vec<NaiveDate> {
        calendar
            .holidays(Division::EnglandAndWales, year)
            .iter()
            .map(|h| h.date)
            .collect()
    };
    let y1995 = ew(1995);
    assert!(y1995.contains(&date("1995-05-08")) && !y1995.contains(&date("1995-05-01")));
    let y2002 = ew(2002);
    assert!(y2002.contains(&date("2002-06-03")) && y2002.contains(&date("2002-06-04")));
    assert!(!y2002.contains(&date("2002-05-27")));
    assert!(ew(1999).contains(&date("1999-12-31")));
    assert!(ew(2011).contains(&date("2011-04-29")));
    // Scotland had no St Andrew's Day bank holiday before 2007.
    let scotland_2006: Vec<String> = calendar
        .holidays(Division::Scotland, 2006)
        .into_iter()
        .map(|h| h.title)
        .collect();
    assert!(!scotland_2006.iter().any(|t| t.contains("Andrew")));
}

#[test]
fn the_three_calendars_differ_where_the_law_does() {
    let calendar = Calendar::bundled();
    let st_patrick = date("2026-03-17");
    let easter_monday = date("2026-04-06");
    let st_andrew = date("2026-11-30");
    let working = |kind, d| calendar.is_working_day(kind, d).unwrap();
    assert!(!working(CalendarKind::Foia, st_patrick));
    assert!(working(CalendarKind::Scotland, st_patrick));
    assert!(working(CalendarKind::EnglandAndWales, st_patrick));
    assert!(!working(CalendarKind::Foia, easter_monday));
    assert!(working(CalendarKind::Scotland, easter_monday));
    assert!(!working(CalendarKind::EnglandAndWales, easter_monday));
    assert!(!working(CalendarKind::Foia, st_andrew));
    assert!(!working(CalendarKind::Scotland, st_andrew));
    assert!(working(CalendarKind::EnglandAndWales, st_andrew));
}

#[test]
fn dates_outside_1990_to_2100_are_refused() {
    let calendar = Calendar::bundled();
    let error = calendar
        .add_working_days(CalendarKind::Foia, date("1989-12-31"), 20)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "1989-12-31 is outside the supported years 1990 to 2100"
    );
    assert!(calendar
        .add_working_days(CalendarKind::Foia, date("2100-12-20"), 20)
        .is_err());
}

const GOOD: &str = r#"{
  "england-and-wales": {"division": "england-and-wales", "events": [{"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true}]},
  "scotland": {"division": "scotland", "events": [{"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true}]},
  "northern-ireland": {"division": "northern-ireland", "events": [{"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true}]}
}"#;

#[test]
fn a_newer_file_replaces_the_years_it_covers() {
    let proclaimed = GOOD.replace(
        r#""events": [{"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true}]},
  "scotland""#,
        r#""events": [{"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": true}, {"title": "Proclaimed day", "date": "2029-06-15", "notes": "", "bunting": true}]},
  "scotland""#,
    );
    let newer = HolidayLists::from_gov_uk_json(&proclaimed).unwrap();
    let mut lists = HolidayLists::bundled();
    lists.merge(&newer);
    let calendar = Calendar::new(&lists);
    let day = date("2029-06-15");
    assert!(!calendar.is_working_day(CalendarKind::Foia, day).unwrap());
    assert!(calendar.is_working_day(CalendarKind::Scotland, day).unwrap());
    let reason = calendar.non_working_reason(CalendarKind::Foia, day).unwrap();
    assert_eq!(reason.reason, "Proclaimed day (England and Wales)");
    // 2029 now comes from the file, which lists only what it lists; 2028 is untouched.
    assert!(calendar
        .is_working_day(CalendarKind::Foia, date("2029-12-25"))
        .is_ok());
    assert_eq!(
        calendar.holidays(Division::EnglandAndWales, 2028),
        Calendar::bundled().holidays(Division::EnglandAndWales, 2028)
    );
    // A 20-working-day deadline that spans the new day moves by one.
    assert_eq!(
        Calendar::bundled()
            .add_working_days(CalendarKind::Foia, date("2029-06-01"), 20)
            .unwrap(),
        date("2029-06-29")
    );
    assert_eq!(
        calendar
            .add_working_days(CalendarKind::Foia, date("2029-06-01"), 20)
            .unwrap(),
        date("2029-07-02")
    );
}

#[test]
fn a_bad_file_is_refused_whole() {
    let cases: Vec<(String, &str)> = vec![
        ("[]".to_string(), "not a gov.uk bank holidays file"),
        ("{".to_string(), "not a gov.uk bank holidays file"),
        (GOOD.replace(r#""scotland": {"division": "scotland""#, r#""wales": {"division": "wales""#), "unknown division \"wales\""),
        (GOOD.replace(r#""division": "scotland""#, r#""division": "england-and-wales""#), "labelled"),
        (GOOD.replace("2029-01-01\", \"notes\": \"\", \"bunting\": true}]},\n  \"scotland", "2029-02-30\", \"notes\": \"\", \"bunting\": true}]},\n  \"scotland"), "\"2029-02-30\" is not a date"),
        (GOOD.replacen("\"date\": \"2029-01-01\"", "\"date\": \"1 Jan 2029\"", 1), "\"1 Jan 2029\" is not a date"),
        (GOOD.replacen("\"date\": \"2029-01-01\"", "\"day\": \"2029-01-01\"", 1), "missing field `date`"),
        (GOOD.replacen("\"date\": \"2029-01-01\"", "\"date\": \"2101-01-01\"", 1), "outside the supported years"),
        (GOOD.replacen("\"title\": \"New Year’s Day\"", "\"title\": \" \"", 1), "has no title"),
        (GOOD.replacen("\"events\": [{\"title\": \"New Year’s Day\", \"date\": \"2029-01-01\", \"notes\": \"\", \"bunting\": true}]", "\"events\": []", 1), "lists no holidays"),
    ];
    for (text, message) in cases {
        let error = HolidayLists::from_gov_uk_json(&text).unwrap_err();
        assert!(
            error.to_string().contains(message),
            "{error} should say {message}"
        );
    }
    let missing: String = GOOD
        .lines()
        .filter(|l| !l.contains("northern-ireland"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("true}]},\n}", "true}]}\n}");
    assert_eq!(
        HolidayLists::from_gov_uk_json(&missing).unwrap_err(),
        ImportError::MissingDivision("northern-ireland")
    );
}
