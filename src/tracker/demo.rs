//! `serve --demo`: a demonstration data set for an empty register. Two real requests from
//! WhatDoTheyKnow with their real dates, and invented open ones with deadlines around today,
//! all recorded through the same use cases a researcher's form uses.

use chrono::{NaiveDate, NaiveDateTime};

use super::accounts::{self, UserInput};
use super::audit::Caller;
use super::events::{self, EventInput};
use super::holidays::CalendarStore;
use super::passwords;
use super::request_input::RequestInput;
use super::requests;
use crate::db::{self, authorities, requests as stored, DbConnection};
use crate::domain::calendar::{Calendar, CalendarKind};
use crate::domain::version::Expected;
use crate::error::AppError;

struct Demo {
    title: &'static str,
    authority: &'static str,
    regime: &'static str,
    via: &'static str,
    reference: Option<&'static str>,
    tags: &'static [&'static str],
    body: &'static str,
    /// (kind, date, details, outcome and grounds cited); the first is the date received.
    events: Vec<(&'static str, NaiveDate, &'static str, &'static str)>,
    /// The indicators it asks for: (indicator, from, to).
    asks: &'static [(&'static str, &'static str, &'static str)],
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("demonstration dates are written by hand")
}

/// The requests, with the invented ones dated `n` working days before today.
fn requests(calendar: &Calendar, today: NaiveDate) -> Vec<Demo> {
    let ago = |n: u32| {
        calendar
            .subtract_working_days(CalendarKind::Foia, today, n)
            .unwrap_or(today)
    };
    vec![
        Demo {
            title: "Potential victims in immigration detention, 2016 to 2018",
            authority: "Home Office",
            regime: "foia",
            via: "whatdotheyknow",
            reference: Some("52658"),
            tags: &["detention", "nrm", "d1"],
            body: "Please provide, for each year from 2016 to 2018, the number of people detained under immigration powers who had a positive reasonable grounds or conclusive grounds decision under the National Referral Mechanism, and how many confirmed victims were deported. (WhatDoTheyKnow request 558039.)",
            events: vec![
                ("received", date("2019-03-04"), "", ""),
                ("response", date("2019-04-24"), "507 people with a positive reasonable grounds decision on entering or during detention in 2018; 30 confirmed victims deported and 25 'opted to return', 2016 to mid-2019.", "granted"),
                ("closed", date("2019-05-02"), "Figures accepted; used in the coalition's briefing.", ""),
            ],
            asks: &[("D1.1", "2016-01-01", "2018-12-31"), ("D1.4", "2016-01-01", "2019-06-30")],
        },
        Demo {
            title: "Voluntary returns of potential victims after detention, 2018",
            authority: "Home Office",
            regime: "foia",
            via: "whatdotheyknow",
            reference: Some("54439"),
            tags: &["returns", "d1"],
            body: "Please state how many potential victims of trafficking made a voluntary return in 2018, and how many of them had been detained first. (WhatDoTheyKnow request 587648.)",
            events: vec![
                ("received", date("2019-07-07"), "", ""),
                ("response", date("2019-08-05"), "23 of 43 voluntary returns of potential victims happened after detention.", "granted"),
                ("closed", date("2019-08-20"), "", ""),
            ],
            asks: &[("D1.5", "2018-01-01", "2018-12-31")],
        },
        Demo {
            title: "Potential victims detained, by nationality and sex, last quarter",
            authority: "Home Office: Immigration Enforcement",
            regime: "foia",
            via: "email",
            reference: None,
            tags: &["detention", "quarterly", "d1"],
            body: "Please provide the number of people entering immigration detention in the last quarter who were potential or confirmed victims of modern slavery, by nationality and sex.",
            events: vec![("received", ago(16), "", ""), ("acknowledged", ago(15), "Acknowledged by the FOI team.", "")],
            asks: &[],
        },
        Demo {
            title: "Discretionary leave and temporary permission to stay for confirmed victims",
            authority: "Home Office: UK Visas and Immigration",
            regime: "foia",
            via: "email",
            reference: Some("FOI 81234"),
            tags: &["leave", "d1"],
            body: "Please provide, by quarter since 2023, applications, grants and refusals of temporary permission to stay for confirmed victims of modern slavery.",
            events: vec![("received", ago(26), "", "")],
            asks: &[("D1.6", "2025-01-01", "2025-12-31")],
        },
        Demo {
            title: "Safe-house places refused, delayed or replaced by asylum accommodation",
            authority: "Home Office",
            regime: "foia",
            via: "email",
            reference: Some("FOI 80911"),
            tags: &["support", "d2"],
            body: "Please provide, by quarter, the number of requests for safe-house accommodation under the Modern Slavery Victim Care Contract that were provided, refused, delayed, or met with asylum accommodation instead.",
            events: vec![
                ("received", ago(62), "", ""),
                ("response", ago(34), "Refused under s.12: the cost of compliance would exceed the appropriate limit.", "refused foia-s12-1"),
            ],
            asks: &[("D2.2", "2025-01-01", "2025-12-31")],
        },
        Demo {
            title: "NRM reconsiderations and their outcomes",
            authority: "Home Office",
            regime: "foia",
            via: "email",
            reference: Some("FOI 79002"),
            tags: &["nrm", "d1"],
            body: "Please provide the number of reconsideration requests of negative NRM decisions, by outcome and quarter.",
            events: vec![
                ("received", ago(90), "", ""),
                ("response", ago(70), "Refused under s.22: intended for future publication.", "refused foia-s22-1"),
                ("internal_review_requested", ago(60), "We dispute the s.22 refusal: no publication date was given.", ""),
                ("internal_review_response", ago(12), "Refusal upheld.", "upheld"),
            ],
            asks: &[("D1.8", "2024-01-01", "2024-12-31")],
        },
        Demo {
            title: "Victims detained after a positive reasonable grounds decision (ICO decision)",
            authority: "Home Office",
            regime: "foia",
            via: "email",
            reference: Some("FOI 75110"),
            tags: &["detention", "tribunal", "d1"],
            body: "Please provide the number of people detained after a positive reasonable grounds decision, by quarter.",
            events: vec![
                ("received", ago(160), "", ""),
                ("response", ago(140), "Refused under s.12.", "refused foia-s12-1"),
                ("internal_review_requested", ago(130), "", ""),
                ("internal_review_response", ago(110), "Upheld.", "upheld"),
                ("regulator_complaint", ago(100), "ICO case IC-000000-X0X0.", ""),
                ("regulator_decision", ago(8), "Complaint not upheld; we are considering an appeal.", "not_upheld"),
            ],
            asks: &[("D1.1", "2024-01-01", "2024-12-31")],
        },
        Demo {
            title: "Trafficking victims referred by Police Scotland",
            authority: "Police Scotland",
            regime: "foisa",
            via: "email",
            reference: None,
            tags: &["scotland", "nrm"],
            body: "Please provide the number of referrals of potential victims of trafficking made by Police Scotland, by year since 2020.",
            events: vec![
                ("received", ago(12), "", ""),
                ("clarification_requested", ago(6), "Asked whether we mean referrals to the NRM or to the Scottish Government's support services.", ""),
            ],
            asks: &[],
        },
        Demo {
            title: "Victims gone missing after referral, 2025",
            authority: "Home Office",
            regime: "foia",
            via: "email",
            reference: None,
            tags: &["d2", "missing"],
            body: "Please provide the number of potential or confirmed victims of modern slavery reported missing after referral to the NRM in 2025, by age band and nationality.",
            events: vec![],
            asks: &[("D2.5", "2025-01-01", "2025-12-31")],
        },
    ]
}

/// A figure of DEMANDS.md: indicator, value, from, to, breakdown, the source's definition,
/// how it compares, and its source: the demonstration request it answered (by position), or a
/// publication (title, publisher, date).
type DemoFigure = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Result<usize, (&'static str, &'static str, &'static str)>,
);

const HIDDEN_FUTURES: (&str, &str, &str) = ("Hidden Futures", "Coalition research, from FOI", "2020-02-01");
const BEHIND_BARS: (&str, &str, &str) = (
    "Survivors behind bars",
    "Coalition research, from FOI",
    "2021-03-01",
);

const FIGURES: &[DemoFigure] = &[
    (
        "D1.1",
        "410",
        "2017-01-01",
        "2017-12-31",
        "",
        "Potential victims of trafficking detained",
        "comparable",
        Err(HIDDEN_FUTURES),
    ),
    (
        "D1.1",
        "914",
        "2018-01-01",
        "2018-12-31",
        "",
        "People recognised as potential victims before, during or after detention",
        "comparable",
        Err(HIDDEN_FUTURES),
    ),
    (
        "D1.1",
        "1256",
        "2019-01-01",
        "2019-12-31",
        "",
        "Potential victims detained (some sources give 1 January to 30 September 2019)",
        "comparable",
        Err((
            "FOI answer reported in February 2020",
            "Home Office",
            "2020-02-01",
        )),
    ),
    (
        "D1.1",
        "507",
        "2018-01-01",
        "2018-12-31",
        "",
        "People with a positive reasonable grounds decision on entering or during detention",
        "different",
        Ok(0),
    ),
    (
        "D1.1",
        "225",
        "2017-01-01",
        "2017-12-31",
        "nrm stage=positive conclusive grounds",
        "Confirmed victims detained",
        "comparable",
        Err(HIDDEN_FUTURES),
    ),
    (
        "D1.1",
        "106",
        "2018-01-01",
        "2018-12-31",
        "nrm stage=positive conclusive grounds",
        "Confirmed victims detained",
        "comparable",
        Err(HIDDEN_FUTURES),
    ),
    (
        "D1.1",
        "42",
        "2019-01-01",
        "2019-12-31",
        "nrm stage=positive conclusive grounds",
        "Confirmed victims detained",
        "comparable",
        Err(HIDDEN_FUTURES),
    ),
    (
        "D1.1",
        "4102",
        "2019-01-01",
        "2020-09-30",
        "",
        "People referred to the NRM who were detained",
        "comparable",
        Err(BEHIND_BARS),
    ),
    (
        "D1.1",
        "3444",
        "2019-01-01",
        "2020-09-30",
        "sex=male",
        "People referred to the NRM who were detained",
        "comparable",
        Err(BEHIND_BARS),
    ),
    (
        "D1.1",
        "658",
        "2019-01-01",
        "2020-09-30",
        "sex=female",
        "People referred to the NRM who were detained",
        "comparable",
        Err(BEHIND_BARS),
    ),
    (
        "D1.5",
        "23",
        "2018-01-01",
        "2018-12-31",
        "detained first=yes",
        "Voluntary returns of potential victims that happened after detention",
        "matches",
        Ok(1),
    ),
    (
        "D1.5",
        "43",
        "2018-01-01",
        "2018-12-31",
        "",
        "Voluntary returns of potential victims",
        "matches",
        Ok(1),
    ),
    (
        "D1.4",
        "30",
        "2016-01-01",
        "2019-06-30",
        "",
        "Confirmed victims deported (25 more 'opted to return')",
        "comparable",
        Ok(0),
    ),
    (
        "D1.6",
        "129",
        "2014-01-01",
        "2014-12-31",
        "type of leave=discretionary leave",
        "Discretionary leave grants to confirmed victims",
        "matches",
        Err(("Parliamentary question 68451", "UK Parliament", "2017-03-20")),
    ),
    (
        "D1.6",
        "123",
        "2015-01-01",
        "2015-12-31",
        "type of leave=discretionary leave",
        "Discretionary leave grants to confirmed victims",
        "matches",
        Err(("Parliamentary question 68451", "UK Parliament", "2017-03-20")),
    ),
    (
        "D1.6",
        "132",
        "2016-01-01",
        "2016-12-31",
        "type of leave=discretionary leave",
        "Discretionary leave grants to confirmed victims",
        "matches",
        Err(("Parliamentary question 68451", "UK Parliament", "2017-03-20")),
    ),
    (
        "D2.5",
        "566",
        "2020-01-01",
        "2022-12-31",
        "",
        "Potential or confirmed victims missing after referral",
        "matches",
        Err(("FOI answer reported in the press", "Home Office", "2023-01-01")),
    ),
    (
        "D3.1",
        "2018",
        "2023-01-01",
        "2023-12-31",
        "",
        "Repeat referrals where the latest was in 2023",
        "matches",
        Err(("FOI answer", "Home Office", "2024-01-01")),
    ),
];

/// The figures of DEMANDS.md, entered by the coordinator and checked by the researcher.
fn figures(
    conn: &mut DbConnection,
    caller: &Caller,
    requests: &[i32],
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let researcher = accounts::user_by_email(conn, "demo-researcher@example.org")?;
    let checker = Caller::user(super::sessions::actor_of(&researcher), None);
    for (indicator, value, from, to, breakdown, definition, matching, source) in FIGURES {
        let mut input = super::figures::FigureInput {
            indicator_id: indicator.to_string(),
            value: value.to_string(),
            period_start: from.to_string(),
            period_end: to.to_string(),
            breakdown: breakdown.to_string(),
            definition: definition.to_string(),
            definition_match: matching.to_string(),
            ..Default::default()
        };
        match source {
            Ok(n) => {
                input.source_kind = "request".into();
                input.request_id = requests.get(*n).copied();
            }
            Err((title, publisher, date)) => {
                input.source_kind = "publication".into();
                input.publication_title = title.to_string();
                input.publisher = publisher.to_string();
                input.published_on = date.to_string();
            }
        }
        let figure = super::figures::add_figure(conn, caller, &input, now)?;
        super::figures::verify_figure(conn, &checker, figure.id, now)?;
    }
    Ok(())
}

pub const DEMO_ORGANISATION: &str = "Demo NGO";

/// A demonstration account to sign in with.
pub struct DemoAccount {
    pub email: String,
    pub role: &'static str,
    pub password: String,
}

/// Creates a demonstration administrator, coordinator and researcher, with new random passwords, unless
/// they exist already (then `None`: their passwords were printed when they were made).
pub fn accounts(
    conn: &mut DbConnection,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Option<Vec<DemoAccount>>, AppError> {
    let caller = Caller::command_line();
    db::write(conn, |conn| {
        if db::accounts::find_user_by_email(conn, "demo-admin@example.org")?.is_some() {
            return Ok(None);
        }
        let mut made = Vec::new();
        for (email, name, role) in [
            ("demo-admin@example.org", "Demo administrator", "admin"),
            ("demo-coordinator@example.org", "Demo coordinator", "coordinator"),
            ("demo-researcher@example.org", "Demo researcher", "researcher"),
        ] {
            let password: String = passwords::new_secret().chars().take(20).collect();
            let input = UserInput {
                email: email.into(),
                name: name.into(),
                organisation: DEMO_ORGANISATION.into(),
                role: role.into(),
                password: Some(password.clone()),
            };
            accounts::add_user(conn, &caller, &input, base_url, now)?;
            made.push(DemoAccount {
                email: email.into(),
                role,
                password,
            });
        }
        Ok(Some(made))
    })
}

/// Loads the demonstration requests into an empty register, filed by the demonstration
/// coordinator; returns how many were loaded.
pub fn load(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    if stored::count(conn)? > 0 {
        return Ok(0);
    }
    let coordinator = accounts::user_by_email(conn, "demo-coordinator@example.org")?;
    let caller = Caller::user(super::sessions::actor_of(&coordinator), None);
    let demos = requests(&*calendars.current(conn)?, today);
    let mut ids = Vec::new();
    for demo in &demos {
        let authority = authorities::find_by_name(conn, demo.authority)?.ok_or_else(|| {
            AppError::Internal(format!(
                "the demonstration needs the authority {}",
                demo.authority
            ))
        })?;
        let received = demo.events.first().map(|(_, date, ..)| date.to_string());
        let input = RequestInput {
            title: demo.title.into(),
            body: demo.body.into(),
            authority_id: Some(authority.id),
            regime: Some(demo.regime.into()),
            sent_via: Some(demo.via.into()),
            sent_on: received.clone(),
            received_on: received,
            reference: demo.reference.map(str::to_string),
            owner_id: Some(coordinator.id),
            tags: demo.tags.iter().map(|t| t.to_string()).collect(),
        };
        let id = requests::create(conn, calendars, &caller, today, &input, now)?;
        for (kind, date, details, outcome) in demo.events.iter().skip(1) {
            let mut words = outcome.split_whitespace();
            let event = EventInput {
                kind: kind.to_string(),
                occurred_on: date.to_string(),
                details: Some(details.to_string()).filter(|d| !d.is_empty()),
                outcome: words.next().map(str::to_string),
                grounds: words.map(str::to_string).collect(),
                public_interest_test: outcome.contains("foia-s22-1"),
                ..EventInput::default()
            };
            events::add(conn, calendars, &caller, today, id, &event, now)?;
        }
        let links: Vec<super::demands::LinkInput> = demo
            .asks
            .iter()
            .map(|(indicator, from, to)| super::demands::LinkInput {
                indicator_id: indicator.to_string(),
                from: from.to_string(),
                to: to.to_string(),
            })
            .collect();
        if !links.is_empty() {
            super::demands::link(conn, &caller, id, &links, &Expected::Any, now)?;
        }
        ids.push(id);
    }
    figures(conn, &caller, &ids, now)?;
    police_batch(conn, calendars, &caller, today, now)?;
    Ok(demos.len())
}

/// The same question to every police force of the UK, received 30 working days ago: most
/// forces have answered (releasing, refusing on cost, or not holding it), some only
/// acknowledged it, some said nothing; Police Scotland refused under FOISA, late.
fn police_batch(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(group) = db::authority_groups::find_by_name(conn, "Police forces of the United Kingdom")? else {
        return Ok(());
    };
    let calendar = calendars.current(conn)?;
    let after = |from: NaiveDate, n: u32| {
        calendar
            .add_working_days(CalendarKind::Foia, from, n)
            .unwrap_or(from)
    };
    let sent = calendar
        .subtract_working_days(CalendarKind::Foia, today, 30)
        .unwrap_or(today);
    let input = super::batches::BatchInput {
        title: "Modern slavery referrals by police force, 2025".into(),
        body: "Please tell me, for 2025, how many referrals to the National Referral Mechanism your force made as a first responder, and how many of the people referred were arrested or charged in connection with the exploitation they reported.".into(),
        group_id: Some(group.id),
        sent_via: Some("email".into()),
        sent_on: Some(sent.to_string()),
        tags: vec!["police".into(), "nrm".into()],
        ..Default::default()
    };
    let id = super::batches::create(conn, calendars, caller, today, &input, now)?;
    let batch = super::batches::read(conn, caller, today, id)?;
    for (i, member) in batch.members.iter().enumerate() {
        let scotland = member.authority.name == "Police Scotland";
        let (kind, on, outcome) = match i % 9 {
            _ if scotland => ("response", after(sent, 24), "refused foisa-s12-1"),
            0..=3 => ("response", after(sent, 12), "granted"),
            4 | 5 => ("response", after(sent, 18), "refused foia-s12-1"),
            6 => ("response", after(sent, 15), "not_held"),
            7 => ("acknowledged", after(sent, 1), ""),
            _ => continue,
        };
        let mut words = outcome.split_whitespace();
        let event = EventInput {
            kind: kind.into(),
            occurred_on: on.to_string(),
            outcome: words.next().map(str::to_string),
            grounds: words.map(str::to_string).collect(),
            ..EventInput::default()
        };
        events::add(conn, calendars, caller, today, member.request_id, &event, now)?;
    }
    Ok(())
}
