//! The words of a reminder: one notice in its own message, or a day's notices in a digest.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;

use crate::db::outbox::OutboxNotice;
use crate::db::reminders::RequestFacts;
use crate::domain::reminders::{next_step, Stage};
use crate::domain::request::shareable_name;
use crate::domain::timeline::DeadlineKind;
use crate::domain::written;
use crate::mail::{Email, Postman};

/// One line that says what happened or is coming, e.g. "Ask for an internal review by Mon 7
/// Dec 2026".
fn headline(notice: &OutboxNotice, stage: Option<Stage>) -> String {
    let label = notice.kind.label();
    let due = written::day(notice.due);
    match stage {
        Some(Stage::OnTheDay) => format!("Today: {label}"),
        Some(Stage::Missed { .. }) => format!("Missed: {label} by {due}"),
        Some(Stage::Lapsed) => format!("Lapsed unused: {label} by {due}"),
        _ => format!("{label} by {due}"),
    }
}

/// The message for `notices`, which are all for one recipient: one notice sent as it falls
/// due, or several gathered in a digest. Its Message-ID comes from the notices' outbox keys.
pub fn compose(
    postman: &Postman,
    notices: &[&OutboxNotice],
    requests: &HashMap<i32, RequestFacts>,
    rules: &HashMap<(i32, String, NaiveDate), String>,
    today: NaiveDate,
    digest: bool,
) -> Result<Email, String> {
    let first = notices.first().ok_or("a message needs at least one notice")?;
    let base = postman.base_url.trim_end_matches('/');
    let mut views = Vec::with_capacity(notices.len());
    for (index, notice) in notices.iter().enumerate() {
        let request = requests
            .get(&notice.request_id)
            .ok_or_else(|| format!("request {} no longer exists", notice.request_id))?;
        let stage = Stage::from_key(&notice.stage);
        let name = shareable_name(
            notice.request_id,
            &request.title,
            request.reference.as_deref(),
            request.regime,
        );
        let rule = match notice.kind {
            // No law sets these, so the index holds no explanation of them.
            DeadlineKind::SendRepeat => crate::domain::repeat::send_by_rule(),
            DeadlineKind::ClassifyReply => crate::domain::reply_kind::classify_by_rule(),
            _ => rules
                .get(&(notice.request_id, notice.kind.to_string(), notice.due))
                .cloned()
                .unwrap_or_default(),
        };
        views.push(json!({
            "number": index + 1,
            "headline": headline(notice, stage),
            "name": name,
            "authority": request.authority,
            "deadline": notice.kind.label(),
            "due": notice.due.to_string(),
            "passed": matches!(stage, Some(Stage::Missed { .. } | Stage::Lapsed)),
            "rule": rule,
            "next_step": stage.map(|s| next_step(notice.kind, s)).unwrap_or_default(),
            "link": format!("{base}/requests/{}", notice.request_id),
            "pause_overridden": notice.pause_overridden,
        }));
    }
    let subject = match digest {
        true => format!(
            "foi-tracker: {} deadline reminder{} for {}",
            notices.len(),
            if notices.len() == 1 { "" } else { "s" },
            written::day(today)
        ),
        false => format!(
            "{}: {}",
            views[0]["headline"].as_str().unwrap_or_default(),
            views[0]["name"].as_str().unwrap_or_default()
        ),
    };
    // A notice's own key names its message; a digest is named by its day and recipient, so a
    // repeat carries the same Message-ID whatever joined or left it meanwhile.
    let message_id = match (digest, &first.batch) {
        (true, Some(batch)) => postman.message_id(batch),
        _ => postman.message_id(&first.key),
    };
    postman.compose(
        "reminders",
        &first.recipient,
        &subject,
        message_id,
        json!({
            "digest": digest,
            "today": today.to_string(),
            "count": notices.len(),
            "one": notices.len() == 1,
            "notices": views,
            "preferences_link": format!("{base}/account#reminders"),
        }),
    )
}
