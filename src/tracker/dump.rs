//! Backups and portable dumps: moving an install between SQLite and PostgreSQL with nothing
//! lost.
//!
//! A dump is one file of JSON lines: a header (the format, the schema version, every table
//! with its columns' logical types and row count), one line per row, and a trailer holding the
//! SHA-256 of every line before it. Import reads it twice: once to prove it whole and
//! unaltered before anything is written, then to write it in one transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
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
const BATCH_BYTES: usize = 8 * 1024 * 1024;
const BATCH_ROWS: usize = 500;

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
enum Line {
    Row { table: String, values: Vec<Value> },
    End { end: End },
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct End {
    rows: u64,
    sha256: String,
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
fn canonical(kind: Kind, value: Value) -> Result<Value, String> {
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

/// Lines of a dump read within a budget: a line longer than `max_line` is refused before it
/// is read into memory.
struct Lines {
    reader: BufReader<File>,
    max_line: usize,
    number: usize,
    name: String,
}

impl Lines {
    fn open(path: &Path, max_line: usize) -> Result<Lines, DumpError> {
        let file = File::open(path)
            .map_err(|e| DumpError::Refused(format!("cannot read {}: {e}", path.display())))?;
        Ok(Lines {
            reader: BufReader::new(file),
            max_line,
            number: 0,
            name: path.display().to_string(),
        })
    }

    /// The next line with its newline, or `None` at the end of the file.
    fn next(&mut self) -> Result<Option<String>, DumpError> {
        let mut line = String::new();
        let read = (&mut self.reader)
            .take(self.max_line as u64 + 1)
            .read_line(&mut line)
            .map_err(|e| self.refused(&format!("cannot be read ({e})")))?;
        self.number += 1;
        if read > self.max_line {
            return Err(self.refused(&format!("is longer than {} bytes", self.max_line)));
        }
        Ok((read > 0).then_some(line))
    }

    fn refused(&self, what: &str) -> DumpError {
        DumpError::Refused(format!("line {} of the dump {} {what}", self.number, self.name))
    }

    /// The header, and the checksum of the dump begun with its line.
    fn header(&mut self) -> Result<(Header, Sha256), DumpError> {
        let name = self.name.clone();
        let not_a_dump = || DumpError::Refused(format!("{name} is not a foi-tracker dump"));
        let line = self.next()?.ok_or_else(not_a_dump)?;
        let header: Header = serde_json::from_str(&line).map_err(|_| not_a_dump())?;
        if header.format != FORMAT {
            return Err(not_a_dump());
        }
        if header.format_version != FORMAT_VERSION {
            return Err(DumpError::Refused(format!(
                "{} is a dump of format version {}; this foi-tracker reads version {FORMAT_VERSION}",
                self.name, header.format_version
            )));
        }
        let mut hash = Sha256::new();
        hash.update(line.as_bytes());
        Ok((header, hash))
    }
}

/// Reads the rows after the header, checking each against its table's columns; `each` is
/// given every row in turn. Ends with the trailer, whose checksum must be that of every line
/// before it: a dump cut short or altered in any byte is refused.
fn read_rows(
    lines: &mut Lines,
    header: &Header,
    mut hash: Sha256,
    mut each: impl FnMut(&TableHeader, Vec<Value>, usize) -> Result<(), DumpError>,
) -> Result<u64, DumpError> {
    let name = lines.name.clone();
    let damaged = |why: &str| DumpError::Refused(format!("the dump {name} {why}: it was altered or damaged"));
    let tables: BTreeMap<&str, &TableHeader> = header.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut rows = 0;
    loop {
        let Some(line) = lines.next()? else {
            return Err(DumpError::Refused(format!(
                "the dump {} ends before its last line: it is truncated",
                lines.name
            )));
        };
        match serde_json::from_str::<Line>(&line) {
            Ok(Line::Row { table, values }) => {
                hash.update(line.as_bytes());
                let Some(&table) = tables.get(table.as_str()) else {
                    return Err(lines.refused(&format!(
                        "names the table {table:?}, which its header does not list"
                    )));
                };
                if values.len() != table.columns.len() {
                    return Err(lines.refused(&format!(
                        "has {} values for the {} columns of {}",
                        values.len(),
                        table.columns.len(),
                        table.name
                    )));
                }
                let values = table
                    .columns
                    .iter()
                    .zip(values)
                    .map(|(c, v)| {
                        canonical(c.kind, v)
                            .map_err(|e| lines.refused(&format!("{}.{}: {e}", table.name, c.name)))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                *counts.entry(table.name.as_str()).or_default() += 1;
                rows += 1;
                each(table, values, line.len())?;
            }
            Ok(Line::End { .. }) if !line.ends_with('\n') => {
                return Err(DumpError::Refused(format!(
                    "the dump {} ends in the middle of its last line: it is truncated",
                    lines.name
                )))
            }
            Ok(Line::End { end }) => {
                if hex::encode(hash.finalize()) != end.sha256 {
                    return Err(damaged("does not match its checksum"));
                }
                if lines.next()?.is_some() {
                    return Err(damaged("goes on after its last line"));
                }
                let counted = |t: &TableHeader| counts.get(t.name.as_str()).copied().unwrap_or(0);
                if end.rows != rows || header.tables.iter().any(|t| counted(t) != t.rows) {
                    return Err(damaged("does not hold the rows its header counts"));
                }
                return Ok(rows);
            }
            Err(_) if !line.ends_with('\n') => {
                return Err(DumpError::Refused(format!(
                    "the dump {} ends in the middle of a line: it is truncated",
                    lines.name
                )))
            }
            Err(_) => return Err(lines.refused("is not a row of a dump: it was altered or damaged")),
        }
    }
}

fn open_dump(path: &Path, max_line: usize) -> Result<(Lines, Header, Sha256), DumpError> {
    let mut lines = Lines::open(path, max_line)?;
    let (header, hash) = lines.header()?;
    Ok((lines, header, hash))
}

/// Reads the whole dump at `path` before anything is written: refuses one that is cut short
/// or altered in any byte, or of another schema version than this build's. No line may be
/// longer than `max_line` bytes. Returns its header.
pub fn check(path: &Path, max_line: usize) -> Result<Header, DumpError> {
    let (mut lines, header, hash) = open_dump(path, max_line)?;
    read_rows(&mut lines, &header, hash, |_, _, _| Ok(()))?;
    let ours = db::latest_migration().unwrap_or_default();
    if header.schema_version != ours {
        return Err(DumpError::Refused(format!(
            "the dump is of schema version {} and this foi-tracker of {ours}: import it with the release that wrote it",
            header.schema_version
        )));
    }
    Ok(header)
}

/// How many rows the migrations alone put in each table: what an empty database holds.
pub type Migrated = BTreeMap<String, i64>;

/// Refuses a database that holds more than its migrations alone put there, before it is
/// migrated (a new database has no tables yet); returns those counts, for [`import`].
pub fn check_empty(conn: &mut DbConnection) -> Result<Migrated, DumpError> {
    let tables = db::dump::tables(conn)?;
    let migrated = db::dump::migrated_rows()?;
    refuse_unless_empty(conn, &tables, &migrated)?;
    Ok(migrated)
}

/// Fills an empty, migrated database from the dump at `path`, which [`check`] passed: the
/// whole dump in one transaction, or nothing at all.
pub fn import(
    conn: &mut DbConnection,
    path: &Path,
    max_line: usize,
    migrated: &Migrated,
    progress: Progress<'_>,
) -> Result<Summary, DumpError> {
    let tables = db::dump::tables(conn)?;
    let (mut lines, header, hash) = open_dump(path, max_line)?;
    same_tables(&header, &tables)?;
    let total: u64 = header.tables.iter().map(|t| t.rows).sum();
    db::transaction(conn, |conn| {
        // Checked again inside the transaction. On SQLite no other writer can enter it now;
        // on PostgreSQL a writer racing the import clashes on a key, and all of it rolls back.
        refuse_unless_empty(conn, &tables, migrated)?;
        db::dump::defer_foreign_keys(conn)?;
        let seeded: Vec<Table> = tables
            .iter()
            .filter(|t| migrated.get(&t.name).is_some_and(|n| *n > 0))
            .cloned()
            .collect();
        db::dump::clear(conn, &seeded)?;
        let mut batch = Batch::default();
        let mut done = 0;
        // Read again, and its checksum checked again before the commit: the file may have
        // changed since it was checked.
        let rows = read_rows(&mut lines, &header, hash, |table, values, size| {
            if batch.table.as_deref() != Some(table.name.as_str()) || batch.full() {
                batch.write(conn)?;
                batch.table = Some(table.name.clone());
                batch.columns = table.columns.clone();
            }
            batch.rows.push(values);
            batch.bytes += size;
            done += 1;
            progress(done, total);
            Ok(())
        })?;
        batch.write(conn)?;
        db::dump::reset_sequences(conn, &tables)?;
        Ok(Summary {
            tables: tables.len(),
            rows,
            schema_version: header.schema_version.clone(),
        })
    })
}

/// Rows of one table waiting to be written together.
#[derive(Default)]
struct Batch {
    table: Option<String>,
    columns: Vec<Column>,
    rows: Vec<Vec<Value>>,
    bytes: usize,
}

impl Batch {
    fn full(&self) -> bool {
        self.rows.len() >= BATCH_ROWS || self.bytes >= BATCH_BYTES
    }

    fn write(&mut self, conn: &mut DbConnection) -> Result<(), DumpError> {
        if let Some(table) = &self.table {
            db::dump::insert(conn, table, &self.columns, &self.rows)?;
        }
        self.rows.clear();
        self.bytes = 0;
        Ok(())
    }
}

/// The dump must hold the tables and columns this database has, whatever their order.
fn same_tables(header: &Header, tables: &[Table]) -> Result<(), DumpError> {
    let describe = |name: &str, columns: &[Column]| {
        let columns: BTreeSet<(String, Kind)> = columns.iter().map(|c| (c.name.clone(), c.kind)).collect();
        (name.to_string(), columns)
    };
    let ours: BTreeMap<_, _> = tables.iter().map(|t| describe(&t.name, &t.columns)).collect();
    let theirs: BTreeMap<_, _> = header
        .tables
        .iter()
        .map(|t| describe(&t.name, &t.columns))
        .collect();
    let differ: Vec<&String> = ours
        .keys()
        .chain(theirs.keys())
        .filter(|name| ours.get(*name) != theirs.get(*name))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    match differ.first() {
        None => Ok(()),
        Some(name) => Err(DumpError::Refused(format!(
            "the table {name} of the dump does not match this database's, though both are of schema version {}",
            header.schema_version
        ))),
    }
}

/// A database is empty when no table holds more than the migrations alone put there.
fn refuse_unless_empty(
    conn: &mut DbConnection,
    tables: &[Table],
    migrated: &Migrated,
) -> Result<(), DumpError> {
    for table in tables {
        let rows = db::dump::count(conn, table)?;
        if rows > migrated.get(&table.name).copied().unwrap_or(0) {
            return Err(DumpError::Refused(format!(
                "the database is not empty ({} holds {rows} rows): import --all fills a new database, before the app first starts on it",
                table.name
            )));
        }
    }
    Ok(())
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
