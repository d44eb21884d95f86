//! The public scorecard in a real database: 16 indicators by 40 quarters (2016 Q1 to 2025 Q4)
//! over 20,000 verified figures and 5,000 requests asking for them, each answered (refused
//! with grounds, not held or granted). What `GET /scorecard` computes: six queries, then one
//! state per indicator and quarter. SQLite always; PostgreSQL too when FOI_TEST_POSTGRES_URL is
//! set (a fresh database is made and dropped). See BENCHMARKS.md.

use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use foi_tracker::config::Settings;
use foi_tracker::db::figures::FigureEntry;
use foi_tracker::db::schema::figures;
use foi_tracker::db::{Backend, DbConnection};
use foi_tracker::domain::demand::Quarter;
use foi_tracker::domain::demand::{DefinitionMatch, SourceKind};
use foi_tracker::tracker::scorecard::scorecard;

const FIGURES: usize = 20_000;
const REQUESTS: i64 = 5_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 15).unwrap()
}

/// 20,000 verified figures over the 16 seeded indicators: a third for a quarter, a third for
/// a year, a third broken down by sex; one in ten under a different definition.
fn seed_figures(conn: &mut DbConnection) {
    let indicators: Vec<String> = foi_tracker::db::demands::indicators(conn)
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    let quarters = Quarter::range(
        Quarter {
            year: 2016,
            number: 1,
        },
        Quarter::of(today()),
    );
    let now = foi_tracker::clock::now();
    let rows: Vec<FigureEntry> = (0..FIGURES)
        .map(|i| {
            let q = quarters[i % quarters.len()];
            let (start, end) = match i % 3 {
                1 => (
                    NaiveDate::from_ymd_opt(q.year, 1, 1).unwrap(),
                    NaiveDate::from_ymd_opt(q.year, 12, 31).unwrap(),
                ),
                _ => (q.start(), q.end()),
            };
            FigureEntry {
                indicator_id: indicators[(i / 7) % indicators.len()].clone(),
                value: Some((i % 997).to_string()),
                suppressed: None,
                unit: "people".into(),
                period_start: start,
                period_end: end,
                breakdown: if i % 3 == 2 {
                    "sex=female".into()
                } else {
                    String::new()
                },
                definition: "Bench definition".into(),
                definition_match: if i % 10 == 0 {
                    DefinitionMatch::Different
                } else {
                    DefinitionMatch::Matches
                },
                caveats: String::new(),
                source_kind: SourceKind::Publication,
                request_id: None,
                event_id: None,
                document_id: None,
                location: None,
                publication_title: Some("Bench release".into()),
                publisher: Some("Bench".into()),
                published_on: None,
                url: None,
                entered_by: None,
                entered_at: now,
            }
        })
        .collect();
    // One statement a row: a multi-row insert is not offered over both backends at once.
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        for row in &rows {
            diesel::insert_into(figures::table).values(row).execute(conn)?;
        }
        Ok(())
    })
    .unwrap();
    diesel::update(figures::table)
        .set(figures::verified_at.eq(Some(now)))
        .execute(conn)
        .unwrap();
}

/// 5,000 sent requests, each asking for one indicator over one year and answered: a third
/// refused citing s.12 and s.40(2), a third not held, a third granted.
fn seed_requests(conn: &mut DbConnection) {
    let (stamp, year_start, year_end, occurred) = match conn.backend() {
        Backend::Sqlite => (
            "'2026-01-01 00:00:00'",
            "date('2016-01-01', '+' || (i % 10) || ' years')",
            "date('2016-12-31', '+' || (i % 10) || ' years')",
            "'2025-06-01'",
        ),
        Backend::Postgres => (
            "TIMESTAMP '2026-01-01'",
            "CAST(DATE '2016-01-01' + (i % 10) * INTERVAL '1 year' AS DATE)",
            "CAST(DATE '2016-12-31' + (i % 10) * INTERVAL '1 year' AS DATE)",
            "DATE '2025-06-01'",
        ),
    };
    let outcome = "CASE i % 3 WHEN 0 THEN 'refused' WHEN 1 THEN 'not_held' ELSE 'granted' END";
    conn.batch_execute(&format!(
        "INSERT INTO organisations (name, created_at) VALUES ('Bench NGO', {stamp});
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO requests (title, body, authority_id, regime, sent_via, sent_on, status, search,
                               created_at, updated_at, organisation_id)
         SELECT 'Bench request ' || i, 'Body', (SELECT MIN(id) FROM authorities), 'foia', 'email',
                {occurred}, 'responded', 'bench', {stamp}, {stamp},
                (SELECT id FROM organisations WHERE name = 'Bench NGO')
         FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO request_indicators (request_id, indicator_id, period_start, period_end)
         SELECT r.id, (SELECT a.id FROM indicators a WHERE (SELECT COUNT(*) FROM indicators b WHERE b.id < a.id) = i % 16),
                {year_start}, {year_end}
         FROM n JOIN requests r ON r.title = 'Bench request ' || i;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO events (request_id, kind, occurred_on, details, recorded_at)
         SELECT r.id, 'response', {occurred}, '', {stamp}
         FROM n JOIN requests r ON r.title = 'Bench request ' || i;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO responses (event_id, request_id, outcome, public_interest_test, recorded_at)
         SELECT e.id, r.id, {outcome}, FALSE, {stamp}
         FROM n JOIN requests r ON r.title = 'Bench request ' || i JOIN events e ON e.request_id = r.id;
         INSERT INTO response_grounds (event_id, position, ground)
         SELECT event_id, 0, 'foia-s12-1' FROM responses WHERE outcome = 'refused';
         INSERT INTO response_grounds (event_id, position, ground)
         SELECT event_id, 1, 'foia-s40-2' FROM responses WHERE outcome = 'refused';"
    ))
    .unwrap();
}

fn bench_backend(c: &mut Criterion, name: &str, database_url: String) {
    let settings = Settings {
        database_url,
        ..Settings::default()
    };
    let (_pool, mut conn) = foi_tracker::startup::open_database(&settings).unwrap();
    seed_figures(&mut conn);
    seed_requests(&mut conn);
    let card = scorecard(&mut conn, today()).unwrap();
    let cells: usize = card
        .demands
        .iter()
        .flat_map(|d| &d.indicators)
        .map(|i| i.cells.len())
        .sum();
    eprintln!("{name}: {} quarters, {cells} cells", card.quarters.len());
    assert_eq!((card.quarters.len(), cells), (40, 640));
    let mut group = c.benchmark_group("scorecard");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    group.bench_function(
        format!("16 indicators x 40 quarters, 20k figures, 5k asks ({name})"),
        |b| b.iter(|| scorecard(&mut conn, today()).unwrap()),
    );
    group.finish();
}

fn scorecards(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    bench_backend(
        c,
        "sqlite",
        format!("sqlite://{}", dir.path().join("bench.db").display()),
    );
    if let Some(admin) = std::env::var("FOI_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let name = format!("foi_bench_scorecard_{}", std::process::id());
        let mut server = diesel::PgConnection::establish(&admin).unwrap();
        server.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        bench_backend(c, "postgres", url);
        server
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
}

criterion_group!(benches, scorecards);
criterion_main!(benches);
