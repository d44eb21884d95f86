//! One reminder sweep's planning over 100,000 open requests in a real database: the one read
//! of the deadline index, planning each deadline, addressing each notice to the request's
//! owner and two coordinators, and writing the owed notices into the outbox. The target is
//! under 2 seconds. SQLite always; PostgreSQL too when FOI_TEST_POSTGRES_URL is set (a fresh
//! database is made and dropped). Each iteration commits its outbox writes, as a sweep does;
//! the outbox is emptied after, untimed, so every iteration plans a day whose notices are all
//! new, the most a sweep ever writes.
//! See BENCHMARKS.md.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use diesel::connection::SimpleConnection;
use diesel::Connection;
use foi_tracker::config::Settings;
use foi_tracker::db::{self, Backend, DbConnection};
use foi_tracker::tracker::accounts::{self, UserInput};
use foi_tracker::tracker::audit::Caller;
use foi_tracker::tracker::holidays::CalendarStore;
use foi_tracker::tracker::reminders::owed;

const REQUESTS: i64 = 100_000;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
}

fn user(conn: &mut DbConnection, email: &str, role: &str) -> i32 {
    let input = UserInput {
        email: email.into(),
        name: email.into(),
        organisation: "Bench NGO".into(),
        role: role.into(),
        password: None,
    };
    accounts::add_user(
        conn,
        &Caller::command_line(),
        &input,
        "http://bench",
        foi_tracker::clock::now(),
    )
    .unwrap()
    .user
    .id
}

/// 100,000 open requests, each with one unsettled deadline due from 200 days before the
/// sweep to 60 after, over every regime and kind, owned by a researcher whose organisation
/// has two coordinators.
fn seed(conn: &mut DbConnection) {
    let owner = user(conn, "owner@bench.example", "researcher");
    user(conn, "first.coordinator@bench.example", "coordinator");
    user(conn, "second.coordinator@bench.example", "coordinator");
    let organisation = accounts::organisations(conn)
        .unwrap()
        .into_iter()
        .find(|o| o.name == "Bench NGO")
        .unwrap()
        .id;
    let (due, sent, stamp) = match conn.backend() {
        Backend::Sqlite => (
            "date('2025-10-23', '+' || (i % 260) || ' days')",
            "'2025-10-01'",
            "'2026-01-01 00:00:00'",
        ),
        Backend::Postgres => (
            "DATE '2025-10-23' + CAST(i % 260 AS INTEGER)",
            "DATE '2025-10-01'",
            "TIMESTAMP '2026-01-01'",
        ),
    };
    let regime = "CASE i % 5 WHEN 0 THEN 'foia' WHEN 1 THEN 'eir' WHEN 2 THEN 'foisa' WHEN 3 THEN 'eisr' ELSE 'sar' END";
    let kinds = [
        "response",
        "fee_payment",
        "internal_review_request",
        "internal_review_response",
        "regulator_complaint",
        "tribunal_appeal",
        "onward_appeal",
    ];
    let kind = format!(
        "CASE i % 7 {} END",
        kinds
            .iter()
            .enumerate()
            .map(|(n, k)| format!("WHEN {n} THEN '{k}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let party = "CASE i % 7 WHEN 0 THEN 'authority' WHEN 3 THEN 'authority' ELSE 'requester' END";
    conn.batch_execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO requests (title, body, authority_id, regime, sent_via, sent_on, status, search,
                               created_at, updated_at, organisation_id, owner_id)
         SELECT 'Bench request ' || i, 'Body', (SELECT MIN(id) FROM authorities), {regime}, 'email',
                {sent}, 'awaiting_response', 'bench', {stamp}, {stamp}, {organisation}, {owner}
         FROM n;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO deadlines (request_id, position, kind, party, from_date, due, rule)
         SELECT r.id, 0, {kind}, {party}, {sent}, {due}, 'Bench rule'
         FROM n JOIN requests r ON r.title = 'Bench request ' || i;"
    ))
    .unwrap();
}

/// One sweep's planning, committed as a sweep commits it: (notices owed, rows written, time
/// to read and plan, time to write and commit). The outbox is emptied after, so that the next
/// sweep writes a day whose notices are all new, the most a sweep ever writes.
fn plan_once(conn: &mut DbConnection, calendars: &CalendarStore) -> (usize, usize, Duration, Duration) {
    let started = Instant::now();
    let mut counts = (0, 0, Duration::ZERO);
    conn.transaction::<(), diesel::result::Error, _>(|conn| {
        let calendar = calendars.current(conn).unwrap();
        let notices = owed(conn, &calendar, None, today(), foi_tracker::clock::now()).unwrap();
        let planned = started.elapsed();
        let written = db::notice_plan::plan(conn, &notices)?;
        counts = (notices.len(), written, planned);
        Ok(())
    })
    .unwrap();
    let took = started.elapsed();
    conn.batch_execute("DELETE FROM outbox").unwrap();
    (counts.0, counts.1, counts.2, took - counts.2)
}

fn bench_backend(c: &mut Criterion, name: &str, database_url: String) {
    let settings = Settings {
        database_url,
        ..Settings::default()
    };
    let (_pool, mut conn) = foi_tracker::startup::open_database(&settings).unwrap();
    seed(&mut conn);
    let calendars = CalendarStore::load(&mut conn).unwrap();
    let (notices, written, reading, writing) = plan_once(&mut conn, &calendars);
    eprintln!(
        "{name}: {REQUESTS} open requests owe {notices} notices today; {written} outbox rows written; \
         reading and planning took {reading:?}, writing {writing:?}"
    );
    assert_eq!(notices, written);
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function(format!("plan 100k open requests into the outbox ({name})"), |b| {
        b.iter_custom(|iterations| {
            (0..iterations)
                .map(|_| {
                    let (_, _, reading, writing) = plan_once(&mut conn, &calendars);
                    reading + writing
                })
                .sum()
        })
    });
    group.finish();
}

fn sweep(c: &mut Criterion) {
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
        let name = format!("foi_bench_{}", std::process::id());
        let mut server = diesel::PgConnection::establish(&admin).unwrap();
        server.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
        bench_backend(c, "postgres", url);
        server
            .batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    }
}

criterion_group!(benches, sweep);
criterion_main!(benches);
