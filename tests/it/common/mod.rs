//! Helpers shared by the test files.
#![allow(dead_code)]

use chrono::NaiveDate;
use foi_tracker::domain::calendar::Calendar;
use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::timeline::{schedule, Event, Schedule};

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// The schedule of events written "kind@date", in the order recorded, as on `today`.
pub fn run(regime: Regime, events: &[&str], today: &str) -> Schedule {
    let events: Vec<Event> = events
        .iter()
        .map(|e| {
            let (kind, on) = e.split_once('@').unwrap();
            Event::new(kind.parse().unwrap(), date(on))
        })
        .collect();
    schedule(regime, &events, Calendar::bundled(), date(today)).unwrap()
}
