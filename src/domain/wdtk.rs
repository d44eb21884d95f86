//! WhatDoTheyKnow (or any Alaveteli site) as foi-tracker reads it: the address a person pastes,
//! the request's public JSON, and what its events become on foi-tracker's timeline.
//!
//! Alaveteli says what a reply was only in the words its requester chose (`described_state`),
//! and not at all for a reply nobody described: such a reply is left for a person to classify
//! rather than guessed, since every deadline after it depends on what it was.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::regime::Regime;
use super::response::Outcome;
use super::timeline::EventKind;

/// The largest answer read: a request with hundreds of events is well under 1 MiB.
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
/// The most events a request may have; more is not a request but a mistake or an attack.
pub const MAX_EVENTS: usize = 2_000;
const MAX_URL_TITLE: usize = 255;
const MAX_TITLE: usize = 200;

/// Which request a person means: Alaveteli's name for it in its address, or its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reference {
    UrlTitle(String),
    Number(i64),
}

impl Reference {
    /// The path of the request's JSON on the site.
    pub fn json_path(&self) -> String {
        match self {
            Reference::UrlTitle(title) => format!("/request/{title}.json"),
            Reference::Number(number) => format!("/request/{number}.json"),
        }
    }
}

fn is_url_title(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_URL_TITLE
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// The request a pasted address (`https://…/request/<url_title>`, with or without a page
/// after it) or number names, on the site at `base`. An address on another site is refused:
/// the same name there is another request.
pub fn reference(input: &str, base: &url::Url) -> Result<Reference, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("Paste the address of a WhatDoTheyKnow request, or its number".into());
    }
    if let Ok(number) = input.parse::<i64>() {
        return match number > 0 {
            true => Ok(Reference::Number(number)),
            false => Err("A request's number is a whole number above 0".into()),
        };
    }
    let not_a_request = || {
        format!(
            "\"{}\" is not the address of a request: it looks like {}/request/name_of_the_request",
            super::text::quoted(input, 100),
            base.as_str().trim_end_matches('/')
        )
    };
    let pasted = url::Url::parse(input).map_err(|_| not_a_request())?;
    if !matches!(pasted.scheme(), "http" | "https") {
        return Err(not_a_request());
    }
    let host = |u: &url::Url| {
        u.host_str()
            .map(|h| h.trim_start_matches("www.").to_ascii_lowercase())
    };
    // http:// or https://, with or without www.: the same site; a port only where the site
    // itself is named with one.
    if host(&pasted) != host(base) || (base.port().is_some() && pasted.port() != base.port()) {
        return Err(format!(
            "This register reads requests from {}; that address is on another site",
            base.as_str().trim_end_matches('/')
        ));
    }
    let mut segments = pasted.path_segments().ok_or_else(not_a_request)?;
    // Alaveteli serves its pages in other languages under a locale: /cy/request/…
    let mut first = segments.next().unwrap_or_default();
    if first != "request" && first.len() <= 5 && !first.is_empty() {
        first = segments.next().unwrap_or_default();
    }
    let title = segments.next().unwrap_or_default();
    let title = title.strip_suffix(".json").unwrap_or(title);
    if first != "request" {
        return Err(not_a_request());
    }
    if let Ok(number) = title.parse::<i64>() {
        if number > 0 {
            return Ok(Reference::Number(number));
        }
    }
    match is_url_title(title) {
        true => Ok(Reference::UrlTitle(title.to_string())),
        false => Err(not_a_request()),
    }
}

/// A request as Alaveteli's read API gives it; fields foi-tracker does not use are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct WdtkRequest {
    pub id: i64,
    pub url_title: String,
    pub title: String,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: Option<DateTime<FixedOffset>>,
    pub described_state: Option<String>,
    pub display_status: Option<String>,
    pub awaiting_description: Option<bool>,
    pub prominence: Option<String>,
    pub law_used: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub public_body: PublicBody,
    #[serde(deserialize_with = "at_most_max_events")]
    pub info_request_events: Vec<WdtkEvent>,
}

/// A tag, `[name, value]`, the value often null.
#[derive(Debug, Clone, Deserialize)]
pub struct Tag(pub String, pub Option<serde_json::Value>);

#[derive(Debug, Clone, Deserialize)]
pub struct PublicBody {
    pub name: String,
    pub url_name: Option<String>,
    pub short_name: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

impl PublicBody {
    /// Whether WhatDoTheyKnow files the body as Scottish: the law used then is Scotland's.
    pub fn tagged_scottish(&self) -> bool {
        self.tags
            .iter()
            .any(|Tag(name, _)| matches!(name.as_str(), "scotland" | "scottish" | "foi_scotland"))
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct WdtkEvent {
    pub id: i64,
    pub event_type: String,
    pub created_at: DateTime<FixedOffset>,
    pub described_state: Option<String>,
    pub calculated_state: Option<String>,
    pub last_described_at: Option<DateTime<FixedOffset>>,
    pub incoming_message_id: Option<i64>,
    pub outgoing_message_id: Option<i64>,
    pub display_status: Option<String>,
}

/// Refuses a list of events longer than [`MAX_EVENTS`] as it is read, before it is kept.
fn at_most_max_events<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<WdtkEvent>, D::Error> {
    struct Bounded;
    impl<'de> Visitor<'de> for Bounded {
        type Value = Vec<WdtkEvent>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a list of at most {MAX_EVENTS} events")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut events = Vec::new();
            while let Some(event) = seq.next_element::<WdtkEvent>()? {
                if events.len() == MAX_EVENTS {
                    return Err(de::Error::custom(format!("more than {MAX_EVENTS} events")));
                }
                events.push(event);
            }
            Ok(events)
        }
    }
    deserializer.deserialize_seq(Bounded)
}

/// The request in `body`, or why it is not one (the body's size is checked first).
pub fn parse(body: &[u8]) -> Result<WdtkRequest, String> {
    if body.len() > MAX_BODY_BYTES {
        return Err(format!("the answer is over {MAX_BODY_BYTES} bytes"));
    }
    let request: WdtkRequest =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not a request's JSON: {e}"))?;
    if request.id <= 0 {
        return Err("the answer's request has no id".into());
    }
    if !is_url_title(&request.url_title) {
        return Err("the answer's request has no usable url_title".into());
    }
    if request.title.trim().is_empty() || request.public_body.name.trim().is_empty() {
        return Err("the answer's request has no title or no authority".into());
    }
    Ok(request)
}

/// The law a request is counted under. Alaveteli records only `foi` or `eir`, even for a
/// Scottish authority, so the authority decides which nation's law that is.
pub fn regime(law_used: Option<&str>, scottish_authority: bool) -> Regime {
    match (law_used.map(str::trim), scottish_authority) {
        (Some("eir"), true) => Regime::Eisr,
        (Some("eir"), false) => Regime::Eir,
        (_, true) => Regime::Foisa,
        (_, false) => Regime::Foia,
    }
}

/// The instant in UTC, as the database stores instants, and its date in London, where
/// statutory days are counted.
pub fn instant(at: DateTime<FixedOffset>) -> (NaiveDateTime, NaiveDate) {
    let utc = at.naive_utc();
    let london = at.with_timezone(&chrono_tz::Europe::London).date_naive();
    (utc, london)
}

/// What a WhatDoTheyKnow event becomes here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// An event on the timeline; a response with its outcome where the requester described it.
    Record {
        kind: EventKind,
        outcome: Option<Outcome>,
        details: String,
    },
    /// A reply whose meaning the site does not tell: a person says what it is.
    Classify { subject: String },
    /// Nothing for the timeline: a comment, an edit, a description read with its reply.
    Ignore,
}

impl Action {
    /// The word stored for it: the event's kind, `to_classify` or `ignored`.
    pub fn word(&self) -> String {
        match self {
            Action::Record { kind, .. } => kind.to_string(),
            Action::Classify { .. } => "to_classify".into(),
            Action::Ignore => "ignored".into(),
        }
    }
}

/// One WhatDoTheyKnow event, as it maps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    pub wdtk_event_id: i64,
    pub event_type: String,
    /// The state it was read with (the requester's description), if any.
    pub state: Option<String>,
    /// When it happened, in UTC.
    pub at: NaiveDateTime,
    /// The date it counts from, in London.
    pub date: NaiveDate,
    pub action: Action,
}

/// The states that say what a reply was, and what they make of it.
fn reply(state: &str) -> Option<(EventKind, Option<Outcome>, &'static str)> {
    Some(match state {
        "waiting_clarification" => (
            EventKind::ClarificationRequested,
            None,
            "The authority asked for clarification",
        ),
        "rejected" => (
            EventKind::Response,
            Some(Outcome::Refused),
            "Refused, as described on WhatDoTheyKnow (the grounds are not recorded there)",
        ),
        "not_held" => (
            EventKind::Response,
            Some(Outcome::NotHeld),
            "Information not held, as described on WhatDoTheyKnow",
        ),
        "successful" => (
            EventKind::Response,
            Some(Outcome::Granted),
            "Granted, as described on WhatDoTheyKnow",
        ),
        "partially_successful" => (
            EventKind::Response,
            Some(Outcome::PartlyGranted),
            "Partly granted, as described on WhatDoTheyKnow (the grounds are not recorded there)",
        ),
        _ => return None,
    })
}

/// Whether the event is a message between requester and authority, which ends the run of
/// status updates that describe the message before it.
fn is_message(event_type: &str) -> bool {
    matches!(
        event_type,
        "sent" | "resent" | "followup_sent" | "followup_resent" | "response"
    )
}

/// The state the requester gave a message: on the event itself, or on the status updates
/// that follow it before the next message.
fn described(events: &[&WdtkEvent], i: usize) -> Option<String> {
    let own = events[i].described_state.clone().filter(|s| !s.is_empty());
    own.or_else(|| {
        events[i + 1..]
            .iter()
            .take_while(|e| !is_message(&e.event_type))
            .filter(|e| e.event_type == "status_update")
            .find_map(|e| e.described_state.clone().filter(|s| !s.is_empty()))
    })
}

fn label(state: &str) -> String {
    state.replace('_', " ")
}

/// Every event of `request`, in the order they happened, as each maps to foi-tracker. The
/// first `sent` is the date sent and received; a later `resent` moves the date of receipt
/// (the request reached the right address only then).
pub fn plan(request: &WdtkRequest) -> Vec<Planned> {
    let mut events: Vec<&WdtkEvent> = request.info_request_events.iter().collect();
    events.sort_by_key(|e| (e.created_at.naive_utc(), e.id));
    let mut planned: Vec<Planned> = Vec::with_capacity(events.len());
    let mut received: Option<usize> = None;
    let mut last_reply_state: Option<String> = None;
    let mut in_review = false;
    let mut withdrawn = false;
    for i in 0..events.len() {
        let event = events[i];
        let (at, date) = instant(event.created_at);
        let mut state = None;
        let action = match event.event_type.as_str() {
            "sent" if received.is_none() => {
                received = Some(planned.len());
                Action::Record {
                    kind: EventKind::Received,
                    outcome: None,
                    details: "Sent on WhatDoTheyKnow".into(),
                }
            }
            "resent" => {
                if let Some(r) = received {
                    planned[r].at = at;
                    planned[r].date = date;
                    planned[r].action = Action::Record {
                        kind: EventKind::Received,
                        outcome: None,
                        details: format!(
                            "Sent on WhatDoTheyKnow; resent on {date}, which counts as received"
                        ),
                    };
                }
                Action::Ignore
            }
            "response" => {
                state = described(&events, i);
                let action = match (state.as_deref().and_then(reply), in_review) {
                    (Some((kind, outcome, details)), false) => Action::Record {
                        kind,
                        outcome,
                        details: details.into(),
                    },
                    // Whether a review upheld the answer is not a state Alaveteli has.
                    _ => Action::Classify {
                        subject: match &state {
                            Some(s) => {
                                format!("Reply on WhatDoTheyKnow, described there as \"{}\"", label(s))
                            }
                            None => "Reply on WhatDoTheyKnow, not yet described there".into(),
                        },
                    },
                };
                last_reply_state = state.clone();
                action
            }
            "followup_sent" => {
                state = described(&events, i).or_else(|| event.calculated_state.clone());
                if state.as_deref() == Some("internal_review") && !in_review {
                    in_review = true;
                    Action::Record {
                        kind: EventKind::InternalReviewRequested,
                        outcome: None,
                        details: "Internal review requested on WhatDoTheyKnow".into(),
                    }
                } else if last_reply_state.as_deref() == Some("waiting_clarification") {
                    last_reply_state = None;
                    Action::Record {
                        kind: EventKind::ClarificationProvided,
                        outcome: None,
                        details: "Clarification sent on WhatDoTheyKnow".into(),
                    }
                } else {
                    Action::Ignore
                }
            }
            "status_update" if event.described_state.as_deref() == Some("user_withdrawn") && !withdrawn => {
                withdrawn = true;
                state = event.described_state.clone();
                Action::Record {
                    kind: EventKind::Withdrawn,
                    outcome: None,
                    details: "Withdrawn on WhatDoTheyKnow".into(),
                }
            }
            _ => Action::Ignore,
        };
        planned.push(Planned {
            wdtk_event_id: event.id,
            event_type: event.event_type.clone(),
            state,
            at,
            date,
            action,
        });
    }
    planned
}

/// `text` as one line of at most `max` characters: whitespace and control characters, which
/// a one-line field refuses, become single spaces.
pub fn one_line(text: &str, max: usize) -> String {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control() || super::text::is_direction_control(c))
        .filter(|w| !w.is_empty())
        .collect();
    words.join(" ").chars().take(max).collect()
}

/// A WhatDoTheyKnow title as a request's title here.
pub fn title(request: &WdtkRequest) -> String {
    one_line(&request.title, MAX_TITLE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> url::Url {
        url::Url::parse("https://www.whatdotheyknow.com").unwrap()
    }

    #[test]
    fn addresses_and_numbers_name_requests() {
        let title = |t: &str| Ok(Reference::UrlTitle(t.into()));
        assert_eq!(
            reference(
                "https://www.whatdotheyknow.com/request/trafficking_outcomes",
                &base()
            ),
            title("trafficking_outcomes")
        );
        assert_eq!(
            reference(
                " https://whatdotheyknow.com/request/trafficking_outcomes_2#incoming-1 ",
                &base()
            ),
            title("trafficking_outcomes_2")
        );
        assert_eq!(
            reference(
                "https://www.whatdotheyknow.com/cy/request/nrm_data/response/123",
                &base()
            ),
            title("nrm_data")
        );
        assert_eq!(
            reference("http://www.whatdotheyknow.com/request/nrm_data", &base()),
            title("nrm_data")
        );
        assert_eq!(reference("558039", &base()), Ok(Reference::Number(558039)));
        assert_eq!(
            reference("https://www.whatdotheyknow.com/request/558039", &base()),
            Ok(Reference::Number(558039))
        );
        assert!(reference("", &base()).is_err());
        assert!(reference("-3", &base()).is_err());
        assert!(reference("https://www.whatdotheyknow.com/body/home_office", &base()).is_err());
        assert!(reference("https://www.whatdotheyknow.com/request/Bad%20Name", &base()).is_err());
        assert!(reference("ftp://www.whatdotheyknow.com/request/x", &base()).is_err());
        let elsewhere = reference("https://www.asktheeu.org/request/x", &base()).unwrap_err();
        assert!(elsewhere.contains("another site"), "{elsewhere}");
        assert_eq!(Reference::UrlTitle("x".into()).json_path(), "/request/x.json");
    }

    fn event(id: i64, event_type: &str, at: &str, state: Option<&str>) -> serde_json::Value {
        json!({"id": id, "event_type": event_type, "created_at": at, "described_state": state,
            "calculated_state": state, "last_described_at": null, "incoming_message_id": null,
            "outgoing_message_id": null, "display_status": "normal", "snippet": "ignored"})
    }

    fn request(events: Vec<serde_json::Value>, law: &str, body_tags: serde_json::Value) -> WdtkRequest {
        let body = json!({"id": 558039, "url_title": "nrm_outcomes", "title": "NRM outcomes",
            "created_at": "2026-01-05T10:00:00+00:00", "updated_at": "2026-03-01T10:00:00+00:00",
            "described_state": "successful", "display_status": "Successful", "awaiting_description": false,
            "prominence": "normal", "law_used": law, "tags": [["nrm", null], ["quarter", "2025q4"]],
            "user": {"id": 1, "name": "A Researcher", "url_name": "a_researcher"},
            "public_body": {"id": 7, "name": "Home Office", "url_name": "home_office", "short_name": "HO",
                "tags": body_tags, "created_at": "2008-01-01T00:00:00+00:00"},
            "info_request_events": events});
        parse(body.to_string().as_bytes()).unwrap()
    }

    fn kinds(planned: &[Planned]) -> Vec<(String, NaiveDate)> {
        planned
            .iter()
            .filter(|p| p.action != Action::Ignore)
            .map(|p| (p.action.word(), p.date))
            .collect()
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_whole_history_maps_to_its_events() {
        let r = request(
            vec![
                event(1, "sent", "2026-01-05T10:00:00+00:00", None),
                event(2, "response", "2026-01-12T09:00:00+00:00", None),
                event(
                    3,
                    "status_update",
                    "2026-01-12T10:00:00+00:00",
                    Some("waiting_clarification"),
                ),
                event(4, "followup_sent", "2026-01-14T10:00:00+00:00", None),
                event(5, "comment", "2026-01-15T10:00:00+00:00", None),
                event(6, "response", "2026-02-09T16:00:00+00:00", Some("rejected")),
                event(
                    7,
                    "followup_sent",
                    "2026-02-10T10:00:00+00:00",
                    Some("internal_review"),
                ),
                event(8, "response", "2026-03-01T10:00:00+00:00", None),
                event(
                    9,
                    "status_update",
                    "2026-03-01T11:00:00+00:00",
                    Some("successful"),
                ),
            ],
            "foi",
            json!([]),
        );
        let planned = plan(&r);
        assert_eq!(
            kinds(&planned),
            vec![
                ("received".into(), d("2026-01-05")),
                ("clarification_requested".into(), d("2026-01-12")),
                ("clarification_provided".into(), d("2026-01-14")),
                ("response".into(), d("2026-02-09")),
                ("internal_review_requested".into(), d("2026-02-10")),
                ("to_classify".into(), d("2026-03-01")),
            ]
        );
        let refusal = &planned[5];
        assert_eq!(refusal.state.as_deref(), Some("rejected"));
        assert!(matches!(
            refusal.action,
            Action::Record {
                outcome: Some(Outcome::Refused),
                ..
            }
        ));
        assert_eq!(
            planned[7].action,
            Action::Classify {
                subject: "Reply on WhatDoTheyKnow, described there as \"successful\"".into()
            }
        );
        assert_eq!(
            regime(r.law_used.as_deref(), r.public_body.tagged_scottish()),
            Regime::Foia
        );
    }

    #[test]
    fn dates_are_london_dates_of_the_instant() {
        let r = request(
            vec![
                // 23:30 GMT in winter is that day in London.
                event(1, "sent", "2026-01-15T23:30:00+00:00", None),
                // 23:30 UTC in summer is 00:30 the next day in London.
                event(2, "response", "2026-04-01T23:30:00Z", Some("successful")),
                // Given in BST just after midnight: still that day.
                event(
                    3,
                    "followup_sent",
                    "2026-04-03T00:10:00+01:00",
                    Some("internal_review"),
                ),
                // The clocks went forward at 01:00 GMT on 29 March 2026.
                event(
                    4,
                    "response",
                    "2026-03-28T23:59:59+00:00",
                    Some("waiting_clarification"),
                ),
            ],
            "foi",
            json!([]),
        );
        let planned = plan(&r);
        let dates: Vec<(i64, NaiveDate)> = planned.iter().map(|p| (p.wdtk_event_id, p.date)).collect();
        assert_eq!(
            dates,
            vec![
                (1, d("2026-01-15")),
                (4, d("2026-03-28")),
                (2, d("2026-04-02")),
                (3, d("2026-04-03")),
            ]
        );
        assert_eq!(planned[2].at.to_string(), "2026-04-01 23:30:00");
    }

    #[test]
    fn a_resent_request_is_received_when_resent() {
        let r = request(
            vec![
                event(1, "sent", "2026-01-05T10:00:00+00:00", None),
                event(2, "resent", "2026-01-20T10:00:00+00:00", None),
                event(3, "response", "2026-02-10T10:00:00+00:00", Some("not_held")),
            ],
            "foi",
            json!([]),
        );
        let planned = plan(&r);
        assert_eq!(
            kinds(&planned),
            vec![
                ("received".into(), d("2026-01-20")),
                ("response".into(), d("2026-02-10"))
            ]
        );
        assert_eq!(planned[0].wdtk_event_id, 1, "the receipt stays the sent event's");
    }

    #[test]
    fn scottish_authorities_count_under_scottish_law() {
        let r = request(vec![], "foi", json!([["scotland", null]]));
        assert!(r.public_body.tagged_scottish());
        assert_eq!(regime(Some("foi"), true), Regime::Foisa);
        assert_eq!(regime(Some("eir"), true), Regime::Eisr);
        assert_eq!(regime(Some("eir"), false), Regime::Eir);
        assert_eq!(regime(None, false), Regime::Foia);
    }

    #[test]
    fn undescribed_and_unknown_replies_wait_for_a_person() {
        let r = request(
            vec![
                event(1, "sent", "2026-01-05T10:00:00+00:00", None),
                event(2, "response", "2026-01-06T10:00:00+00:00", None),
                event(3, "response", "2026-01-07T10:00:00+00:00", Some("gone_postal")),
                event(4, "followup_sent", "2026-01-08T10:00:00+00:00", None),
                event(
                    5,
                    "status_update",
                    "2026-01-09T10:00:00+00:00",
                    Some("user_withdrawn"),
                ),
            ],
            "foi",
            json!([]),
        );
        assert_eq!(
            kinds(&plan(&r)),
            vec![
                ("received".into(), d("2026-01-05")),
                ("to_classify".into(), d("2026-01-06")),
                ("to_classify".into(), d("2026-01-07")),
                ("withdrawn".into(), d("2026-01-09")),
            ]
        );
    }

    #[test]
    fn nonsense_is_refused_with_a_reason() {
        assert!(parse(b"<html>Down for maintenance</html>")
            .unwrap_err()
            .contains("not a request's JSON"));
        assert!(parse(b"{\"id\": 1}").is_err());
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(parse(&huge).unwrap_err().contains("over"));
        let no_offset = json!({"id": 1, "url_title": "x", "title": "t", "created_at": "2026-01-05 10:00:00",
            "public_body": {"name": "Home Office"}, "info_request_events": []});
        assert!(
            parse(no_offset.to_string().as_bytes()).is_err(),
            "a time without an offset is not read as UTC"
        );
        let many: Vec<serde_json::Value> = (0..=MAX_EVENTS as i64)
            .map(|i| event(i + 1, "comment", "2026-01-05T10:00:00+00:00", None))
            .collect();
        let body = json!({"id": 1, "url_title": "x", "title": "t", "created_at": "2026-01-05T10:00:00Z",
            "public_body": {"name": "Home Office"}, "info_request_events": many});
        assert!(parse(body.to_string().as_bytes())
            .unwrap_err()
            .contains("more than"));
    }
}
