//! The access regimes and their time limits, as DEADLINES.md states them, each with its source.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::calendar::{Calendar, CalendarError, CalendarKind, SkippedDay};

closed_enum! {
    /// The law a request is made under.
    pub enum Regime {
        /// Freedom of Information Act 2000.
        Foia,
        /// Environmental Information Regulations 2004.
        Eir,
        /// Freedom of Information (Scotland) Act 2002.
        Foisa,
        /// Environmental Information (Scotland) Regulations 2004.
        Eisr,
        /// A subject access request under UK GDPR Art. 15.
        Sar,
    }
}

/// How a time limit is measured from its starting day (day 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// The nth working day after the start.
    WorkingDays(u32),
    /// n calendar days after the start; `roll` moves a non-working day to the next working day.
    Days { days: u64, roll: bool },
    /// The corresponding date n months later, or the month's last day if there is none.
    MonthsAfter { months: u32, roll: bool },
    /// A period of n months beginning with the start: it ends the day before the corresponding date.
    MonthsBeginningWith(u32),
}

/// One time limit: how it is measured, in which calendar, what it says and where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub period: Period,
    pub calendar: CalendarKind,
    /// The rule in words, completing "Due …", e.g. "on the 20th working day after receipt".
    pub text: &'static str,
    pub source: &'static str,
    /// False where the limit is a regulator's norm ("should"), not the law ("must").
    pub statutory: bool,
}

/// How an authority may add a requester's requests together for the cost limit: which
/// requests (of the same law, to the same authority, sent within `working_days` of each other)
/// and on what terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Aggregation {
    pub working_days: u32,
    #[serde(skip)]
    pub calendar: CalendarKind,
    /// What the authority may do, for the warning shown beside the requests.
    pub text: &'static str,
    pub source: &'static str,
}

/// A due date with the non-working days that moved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    pub due: NaiveDate,
    pub skipped: Vec<SkippedDay>,
}

impl Rule {
    /// The due date counted from `from`, with `extra_days` calendar days of pause added before
    /// any move to a working day (UK GDPR Art. 12A).
    pub fn apply(
        &self,
        calendar: &Calendar,
        from: NaiveDate,
        extra_days: u64,
    ) -> Result<Computed, CalendarError> {
        let raw = match self.period {
            Period::WorkingDays(n) => {
                let due = calendar.add_working_days(self.calendar, from, n)?;
                let skipped = calendar.holidays_between(self.calendar, from, due);
                return Ok(Computed { due, skipped });
            }
            Period::Days { days, .. } => from.checked_add_days(Days::new(days)),
            Period::MonthsAfter { months, .. } => from.checked_add_months(Months::new(months)),
            Period::MonthsBeginningWith(months) => months_beginning_with(from, months),
        }
        .and_then(|d| d.checked_add_days(Days::new(extra_days)))
        .ok_or(CalendarError::OutOfRange(from))?;
        let roll = matches!(
            self.period,
            Period::Days { roll: true, .. } | Period::MonthsAfter { roll: true, .. }
        );
        if !roll {
            calendar.is_working_day(self.calendar, raw)?;
            return Ok(Computed {
                due: raw,
                skipped: Vec::new(),
            });
        }
        let due = calendar.working_day_on_or_after(self.calendar, raw)?;
        let skipped = if due > raw {
            calendar.non_working_days(self.calendar, raw, due.pred_opt().unwrap_or(due))
        } else {
            Vec::new()
        };
        Ok(Computed { due, skipped })
    }
}

fn months_beginning_with(from: NaiveDate, months: u32) -> Option<NaiveDate> {
    let same_day = from.checked_add_months(Months::new(months))?;
    if same_day.day() < from.day() {
        // No corresponding date (30 November + 3 months): the period runs to the month's end.
        Some(same_day)
    } else {
        same_day.pred_opt()
    }
}

const fn rule(period: Period, calendar: CalendarKind, text: &'static str, source: &'static str) -> Rule {
    Rule {
        period,
        calendar,
        text,
        source,
        statutory: true,
    }
}

const fn norm(period: Period, calendar: CalendarKind, text: &'static str, source: &'static str) -> Rule {
    Rule {
        period,
        calendar,
        text,
        source,
        statutory: false,
    }
}

use CalendarKind::{EnglandAndWales as EW, Foia as UK, Scotland as SCOT};
use Period::{Days as D, MonthsAfter as M, MonthsBeginningWith as MB, WorkingDays as WD};

impl Regime {
    pub fn name(self) -> &'static str {
        match self {
            Regime::Foia => "Freedom of Information Act 2000",
            Regime::Eir => "Environmental Information Regulations 2004",
            Regime::Foisa => "Freedom of Information (Scotland) Act 2002",
            Regime::Eisr => "Environmental Information (Scotland) Regulations 2004",
            Regime::Sar => "UK GDPR subject access request",
        }
    }

    pub fn short_name(self) -> &'static str {
        match self {
            Regime::Foia => "FOIA",
            Regime::Eir => "EIR",
            Regime::Foisa => "FOISA",
            Regime::Eisr => "EI(S)R",
            Regime::Sar => "SAR",
        }
    }

    /// The calendar the authority's working days are counted in.
    pub fn calendar(self) -> CalendarKind {
        match self {
            Regime::Foisa | Regime::Eisr => SCOT,
            Regime::Foia | Regime::Eir | Regime::Sar => UK,
        }
    }

    /// Working days from an authority's missed date to `today`: every authority's deadline
    /// under a regime counts on the regime's calendar.
    pub fn working_days_late(
        self,
        calendar: &Calendar,
        due: NaiveDate,
        today: NaiveDate,
    ) -> Result<i64, CalendarError> {
        calendar.working_days_between(self.calendar(), due, today)
    }

    pub fn is_scottish(self) -> bool {
        matches!(self, Regime::Foisa | Regime::Eisr)
    }

    pub fn regulator(self) -> &'static str {
        if self.is_scottish() {
            "the Scottish Information Commissioner"
        } else {
            "the Information Commissioner (ICO)"
        }
    }

    /// Where the law stops the clock for clarification.
    pub fn clarification_source(self) -> &'static str {
        match self {
            Regime::Foia => "FOIA s.1(3), s.10(6)(b); ICO LTT137",
            Regime::Eir => "EIR reg 9(2), (4)",
            Regime::Foisa => "FOISA s.1(3)",
            Regime::Eisr => "EI(S)R reg 9(2), (3)",
            Regime::Sar => "UK GDPR Art. 12A",
        }
    }

    /// Where the law disregards the days a fee is awaited.
    pub fn fee_pause_source(self) -> &'static str {
        match self {
            Regime::Foia => "FOIA s.10(2)",
            Regime::Eir => "EIR reg 8(5), (6)",
            Regime::Foisa => "FOISA s.10(2)",
            Regime::Eisr => "EI(S)R reg 8",
            Regime::Sar => "ICO guidance on fees",
        }
    }

    /// The first answer: from receipt, or from the receipt of a clarification.
    pub fn response(self) -> Rule {
        match self {
            Regime::Foia => rule(WD(20), UK, "on the 20th working day after receipt", "FOIA s.10(1)"),
            Regime::Eir => rule(WD(20), UK, "on the 20th working day after receipt", "EIR reg 5(2)"),
            Regime::Foisa => rule(WD(20), SCOT, "on the 20th working day after receipt", "FOISA s.10(1)"),
            Regime::Eisr => rule(WD(20), SCOT, "on the 20th working day after receipt", "EI(S)R reg 5(2)(a)"),
            Regime::Sar => rule(
                M { months: 1, roll: true },
                UK,
                "on the corresponding date in the next month (the month's last day if there is none), moved to the next working day",
                "UK GDPR Art. 12(3); ICO guidance on time limits",
            ),
        }
    }

    /// The response after an extension; `None` where the law allows none (FOISA).
    pub fn extended_response(self) -> Option<Rule> {
        Some(match self {
            Regime::Foia => rule(
                WD(40),
                UK,
                "on the 40th working day after receipt unless the authority gave a date: the ICO's norm for a public interest extension",
                "FOIA s.10(3), s.17(2); ICO guidance",
            ),
            Regime::Eir => rule(
                WD(40),
                UK,
                "on the 40th working day after receipt, for a complex and voluminous request",
                "EIR reg 7(1)",
            ),
            Regime::Eisr => rule(
                WD(40),
                SCOT,
                "on the 40th working day after receipt, for a complex and voluminous request",
                "EI(S)R reg 7(1)",
            ),
            Regime::Sar => rule(
                M { months: 3, roll: true },
                UK,
                "on the corresponding date three months after the start date, moved to the next working day",
                "UK GDPR Art. 12(3)",
            ),
            Regime::Foisa => return None,
        })
    }

    /// The requester's time to pay a fee before the request lapses; `None` for a SAR, where
    /// the clock simply starts when the fee arrives.
    pub fn fee_payment(self) -> Option<Rule> {
        Some(match self {
            Regime::Foia => rule(
                MB(3),
                UK,
                "at the end of three months beginning with the day the fees notice was given; unpaid, the request lapses",
                "FOIA s.9(2)",
            ),
            Regime::Eir => rule(
                WD(60),
                UK,
                "on the 60th working day after the charge was notified; unpaid, the request lapses",
                "EIR reg 8(5), (6)",
            ),
            Regime::Foisa => rule(
                MB(3),
                SCOT,
                "at the end of three months beginning with the day the fees notice was given; unpaid, the request lapses",
                "FOISA s.9(4)",
            ),
            Regime::Eisr => rule(
                MB(3),
                SCOT,
                "at the end of three months beginning with the day the fee was notified, as FOISA; unpaid, the request lapses",
                "EI(S)R reg 8; FOISA s.9(4)",
            ),
            Regime::Sar => return None,
        })
    }

    /// The aggregation rule for the cost limit. FOIA's counts FOIA requests only: EIR requests
    /// have no cost limit, and subject access requests fall under the data protection law.
    /// FOISA's rule is its own: requests by different people on overlapping subjects, refused
    /// together only if the authority publishes the information within 20 working days of the
    /// first. The EIR and EI(S)R have none: "manifestly unreasonable" is judged request by request.
    pub fn aggregation(self) -> Option<Aggregation> {
        match self {
            Regime::Foia => Some(Aggregation {
                working_days: 60,
                calendar: UK,
                text: "The authority may add these FOIA requests together for the cost limit, as requests for the same or similar information made by one person or by people acting in concert within 60 working days. Consider merging them or spacing them out.",
                source: "Freedom of Information and Data Protection (Appropriate Limit and Fees) Regulations 2004, reg 5",
            }),
            Regime::Foisa => Some(Aggregation {
                working_days: 20,
                calendar: SCOT,
                text: "Where these FOISA requests cover the same subject or overlap to a significant extent and together would cost more than £600, the authority need answer none of them, provided that within 20 working days of receiving the first it tells each requester so and publishes the information to everyone.",
                source: "Freedom of Information (Fees for Required Disclosure) (Scotland) Regulations 2004 (SSI 2004/467), reg 6",
            }),
            Regime::Eir | Regime::Eisr | Regime::Sar => None,
        }
    }

    /// The requester's time to ask for an internal review (FOISA, EI(S)R: a "review"; EIR:
    /// "representations").
    pub fn review_request(self) -> Option<Rule> {
        Some(match self {
            Regime::Foia => norm(
                WD(40),
                UK,
                "on the 40th working day after the response; an authority may refuse a later request",
                "s.45 Code of Practice 2018; ICO guidance",
            ),
            Regime::Eir => rule(
                WD(40),
                UK,
                "on the 40th working day after the date the authority failed to comply: the day its response came, or the day it was due when none came",
                "EIR reg 11(2)",
            ),
            Regime::Foisa => rule(
                WD(40),
                SCOT,
                "on the 40th working day after the response was due, or after a late response was received",
                "FOISA s.20(5)",
            ),
            Regime::Eisr => rule(
                WD(40),
                SCOT,
                "on the 40th working day after the decision was received, or after the date it was due when none came",
                "EI(S)R reg 16(2)",
            ),
            Regime::Sar => return None,
        })
    }

    /// FOISA only: the date the Scottish Information Commissioner tells requesters to ask for
    /// a review by after a response that came in time. It is earlier than the law's
    /// (s.20(5)(a) counts from the date the response was due) and an authority may hold a
    /// requester to it, so it is the date to rely on; the statutory one is its `latest`.
    pub fn advised_review_request(self) -> Option<Rule> {
        match self {
            Regime::Foisa => Some(norm(
                WD(40),
                SCOT,
                "on the 40th working day after the response was received, as the Scottish Information Commissioner advises",
                "Scottish Information Commissioner, \"Asking for a review\"",
            )),
            _ => None,
        }
    }

    /// Whether the requester's time to ask for a review (or make representations) also runs
    /// when no response came: from the date it was due. FOISA s.20(5)(a) and EI(S)R reg 16(2)
    /// say so in terms; EIR reg 11(2) counts from the date the authority failed to comply,
    /// which for silence is that same date.
    pub fn review_runs_from_silence(self) -> bool {
        matches!(self, Regime::Eir | Regime::Foisa | Regime::Eisr)
    }

    /// Whether a fuller answer after a partial one starts the time to ask for a review again.
    /// FOISA s.20(5) counts from the date the response was due, whatever came later; FOIA's
    /// code, EIR reg 11(2) and EI(S)R reg 16(2) count from each decision received.
    pub fn later_response_restarts_review_request(self) -> bool {
        matches!(self, Regime::Foia | Regime::Eir | Regime::Eisr)
    }

    /// The authority's internal review, and its outer limit where there is one.
    pub fn review_response(self) -> Option<(Rule, Option<Rule>)> {
        Some(match self {
            Regime::Foia => (
                norm(
                    WD(20),
                    UK,
                    "on the 20th working day after the review was asked for, and at the latest on the 40th",
                    "s.45 Code of Practice 2018, para 5.5; ICO guidance",
                ),
                Some(norm(WD(40), UK, "on the 40th working day", "ICO guidance")),
            ),
            Regime::Eir => (
                rule(
                    WD(40),
                    UK,
                    "on the 40th working day after the representations",
                    "EIR reg 11(4)",
                ),
                None,
            ),
            Regime::Foisa => (
                rule(
                    WD(20),
                    SCOT,
                    "on the 20th working day after the review request",
                    "FOISA s.21(1)",
                ),
                None,
            ),
            Regime::Eisr => (
                rule(
                    WD(20),
                    SCOT,
                    "on the 20th working day after the review request",
                    "EI(S)R reg 16(4)",
                ),
                None,
            ),
            Regime::Sar => return None,
        })
    }

    /// The requester's time to complain to the regulator after the final response.
    pub fn regulator_complaint(self) -> Option<Rule> {
        Some(match self {
            Regime::Foia | Regime::Eir => norm(
                D {
                    days: 42,
                    roll: false,
                },
                UK,
                "within six weeks (42 days) of the final response or last substantive contact",
                "ICO complaints policy",
            ),
            Regime::Foisa => rule(
                M {
                    months: 6,
                    roll: false,
                },
                SCOT,
                "within six months of the review outcome, or of the day the review fell due if none came",
                "FOISA s.47(4)",
            ),
            Regime::Eisr => rule(
                M {
                    months: 6,
                    roll: false,
                },
                SCOT,
                "within six months of the review outcome, or of the day the review fell due if none came",
                "EI(S)R reg 17; FOISA s.47(4)",
            ),
            Regime::Sar => return None,
        })
    }

    /// The requester's time to appeal against the regulator's decision.
    pub fn tribunal_appeal(self) -> Option<Rule> {
        Some(match self {
            Regime::Foia | Regime::Eir => rule(
                D { days: 28, roll: true },
                EW,
                "on the 28th day after the decision notice was sent, moved to the next working day",
                "GRC Rules 2009 r.22(1)(b), r.12",
            ),
            Regime::Foisa | Regime::Eisr => rule(
                D { days: 42, roll: false },
                SCOT,
                "within 42 days of the Commissioner's decision being intimated, to the Court of Session on a point of law",
                "FOISA s.56; Rules of the Court of Session r.41.20",
            ),
            Regime::Sar => return None,
        })
    }

    /// Permission to appeal to the Upper Tribunal: asked of the First-tier Tribunal first,
    /// then (`after_refusal`) of the Upper Tribunal.
    pub fn onward_appeal(self, after_refusal: bool) -> Option<Rule> {
        match self {
            Regime::Foia | Regime::Eir if after_refusal => Some(rule(
                M { months: 1, roll: true },
                EW,
                "within one month of the First-tier Tribunal's refusal of permission being sent, to the Upper Tribunal, moved to the next working day",
                "Tribunal Procedure (Upper Tribunal) Rules 2008 r.21(3)(b), r.12",
            )),
            Regime::Foia | Regime::Eir => Some(rule(
                D { days: 28, roll: true },
                EW,
                "on the 28th day after the tribunal sent its written reasons, to ask it for permission to appeal, moved to the next working day",
                "GRC Rules 2009 r.42, r.12",
            )),
            _ => None,
        }
    }
}
