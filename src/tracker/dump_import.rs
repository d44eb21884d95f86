//! Reading a dump back into an empty database: read twice within a budget per line, once to
//! prove it whole and unaltered (every line hashed, the trailer checked) before anything is
//! written, then to write it in batches inside one transaction.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::db::dump::{Column, Kind, Table};
use crate::db::{self, DbConnection};

use super::dump::*;

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
