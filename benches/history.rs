//! The refusal history over 100,000 received requests in a real database: the summary of
//! everything grouped by quarter, the summary of one authority, and the export of every
//! request. Each reads what the page, the drill-down, the exports and the API read: the facts
//! stored of each request the filter keeps (written with its deadlines index), folded into
//! figures; the export reads the requests' titles and references too. SQLite always;
//! PostgreSQL too when FOI_TEST_POSTGRES_URL is set (a fresh database is made and dropped).
//! Nothing is written while measuring: the seed is indexed before. A use case that fails on a backend is reported and not
//! measured. See BENCHMARKS.md.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use foi_tracker::config::Settings;
use foi_tracker::db::schema::{authorities, requests};
use foi_tracker::db::{self, Backend, DbConnection};
use foi_tracker::error::AppError;
use foi_tracker::tracker::accounts::{self, UserInput};
use foi_tracker::tracker::audit::Caller;
use foi_tracker::tracker::deadline_index;
use foi_tracker::tracker::history::{export, summary, HistoryQuery, HistoryView};
use foi_tracker::tracker::holidays::CalendarStore;
use foi_tracker::tracker::sessions::actor_of;

const REQUESTS: i64 = 100_000;
const AUTHORITIES: i64 = 10;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 11).unwrap()
}

/// An auditor: every request, of every organisation and regime, is in scope.
fn auditor(conn: &mut DbConnection) -> Caller {
    let input = UserInput {
        email: "auditor@bench.example".into(),
        name: "Bench auditor".into(),
        organisation: "Bench NGO".into(),
        role: "auditor".into(),
        password: None,
    };
    let user = accounts::add_user(
        conn,
        &Caller::command_line(),
        &input,
        "http://bench",
        foi_tracker::clock::now(),
    )
    .unwrap()
    .user;
    Caller::user(actor_of(&user), None)
}

/// 100,000 requests received over 2024 and 2025 (eight quarters) by ten authorities, mostly
/// FOIA with some EIR and FOISA, each with its `received` event and a response deadline 28
/// days on, met or missed. About 91 % were answered (a `response` event and its `responses`
/// row: granted, partly granted, refused, not held or neither confirm nor deny; partial
/// grants, refusals and neither-confirm-nor-deny cite 0 to 2 grounds), after 5 to 39 days. A
/// tenth of the answered went to internal review (request and decision events, each with its
/// `appeals` row; a third overturned). Every request is due for re-indexing, which the bench does
/// once before measuring (writing each one's deadlines index and history facts); then none is.
fn seed(conn: &mut DbConnection) -> Vec<i32> {
    let organisation = accounts::organisations(conn)
        .unwrap()
        .into_iter()
        .find(|o| o.name == "Bench NGO")
        .unwrap()
        .id;
    let authority_ids: Vec<i32> = authorities::table
        .select(authorities::id)
        .order(authorities::id)
        .limit(AUTHORITIES)
        .load(conn)
        .unwrap();
    assert_eq!(authority_ids.len() as i64, AUTHORITIES);
    let postgres = conn.backend() == Backend::Postgres;
    let stamp = match postgres {
        false => "'2026-01-01 00:00:00'",
        true => "TIMESTAMP '2026-01-01'",
    };
    // The day `offset` days after 1 January 2024.
    let day = |offset: &str| match postgres {
        false => format!("date('2024-01-01', '+' || ({offset}) || ' days')"),
        true => format!("(DATE '2024-01-01' + CAST({offset} AS INTEGER))"),
    };
    // The request's numbers 1 to 100,000 go round the authorities; everything else is drawn
    // from the number by a multiplicative hash, so that no attribute follows another.
    let pick = |salt: i64, n: i64| format!("((i * {salt}) % 1000003 % {n})");
    let received = pick(7_919, 731);
    let delay = format!("(5 + {})", pick(15_485_863, 35));
    let answered = format!("{} <> 0", pick(1_299_709, 11));
    let reviewed = format!("{answered} AND {} = 0", pick(32_452_843, 10));
    let authority = format!(
        "CASE i % {AUTHORITIES} {} END",
        authority_ids
            .iter()
            .enumerate()
            .map(|(n, id)| format!("WHEN {n} THEN {id}"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let regime = format!(
        "CASE {} WHEN 5 THEN 'eir' WHEN 6 THEN 'foisa' ELSE 'foia' END",
        pick(104_729, 7)
    );
    let status = format!(
        "CASE WHEN NOT ({answered}) THEN 'awaiting_response' WHEN {reviewed} THEN 'closed' ELSE 'responded' END"
    );
    let drawn = pick(49_979_687, 8);
    let outcome = format!(
        "CASE {drawn} WHEN 0 THEN 'granted' WHEN 1 THEN 'granted' WHEN 2 THEN 'granted' \
         WHEN 3 THEN 'partly_granted' WHEN 4 THEN 'partly_granted' WHEN 5 THEN 'refused' \
         WHEN 6 THEN 'not_held' ELSE 'neither_confirm_nor_deny' END"
    );
    // Partial grants, refusals and neither-confirm-nor-deny cite grounds; refusals weighed the
    // public interest.
    let cites = format!("{drawn} IN (3, 4, 5, 7)");
    let refused = format!("{drawn} = 5");
    let grounds = pick(67_867_967, 3);
    let ground = |shift: i64| {
        format!(
            "CASE ({} + {shift}) % 4 WHEN 0 THEN 'foia-s40-2' WHEN 1 THEN 'foia-s31-1-e' \
             WHEN 2 THEN 'foia-s12-1' ELSE 'foia-s23-5' END",
            pick(86_028_121, 4)
        )
    };
    let (ground_0, ground_1) = (ground(0), ground(1));
    let review_outcome = format!(
        "CASE {} WHEN 0 THEN 'overturned' ELSE 'upheld' END",
        pick(982_451_653, 3)
    );
    let settled = format!("CASE WHEN {answered} AND {delay} <= 28 THEN 'met' ELSE 'missed' END");
    let (on_received, on_response, on_due) = (
        day(&received),
        day(&format!("{received} + {delay}")),
        day(&format!("{received} + 28")),
    );
    let (on_review, on_decision) = (
        day(&format!("{received} + {delay} + 20")),
        day(&format!("{received} + {delay} + 45")),
    );
    // Due for re-indexing at once: the bench's first catch-up writes each request's deadlines
    // index and history facts, as recording its events would have.
    let due_now = day("0");
    conn.batch_execute(&format!(
        "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {REQUESTS})
         INSERT INTO requests (title, body, authority_id, regime, sent_via, sent_on, status, reindex_on,
                               search, created_at, updated_at, organisation_id, owner_id)
         SELECT 'Bench request ' || i, 'Body', {authority}, {regime}, 'email', {on_received}, {status},
                {due_now}, 'bench', {stamp}, {stamp}, {organisation}, NULL
         FROM n;"
    ))
    .unwrap();
    // Each request's number, 1 to 100,000, from its id.
    let first: i32 = requests::table
        .select(diesel::dsl::min(requests::id))
        .first::<Option<i32>>(conn)
        .unwrap()
        .unwrap();
    let offset = first - 1;
    let numbered = format!("(SELECT id, CAST(id - {offset} AS BIGINT) AS i FROM requests) r");
    let event = |kind: &str| {
        format!(
            "(SELECT id AS event_id, request_id, CAST(request_id - {offset} AS BIGINT) AS i
              FROM events WHERE kind = '{kind}') e"
        )
    };
    let (responses, reviews, decisions) = (
        event("response"),
        event("internal_review_requested"),
        event("internal_review_response"),
    );
    conn.batch_execute(&format!(
        "INSERT INTO events (request_id, kind, occurred_on, details, recorded_at)
         SELECT id, 'received', {on_received}, '', {stamp} FROM {numbered};
         INSERT INTO events (request_id, kind, occurred_on, details, recorded_at)
         SELECT id, 'response', {on_response}, 'Answered', {stamp} FROM {numbered} WHERE {answered};
         INSERT INTO events (request_id, kind, occurred_on, details, recorded_at)
         SELECT id, 'internal_review_requested', {on_review}, '', {stamp} FROM {numbered} WHERE {reviewed};
         INSERT INTO events (request_id, kind, occurred_on, details, recorded_at)
         SELECT id, 'internal_review_response', {on_decision}, 'Reviewed', {stamp} FROM {numbered}
         WHERE {reviewed};
         INSERT INTO responses (event_id, request_id, outcome, public_interest_test, promised_on, recorded_at)
         SELECT event_id, request_id, {outcome}, ({refused}), NULL, {stamp} FROM {responses};
         INSERT INTO response_grounds (event_id, position, ground)
         SELECT event_id, 0, {ground_0} FROM {responses} WHERE {cites} AND {grounds} >= 1;
         INSERT INTO response_grounds (event_id, position, ground)
         SELECT event_id, 1, {ground_1} FROM {responses} WHERE {cites} AND {grounds} = 2;
         INSERT INTO appeals (event_id, request_id, stage, reference, decision_reference, outcome, recorded_at)
         SELECT event_id, request_id, 'internal_review', 'IR-' || i, NULL, NULL, {stamp} FROM {reviews};
         INSERT INTO appeals (event_id, request_id, stage, reference, decision_reference, outcome, recorded_at)
         SELECT event_id, request_id, 'internal_review', 'IR-' || i, 'IRD-' || i, {review_outcome}, {stamp}
         FROM {decisions};
         INSERT INTO deadlines (request_id, position, kind, party, from_date, due, settled_state, settled_on, rule)
         SELECT id, 0, 'response', 'authority', {on_received}, {on_due}, {settled}, NULL, 'Bench rule'
         FROM {numbered};"
    ))
    .unwrap();
    if postgres {
        // Fresh tables have no statistics until autovacuum gets to them, perhaps mid-run.
        conn.batch_execute("ANALYZE").unwrap();
    }
    authority_ids
}

/// The process's peak resident memory since the last reset, in MiB, and resets it.
fn peak_mib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    Some(kib / 1024)
}

/// One run of a use case: what it found, how long it took and its peak memory; false if it
/// failed.
fn attempt<T>(
    name: &str,
    what: &str,
    run: impl FnOnce() -> Result<T, AppError>,
    found: impl FnOnce(&T) -> String,
) -> bool {
    peak_mib();
    let started = Instant::now();
    let result = run();
    let (took, peak) = (started.elapsed(), peak_mib());
    match result {
        Ok(value) => {
            eprintln!(
                "{name}: {what}: {took:?}, peak RSS {peak:?} MiB; {}",
                found(&value)
            );
            true
        }
        Err(e) => {
            eprintln!("{name}: {what}: FAILED after {took:?}: {e:?}");
            false
        }
    }
}

/// Where a summary of everything spends its time: the loader's queries, one by one, as it
/// makes them.
fn phases(conn: &mut DbConnection, name: &str) {
    let mut took = Vec::new();
    let started = Instant::now();
    let rows = db::history::facts(conn, &Default::default(), today(), None, None).unwrap();
    took.push(("facts", started.elapsed()));
    // The loader asks for each authority's name once.
    let authority_ids: std::collections::BTreeSet<i32> = rows.iter().map(|r| r.1).collect();
    let authority_ids: Vec<i32> = authority_ids.into_iter().collect();
    let started = Instant::now();
    db::requests::authority_names(conn, &authority_ids).unwrap();
    took.push(("authority names", started.elapsed()));
    let total: Duration = took.iter().map(|p| p.1).sum();
    eprintln!("{name}: the loader's queries for everything took {total:?}: {took:?}");
}

fn bench_backend(c: &mut Criterion, name: &str, database_url: String) {
    let settings = Settings {
        database_url,
        ..Settings::default()
    };
    let (_pool, mut conn) = foi_tracker::startup::open_database(&settings).unwrap();
    let caller = auditor(&mut conn);
    let started = Instant::now();
    let authority_ids = seed(&mut conn);
    eprintln!("{name}: seeded {REQUESTS} requests in {:?}", started.elapsed());
    let calendars = CalendarStore::load(&mut conn).unwrap();
    let started = Instant::now();
    let mut indexed = 0;
    loop {
        match deadline_index::catch_up(&mut conn, &calendars, today()).unwrap() {
            0 => break,
            n => indexed += n,
        }
    }
    eprintln!("{name}: indexed {indexed} requests in {:?}", started.elapsed());
    if conn.backend() == Backend::Postgres {
        // Indexing rewrote every row: what autovacuum does next, before the register is read
        // in the steady state measured here.
        conn.batch_execute("VACUUM ANALYZE requests").unwrap();
    }
    let everything = HistoryQuery::default();
    let one = HistoryQuery {
        authority_id: authority_ids[0].to_string(),
        ..HistoryQuery::default()
    };
    let describe = |view: &HistoryView| {
        let t = &view.history.total;
        format!(
            "{} requests, {} rows, {} periods, {} in time, {} late, {} responded (median {:?}, p90 {:?} \
             working days), outcomes {:?}, exemptions {:?}, stages {:?}",
            t.requests,
            view.history.rows.len(),
            view.history.periods.len(),
            t.in_time,
            t.late,
            t.responded,
            t.median_working_days,
            t.p90_working_days,
            t.outcomes,
            t.exemptions,
            t.stages,
        )
    };
    let summarise =
        |conn: &mut DbConnection, query: &HistoryQuery| summary(conn, &calendars, &caller, today(), query);
    let export_all =
        |conn: &mut DbConnection| export(conn, &calendars, &caller, today(), &everything, "requests");
    let all_ok = attempt(
        name,
        "summary of everything",
        || summarise(&mut conn, &everything),
        describe,
    );
    let one_ok = attempt(
        name,
        "summary of one authority",
        || summarise(&mut conn, &one),
        describe,
    );
    let export_ok = attempt(
        name,
        "export of every request",
        || export_all(&mut conn),
        |e| format!("{} rows of {} columns", e.rows.len(), e.columns.len()),
    );
    phases(&mut conn, name);

    let mut group = c.benchmark_group("history");
    // An iteration over everything takes 1.5 to 2.5 s: ten of them, not the 55 of a linear run.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(30));
    if all_ok {
        group.bench_function(format!("summary of 100k requests by quarter ({name})"), |b| {
            b.iter(|| summarise(&mut conn, &everything).unwrap())
        });
    }
    if one_ok {
        group.bench_function(format!("summary of one authority's 10k requests ({name})"), |b| {
            b.iter(|| summarise(&mut conn, &one).unwrap())
        });
    }
    if export_ok {
        group.bench_function(format!("export of 100k requests ({name})"), |b| {
            b.iter(|| export_all(&mut conn).unwrap())
        });
    }
    group.finish();
}

fn history(c: &mut Criterion) {
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

criterion_group!(benches, history);
criterion_main!(benches);
