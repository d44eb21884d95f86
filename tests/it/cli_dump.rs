//! Backups and portable dumps, run as an operator runs them: `backup FILE` copies SQLite while
//! the app serves; `export --all` and `import --all` move an install from SQLite to PostgreSQL
//! and back with every row of every table, the documents byte for byte and the same
//! deadlines; a dump that is cut short, altered or of another schema, or a database that
//! holds data already, is refused with one line and nothing written. Both backends.

use crate::support;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use crate::support::{empty_database, TestApp};
use foi_tracker::db::{Backend, DatabaseUrl, DbConnection};
use reqwest::StatusCode;
use serde_json::{json, Map, Value};

/// `foi-tracker ARGS` on `database`, as an operator runs it, off the async workers so that
/// the server goes on answering meanwhile.
async fn foi(database: &str, args: &[&str]) -> Output {
    foi_with(database, args, None).await
}

/// `foi-tracker ARGS` with one more setting from the environment.
async fn foi_with(database: &str, args: &[&str], setting: Option<(&str, &str)>) -> Output {
    let database = database.to_string();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let setting = setting.map(|(name, value)| (name.to_string(), value.to_string()));
    tokio::task::spawn_blocking(move || {
        let mail = tempfile::tempdir().unwrap();
        Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
            .args(&args)
            .envs(setting)
            .env("FOI_DATABASE_URL", &database)
            .env("FOI_MAIL_DIR", mail.path())
            .env("FOI_TODAY", support::TODAY)
            .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
            .output()
            .expect("the binary runs")
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn succeeded(out: &Output) -> String {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// Refused as bad input: exit 2, one line on stderr that says `why`.
fn refused(out: &Output, why: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(why), "{why:?} in {err}");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn lines(conn: &mut DbConnection, query: String) -> Vec<String> {
    #[derive(diesel::QueryableByName)]
    struct Line {
        #[diesel(sql_type = diesel::sql_types::Text)]
        line: String,
    }
    let rows: Vec<Line> = diesel::RunQueryDsl::load(diesel::sql_query(query), conn).unwrap();
    rows.into_iter().map(|l| l.line).collect()
}

/// Every table's rows as text, sorted, with the tables listed from the database's own
/// catalogue, so that a table added later is compared too.
fn contents(url: &str) -> BTreeMap<String, Vec<String>> {
    let url = DatabaseUrl::parse(url).unwrap();
    let mut conn = url.connect().unwrap();
    let sqlite = url.backend == Backend::Sqlite;
    let tables = lines(
        &mut conn,
        match sqlite {
            true => {
                // Ordinary tables: the search index's FTS5 table and its shadow tables are the
                // index's own, filled again by triggers as their rows come back.
                "SELECT name AS line FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
                 AND name NOT LIKE 'sqlite%' AND name <> '__diesel_schema_migrations'"
            }
            false => {
                "SELECT CAST(table_name AS TEXT) AS line FROM information_schema.tables \
                  WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
                  AND table_name <> '__diesel_schema_migrations'"
            }
        }
        .to_string(),
    );
    let mut all = BTreeMap::new();
    for table in tables {
        let query = match sqlite {
            // quote() shows each value with its storage class: 1 and '1' differ, blobs as X'…'.
            true => {
                let columns = lines(
                    &mut conn,
                    format!("SELECT name AS line FROM pragma_table_info('{table}')"),
                );
                let values: Vec<String> = columns.iter().map(|c| format!("quote(\"{c}\")")).collect();
                format!("SELECT {} AS line FROM \"{table}\"", values.join(" || ',' || "))
            }
            false => format!("SELECT CAST(t AS TEXT) AS line FROM \"{table}\" t"),
        };
        let mut rows = lines(&mut conn, query);
        rows.sort();
        all.insert(table, rows);
    }
    all
}

/// A dump's tables as its header lists them, and its rows by table: each row an object keyed
/// by column (the backends order some columns differently), each table's rows sorted.
fn read_dump(path: &Path) -> (Vec<String>, BTreeMap<String, Vec<String>>) {
    let dump = std::fs::read_to_string(path).unwrap();
    let mut lines = dump.lines();
    let header: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for table in header["tables"].as_array().unwrap() {
        let names = table["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string());
        columns.insert(table["name"].as_str().unwrap().to_string(), names.collect());
    }
    let mut rows: BTreeMap<String, Vec<String>> = columns.keys().map(|t| (t.clone(), Vec::new())).collect();
    for line in lines {
        let line: Value = serde_json::from_str(line).unwrap();
        let Some(table) = line["table"].as_str() else {
            continue;
        };
        let row: Map<String, Value> = columns[table]
            .iter()
            .cloned()
            .zip(line["values"].as_array().unwrap().iter().cloned())
            .collect();
        rows.get_mut(table).unwrap().push(Value::Object(row).to_string());
    }
    rows.values_mut().for_each(|r| r.sort());
    (columns.into_keys().collect(), rows)
}

async fn record(app: &TestApp, id: i64, event: Value) {
    let response = app
        .post_json(&format!("/api/v1/requests/{id}/events"), &event)
        .await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{event}: {}",
        response.text().await.unwrap()
    );
}

/// What a test filled in through the app: its requests, and its documents with their bytes.
struct Filled {
    requests: Vec<i64>,
    documents: Vec<(i64, Vec<u8>)>,
}

/// A register in use: users of two organisations with passwords, an administrator with a
/// second factor, a refusal taken to internal review, an open request with documents, a
/// draft in Welsh, a verified figure, reminders in the outbox, an imported holiday calendar.
async fn fill(app: &TestApp) -> Filled {
    let researcher = app
        .member(
            "researcher@coalition.example",
            "researcher",
            support::ORGANISATION,
        )
        .await;
    app.member("auditor@watchdog.example", "auditor", "Watchdog")
        .await;
    app.admin().await;
    let home_office = app.authority("Home Office").await;

    let refusal = app.create_request(json!({
        "title": "Re-trafficking of returned victims", "body": "How many victims returned in 2025 were re-trafficked?\nBy quarter, please.",
        "authority_id": home_office, "sent_on": "2026-01-05", "reference": "FOI-2026-0001",
    })).await["id"].as_i64().unwrap();
    record(
        app,
        refusal,
        json!({
            "kind": "response", "occurred_on": "2026-03-02", "outcome": "refused",
            "grounds": ["foia-s31-1-e", "foia-s40-2"], "public_interest_test": true,
            "details": "Refused: immigration control and personal data",
        }),
    )
    .await;
    record(
        app,
        refusal,
        json!({"kind": "internal_review_requested", "occurred_on": "2026-03-02"}),
    )
    .await;
    record(app, refusal, json!({
        "kind": "internal_review_response", "occurred_on": "2026-03-31", "outcome": "upheld", "reference": "IR-2026-0042",
    })).await;

    let open = support::home_office_request(app).await;
    app.add_event(open, "acknowledged", "2026-05-05").await;
    let mut documents = Vec::new();
    for (name, content) in [
        ("HO reply 2026.pdf", support::pdf("reply")),
        ("annex.pdf", support::pdf("annex")),
    ] {
        let response = app
            .api_upload(
                &format!("/api/v1/requests/{open}/documents"),
                name,
                content.clone(),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let document: Value = response.json().await.unwrap();
        documents.push((document["id"].as_i64().unwrap(), content));
    }

    let draft = researcher.create_request(json!({
        "title": "Cymorth i ddioddefwyr: \"lleoedd diogel\"", "body": "Faint o leoedd diogel sydd ar gael? ‘Pob’ un 🙂",
        "authority_id": home_office,
    })).await["id"].as_i64().unwrap();

    let figure = app.post_json("/api/v1/figures", &json!({
        "indicator_id": "D1.1", "value": "3,444", "suppressed": "", "period_start": "2019-01-01",
        "period_end": "2019-09-30", "breakdown": "sex = male", "definition": "People referred to the NRM who were detained",
        "definition_match": "comparable", "caveats": "Some sources give the whole year",
        "source_kind": "request", "request_id": refusal,
    })).await;
    assert_eq!(figure.status(), StatusCode::CREATED);
    let figure: Value = figure.json().await.unwrap();
    let verified = researcher
        .post_json(&format!("/api/v1/figures/{}/verify", figure["id"]), &json!({}))
        .await;
    assert_eq!(verified.status(), StatusCode::OK);

    succeeded(&foi(&app.database_url, &["remind"]).await);
    let holidays = concat!(env!("CARGO_MANIFEST_DIR"), "/data/bank-holidays.json");
    succeeded(&foi(&app.database_url, &["import-holidays", holidays]).await);
    Filled {
        requests: vec![refusal, open, draft],
        documents,
    }
}

fn other(backend: Backend) -> Backend {
    match backend {
        Backend::Sqlite => Backend::Postgres,
        Backend::Postgres => Backend::Sqlite,
    }
}

on_both_backends! {
    async fn an_install_moves_to_the_other_database_and_back_with_nothing_lost(app) {
        let filled = fill(&app).await;
        let Some(there) = empty_database(other(app.backend)) else {
            eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): no move to test");
            return;
        };
        let back = empty_database(app.backend).unwrap();
        let mut schedules = Vec::new();
        for id in &filled.requests {
            schedules.push(app.get_json(&format!("/api/v1/requests/{id}")).await["schedule"].clone());
        }
        let before = contents(&app.database_url);
        for table in [
            "organisations", "users", "sessions", "api_tokens", "authorities", "requests", "events", "deadlines",
            "responses", "response_grounds", "appeals", "documents", "blobs", "demands", "indicators", "figures",
            "audit_entries", "outbox", "reminder_sweeps", "holiday_imports", "register_version",
        ] {
            assert!(!before[table].is_empty(), "the test fills {table}");
        }

        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first.dump");
        let second = dir.path().join("second.dump");
        let said = succeeded(&foi(&app.database_url, &["export", "--all", first.to_str().unwrap()]).await);
        assert!(said.starts_with("Exported "), "{said}");
        assert_eq!(mode(&first), 0o600, "a dump holds password hashes: its owner's alone");
        let imported = foi(&there.url, &["import", "--all", first.to_str().unwrap()]).await;
        let said = succeeded(&imported);
        assert!(said.starts_with("Imported "), "{said}");
        assert!(imported.stderr.is_empty(), "progress is drawn on a terminal only: {}", text(&imported.stderr));
        succeeded(&foi(&there.url, &["export", "--all", second.to_str().unwrap()]).await);
        succeeded(&foi(&back.url, &["import", "--all", second.to_str().unwrap()]).await);

        let (listed, rows) = read_dump(&first);
        assert_eq!(listed, before.keys().cloned().collect::<Vec<_>>(), "the dump carries every table of the catalogue");
        assert_eq!(read_dump(&second), (listed, rows), "the other database holds the same rows");
        assert_eq!(contents(&back.url), before, "there and back, every row of every table is the same");

        // The app on the other database: the same password signs in, every request has the
        // same deadlines, every document the same bytes, and new rows get new ids.
        let moved = TestApp::open(&there, support::TODAY).await;
        for (id, schedule) in filled.requests.iter().zip(&schedules) {
            assert_eq!(&moved.get_json(&format!("/api/v1/requests/{id}")).await["schedule"], schedule, "request {id}");
        }
        for (document, content) in &filled.documents {
            let response = moved.get(&format!("/api/v1/documents/{document}")).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(&response.bytes().await.unwrap().to_vec(), content, "document {document}");
        }
        // The search index is built again from the rows it carries: the same words find the
        // same places.
        let places = |found: Value| {
            let mut places: Vec<String> = found["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["link"].as_str().unwrap().to_string())
                .collect();
            places.sort();
            places
        };
        let asked = "/api/v1/search?q=re-trafficked";
        let found = places(app.get_json(asked).await);
        assert!(!found.is_empty());
        assert_eq!(places(moved.get_json(asked).await), found, "the same search, moved");
        let home_office = moved.authority("Home Office").await;
        let new = moved.create_request(json!({"title": "After the move", "body": "B", "authority_id": home_office})).await;
        assert!(new["id"].as_i64().unwrap() > *filled.requests.iter().max().unwrap());
    }

    async fn a_damaged_dump_or_a_database_in_use_is_refused_and_nothing_written(app) {
        let home_office = app.authority("Home Office").await;
        app.create_request(json!({"title": "Returned victims", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
        let dir = tempfile::tempdir().unwrap();
        let dump = dir.path().join("register.dump");
        let path = dump.to_str().unwrap();
        succeeded(&foi(&app.database_url, &["export", "--all", path]).await);
        let written = std::fs::read(&dump).unwrap();
        refused(&foi(&app.database_url, &["export", "--all", path]).await, "exists already");
        assert_eq!(std::fs::read(&dump).unwrap(), written, "never written over");

        let before = contents(&app.database_url);
        refused(&foi(&app.database_url, &["import", "--all", path]).await, "the database is not empty");
        assert_eq!(contents(&app.database_url), before);

        let fresh = empty_database(app.backend).unwrap();
        let import = |bytes: Vec<u8>| {
            let damaged = dir.path().join("damaged.dump");
            std::fs::write(&damaged, bytes).unwrap();
            let url = fresh.url.clone();
            async move { foi(&url, &["import", "--all", damaged.to_str().unwrap()]).await }
        };
        refused(&import(written[..written.len() * 2 / 3].to_vec()).await, "it is truncated");
        refused(&import(written[..written.len() - 1].to_vec()).await, "it is truncated");
        let at = written.windows(16).position(|w| w == b"Returned victims").unwrap();
        let mut altered = written.clone();
        altered[at] = b'r';
        refused(&import(altered).await, "it was altered or damaged");
        let mut altered = written.clone();
        let digit = written.iter().rposition(u8::is_ascii_digit).unwrap();
        altered[digit] = if written[digit] == b'0' { b'1' } else { b'0' };
        refused(&import(altered).await, "it was altered or damaged");
        refused(&import(b"id,name\n1,Home Office\n".to_vec()).await, "is not a foi-tracker dump");
        // A line longer than any row can be (twice the upload limit, and 1 MiB) is refused
        // before it is read whole.
        let mut long = written.clone();
        let second_line = written.iter().position(|b| *b == b'\n').unwrap() + 1;
        long.splice(second_line..second_line, std::iter::repeat_n(b'x', 3 << 20).chain([b'\n']));
        let long_dump = dir.path().join("long.dump");
        std::fs::write(&long_dump, long).unwrap();
        let out = foi_with(&fresh.url, &["import", "--all", long_dump.to_str().unwrap()], Some(("FOI_MAX_UPLOAD_BYTES", "1024"))).await;
        refused(&out, "line 2 of the dump");
        refused(&out, "is longer than 1050624 bytes");
        assert!(contents(&fresh.url).is_empty(), "not even the schema was written");

        // A dump of an install one migration behind this release.
        let older = empty_database(app.backend).unwrap();
        succeeded(&foi(&older.url, &["migrate"]).await);
        let mut conn = DatabaseUrl::parse(&older.url).unwrap().connect().unwrap();
        lines(&mut conn, "DELETE FROM __diesel_schema_migrations WHERE version = (SELECT MAX(version) FROM __diesel_schema_migrations) RETURNING version AS line".into());
        let behind = lines(&mut conn, "SELECT MAX(version) AS line FROM __diesel_schema_migrations".into());
        let old_dump = dir.path().join("older.dump");
        succeeded(&foi(&older.url, &["export", "--all", old_dump.to_str().unwrap()]).await);
        refused(&foi(&fresh.url, &["import", "--all", old_dump.to_str().unwrap()]).await, &format!("schema version {}", behind[0]));
        assert!(contents(&fresh.url).is_empty());

        // The real dump still goes in afterwards.
        succeeded(&foi(&fresh.url, &["import", "--all", path]).await);
        assert_eq!(contents(&fresh.url), before);
    }

    async fn a_backup_taken_during_a_burst_of_writes_is_whole(app) {
        let dir = tempfile::tempdir().unwrap();
        let copy = dir.path().join("backup.db");
        if support::is_postgres(&app) {
            refused(&foi(&app.database_url, &["backup", copy.to_str().unwrap()]).await, "use pg_dump");
            assert!(!copy.exists());
            return;
        }
        let home_office = app.authority("Home Office").await;
        let stop = Arc::new(AtomicBool::new(false));
        let made = Arc::new(AtomicUsize::new(0));
        let burst = {
            let (writer, stop, made) = (app.session.clone(), stop.clone(), made.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    writer.create_request(json!({"title": "Burst", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"})).await;
                    made.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        while made.load(Ordering::SeqCst) < 20 {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let mut conn = app.connection();
        let committed = lines(&mut conn, "SELECT CAST(id AS TEXT) AS line FROM requests".into());
        let during = made.load(Ordering::SeqCst);
        let said = succeeded(&foi(&app.database_url, &["backup", copy.to_str().unwrap()]).await);
        assert!(made.load(Ordering::SeqCst) > during, "the burst went on while the backup ran");
        stop.store(true, Ordering::SeqCst);
        burst.await.unwrap();
        assert!(said.starts_with(&format!("Backed up the database to {}", copy.display())), "{said}");
        assert_eq!(mode(&copy), 0o600);

        let copied = format!("sqlite://{}", copy.display());
        let mut backup = DatabaseUrl::parse(&copied).unwrap().connect().unwrap();
        assert_eq!(lines(&mut backup, "SELECT integrity_check AS line FROM pragma_integrity_check".into()), ["ok"]);
        let kept = lines(&mut backup, "SELECT CAST(id AS TEXT) AS line FROM requests".into());
        let missing: Vec<&String> = committed.iter().filter(|id| !kept.contains(id)).collect();
        assert!(missing.is_empty(), "committed before the backup but not in it: {missing:?}");

        refused(&foi(&app.database_url, &["backup", copy.to_str().unwrap()]).await, "exists already");
        refused(&foi("sqlite:///nonexistent/foi.db", &["backup", dir.path().join("b.db").to_str().unwrap()]).await, "there is no database at /nonexistent/foi.db");
    }
}
