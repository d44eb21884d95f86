//! 20-working-day deadlines for a million random receipt dates: the cumulative index against a
//! naive day-by-day loop over the same calendar, in the same run. See BENCHMARKS.md.

use std::collections::HashSet;
use std::hint::black_box;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use foi_tracker::domain::calendar::{Calendar, CalendarKind};
use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::timeline::{schedule, Event, EventKind};

const RECEIPTS: usize = 1_000_000;

/// A million receipt dates from 1990 to 2099, the same every run (xorshift, fixed seed).
fn receipts() -> Vec<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let span = (NaiveDate::from_ymd_opt(2099, 12, 31).unwrap() - first).num_days() as u64;
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..RECEIPTS)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            first + Days::new(state % span)
        })
        .collect()
}

/// What a tracker without an index does: step a day at a time, skipping weekends and a set
/// of holidays (the same FOIA non-working days the engine uses).
fn naive_add(holidays: &HashSet<NaiveDate>, received: NaiveDate, n: u32) -> NaiveDate {
    let mut day = received;
    let mut counted = 0;
    while counted < n {
        day = day.succ_opt().unwrap();
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day) {
            counted += 1;
        }
    }
    day
}

fn twenty_working_days(c: &mut Criterion) {
    let calendar = Calendar::bundled();
    let dates = receipts();
    let first = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2100, 12, 31).unwrap();
    let holidays: HashSet<NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|d| !calendar.is_working_day(CalendarKind::Foia, *d).unwrap())
        .collect();
    // The two must agree before their speed means anything.
    for &d in dates.iter().take(10_000) {
        assert_eq!(
            naive_add(&holidays, d, 20),
            calendar.add_working_days(CalendarKind::Foia, d, 20).unwrap()
        );
    }

    let mut group = c.benchmark_group("20 working days, 1M receipts");
    group.throughput(Throughput::Elements(RECEIPTS as u64));
    group.sample_size(20);
    group.bench_function("cumulative index", |b| {
        b.iter(|| {
            let mut last = first;
            for &d in &dates {
                last = last.max(
                    calendar
                        .add_working_days(CalendarKind::Foia, black_box(d), 20)
                        .unwrap(),
                );
            }
            last
        })
    });
    group.bench_function("naive day-by-day loop", |b| {
        b.iter(|| {
            let mut last = first;
            for &d in &dates {
                last = last.max(naive_add(&holidays, black_box(d), 20));
            }
            last
        })
    });
    group.finish();
}

fn explained_schedule(c: &mut Criterion) {
    let calendar = Calendar::bundled();
    let events = [
        Event::new(
            EventKind::Received,
            NaiveDate::from_ymd_opt(2025, 12, 10).unwrap(),
        ),
        Event::new(EventKind::Response, NaiveDate::from_ymd_opt(2026, 1, 20).unwrap()),
        Event::new(
            EventKind::InternalReviewRequested,
            NaiveDate::from_ymd_opt(2026, 2, 2).unwrap(),
        ),
    ];
    let today = NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
    c.bench_function("full schedule with explanations (3 events, 3 deadlines)", |b| {
        b.iter(|| schedule(Regime::Foia, black_box(&events), calendar, today).unwrap())
    });
    c.bench_function("build the calendar (3 indexes, 1990 to 2100)", |b| {
        let lists = foi_tracker::domain::calendar::HolidayLists::bundled();
        b.iter(|| Calendar::new(black_box(&lists)))
    });
}

criterion_group!(benches, twenty_working_days, explained_schedule);
criterion_main!(benches);
