//! `serve --demo`: a demonstration data set for an empty register. Two real requests from
//! WhatDoTheyKnow with their real dates, and invented open ones with deadlines around today,
//! all recorded through the same use cases a researcher's form uses.

use chrono::{NaiveDate, NaiveDateTime};

use super::accounts::{self, UserInput};
use super::audit::Caller;
use super::events::{self, EventInput};
use super::holidays::CalendarStore;
use super::requests::{self, RequestInput};
use crate::db::{self, authorities, requests as stored, DbConnection};
use crate::domain::calendar::{Calendar, CalendarKind};
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
        },
    ]
}

pub const DEMO_ORGANISATION: &str = "Demo NGO";

/// A demonstration account to sign in with.
pub struct DemoAccount {
    pub email: String,
    pub role: &'static str,
    pub password: String,
}

/// Creates a demonstration administrator and coordinator, with new random passwords, unless
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
        ] {
            let password: String = accounts::new_secret().chars().take(20).collect();
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
    }
    Ok(demos.len())
}
