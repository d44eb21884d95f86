//! What a portable dump needs from each backend: the catalogue of tables and columns, rows
//! as JSON, rows put back from JSON, sequences, and SQLite's online copy.
//!
//! The tables and their columns are read from the database's own catalogue, never listed by
//! hand, so that a table added by a later migration is carried without a change here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::result::Error;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::connection::{Backend, DbConnection};

/// diesel's own bookkeeping, which each backend's migrations fill in for themselves.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// The few logical types every column maps to, whatever each backend calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Integer,
    Real,
    Bool,
    Text,
    Date,
    Timestamp,
    Bytes,
}

impl Kind {
    /// The logical type of a declared SQLite type or a PostgreSQL `format_type`.
    fn of(declared: &str) -> Option<Kind> {
        let declared = declared.to_ascii_lowercase();
        let base = declared.split('(').next().unwrap_or_default().trim();
        Some(match base {
            "integer" | "int" | "int2" | "int4" | "int8" | "bigint" | "smallint" => Kind::Integer,
            "real" | "double precision" | "double" | "float" | "numeric" => Kind::Real,
            "boolean" | "bool" => Kind::Bool,
            "text" | "varchar" | "character varying" | "character" | "char" => Kind::Text,
            "date" => Kind::Date,
            "timestamp" | "timestamp without time zone" | "datetime" => Kind::Timestamp,
            "blob" | "bytea" | "binary" => Kind::Bytes,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Kind,
}

/// A table as the catalogue describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// The primary key's columns, in key order: the order rows are read in.
    key: Vec<String>,
    /// The tables this one's foreign keys point to.
    parents: BTreeSet<String>,
}

impl Table {
    pub fn has_bytes(&self) -> bool {
        self.columns.iter().any(|c| c.kind == Kind::Bytes)
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    declared: String,
    /// The column's position in the primary key, from 1; 0 when it is not part of it.
    #[diesel(sql_type = Integer)]
    key: i32,
}

#[derive(QueryableByName)]
struct Json {
    #[diesel(sql_type = Text)]
    row: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Nullable<Text>)]
    version: Option<String>,
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn names(conn: &mut DbConnection, query: &str, table: &str) -> QueryResult<Vec<String>> {
    let rows: Vec<Name> = diesel::sql_query(query).bind::<Text, _>(table).load(conn)?;
    Ok(rows.into_iter().map(|r| r.name).collect())
}

/// Every table of the database but diesel's bookkeeping and SQLite's own, parents before
/// the tables whose foreign keys point to them.
pub fn tables(conn: &mut DbConnection) -> QueryResult<Vec<Table>> {
    let (list, columns, parents) = match conn.backend() {
        Backend::Sqlite => (
            // Ordinary tables only: the search index's FTS5 table and its shadow tables are
            // filled again by triggers as `search_entries` is put back.
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> ? ORDER BY name",
            "SELECT name, type AS declared, pk AS key FROM pragma_table_info(?) ORDER BY cid",
            "SELECT DISTINCT \"table\" AS name FROM pragma_foreign_key_list(?)",
        ),
        // A generated column (the search index's words) is computed again as rows come back.
        Backend::Postgres => (
            "SELECT c.relname::text AS name FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() AND c.relname <> $1 \
             ORDER BY 1",
            "SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS declared, \
             COALESCE(array_position(i.indkey::int2[], a.attnum), 0)::int4 AS key \
             FROM pg_attribute a \
             LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary \
             WHERE a.attrelid = quote_ident($1)::regclass AND a.attnum > 0 AND NOT a.attisdropped \
             AND a.attgenerated = '' \
             ORDER BY a.attnum",
            "SELECT DISTINCT c.relname::text AS name FROM pg_constraint f \
             JOIN pg_class c ON c.oid = f.confrelid \
             WHERE f.contype = 'f' AND f.conrelid = quote_ident($1)::regclass",
        ),
    };
    let mut found = BTreeMap::new();
    for name in names(conn, list, MIGRATIONS_TABLE)? {
        let rows: Vec<ColumnRow> = diesel::sql_query(columns).bind::<Text, _>(&name).load(conn)?;
        let mut key: Vec<(i32, String)> = Vec::new();
        let mut kinds = Vec::new();
        for row in rows {
            let kind = Kind::of(&row.declared).ok_or_else(|| {
                Error::DeserializationError(
                    format!(
                        "column {name}.{} has the type {:?}, which a dump cannot carry",
                        row.name, row.declared
                    )
                    .into(),
                )
            })?;
            if row.key > 0 {
                key.push((row.key, row.name.clone()));
            }
            kinds.push(Column { name: row.name, kind });
        }
        key.sort();
        let mut parents: BTreeSet<String> = names(conn, parents, &name)?.into_iter().collect();
        parents.remove(&name);
        found.insert(
            name.clone(),
            Table {
                name,
                columns: kinds,
                key: key.into_iter().map(|(_, c)| c).collect(),
                parents,
            },
        );
    }
    in_dependency_order(found)
}

/// Parents first, by name among equals; a cycle of foreign keys cannot be ordered.
fn in_dependency_order(mut left: BTreeMap<String, Table>) -> QueryResult<Vec<Table>> {
    let mut ordered: Vec<Table> = Vec::new();
    while !left.is_empty() {
        let ready: Vec<String> = left
            .values()
            .filter(|t| t.parents.iter().all(|p| !left.contains_key(p)))
            .map(|t| t.name.clone())
            .collect();
        if ready.is_empty() {
            let cycle: Vec<&str> = left.keys().map(String::as_str).collect();
            return Err(Error::DeserializationError(
                format!("the foreign keys of {} form a cycle", cycle.join(", ")).into(),
            ));
        }
        for name in ready {
            ordered.extend(left.remove(&name));
        }
    }
    Ok(ordered)
}

/// The version of the latest migration applied, e.g. "20261206000010".
pub fn schema_version(conn: &mut DbConnection) -> QueryResult<Option<String>> {
    let query = format!("SELECT CAST(MAX(version) AS TEXT) AS version FROM {MIGRATIONS_TABLE}");
    let row: Version = diesel::sql_query(query).get_result(conn)?;
    Ok(row.version)
}

pub fn count(conn: &mut DbConnection, table: &Table) -> QueryResult<i64> {
    let query = format!("SELECT COUNT(*) AS n FROM {}", quote(&table.name));
    Ok(diesel::sql_query(query).get_result::<Count>(conn)?.n)
}

/// Runs `f` in a read transaction that sees one moment of the database throughout, while
/// others go on writing.
pub fn snapshot<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<Error>,
{
    // SQLite in WAL mode: a deferred transaction reads one snapshot from its first read on.
    conn.transaction(|conn| {
        if conn.backend() == Backend::Postgres {
            conn.batch_execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")?;
        }
        f(conn)
    })
}

/// Up to `limit` rows of `table` from `offset` in key order, each a JSON object keyed by
/// column, with binary columns as hexadecimal text.
pub fn rows(conn: &mut DbConnection, table: &Table, offset: i64, limit: i64) -> QueryResult<Vec<String>> {
    let order = match table.key.is_empty() {
        false => table.key.iter().map(|c| quote(c)).collect::<Vec<_>>(),
        true => (1..=table.columns.len()).map(|i| i.to_string()).collect(),
    }
    .join(", ");
    let query = match conn.backend() {
        Backend::Sqlite => {
            let fields: Vec<String> = table
                .columns
                .iter()
                .map(|c| {
                    let name = quote(&c.name);
                    let value = match c.kind {
                        // hex(NULL) is '', not NULL.
                        Kind::Bytes => format!("CASE WHEN {name} IS NULL THEN NULL ELSE hex({name}) END"),
                        _ => name,
                    };
                    format!("'{}', {value}", c.name.replace('\'', "''"))
                })
                .collect();
            format!(
                "SELECT json_object({}) AS row FROM {} ORDER BY {order} LIMIT ? OFFSET ?",
                fields.join(", "),
                quote(&table.name)
            )
        }
        Backend::Postgres => {
            let fields: Vec<String> = table
                .columns
                .iter()
                .map(|c| {
                    let name = quote(&c.name);
                    match c.kind {
                        Kind::Bytes => format!("encode({name}, 'hex') AS {name}"),
                        _ => name,
                    }
                })
                .collect();
            format!(
                "SELECT row_to_json(r)::text AS row FROM (SELECT {} FROM {} ORDER BY {order} \
                 LIMIT $1 OFFSET $2) r",
                fields.join(", "),
                quote(&table.name)
            )
        }
    };
    let rows: Vec<Json> = diesel::sql_query(query)
        .bind::<BigInt, _>(limit)
        .bind::<BigInt, _>(offset)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| r.row).collect())
}

/// Inserts rows given as values in the order of `columns`: integers and reals as numbers,
/// booleans as JSON booleans, dates and timestamps as text both backends read, binary
/// columns as hexadecimal text.
pub fn insert(
    conn: &mut DbConnection,
    table: &str,
    columns: &[Column],
    rows: &[Vec<Value>],
) -> QueryResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = columns.iter().map(|c| quote(&c.name)).collect();
    let (query, json) = match conn.backend() {
        Backend::Sqlite => {
            let values: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, c)| match c.kind {
                    Kind::Bytes => format!("unhex(json_extract(value, '$[{i}]'))"),
                    _ => format!("json_extract(value, '$[{i}]')"),
                })
                .collect();
            let query = format!(
                "INSERT INTO {} ({}) SELECT {} FROM json_each(?) ORDER BY key",
                quote(table),
                names.join(", "),
                values.join(", ")
            );
            (query, serde_json::to_string(rows))
        }
        Backend::Postgres => {
            // json_populate_recordset reads each field as the column's type reads text:
            // bytea wants its \x form.
            let objects: Vec<serde_json::Map<String, Value>> = rows
                .iter()
                .map(|row| {
                    columns
                        .iter()
                        .zip(row)
                        .map(|(c, v)| {
                            let v = match (c.kind, v) {
                                (Kind::Bytes, Value::String(hex)) => Value::String(format!("\\x{hex}")),
                                _ => v.clone(),
                            };
                            (c.name.clone(), v)
                        })
                        .collect()
                })
                .collect();
            let query = format!(
                "INSERT INTO {table} ({names}) SELECT {names} FROM json_populate_recordset(NULL::{table}, $1::json)",
                table = quote(table),
                names = names.join(", ")
            );
            (query, serde_json::to_string(&objects))
        }
    };
    let json = json.map_err(|e| Error::SerializationError(Box::new(e)))?;
    diesel::sql_query(query).bind::<Text, _>(json).execute(conn)?;
    Ok(())
}

/// Empties `tables`, children first.
pub fn clear(conn: &mut DbConnection, tables: &[Table]) -> QueryResult<()> {
    for table in tables.iter().rev() {
        conn.batch_execute(&format!("DELETE FROM {}", quote(&table.name)))?;
    }
    Ok(())
}

/// Inside an import's transaction: foreign keys are checked at commit on SQLite. PostgreSQL
/// cannot defer the constraints that were not declared deferrable, so rows come parents first.
pub fn defer_foreign_keys(conn: &mut DbConnection) -> QueryResult<()> {
    match conn.backend() {
        Backend::Sqlite => conn.batch_execute("PRAGMA defer_foreign_keys = ON"),
        Backend::Postgres => Ok(()),
    }
}

/// Moves each PostgreSQL sequence past the largest id its column holds, so that the next row
/// inserted without an id does not collide with an imported one. SQLite has none to move.
pub fn reset_sequences(conn: &mut DbConnection, tables: &[Table]) -> QueryResult<()> {
    if conn.backend() != Backend::Postgres {
        return Ok(());
    }
    for table in tables {
        for column in table.columns.iter().filter(|c| c.kind == Kind::Integer) {
            let query = format!(
                "SELECT setval(s, COALESCE((SELECT MAX({column}) FROM {table}), 0) + 1, false) \
                 FROM (SELECT pg_get_serial_sequence(quote_ident($1), $2) AS s) q WHERE s IS NOT NULL",
                column = quote(&column.name),
                table = quote(&table.name)
            );
            diesel::sql_query(query)
                .bind::<Text, _>(&table.name)
                .bind::<Text, _>(&column.name)
                .execute(conn)?;
        }
    }
    Ok(())
}

/// A consistent copy of an SQLite database into `target`, an empty file that exists, while
/// others go on writing.
pub fn vacuum_into(conn: &mut DbConnection, target: &Path) -> QueryResult<()> {
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(target.to_string_lossy().into_owned())
        .execute(conn)?;
    Ok(())
}

/// How many rows the migrations alone put in each table (reference rows such as the
/// register's version), counted on a new in-memory database: both backends' migrations end
/// with the same schema and the same rows.
pub fn migrated_rows() -> QueryResult<BTreeMap<String, i64>> {
    use diesel_migrations::MigrationHarness;
    let mut memory = diesel::SqliteConnection::establish(":memory:")
        .map_err(|e| Error::QueryBuilderError(e.to_string().into()))?;
    memory
        .run_pending_migrations(super::connection::SQLITE_MIGRATIONS)
        .map_err(Error::QueryBuilderError)?;
    let mut conn = DbConnection::Sqlite(memory);
    let mut counts = BTreeMap::new();
    for table in tables(&mut conn)? {
        counts.insert(table.name.clone(), count(&mut conn, &table)?);
    }
    Ok(counts)
}
