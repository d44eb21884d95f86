//! Reminder planning for 100,000 open requests: the target is the whole plan in under 2 s.
//! One deadline per request (the index holds one unsettled deadline for most), spread from
//! 200 days before the sweep to 60 after, over every regime and kind. See BENCHMARKS.md.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use foi_tracker::domain::calendar::Calendar;
use foi_tracker::domain::recipients::{address, dispatch, Preferences, Recipient};
use foi_tracker::domain::regime::Regime;
use foi_tracker::domain::reminders::{owed, plan, DeadlineFacts, Delivery};
use foi_tracker::domain::timeline::{DeadlineKind, DeadlineState};
use strum::VariantArray;

const REQUESTS: usize = 100_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
}

/// The same synthetic index every run (xorshift, fixed seed); one in ten settled.
fn facts() -> Vec<DeadlineFacts> {
    let first = today() - Days::new(200);
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..REQUESTS)
        .map(|i| DeadlineFacts {
            request_id: i as i32,
            position: (next() % 4) as i32,
            regime: Regime::VARIANTS[(next() % 5) as usize],
            kind: DeadlineKind::VARIANTS[(next() % 7) as usize],
            due: first + Days::new(next() % 260),
            latest: None,
            settled: (next() % 10 == 0).then_some(DeadlineState::Met),
        })
        .collect()
}

fn person(user_id: i32, delivery: Delivery, paused_until: Option<NaiveDate>) -> Recipient {
    Recipient {
        user_id,
        email: format!("user{user_id}@example.org"),
        preferences: Preferences {
            delivery,
            paused_until,
            ..Preferences::default()
        },
    }
}

fn plan_reminders(c: &mut Criterion) {
    let calendar = Calendar::bundled();
    let facts = facts();
    let today = today();
    let owners: Vec<Recipient> = (0..50)
        .map(|i| person(100 + i, Delivery::Immediate, None))
        .collect();
    let coordinators = [
        person(1, Delivery::DailyDigest, None),
        person(2, Delivery::Immediate, Some(today + Days::new(3))),
    ];

    let mut group = c.benchmark_group("reminders, 100k open requests");
    group.throughput(Throughput::Elements(REQUESTS as u64));
    group.sample_size(20);
    group.bench_function("owed: the stage each deadline owes", |b| {
        b.iter(|| {
            facts
                .iter()
                .filter(|f| owed(black_box(f), today, calendar).is_some())
                .count()
        })
    });
    group.bench_function("plan, address to owner and 2 coordinators, dispatch", |b| {
        b.iter(|| {
            let addressed = facts.iter().enumerate().flat_map(|(i, f)| {
                plan(black_box(f), today, calendar)
                    .map(|n| address(n, Some(&owners[i % owners.len()]), &coordinators, today))
                    .unwrap_or_default()
            });
            let out = dispatch(addressed);
            (out.immediate.len(), out.digests.len())
        })
    });
    group.finish();
}

criterion_group!(benches, plan_reminders);
criterion_main!(benches);
