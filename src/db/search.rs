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

/// A request's sources, and who may find their words.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub request_id: i32,
    /// As [`access_of`] gave it, in the same transaction.
    pub access: &'a str,
}

/// Replaces the words of one source with `parts`, in the caller's transaction.
pub fn replace(
    conn: &mut DbConnection,
    owner: Owner,
    source: Source,
    source_id: i32,
    parts: &[Part],
) -> QueryResult<()> {
    remove(conn, source, source_id)?;
    insert(conn, owner, source, source_id, parts)
}

/// Adds the words of one source that has none yet.
pub fn insert(
    conn: &mut DbConnection,
    Owner { request_id, access }: Owner,
    source: Source,
    source_id: i32,
    parts: &[Part],
) -> QueryResult<()> {
    for (index, part) in parts.iter().enumerate() {
        diesel::insert_into(search_entries::table)
            .values((
                search_entries::request_id.eq(request_id),
                search_entries::access.eq(access),
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

/// Who may find a request's words, as the index keeps it beside them: the token of its own
/// organisation, and "everyone" when every organisation may read it (`requests::public`).
pub fn access_of(conn: &mut DbConnection, request_id: i32) -> QueryResult<String> {
    let (organisation, public): (i32, bool) = requests::table
        .find(request_id)
        .select((requests::organisation_id, super::requests::public()))
        .first(conn)?;
    Ok(match public {
        true => format!("{} {EVERYONE}", organisation_token(organisation)),
        false => organisation_token(organisation),
    })
}

/// The access token of every organisation's readable entries.
const EVERYONE: &str = "everyone";

fn organisation_token(organisation: i32) -> String {
    format!("o{organisation}")
}

/// Brings who may find a request's words in step with the request, whose status (a draft
/// sent) or law (a subject access request no longer) may have changed; in the caller's
/// transaction. Entries already right are not written again.
pub fn set_access(conn: &mut DbConnection, Owner { request_id, access }: Owner) -> QueryResult<usize> {
    diesel::update(
        search_entries::table
            .filter(search_entries::request_id.eq(request_id))
            .filter(search_entries::access.ne(access)),
    )
    .set(search_entries::access.eq(access))
    .execute(conn)
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

/// How far the index has come while a document is still to be read: (requests indexed,
/// requests, documents read, documents); `None` once every document is read. Asked by every
/// search, so the counts are taken only while catching up: documents are read after the
/// requests' own words in each round of the background reader, and a new document is read
/// as it is stored, so an unread one is how a search tells that the index is behind.
pub fn progress(conn: &mut DbConnection) -> QueryResult<Option<(i64, i64, i64, i64)>> {
    let behind: bool = diesel::select(diesel::dsl::exists(
        documents::table.filter(documents::text_state.is_null()),
    ))
    .get_result(conn)?;
    if !behind {
        return Ok(None);
    }
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
    Ok(Some((
        requests_indexed,
        requests_total,
        documents_total - documents_unread,
        documents_total,
    )))
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

/// The conditions on the entry's request, with their values; `next` writes the backend's
/// placeholder for the next value. Who may read is not among them: the index answers that
/// (`access_of`).
fn conditions(filter: &SearchFilter, next: &mut dyn FnMut() -> String) -> (Vec<String>, Vec<Value>) {
    let mut sql = Vec::new();
    let mut values = Vec::new();
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

/// The join to each entry's request, which only a filter on the request needs.
fn join_of(filter: &SearchFilter) -> &'static str {
    let on_request = filter.authority_id.is_some()
        || filter.regime.is_some()
        || filter.status.is_some()
        || filter.tag.is_some()
        || filter.sent_from.is_some()
        || filter.sent_to.is_some();
    match on_request {
        true => "JOIN requests r ON r.id = e.request_id",
        false => "",
    }
}

/// The access tokens a search within `scope` may find; none for who sees everything.
fn access_tokens(scope: Scope) -> Option<[String; 2]> {
    match scope {
        Scope::Everything => None,
        Scope::SeenBy(organisation) => Some([EVERYONE.to_string(), organisation_token(organisation)]),
    }
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

/// How many of the places a search finds are ranked by relevance: the most recent ones.
/// Ranking reads every place it ranks (bm25 and ts_rank_cd count each word's occurrences), so
/// with no bound a common word's search would cost in proportion to all it finds; this way it
/// costs the same past the bound, and the count of all it found stays exact.
pub const RANKED_AT_MOST: i64 = 1_000;

/// How many of the latest entries PostgreSQL looks among first, then the next, before all.
const RECENT_FIRST: [i32; 2] = [4_000, 32_000];

/// What a search found: how many places, and the page's hits, best first.
#[derive(Debug, Default)]
pub struct Matches {
    /// How many places were found: exactly, or at least this many when `at_least`.
    pub total: i64,
    /// Whether counting stopped at the most recent places, more than are ranked.
    pub at_least: bool,
    pub hits: Vec<Hit>,
}

/// The entries `query` finds within `filter`: how many in all, and the `limit` best from
/// `offset` among the [`RANKED_AT_MOST`] most recent, each with its snippet. Only the page's
/// entries are quoted, since quoting is the costly part.
pub fn search(
    conn: &mut DbConnection,
    filter: &SearchFilter,
    query: &Query,
    limit: i64,
    offset: i64,
) -> QueryResult<Matches> {
    const COLUMNS: &str = "e.id, e.request_id, e.source, e.source_id, e.part, e.label, e.first_line";
    let access = access_tokens(filter.scope);
    match conn {
        DbConnection::Sqlite(conn) => {
            // The person's words are looked for in the text only, never among the tokens.
            let words = format!("body : ({})", query.fts5());
            let (mut sql, values) = conditions(filter, &mut || "?".to_string());
            let join = join_of(filter);
            // Counting matches the access tokens in the index itself, which is cheapest; the
            // ranking checks them on each entry instead, as bm25 would otherwise weigh how
            // common each token is across the whole index, every time.
            let (counted, visible) = match &access {
                Some([everyone, own]) => (
                    format!("{words} AND access : (\"{everyone}\" OR \"{own}\")"),
                    Some(format!(
                        "(' ' || e.access || ' ' LIKE '% {everyone} %' OR ' ' || e.access || ' ' LIKE '% {own} %')"
                    )),
                ),
                None => (words.clone(), None),
            };
            let total = match sql.is_empty() {
                true => diesel::sql_query("SELECT count(*) AS count FROM search_fts WHERE search_fts MATCH ?")
                    .into_boxed::<diesel::sqlite::Sqlite>()
                    .bind::<Text, _>(counted),
                false => {
                    let count = diesel::sql_query(format!(
                        "SELECT count(*) AS count FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid \
                         {join} WHERE search_fts MATCH ? AND {}",
                        sql.join(" AND ")
                    ))
                    .into_boxed::<diesel::sqlite::Sqlite>()
                    .bind::<Text, _>(counted);
                    bind_all!(count, &values)
                }
            }
            .get_result::<Count>(conn)?
            .count;
            if total == 0 || offset >= total.min(RANKED_AT_MOST) {
                return Ok(Matches {
                    total,
                    ..Matches::default()
                });
            }
            sql.extend(visible);
            sql.insert(0, "search_fts MATCH ?".to_string());
            // bm25 over the text alone (the tokens weigh 0) is lower for a better match; the
            // id breaks ties the same way every time.
            let page = diesel::sql_query(format!(
                "SELECT found.*, '' AS snippet FROM (SELECT {COLUMNS}, bm25(search_fts, 1.0, 0.0) AS rank \
                 FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid {join} \
                 WHERE {} ORDER BY search_fts.rowid DESC LIMIT {RANKED_AT_MOST}) found \
                 ORDER BY found.rank, found.id LIMIT ? OFFSET ?",
                sql.join(" AND ")
            ))
            .into_boxed::<diesel::sqlite::Sqlite>()
            .bind::<Text, _>(words.clone());
            let mut hits: Vec<Hit> = bind_all!(page, &values)
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load(conn)?;
            if !hits.is_empty() {
                let ids: Vec<String> = hits.iter().map(|h| h.id.to_string()).collect();
                let snippets: Vec<Snippet> = diesel::sql_query(format!(
                    "SELECT rowid AS id, snippet(search_fts, 0, char(57344), char(57345), '…', 24) AS snippet \
                     FROM search_fts WHERE search_fts MATCH ? AND rowid IN ({})",
                    ids.join(", ")
                ))
                .bind::<Text, _>(words)
                .load(conn)?;
                let snippets: std::collections::HashMap<i32, String> =
                    snippets.into_iter().map(|s| (s.id, s.snippet)).collect();
                for hit in &mut hits {
                    hit.snippet = snippets.get(&hit.id).cloned().unwrap_or_default();
                }
            }
            Ok(Matches {
                total,
                at_least: false,
                hits,
            })
        }
        DbConnection::Postgres(conn) => {
            let mut n = 1;
            let mut next = || {
                n += 1;
                format!("${n}")
            };
            let mut sql = vec!["e.words @@ websearch_to_tsquery('foi_search', $1)".to_string()];
            // Two matches rather than one of both queries joined: an empty query (only
            // stop words) matches nothing, where joined it would leave the access alone.
            let access = access.map(|[everyone, own]| {
                sql.push(format!("e.words @@ {}::tsquery", next()));
                format!("'access {everyone}' | 'access {own}'")
            });
            let (request, values) = conditions(filter, &mut next);
            let join = join_of(filter);
            sql.extend(request);
            sql.push(format!("e.id > {}", next()));
            let from = format!("FROM search_entries e {join} WHERE {}", sql.join(" AND "));
            let text = query.websearch();
            let (limit_at, offset_at, options_at) = (n + 1, n + 2, n + 3);
            // One pass over the matches, kept (MATERIALIZED: otherwise the planner walks the
            // whole table backwards by id, testing each row, to find the most recent) for
            // counting them and taking the most recent; only those are ranked, and only the
            // page's entries quoted. Quoting parses all the text it is given, so it is given
            // the 1,200 characters from a little before the first of the query's words (found
            // by its stem, which begins most of the word's forms), or the whole part when no
            // stem is found as it is written (an accent, or a stem that ends in "i").
            let page_sql = format!(
                "WITH matched AS MATERIALIZED (SELECT e.id {from}), \
                 newest AS (SELECT id FROM matched ORDER BY id DESC LIMIT {RANKED_AT_MOST}) \
                 SELECT found.*, ts_headline('foi_search', \
                 CASE WHEN first.at IS NULL THEN quoted.body ELSE substr(quoted.body, greatest(1, first.at - 300), 1200) END, \
                 websearch_to_tsquery('foi_search', $1), ${options_at}) AS snippet \
                 FROM (SELECT {COLUMNS}, ts_rank_cd(e.words, websearch_to_tsquery('foi_search', $1))::float8 AS rank, \
                 (SELECT count(*) FROM matched) AS total \
                 FROM newest JOIN search_entries e ON e.id = newest.id \
                 ORDER BY rank DESC, e.id LIMIT ${limit_at} OFFSET ${offset_at}) found \
                 JOIN search_entries quoted ON quoted.id = found.id \
                 LEFT JOIN LATERAL (SELECT min(nullif(strpos(lower(quoted.body), stem), 0)) AS at \
                 FROM unnest(ARRAY(SELECT (regexp_matches(websearch_to_tsquery('foi_search', $1)::text, \
                 '(?<!!)''((?:[^'']|'''')+)''', 'g'))[1])) stem) first ON true \
                 ORDER BY found.rank DESC, found.id"
            );
            let options = format!(
                "StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \""
            );
            // Each query over the matches takes the same values, in the order `from` names
            // them, the first id looked at last.
            let bound = |sql: String, after: i32| {
                let query = diesel::sql_query(sql)
                    .into_boxed::<diesel::pg::Pg>()
                    .bind::<Text, _>(text.clone());
                let query = match &access {
                    Some(access) => query.bind::<Text, _>(access.clone()),
                    None => query,
                };
                bind_all!(query, &values).bind::<Integer, _>(after)
            };
            let (first, last): (Option<i32>, Option<i32>) = search_entries::table
                .select((
                    diesel::dsl::min(search_entries::id),
                    diesel::dsl::max(search_entries::id),
                ))
                .first(conn)?;
            let (Some(first), Some(last)) = (first, last) else {
                return Ok(Matches::default());
            };
            // The most recent entries first: when they alone hold more matches than are
            // ranked, the matches before them would never be ranked, so they are neither
            // read nor counted (the total is then a lower bound). A common word costs what
            // its matches among the latest few thousand entries cost, not all of them; each
            // look stops counting past what is ranked.
            let mut after = None;
            for window in RECENT_FIRST
                .iter()
                .map(|w| last - w)
                .filter(|after| *after >= first)
            {
                let enough = bound(
                    format!(
                        "SELECT count(*) AS count FROM (SELECT 1 {from} LIMIT {}) enough",
                        RANKED_AT_MOST + 1
                    ),
                    window,
                )
                .get_result::<Count>(conn)?
                .count
                    > RANKED_AT_MOST;
                if enough {
                    after = Some(window);
                    break;
                }
            }
            let rows: Vec<PageRow> = bound(page_sql, after.unwrap_or(0))
                .bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .bind::<Text, _>(options)
                .load(conn)?;
            let total = match rows.first() {
                Some(row) => row.total,
                None if offset == 0 => 0,
                // A page past the end counts again.
                None => {
                    bound(format!("SELECT count(*) AS count {from}"), after.unwrap_or(0))
                        .get_result::<Count>(conn)?
                        .count
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
            Ok(Matches {
                total,
                at_least: after.is_some(),
                hits,
            })
        }
    }
}
