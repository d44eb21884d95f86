//! The search index: the words of each request, event and document part, and the one query
//! over them. The index itself is each backend's own (SQLite's FTS5 table `search_fts`, kept
//! by triggers; PostgreSQL's generated `words` column under a GIN index), so the query is
//! written here twice; everything else is shared.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Integer, Text};

use super::requests::Scope;
use super::schema::{documents, requests, search_entries};
use super::DbConnection;
use crate::domain::regime::Regime;
use crate::domain::search_query::Query;
use crate::domain::timeline::Status;

/// Where an entry's words come from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::EnumString,
    strum::Display,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Source {
    /// The request's title, text, reference and tags.
    Request,
    /// An event's details, and a response's grounds.
    Event,
    /// A page, a sheet or the whole of a stored document.
    Document,
}

/// One part of a source's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub label: String,
    pub first_line: i32,
    pub body: String,
}

/// Replaces the words of one source with `parts`, in the caller's transaction.
pub fn replace(
    conn: &mut DbConnection,
    request_id: i32,
    source: Source,
    source_id: i32,
    parts: &[Part],
) -> QueryResult<()> {
    remove(conn, source, source_id)?;
    insert(conn, request_id, source, source_id, parts)
}

/// Adds the words of one source that has none yet.
pub fn insert(
    conn: &mut DbConnection,
    request_id: i32,
    source: Source,
    source_id: i32,
    parts: &[Part],
) -> QueryResult<()> {
    for (index, part) in parts.iter().enumerate() {
        diesel::insert_into(search_entries::table)
            .values((
                search_entries::request_id.eq(request_id),
                search_entries::source.eq(source.to_string()),
                search_entries::source_id.eq(source_id),
                search_entries::part.eq(index as i32),
                search_entries::label.eq(&part.label),
                search_entries::first_line.eq(part.first_line),
                search_entries::body.eq(&part.body),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes the words of one source.
pub fn remove(conn: &mut DbConnection, source: Source, source_id: i32) -> QueryResult<usize> {
    diesel::delete(
        search_entries::table
            .filter(search_entries::source.eq(source.to_string()))
            .filter(search_entries::source_id.eq(source_id)),
    )
    .execute(conn)
}

/// Removes the words of every source of one kind that a request has.
pub fn remove_of_request(conn: &mut DbConnection, request_id: i32, source: Source) -> QueryResult<usize> {
    diesel::delete(
        search_entries::table
            .filter(search_entries::request_id.eq(request_id))
            .filter(search_entries::source.eq(source.to_string())),
    )
    .execute(conn)
}

/// The words of these entries, by id.
pub fn bodies(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<std::collections::HashMap<i32, String>> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(search_entries::table
        .filter(search_entries::id.eq_any(ids))
        .select((search_entries::id, search_entries::body))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect())
}

/// What reading a document's text gave, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextRead {
    pub state: String,
    pub problem: Option<String>,
    pub parts: Vec<Part>,
}

/// The parts already read of another document holding the same stored file, if any was read:
/// a file is read once, however many requests hold it.
pub fn text_of_same_file(
    conn: &mut DbConnection,
    document_id: i32,
    sha256: &str,
) -> QueryResult<Option<TextRead>> {
    let read: Option<(i32, Option<String>, Option<String>)> = documents::table
        .filter(documents::blob_sha256.eq(sha256))
        .filter(documents::id.ne(document_id))
        .filter(documents::text_state.is_not_null())
        .select((documents::id, documents::text_state, documents::text_problem))
        .order(documents::id)
        .first(conn)
        .optional()?;
    let Some((other, Some(state), problem)) = read else {
        return Ok(None);
    };
    let parts = search_entries::table
        .filter(search_entries::source.eq(Source::Document.to_string()))
        .filter(search_entries::source_id.eq(other))
        .order(search_entries::part)
        .select((
            search_entries::label,
            search_entries::first_line,
            search_entries::body,
        ))
        .load::<(String, i32, String)>(conn)?
        .into_iter()
        .map(|(label, first_line, body)| Part {
            label,
            first_line,
            body,
        })
        .collect();
    Ok(Some(TextRead {
        state,
        problem,
        parts,
    }))
}

/// Empties the index and marks every document unread.
pub fn forget(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::delete(search_entries::table).execute(conn)?;
    diesel::update(documents::table)
        .set((
            documents::text_state.eq(None::<String>),
            documents::text_problem.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records what reading a document's text gave.
pub fn set_text_state(
    conn: &mut DbConnection,
    document_id: i32,
    state: &str,
    problem: Option<&str>,
) -> QueryResult<usize> {
    diesel::update(documents::table.find(document_id))
        .set((
            documents::text_state.eq(state),
            documents::text_problem.eq(problem),
        ))
        .execute(conn)
}

/// Documents whose text has not been read yet, oldest first: (id, request, file name, file).
pub fn unread_documents(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<(i32, i32, String, String)>> {
    documents::table
        .filter(documents::text_state.is_null())
        .order(documents::id)
        .limit(limit)
        .select((
            documents::id,
            documents::request_id,
            documents::filename,
            documents::blob_sha256,
        ))
        .load(conn)
}

/// A request's documents whose text has not been read yet: (id, request, file name, file).
pub fn unread_of_request(
    conn: &mut DbConnection,
    request_id: i32,
) -> QueryResult<Vec<(i32, i32, String, String)>> {
    documents::table
        .filter(documents::request_id.eq(request_id))
        .filter(documents::text_state.is_null())
        .order(documents::id)
        .select((
            documents::id,
            documents::request_id,
            documents::filename,
            documents::blob_sha256,
        ))
        .load(conn)
}

/// Requests whose own words are not in the index yet (stored before it existed), oldest first.
pub fn unindexed_requests(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<i32>> {
    requests::table
        .filter(diesel::dsl::not(diesel::dsl::exists(
            search_entries::table
                .filter(search_entries::source.eq(Source::Request.to_string()))
                .filter(search_entries::source_id.eq(requests::id)),
        )))
        .order(requests::id)
        .limit(limit)
        .select(requests::id)
        .load(conn)
}

/// How far the index has come: (requests indexed, requests, documents read, documents).
pub fn progress(conn: &mut DbConnection) -> QueryResult<(i64, i64, i64, i64)> {
    let requests_total: i64 = requests::table.count().get_result(conn)?;
    let requests_indexed: i64 = search_entries::table
        .filter(search_entries::source.eq(Source::Request.to_string()))
        .filter(search_entries::part.eq(0))
        .count()
        .get_result(conn)?;
    let documents_total: i64 = documents::table.count().get_result(conn)?;
    let documents_unread: i64 = documents::table
        .filter(documents::text_state.is_null())
        .count()
        .get_result(conn)?;
    Ok((
        requests_indexed,
        requests_total,
        documents_total - documents_unread,
        documents_total,
    ))
}

/// What a search is limited to, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    pub scope: Scope,
    pub authority_id: Option<i32>,
    pub regime: Option<Regime>,
    pub status: Option<Status>,
    pub tag: Option<String>,
    /// Requests sent on or after this day.
    pub sent_from: Option<NaiveDate>,
    /// Requests sent on or before this day.
    pub sent_to: Option<NaiveDate>,
    pub source: Option<Source>,
}

/// One entry found, best first. The snippet marks each word found between U+E000 and U+E001,
/// which no document's text keeps (the reader drops private-use characters), for the page to
/// escape the text and then mark them.
#[derive(Debug, Clone, PartialEq, QueryableByName)]
pub struct Hit {
    #[diesel(sql_type = Integer)]
    pub id: i32,
    #[diesel(sql_type = Integer)]
    pub request_id: i32,
    #[diesel(sql_type = Text)]
    pub source: String,
    #[diesel(sql_type = Integer)]
    pub source_id: i32,
    #[diesel(sql_type = Integer)]
    pub part: i32,
    #[diesel(sql_type = Text)]
    pub label: String,
    #[diesel(sql_type = Integer)]
    pub first_line: i32,
    #[diesel(sql_type = Double)]
    pub rank: f64,
    #[diesel(sql_type = Text)]
    pub snippet: String,
}

/// Opens a highlighted word in a snippet.
pub const MARK_START: char = '\u{E000}';
/// Closes a highlighted word in a snippet.
pub const MARK_END: char = '\u{E001}';

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// A value bound to the query, in the order the conditions name them.
enum Value {
    Integer(i32),
    Text(String),
    Date(NaiveDate),
}

/// The conditions on the entry and its request, with their values; `next` writes the
/// backend's placeholder for the next value.
fn conditions(filter: &SearchFilter, next: &mut dyn FnMut() -> String) -> (Vec<String>, Vec<Value>) {
    let mut sql = Vec::new();
    let mut values = Vec::new();
    if let Scope::SeenBy(organisation) = filter.scope {
        // As `db::requests::seen_by`: the organisation's own, and the others' neither drafts
        // nor subject access requests.
        sql.push(format!(
            "(r.organisation_id = {} OR (r.status <> 'draft' AND r.regime <> 'sar'))",
            next()
        ));
        values.push(Value::Integer(organisation));
    }
    if let Some(id) = filter.authority_id {
        sql.push(format!("r.authority_id = {}", next()));
        values.push(Value::Integer(id));
    }
    if let Some(regime) = filter.regime {
        sql.push(format!("r.regime = {}", next()));
        values.push(Value::Text(regime.to_string()));
    }
    if let Some(status) = filter.status {
        sql.push(format!("r.status = {}", next()));
        values.push(Value::Text(status.to_string()));
    }
    if let Some(tag) = &filter.tag {
        sql.push(format!(
            "r.id IN (SELECT request_id FROM request_tags WHERE tag = {})",
            next()
        ));
        values.push(Value::Text(tag.clone()));
    }
    if let Some(from) = filter.sent_from {
        sql.push(format!("r.sent_on >= {}", next()));
        values.push(Value::Date(from));
    }
    if let Some(to) = filter.sent_to {
        sql.push(format!("r.sent_on <= {}", next()));
        values.push(Value::Date(to));
    }
    if let Some(source) = filter.source {
        sql.push(format!("e.source = {}", next()));
        values.push(Value::Text(source.to_string()));
    }
    (sql, values)
}

macro_rules! bind_all {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Integer(v) => query.bind::<Integer, _>(*v),
                Value::Text(v) => query.bind::<Text, _>(v.clone()),
                Value::Date(v) => query.bind::<Date, _>(*v),
            };
        }
        query
    }};
}

/// A hit of a page, with how many the whole search found.
#[derive(QueryableByName)]
struct PageRow {
    #[diesel(embed)]
    hit: Hit,
    #[diesel(sql_type = BigInt)]
    total: i64,
}

#[derive(QueryableByName)]
struct Snippet {
    #[diesel(sql_type = Integer)]
    id: i32,
    #[diesel(sql_type = Text)]
    snippet: String,
}

/// The entries `query` finds within `filter`: how many in all, and the `limit` best from
/// `offset`, each with its snippet. One pass over the matches ranks and counts them; only the
/// page's entries are quoted, since quoting is the costly part. A page past the end counts
/// again.
pub fn search(
    conn: &mut DbConnection,
    filter: &SearchFilter,
    query: &Query,
    limit: i64,
    offset: i64,
) -> QueryResult<(i64, Vec<Hit>)> {
    const COLUMNS: &str = "e.id, e.request_id, e.source, e.source_id, e.part, e.label, e.first_line";
    match conn {
        DbConnection::Sqlite(conn) => {
            let (mut sql, values) = conditions(filter, &mut || "?".to_string());
            sql.insert(0, "search_fts MATCH ?".to_string());
            let from = format!(
                "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid \
                 JOIN requests r ON r.id = e.request_id WHERE {}",
                sql.join(" AND ")
            );
            let fts = query.fts5();
            // bm25 is lower for a better match; the id breaks ties the same way every time.
            // FTS5's functions answer only in the query that matches, so the count over all
            // the matches is taken outside it.
            let page = diesel::sql_query(format!(
                "SELECT found.*, '' AS snippet, count(*) OVER () AS total \
                 FROM (SELECT {COLUMNS}, bm25(search_fts) AS rank {from}) found \
                 ORDER BY found.rank, found.id LIMIT ? OFFSET ?"
            ))
            .into_boxed::<diesel::sqlite::Sqlite>()
            .bind::<Text, _>(fts.clone());
            let rows: Vec<PageRow> = bind_all!(page, &values)
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load(conn)?;
            let total = match rows.first() {
                Some(row) => row.total,
                None if offset == 0 => 0,
                None => {
                    let count = diesel::sql_query(format!("SELECT count(*) AS count {from}"))
                        .into_boxed::<diesel::sqlite::Sqlite>()
                        .bind::<Text, _>(fts.clone());
                    bind_all!(count, &values).get_result::<Count>(conn)?.count
                }
            };
            let mut hits: Vec<Hit> = rows.into_iter().map(|row| row.hit).collect();
            if !hits.is_empty() {
                let ids: Vec<String> = hits.iter().map(|h| h.id.to_string()).collect();
                let snippets: Vec<Snippet> = diesel::sql_query(format!(
                    "SELECT rowid AS id, snippet(search_fts, 0, char(57344), char(57345), '…', 24) AS snippet \
                     FROM search_fts WHERE search_fts MATCH ? AND rowid IN ({})",
                    ids.join(", ")
                ))
                .bind::<Text, _>(fts)
                .load(conn)?;
                let snippets: std::collections::HashMap<i32, String> =
                    snippets.into_iter().map(|s| (s.id, s.snippet)).collect();
                for hit in &mut hits {
                    hit.snippet = snippets.get(&hit.id).cloned().unwrap_or_default();
                }
            }
            Ok((total, hits))
        }
        DbConnection::Postgres(conn) => {
            let mut n = 1;
            let (mut sql, values) = conditions(filter, &mut || {
                n += 1;
                format!("${n}")
            });
            sql.insert(0, "e.words @@ websearch_to_tsquery('foi_search', $1)".to_string());
            let from = format!(
                "FROM search_entries e JOIN requests r ON r.id = e.request_id WHERE {}",
                sql.join(" AND ")
            );
            let text = query.websearch();
            let (limit_at, offset_at, options_at) = (n + 1, n + 2, n + 3);
            // The words are read again only for the page's entries, to quote them.
            let page = diesel::sql_query(format!(
                "SELECT found.*, ts_headline('foi_search', quoted.body, websearch_to_tsquery('foi_search', $1), ${options_at}) AS snippet \
                 FROM (SELECT {COLUMNS}, \
                 ts_rank_cd(e.words, websearch_to_tsquery('foi_search', $1))::float8 AS rank, count(*) OVER () AS total \
                 {from} ORDER BY rank DESC, e.id LIMIT ${limit_at} OFFSET ${offset_at}) found \
                 JOIN search_entries quoted ON quoted.id = found.id \
                 ORDER BY found.rank DESC, found.id"
            ))
            .into_boxed::<diesel::pg::Pg>()
            .bind::<Text, _>(text.clone());
            let options = format!(
                "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
            );
            let rows: Vec<PageRow> = bind_all!(page, &values)
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .bind::<Text, _>(options)
                .load(conn)?;
            let total = match rows.first() {
                Some(row) => row.total,
                None if offset == 0 => 0,
                None => {
                    let count = diesel::sql_query(format!("SELECT count(*) AS count {from}"))
                        .into_boxed::<diesel::pg::Pg>()
                        .bind::<Text, _>(text);
                    bind_all!(count, &values).get_result::<Count>(conn)?.count
                }
            };
            // ts_rank_cd is higher for a better match; the page reads best first either way.
            let hits = rows
                .into_iter()
                .map(|row| Hit {
                    rank: -row.hit.rank,
                    ..row.hit
                })
                .collect();
            Ok((total, hits))
        }
    }
}
