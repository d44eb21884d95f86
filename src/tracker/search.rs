//! One search over everything the coalition holds: requests, their events and the text of
//! every document, each hit linked to the place it was found; and the index that makes it
//! possible, kept in step with each change and caught up for what was stored before.
//!
//! Who may read a hit is who may read its request (`db::search` keeps the same rule as
//! `db::requests::seen_by`), so no other organisation's draft or subject access request is
//! found, counted or quoted. An auditor reads every request, but a hit in a subject access
//! request shows no words of it: opening the request is the audited view.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::access::{self, require};
use super::audit::Caller;
use super::input::{names, Fields};
use super::paging::Paging;
use crate::db::search::{self as index, Hit, Part, SearchFilter, Source, MARK_END, MARK_START};
use crate::db::{self, documents, events, requests, DbConnection};
use crate::domain::document_text::{DocumentText, TextState};
use crate::domain::regime::Regime;
use crate::domain::search_query;
use crate::domain::timeline::Status;
use crate::error::AppError;

/// Hits on a page of results.
pub const PAGE_SIZE: i64 = 20;

/// A search as a query string gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchInput {
    /// Words to find, "a phrase in quotes", -word to leave out.
    pub q: Option<String>,
    pub authority_id: Option<String>,
    /// foia, eir, foisa, eisr or sar.
    pub regime: Option<String>,
    /// The request's status, e.g. responded.
    pub status: Option<String>,
    pub tag: Option<String>,
    /// Requests sent on or after this day (YYYY-MM-DD).
    pub sent_from: Option<String>,
    /// Requests sent on or before this day (YYYY-MM-DD).
    pub sent_to: Option<String>,
    /// Where to look: request, event or document.
    pub source: Option<String>,
    /// From 1.
    pub page: Option<String>,
}

impl SearchInput {
    /// Whether nothing was typed: the page shows the form alone.
    pub fn is_blank(&self) -> bool {
        self.q.as_deref().is_none_or(|q| q.trim().is_empty())
    }

    /// The query, the filter and the page, or every field at fault.
    pub fn validate(&self) -> Result<(search_query::Query, SearchFilter, Paging), AppError> {
        let mut f = Fields::new();
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let query = match search_query::parse(self.q.as_deref().unwrap_or_default()) {
            Ok(query) => Some(query),
            Err(why) => {
                f.error("q", why);
                None
            }
        };
        let authority_id = blank(&self.authority_id).and_then(|a| {
            let id = a.parse::<i32>().ok().filter(|id| *id > 0);
            if id.is_none() {
                f.error("authority_id", "authority_id must be a number");
            }
            id
        });
        let regime =
            blank(&self.regime).and_then(|r| f.closed::<Regime>("regime", "Law", &r, &names::<Regime>()));
        let status =
            blank(&self.status).and_then(|s| f.closed::<Status>("status", "Status", &s, &names::<Status>()));
        let source = blank(&self.source)
            .and_then(|s| f.closed::<Source>("source", "Where to look", &s, &names::<Source>()));
        let tag = f.optional_text("tag", "Tag", self.tag.as_deref(), 100);
        let sent_from = f.optional_date("sent_from", "Sent from", self.sent_from.as_deref(), None);
        let sent_to = f.optional_date("sent_to", "Sent to", self.sent_to.as_deref(), None);
        if let (Some(from), Some(to)) = (sent_from, sent_to) {
            if from > to {
                f.error("sent_to", "Sent to must be on or after sent from");
            }
        }
        let paging = Paging::read(self.page.as_deref(), None, PAGE_SIZE, &mut f);
        let filter = SearchFilter {
            authority_id,
            regime,
            status,
            tag,
            sent_from,
            sent_to,
            source,
            ..SearchFilter::default()
        };
        match query {
            Some(query) => f.finish((query, filter, paging)),
            None => f.finish((
                search_query::Query {
                    include: Vec::new(),
                    exclude: Vec::new(),
                },
                filter,
                paging,
            )),
        }
    }
}

/// One place a search found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Found {
    pub request_id: i32,
    /// Its title, or for a subject access request its reference only.
    pub request: String,
    pub authority: String,
    pub source: Source,
    /// What was found, e.g. "The request", "Response, 29 May 2026", "response.pdf, page 3",
    /// "figures.xlsx, Albania!C12".
    pub place: String,
    /// Where to open it.
    pub link: String,
    /// The words around what was found, as HTML: the text escaped, each word found in
    /// `<mark>`. Absent where the viewer may not read the words (an auditor's hit in a
    /// subject access request).
    pub snippet: Option<String>,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Results {
    /// How many places were found: exactly, or when `at_least`, at least this many.
    pub total: i64,
    /// Whether more places may have been found than `total` says: the most recent held more
    /// than are ranked, so the older ones were not counted (PostgreSQL; SQLite counts all).
    pub at_least: bool,
    /// How many of them are ranked, best first, across the pages: all, or when more were
    /// found the most recent 1,000 (narrowing the search reaches the others).
    pub ranked: i64,
    pub page: i64,
    pub pages: i64,
    pub results: Vec<Found>,
    /// While the index is still reading what was stored before it existed: how far it is,
    /// e.g. "1,200 of 20,000 documents read"; absent once it has caught up.
    pub indexing: Option<String>,
}

/// What `input` finds among what the caller may read.
pub fn search(conn: &mut DbConnection, caller: &Caller, input: &SearchInput) -> Result<Results, AppError> {
    let actor = require(caller, |_| true)?;
    let (query, mut filter, paging) = input.validate()?;
    filter.scope = access::scope_of(actor);
    let index::Matches {
        total,
        at_least,
        hits,
    } = index::search(
        conn,
        &filter,
        &query,
        paging.per_page,
        (paging.page - 1) * paging.per_page,
    )?;
    let results = describe(conn, actor, &query, hits)?;
    let indexing = index::progress(conn)?.map(|(requests_done, requests_all, documents_done, documents_all)| {
        format!(
            "Still indexing what was stored before search existed: {documents_done} of {documents_all} documents and {requests_done} of {requests_all} requests so far"
        )
    });
    let ranked = total.min(index::RANKED_AT_MOST);
    Ok(Results {
        total,
        at_least,
        ranked,
        page: paging.page,
        pages: paging.pages(ranked),
        results,
        indexing,
    })
}

/// The hits as people read them: a bounded number of reads whatever the page holds.
fn describe(
    conn: &mut DbConnection,
    actor: &crate::domain::account::Actor,
    query: &search_query::Query,
    hits: Vec<Hit>,
) -> Result<Vec<Found>, AppError> {
    let request_ids: Vec<i32> = hits.iter().map(|h| h.request_id).collect();
    let requests: HashMap<i32, requests::Request> = requests::find_many(conn, &request_ids)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let authority_ids: Vec<i32> = requests.values().map(|r| r.values.authority_id).collect();
    let authorities = requests::authority_names(conn, &authority_ids)?;
    let of = |source: Source| -> Vec<i32> {
        hits.iter()
            .filter(|h| h.source == source.to_string())
            .map(|h| h.source_id)
            .collect()
    };
    let events: HashMap<i32, events::EventRecord> = events::find_many(conn, &of(Source::Event))?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    let documents: HashMap<i32, documents::Document> = documents::find_many(conn, &of(Source::Document))?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    // A sheet's hit names its cell, found in the part's words.
    let sheet_hits: Vec<i32> = hits
        .iter()
        .filter(|h| h.source == Source::Document.to_string())
        .filter(|h| {
            documents
                .get(&h.source_id)
                .is_some_and(|d| crate::domain::spreadsheet::is_table(&d.filename))
        })
        .map(|h| h.id)
        .collect();
    let bodies = index::bodies(conn, &sheet_hits)?;
    let mut found = Vec::with_capacity(hits.len());
    for hit in hits {
        let Some(request) = requests.get(&hit.request_id) else {
            continue;
        };
        let source: Source = hit.source.parse().map_err(|_| {
            AppError::Internal(format!("search entry {} has the source {:?}", hit.id, hit.source))
        })?;
        let sealed = actor.view_is_audited(request.values.regime);
        let request_link = format!("/requests/{}", request.id);
        let (place, link) = match source {
            Source::Request => ("The request".to_string(), request_link),
            Source::Event => match events.get(&hit.source_id) {
                Some(event) => (
                    format!(
                        "{}, {}",
                        event.kind.label(),
                        crate::domain::written::day(event.occurred_on)
                    ),
                    format!("{request_link}#event-{}", event.id),
                ),
                None => continue,
            },
            Source::Document => match documents.get(&hit.source_id) {
                Some(document) => {
                    // A subject access request's file names may name the person.
                    let name = match sealed {
                        true => "a document".to_string(),
                        false => document.filename.clone(),
                    };
                    let link = format!("/documents/{}", document.id);
                    match crate::domain::spreadsheet::is_table(&document.filename) {
                        true => {
                            let cell = bodies.get(&hit.id).and_then(|body| cell_of(&hit, body, query));
                            let place = match (hit.label.as_str(), cell) {
                                (sheet, Some(cell)) => format!("{name}, {sheet}!{cell}"),
                                (sheet, None) => format!("{name}, {sheet}"),
                            };
                            (place, format!("{link}/import?sheet={}", url_encode(&hit.label)))
                        }
                        false if hit.label.is_empty() => (name, link),
                        false => {
                            let page = hit
                                .label
                                .strip_prefix("page ")
                                .and_then(|p| p.parse::<u32>().ok());
                            let link = match page {
                                Some(page) => format!("{link}#page={page}"),
                                None => link,
                            };
                            (format!("{name}, {}", hit.label), link)
                        }
                    }
                }
                None => continue,
            },
        };
        found.push(Found {
            request_id: request.id,
            request: access::request_name(request),
            authority: authorities
                .get(&request.values.authority_id)
                .map(|(name, _)| name.clone())
                .unwrap_or_default(),
            source,
            place,
            link,
            snippet: (!sealed).then(|| highlight(&hit.snippet)),
        });
    }
    Ok(found)
}

/// The snippet as HTML: the text escaped as the templates escape it, the words the index
/// marked in `<mark>`.
fn highlight(snippet: &str) -> String {
    handlebars::html_escape(snippet)
        .replace(MARK_START, "<mark>")
        .replace(MARK_END, "</mark>")
}

/// The cell of a sheet's part where the first marked word is, e.g. "C12": the snippet marks
/// the words as the document has them, so the cell holding one is found by plain text.
fn cell_of(hit: &Hit, body: &str, query: &search_query::Query) -> Option<String> {
    let marked: Vec<String> = hit
        .snippet
        .split(MARK_START)
        .skip(1)
        .filter_map(|rest| rest.split(MARK_END).next())
        .map(str::to_lowercase)
        .collect();
    let words = if marked.is_empty() { query.words() } else { marked };
    let (line, column) = body.lines().enumerate().find_map(|(line, row)| {
        row.split('\t')
            .position(|cell| {
                let cell = cell.to_lowercase();
                words.iter().any(|w| cell.contains(w.as_str()))
            })
            .map(|column| (line, column))
    })?;
    Some(format!(
        "{}{}",
        crate::domain::spreadsheet::letters(column),
        hit.first_line as usize + line + 1
    ))
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Keeps the index's words of one request in step with it: its own words and each event's.
/// Called in the transaction of every change to the request or its events.
pub(crate) fn index_request(conn: &mut DbConnection, request_id: i32) -> Result<(), AppError> {
    let Some(request) = requests::find(conn, request_id)? else {
        return Ok(());
    };
    let tags = requests::tags(conn, &[request_id])?
        .remove(&request_id)
        .unwrap_or_default();
    let own = [
        request.values.title.as_str(),
        request.values.body.as_str(),
        request.values.reference.as_deref().unwrap_or_default(),
        &tags.join(" "),
    ]
    .join("\n");
    let access = index::access_of(conn, request_id)?;
    let owner = index::Owner {
        request_id,
        access: &access,
    };
    // The documents' words stay; who may find them follows the request.
    index::set_access(conn, owner)?;
    index::replace(conn, owner, Source::Request, request_id, &[part("", 0, &own)])?;
    // Every event's words are written again: a change may have removed or corrected any.
    index::remove_of_request(conn, request_id, Source::Event)?;
    for event in events::for_request(conn, request_id)? {
        let mut words = vec![event.kind.label().to_string()];
        if let Some(answer) = &event.response {
            words.push(answer.outcome.label().to_string());
            for ground in &answer.grounds {
                if let Some(exemption) = crate::domain::exemptions::find(ground) {
                    words.push(format!("{} {}", exemption.citation, exemption.title));
                }
            }
        }
        words.push(event.details.clone());
        index::insert(
            conn,
            owner,
            Source::Event,
            event.id,
            &[part("", 0, &words.join("\n"))],
        )?;
    }
    Ok(())
}

/// A part of the index's words, without the two characters that mark found words in a
/// snippet, so that no document can forge a highlight.
fn part(label: &str, first_line: u32, body: &str) -> Part {
    Part {
        label: label
            .chars()
            .filter(|c| *c != MARK_START && *c != MARK_END)
            .take(300)
            .collect(),
        first_line: first_line as i32,
        body: body
            .chars()
            .filter(|c| *c != MARK_START && *c != MARK_END)
            .collect(),
    }
}

/// Documents read per round of the background reader; each is read outside any transaction.
const DOCUMENTS_PER_ROUND: i64 = 20;
/// Requests indexed per round.
const REQUESTS_PER_ROUND: i64 = 200;

/// One round of catching up: indexes requests stored before the index existed, and reads the
/// text of documents not read yet. Each document is read outside any transaction, in the
/// sandbox, then its words written in a short one; a crash between the two only means it is
/// read again. Returns how many requests and documents it did.
pub fn catch_up(conn: &mut DbConnection) -> Result<(usize, usize), AppError> {
    let ids = index::unindexed_requests(conn, REQUESTS_PER_ROUND)?;
    for chunk in ids.chunks(50) {
        db::write(conn, |conn| {
            for id in chunk {
                index_request(conn, *id)?;
            }
            Ok::<_, AppError>(())
        })?;
    }
    let unread = index::unread_documents(conn, DOCUMENTS_PER_ROUND)?;
    for (document_id, request_id, filename, sha256) in &unread {
        read_document(conn, *document_id, *request_id, filename, sha256)?;
    }
    Ok((ids.len(), unread.len()))
}

/// Reads the text of a request's documents not read yet, just after the transaction that
/// stored them, so that they can be searched as soon as the change is answered. Reading
/// never fails the change: what cannot be read now (every sandbox busy) the background reader
/// reads later.
pub fn read_new(conn: &mut DbConnection, request_id: i32) {
    let unread = index::unread_of_request(conn, request_id);
    read_quietly(conn, unread);
}

/// Reads the text of at most `limit` documents not read yet, oldest first, as [`read_new`]:
/// after mail was filed with whichever requests it answers.
pub fn read_pending(conn: &mut DbConnection, limit: i64) {
    let unread = index::unread_documents(conn, limit);
    read_quietly(conn, unread);
}

fn read_quietly(conn: &mut DbConnection, unread: diesel::QueryResult<Vec<(i32, i32, String, String)>>) {
    let unread = match unread {
        Ok(unread) => unread,
        Err(error) => {
            tracing::warn!(%error, "the new documents' text is left to the background reader");
            return;
        }
    };
    for (document_id, request_id, filename, sha256) in unread {
        if let Err(error) = read_document(conn, document_id, request_id, &filename, &sha256) {
            tracing::warn!(document_id, %error, "a document's text is left to the background reader");
        }
    }
}

/// Reads one document's text (or takes it from another document of the same file) and writes
/// its words.
fn read_document(
    conn: &mut DbConnection,
    document_id: i32,
    request_id: i32,
    filename: &str,
    sha256: &str,
) -> Result<(), AppError> {
    let index::TextRead {
        state,
        problem,
        parts,
    } = match index::text_of_same_file(conn, document_id, sha256)? {
        Some(read) => read,
        None => {
            let text = match documents::blob(conn, sha256)? {
                Some(bytes) => super::untrusted::document_text(filename, &bytes)?,
                None => DocumentText {
                    state: TextState::Unreadable,
                    problem: Some(format!("{filename} is missing from the store")),
                    parts: Vec::new(),
                },
            };
            let parts = text
                .parts
                .iter()
                .map(|p| part(&p.label, p.first_line, &p.text))
                .collect();
            index::TextRead {
                state: text.state.to_string(),
                problem: text.problem,
                parts,
            }
        }
    };
    db::write(conn, |conn| {
        let access = index::access_of(conn, request_id)?;
        let owner = index::Owner {
            request_id,
            access: &access,
        };
        index::replace(conn, owner, Source::Document, document_id, &parts)?;
        index::set_text_state(conn, document_id, &state, problem.as_deref())?;
        Ok::<_, AppError>(())
    })
}

/// Forgets every word of the index and every document's reading, for `catch_up` to do it all
/// again; a search meanwhile finds what is indexed again so far, and says it is still indexing.
pub fn forget(conn: &mut DbConnection) -> Result<(), AppError> {
    db::write(conn, |conn| Ok::<_, AppError>(index::forget(conn)?))
}
