//! The list of requests: filters, sorting, pages and the CSV export.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::access::{require, scope_of, UNOPENED};
use super::audit::Caller;
use super::deadline_index::{catch_up, schedule_of};
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use super::paging::Paging;
use crate::db::request_list::{self, Order, RequestFilter, Sort};
use crate::db::requests::{self, Request, Scope};
use crate::db::DbConnection;
use crate::db::{deadlines, events};
use crate::domain::regime::Regime;
use crate::domain::request::{normalise_tag, MAX_TAG_LENGTH};
use crate::domain::standing::Standing;
use crate::domain::timeline::{Schedule, Status};
use crate::error::AppError;

/// Requests on a page when `per_page` is left out.
pub const PAGE_SIZE: i64 = 25;

/// The list's filters as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A status, e.g. awaiting_response.
    pub status: Option<String>,
    pub authority_id: Option<String>,
    pub regime: Option<String>,
    /// "true" for requests with an authority's deadline passed and unmet.
    pub overdue: Option<String>,
    pub tag: Option<String>,
    /// Words to find in the title, the text or the reference.
    pub q: Option<String>,
    /// "ours" for the viewer's organisation's requests only.
    pub mine: Option<String>,
    /// "me" for the requests the viewer owns.
    pub owner: Option<String>,
    /// "true" for open requests only: sent, and neither closed, withdrawn nor lapsed.
    pub open: Option<String>,
    /// The order: due (the next deadline), sent, authority or title; a leading `-` turns it
    /// round. The newest first when left out.
    pub sort: Option<String>,
    /// From 1.
    pub page: Option<String>,
    /// Requests on a page, from 1 to 100 (25 when left out).
    pub per_page: Option<String>,
}

/// The values `sort` takes, each with its order.
pub const SORTS: &[(&str, Sort)] = &[
    ("due", Sort::Due),
    ("sent", Sort::Sent),
    ("authority", Sort::Authority),
    ("title", Sort::Title),
];

impl ListQuery {
    /// The filters, the order and the page, or the fields at fault.
    pub fn validate(&self) -> Result<(RequestFilter, Order, Paging), AppError> {
        let mut f = Fields::new();
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let status = blank(&self.status).and_then(|s| f.closed("status", "Status", &s, &names::<Status>()));
        let regime = blank(&self.regime).and_then(|r| f.closed("regime", "Regime", &r, &names::<Regime>()));
        let authority_id = blank(&self.authority_id).and_then(|a| {
            let id = a.parse::<i32>().ok().filter(|id| *id > 0);
            if id.is_none() {
                f.error("authority_id", "authority_id must be a number");
            }
            id
        });
        let switch = |f: &mut Fields, field: &str, value: &Option<String>| match blank(value).as_deref() {
            None | Some("false") | Some("0") | Some("off") => false,
            Some("true") | Some("1") | Some("on") => true,
            Some(_) => {
                f.error(field, format!("{field} must be true or false"));
                false
            }
        };
        let overdue = switch(&mut f, "overdue", &self.overdue);
        let tag = f
            .optional_text("tag", "Tag", self.tag.as_deref(), MAX_TAG_LENGTH)
            .map(|t| normalise_tag(&t).unwrap_or(t));
        let text = f.optional_text("q", "Search", self.q.as_deref(), 200);
        let paging = Paging::read(self.page.as_deref(), self.per_page.as_deref(), PAGE_SIZE, &mut f);
        let owned = match blank(&self.owner).as_deref() {
            None => false,
            Some("me") => true,
            Some(_) => {
                f.error("owner", "owner must be me");
                false
            }
        };
        let open = switch(&mut f, "open", &self.open);
        let order = blank(&self.sort).map_or(Some(Order::default()), |sort| {
            let (reversed, name) = match sort.strip_prefix('-') {
                Some(name) => (true, name.to_string()),
                None => (false, sort),
            };
            SORTS.iter().find(|(n, _)| *n == name).map(|(_, sort)| Order {
                sort: *sort,
                reversed,
            })
        });
        if order.is_none() {
            f.error(
                "sort",
                "sort must be due, sent, authority or title, with - before it for the reverse order",
            );
        }
        let mine = match blank(&self.mine).as_deref() {
            None => false,
            Some("ours") | Some("true") | Some("on") => true,
            Some(_) => {
                f.error("mine", "mine must be ours");
                false
            }
        };
        f.finish((
            RequestFilter {
                scope: Scope::Everything,
                // 0 stands for "the viewer's own", filled in by `list`.
                organisation_id: mine.then_some(0),
                // 0 stands for the viewer, filled in by `list`.
                owner_id: owned.then_some(0),
                open,
                status,
                authority_id,
                regime,
                overdue,
                tag,
                text,
                sealed_sar: false,
            },
            order.unwrap_or_default(),
            paging,
        ))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestSummary {
    pub request: Request,
    /// The authority's name and short name.
    pub authority: (String, String),
    pub tags: Vec<String>,
    pub standing: Standing,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestPage {
    pub items: Vec<RequestSummary>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

/// The most rows a CSV of the list holds.
pub const EXPORT_LIMIT: i64 = 10_000;

/// One page of the filtered list, each request with its schedule, in a bounded number of
/// queries whatever the page holds.
pub fn list(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &ListQuery,
) -> Result<RequestPage, AppError> {
    summaries(conn, calendars, caller, today, query, false)
}

/// The whole filtered list in its order (up to [`EXPORT_LIMIT`] rows), as the list pages show
/// it, for a CSV: the same filters and the same rules on what each viewer sees.
pub fn export(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &ListQuery,
) -> Result<Vec<RequestSummary>, AppError> {
    Ok(summaries(conn, calendars, caller, today, query, true)?.items)
}

fn summaries(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    query: &ListQuery,
    whole: bool,
) -> Result<RequestPage, AppError> {
    let actor = require(caller, |_| true)?;
    let (mut filter, order, paging) = query.validate()?;
    let (page, limit) = if whole {
        (1, EXPORT_LIMIT)
    } else {
        (paging.page, paging.per_page)
    };
    filter.scope = scope_of(actor);
    filter.sealed_sar = actor.view_is_audited(Regime::Sar);
    if filter.organisation_id == Some(0) {
        filter.organisation_id = Some(actor.organisation_id);
    }
    if filter.owner_id == Some(0) {
        filter.owner_id = Some(actor.user_id);
    }
    catch_up(conn, calendars, today)?;
    let calendar = calendars.current(conn)?;
    let calendar = calendar.as_ref();
    let (found, total) = request_list::list(conn, &filter, order, today, limit, (page - 1) * limit)?;
    let ids: Vec<i32> = found.iter().map(|r| r.id).collect();
    let authority_ids: Vec<i32> = found.iter().map(|r| r.values.authority_id).collect();
    let names = requests::authority_names(conn, &authority_ids)?;
    let mut tags = requests::tags(conn, &ids)?;
    let mut unsettled = deadlines::unsettled(conn, &ids)?;
    let items = found
        .into_iter()
        .map(|mut request| {
            let unsettled = unsettled.remove(&request.id).unwrap_or_default();
            let mut tags = tags.remove(&request.id).unwrap_or_default();
            // An auditor's view of a subject access request is recorded when they open it; a
            // list shows none of its personal data.
            if actor.view_is_audited(request.values.regime) {
                request.values.title = UNOPENED.into();
                request.values.body.clear();
                request.values.reference = None;
                tags.clear();
            }
            let standing =
                Standing::of_index(request.status, request.values.regime, &unsettled, calendar, today)
                    .map_err(|e| {
                        AppError::Internal(format!("request {} does not compute: {e}", request.id))
                    })?;
            Ok(RequestSummary {
                standing,
                authority: names
                    .get(&request.values.authority_id)
                    .cloned()
                    .unwrap_or_default(),
                tags,
                request,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(RequestPage {
        items,
        total,
        page,
        per_page: limit,
        pages: Paging {
            page,
            per_page: limit,
        }
        .pages(total),
    })
}

/// The schedules of a page's requests, computed from their events, in the page's order: for
/// the API, whose list gives each request's whole schedule.
pub fn schedules(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    today: NaiveDate,
    page: &RequestPage,
) -> Result<Vec<Schedule>, AppError> {
    let ids: Vec<i32> = page.items.iter().map(|s| s.request.id).collect();
    let mut events = events::for_requests(conn, &ids)?;
    let calendar = calendars.current(conn)?;
    page.items
        .iter()
        .map(|s| {
            let records = events.remove(&s.request.id).unwrap_or_default();
            schedule_of(&s.request, &records, &calendar, today)
        })
        .collect()
}

/// The tags of the requests the caller may see, for the list's filter.
pub fn all_tags(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<String>, AppError> {
    let actor = require(caller, |_| true)?;
    // Not even an auditor sees another organisation's subject access tags unopened.
    Ok(requests::all_tags(conn, Scope::SeenBy(actor.organisation_id))?)
}
