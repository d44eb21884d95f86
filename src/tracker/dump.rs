//! Backups and portable dumps: moving an install between SQLite and PostgreSQL with nothing
//! lost.
//!
//! A dump is one file of JSON lines: a header (the format, the schema version, every table
//! with its columns' logical types and row count), one line per row, and a trailer holding the
//! SHA-256 of every line before it. Import reads it twice: once to prove it whole and
//! unaltered before anything is written, then to write it in one transaction.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::db::dump::{Column, Kind, Table};
use crate::db::{self, Backend, DbConnection};

pub const FORMAT: &str = "foi-tracker-dump";
pub const FORMAT_VERSION: u32 = 1;

/// Above this many bytes of row lines, an import writes what it has read so far.
pub(super) const BATCH_BYTES: usize = 8 * 1024 * 1024;
pub(super) const BATCH_ROWS: usize = 500;

/// Both backends read and write timestamps in this form; diesel stores it in SQLite.
const TIMESTAMP: &str = "%Y-%m-%d %H:%M:%S%.f";

#[derive(Debug, thiserror::Error)]
pub enum DumpError {
    /// The dump or the target is not fit: nothing was written.
    #[error("{0}")]
    Refused(String),
    #[error("the database refused: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("{0}")]
    Io(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    /// The latest migration applied to the database it was taken from.
    pub schema_version: String,
    /// The backend it was taken from: "sqlite" or "postgres".
    pub source: String,
    pub created_at: String,
    pub tables: Vec<TableHeader>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableHeader {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub(super) enum Line {
    Row { table: String, values: Vec<Value> },
    End { end: End },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct End {
    pub(super) rows: u64,
    pub(super) sha256: String,
}

/// What was written or read.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub tables: usize,
    pub rows: u64,
    pub schema_version: String,
}

/// Told how far a long run has come: rows done, rows in all.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// A value as the dump holds it, whatever backend it came from or goes to: booleans as
/// booleans (SQLite's 0 and 1 included), dates as YYYY-MM-DD, timestamps as
/// "YYYY-MM-DD HH:MM:SS.ffffff", binary as lower-case hexadecimal.
pub(super) fn canonical(kind: Kind, value: Value) -> Result<Value, String> {
    let text = |s: String| Ok(Value::String(s));
    match (kind, value) {
        (_, Value::Null) => Ok(Value::Null),
        (Kind::Integer, Value::Number(n)) if n.is_i64() => Ok(Value::Number(n)),
        (Kind::Real, Value::Number(n)) => Ok(Value::Number(n)),
        (Kind::Bool, Value::Bool(b)) => Ok(Value::Bool(b)),
        (Kind::Bool, Value::Number(n)) if matches!(n.as_i64(), Some(0 | 1)) => {
            Ok(Value::Bool(n.as_i64() == Some(1)))
        }
        (Kind::Text, Value::String(s)) => text(s),
        (Kind::Date, Value::String(s)) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(|d| Value::String(d.to_string()))
            .map_err(|_| format!("{s:?} is not a date")),
        (Kind::Timestamp, Value::String(s)) => NaiveDateTime::parse_from_str(&s, TIMESTAMP)
            .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.f"))
            .map(|t| Value::String(t.format(TIMESTAMP).to_string()))
            .map_err(|_| format!("{s:?} is not a timestamp")),
        (Kind::Bytes, Value::String(s)) if s.len() % 2 == 0 && s.bytes().all(|b| b.is_ascii_hexdigit()) => {
            text(s.to_ascii_lowercase())
        }
        (kind, other) => {
            let mut shown = other.to_string();
            shown.truncate(40);
            Err(format!("{shown} is not of the type {kind:?}"))
        }
    }
}

/// Writes every table to a new file at `path`, readable by its owner only, from one snapshot
/// of the database while others go on writing. The file is removed if the export fails.
pub fn export(
    conn: &mut DbConnection,
    path: &Path,
    now: NaiveDateTime,
    progress: Progress<'_>,
) -> Result<Summary, DumpError> {
    let file = create_new(path, "a dump")?;
    let written = db::dump::snapshot(conn, |conn| write_dump(conn, BufWriter::new(file), now, progress));
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// A new file that its owner alone may read; an existing file is never written over.
fn create_new(path: &Path, what: &str) -> Result<File, DumpError> {
    db::create_private_new(path).map_err(|e| {
        DumpError::Refused(match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} exists already: {what} is written to a new file, never over another",
                path.display()
            ),
            _ => format!("cannot create {}: {e}", path.display()),
        })
    })
}

/// A writer that keeps the SHA-256 of what passed through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.hash.update(&bytes[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

fn write_line(out: &mut impl Write, line: &impl Serialize) -> Result<(), DumpError> {
    let cannot = |e: std::io::Error| DumpError::Io(format!("cannot write the dump: {e}"));
    serde_json::to_writer(&mut *out, line).map_err(|e| cannot(e.into()))?;
    out.write_all(b"\n").map_err(cannot)
}

fn write_dump(
    conn: &mut DbConnection,
    out: BufWriter<File>,
    now: NaiveDateTime,
    progress: Progress<'_>,
) -> Result<Summary, DumpError> {
    let tables = db::dump::tables(conn)?;
    let schema_version = db::dump::schema_version(conn)?.ok_or_else(|| {
        DumpError::Refused("the database has no schema yet: run `foi-tracker migrate` first".into())
    })?;
    let mut headers = Vec::new();
    for table in &tables {
        headers.push(TableHeader {
            name: table.name.clone(),
            columns: table.columns.clone(),
            rows: db::dump::count(conn, table)? as u64,
        });
    }
    let total: u64 = headers.iter().map(|t| t.rows).sum();
    let header = Header {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        schema_version: schema_version.clone(),
        source: backend_name(conn.backend()).into(),
        created_at: now.format(TIMESTAMP).to_string(),
        tables: headers,
    };
    let mut out = Hashing {
        inner: out,
        hash: Sha256::new(),
    };
    write_line(&mut out, &header)?;
    let mut done = 0;
    for (table, expected) in tables.iter().zip(&header.tables) {
        // A row may hold a whole document: few at a time where there are binary columns.
        let page = if table.has_bytes() { 4 } else { 1000 };
        let mut offset = 0;
        loop {
            let rows = db::dump::rows(conn, table, offset, page)?;
            for row in &rows {
                let values = row_values(table, row).map_err(DumpError::Io)?;
                write_line(
                    &mut out,
                    &Line::Row {
                        table: table.name.clone(),
                        values,
                    },
                )?;
                done += 1;
                progress(done, total);
            }
            offset += rows.len() as i64;
            if (rows.len() as i64) < page {
                break;
            }
        }
        if offset as u64 != expected.rows {
            return Err(DumpError::Io(format!(
                "{} changed while it was read: {} rows counted, {offset} read",
                table.name, expected.rows
            )));
        }
    }
    let sha256 = hex::encode(out.hash.finalize_reset());
    let mut inner = out.inner;
    write_line(
        &mut inner,
        &Line::End {
            end: End { rows: done, sha256 },
        },
    )?;
    // On disk before it is reported written.
    inner
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|file| file.sync_all())
        .map_err(|e| DumpError::Io(format!("cannot write the dump: {e}")))?;
    Ok(Summary {
        tables: tables.len(),
        rows: done,
        schema_version,
    })
}

/// A row read from the database as a JSON object, as the dump's values in column order.
fn row_values(table: &Table, row: &str) -> Result<Vec<Value>, String> {
    let mut object: Map<String, Value> =
        serde_json::from_str(row).map_err(|e| format!("cannot read a row of {}: {e}", table.name))?;
    table
        .columns
        .iter()
        .map(|c| {
            let value = object.remove(&c.name).unwrap_or(Value::Null);
            canonical(c.kind, value).map_err(|e| format!("cannot export {}.{}: {e}", table.name, c.name))
        })
        .collect()
}

/// Copies an SQLite database, while the app serves, to a new file at `target` readable by its
/// owner only. PostgreSQL has pg_dump for that, or `export --all`.
pub fn backup(conn: &mut DbConnection, target: &Path) -> Result<u64, DumpError> {
    if conn.backend() == Backend::Postgres {
        return Err(DumpError::Refused(
            "backup copies an SQLite database; on PostgreSQL use pg_dump, or `foi-tracker export --all PATH` for a portable dump".into(),
        ));
    }
    create_new(target, "a backup")?;
    // SQLite does not sync the file VACUUM INTO writes.
    let synced = || -> std::io::Result<u64> {
        let file = File::open(target)?;
        file.sync_all()?;
        Ok(file.metadata()?.len())
    };
    let copied = db::dump::vacuum_into(conn, target)
        .map_err(DumpError::from)
        .and_then(|()| {
            synced().map_err(|e| DumpError::Io(format!("cannot write {}: {e}", target.display())))
        });
    if copied.is_err() {
        let _ = std::fs::remove_file(target);
    }
    copied
}
