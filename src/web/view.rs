//! Shaping data for templates: labels and dates written out in Rust, so that a page renders
//! plain values (handlebars costs about a microsecond per expression, helpers more).

use serde_json::{json, Value};

use crate::db::deadlines::Pending;
use crate::db::requests::Request;
use crate::domain::standing::Standing;
use crate::domain::written;
use crate::tracker::dashboard::Section;
use crate::tracker::request_list::RequestSummary;

pub fn pending(section: &Section<Pending>, empty: &str, all: Option<&str>) -> Value {
    let rows: Vec<Value> = section
        .rows
        .iter()
        .map(|p| {
            json!({
                "id": p.request_id, "title": p.title, "authority": p.authority, "owner": p.owner, "label": p.kind.label(),
                "due": p.due, "due_long": written::day(p.due), "late": p.working_days_late,
            })
        })
        .collect();
    let more = section.total > section.rows.len() as i64;
    json!({"total": section.total, "rows": rows, "empty": empty, "more": more, "all": all})
}

/// The dashboard's "My requests": rows as the request list shows them.
pub fn summaries(section: &Section<RequestSummary>, empty: &str, all: &str) -> Value {
    let rows: Vec<Value> = section.rows.iter().map(summary).collect();
    let more = section.total > section.rows.len() as i64;
    json!({"total": section.total, "rows": rows, "empty": empty, "more": more, "all": all})
}

pub fn requests(section: &Section<Request>, empty: &str, all: &str) -> Value {
    let rows: Vec<Value> = section
        .rows
        .iter()
        .map(|r| json!({"id": r.id, "title": r.values.title}))
        .collect();
    let more = section.total > section.rows.len() as i64;
    json!({"total": section.total, "rows": rows, "empty": empty, "more": more, "all": all})
}

/// What a request waits for: the authority's deadlines missed with nothing received (marked
/// late, first), then the deadlines still running, earliest first.
pub fn next_deadlines(standing: &Standing) -> Vec<Value> {
    standing
        .next
        .iter()
        .map(|d| match d.missed {
            true => json!({"label": d.kind.label(), "due": d.due, "due_long": written::day(d.due),
                "missed": true, "late": d.working_days_late}),
            false => json!({"label": d.kind.label(), "due": d.due, "due_long": written::day(d.due)}),
        })
        .collect()
}

/// A row of the request list: what it is, where it stands, what falls due next.
pub fn summary(s: &RequestSummary) -> Value {
    let next = next_deadlines(&s.standing);
    json!({
        "id": s.request.id, "title": s.request.values.title, "authority": s.authority.0,
        "regime": s.request.values.regime.short_name(),
        "sent": s.request.values.sent_on, "sent_long": s.request.values.sent_on.map(written::day),
        "tags": s.tags, "status": s.standing.status.label(), "overdue": s.standing.overdue, "next": next,
    })
}
