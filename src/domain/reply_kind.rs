//! What an authority's reply probably is (an acknowledgement, a request for clarification, a
//! fee notice, an extension, a response and its outcome and grounds, a review's outcome),
//! guessed from its words so that the form a person confirms it on is already filled in. The
//! guess never changes a deadline: only a person's confirmation does.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;

use super::calendar::{Calendar, CalendarKind};
use super::exemptions;
use super::regime::Regime;
use super::response::Outcome;
use super::timeline::EventKind;

/// The working days a filed reply may wait for someone to say what it is before it is
/// reminded of: long enough for a colleague's leave day, short enough that a refusal's review
/// window (20 working days, 40 calendar days under FOISA) is barely touched.
pub const CLASSIFY_WITHIN_WORKING_DAYS: u32 = 2;

/// The day a reply that arrived on `arrived` (in London) should be classified by, counted in
/// the calendar `kind` of the request's law; `None` outside the calendar's years.
pub fn classify_by(calendar: &Calendar, kind: CalendarKind, arrived: NaiveDate) -> Option<NaiveDate> {
    calendar
        .add_working_days(kind, arrived, CLASSIFY_WITHIN_WORKING_DAYS)
        .ok()
}

/// Why a reply is due to be classified when it is, for reminders: no law sets it.
pub fn classify_by_rule() -> String {
    format!(
        "The coalition says what each reply is within {CLASSIFY_WITHIN_WORKING_DAYS} working days of its arrival: until then the tracker counts none of the deadlines it starts, though the law does."
    )
}

/// The likely kind of a reply, and why it was thought so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guess {
    pub kind: EventKind,
    /// For a response or a review's outcome: how it answered, if the words say.
    pub outcome: Option<Outcome>,
    /// Catalogue ids of the grounds it cites under the request's law, in the order cited.
    pub grounds: Vec<String>,
    /// The words the guess rests on, for the person confirming it.
    pub because: String,
}

/// A reply's words as received.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    pub subject: &'a str,
    pub text: &'a str,
    /// The names of its attachments.
    pub attachments: &'a [&'a str],
}

/// Phrases that say what a letter is, lower case, in the order they are tried. Authorities'
/// replies end with the same advice on reviews and complaints whatever they say, so only
/// phrases a footer never uses count.
const REVIEW_DONE: &[&str] = &[
    "outcome of the internal review",
    "outcome of your internal review",
    "result of the internal review",
    "internal review has now been completed",
    "internal review has been completed",
    "completed the internal review",
    "completed an internal review",
    "conducted an internal review",
    "carried out an internal review",
    "outcome of the review",
    "review has now been completed",
];
const FEE: &[&str] = &[
    "fees notice",
    "fee notice",
    "a fee of",
    "fee of £",
    "payment of £",
    "pay the fee",
];
const CLARIFICATION: &[&str] = &[
    "please clarify",
    "could you clarify",
    "can you clarify",
    "need you to clarify",
    "require clarification",
    "need clarification",
    "seek clarification",
    "seeking clarification",
    "clarification of your request",
    "clarify your request",
    "clarify what information",
    "clarify which",
];
const EXTENSION: &[&str] = &[
    "extend the time",
    "extension of time",
    "extend the deadline",
    "additional time to consider the public interest",
    "further time to consider the public interest",
    "more time to consider the public interest",
    "need to extend",
    "need more time",
    "need additional time",
];
const COST: &[&str] = &[
    "exceed the appropriate limit",
    "exceeds the appropriate limit",
    "exceeding the appropriate limit",
    "above the appropriate limit",
    "exceed the cost limit",
    "exceeds the cost limit",
    "exceed the upper cost limit",
    "excessive cost of compliance",
];
const NCND: &[&str] = &["neither confirm nor deny"];
const NOT_HELD: &[&str] = &[
    "does not hold",
    "do not hold",
    "not held",
    "holds no information",
    "hold no information",
    "no information is held",
];
const WITHHELD: &[&str] = &[
    "exempt from disclosure",
    "is exempt under",
    "are exempt under",
    "is being withheld",
    "has been withheld",
    "have been withheld",
    "are withholding",
    "am withholding",
    "we are unable to provide",
    "we are not able to provide",
    "unable to disclose",
    "not able to disclose",
    "will not be disclosed",
    "refuse your request",
    "refusing your request",
    "this letter is a refusal",
    "refusal notice",
];
const DISCLOSED: &[&str] = &[
    "please find attached",
    "please find enclosed",
    "attached is the information",
    "is attached",
    "are attached",
    "we can provide",
    "i can provide",
    "we are able to provide",
    "i am able to provide",
    "we have provided",
    "information you requested is",
    "can confirm that the home office holds",
    "can confirm that we hold",
];
const UPHELD: &[&str] = &[
    "uphold the original",
    "upheld the original",
    "original decision is upheld",
    "original response is upheld",
    "original decision was correct",
    "original response was correct",
    "upholds the original",
];
const OVERTURNED: &[&str] = &[
    "overturn the original",
    "overturned the original",
    "original decision is overturned",
    "was not correct",
    "should have been disclosed",
    "should have been released",
    "now disclose",
    "now release",
];
const ACKNOWLEDGED: &[&str] = &[
    "acknowledge receipt",
    "acknowledging receipt",
    "we have received your request",
    "we received your request",
    "your request has been received",
    "your request was received",
    "has been logged",
    "been allocated the reference",
    "aim to respond",
    "will respond by",
];

/// The attachments that carry data: a granted request usually sends one.
const DATA_FILES: &[&str] = &[".xlsx", ".xls", ".ods", ".csv"];

/// The likely kind of `reply` to a request made under `regime`.
pub fn guess(regime: Regime, reply: Reply) -> Guess {
    let words = format!("{}\n{}", reply.subject, reply.text).to_lowercase();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let cited = cited_grounds(regime, &words);
    let found = |phrases: &[&'static str]| phrases.iter().copied().find(|p| words.contains(p));
    let data_file = reply.attachments.iter().find(|name| {
        let name = name.to_lowercase();
        DATA_FILES.iter().any(|ext| name.ends_with(ext))
    });
    let because = |phrase: &str| format!("it says \u{201c}{phrase}\u{201d}");
    let guess = |kind, outcome, because: String| Guess {
        kind,
        outcome,
        grounds: if outcome.is_some_and(Outcome::withholds) {
            cited.clone()
        } else {
            Vec::new()
        },
        because,
    };

    if let Some(phrase) = found(REVIEW_DONE) {
        let outcome = if found(OVERTURNED).is_some() {
            Some(if found(WITHHELD).is_some() || !cited.is_empty() {
                Outcome::PartlyGranted
            } else {
                Outcome::Granted
            })
        } else if found(UPHELD).is_some() {
            response_outcome(&found, &cited, data_file.is_some())
        } else {
            None
        };
        return guess(EventKind::InternalReviewResponse, outcome, because(phrase));
    }
    if let Some(phrase) = found(FEE) {
        return guess(EventKind::FeeNotice, None, because(phrase));
    }
    if let Some(phrase) = found(CLARIFICATION) {
        return guess(EventKind::ClarificationRequested, None, because(phrase));
    }
    if let Some(phrase) = found(COST) {
        let mut g = guess(EventKind::Response, Some(Outcome::Refused), because(phrase));
        if let Some(ground) = cost_ground(regime) {
            if !g.grounds.iter().any(|g| g == ground) {
                g.grounds.insert(0, ground.to_string());
            }
        }
        return g;
    }
    if let Some(phrase) = found(EXTENSION) {
        return guess(EventKind::Extension, None, because(phrase));
    }
    if let Some(outcome) = response_outcome(&found, &cited, data_file.is_some()) {
        let why = match (outcome, data_file) {
            (Outcome::Granted, Some(file)) => format!("it attaches {file}"),
            _ => [NCND, NOT_HELD, WITHHELD, DISCLOSED]
                .iter()
                .find_map(|phrases| found(phrases))
                .map(because)
                .unwrap_or_else(|| format!("it cites {}", citations(&cited))),
        };
        return guess(EventKind::Response, Some(outcome), why);
    }
    if let Some(phrase) = found(ACKNOWLEDGED) {
        return guess(EventKind::Acknowledged, None, because(phrase));
    }
    guess(
        EventKind::Note,
        None,
        "nothing in it says what it is: read it and choose".to_string(),
    )
}

/// How a response answered, from its words, what it cites and whether it sends data.
fn response_outcome(
    found: &impl Fn(&[&'static str]) -> Option<&'static str>,
    cited: &[String],
    data_file: bool,
) -> Option<Outcome> {
    let withheld = found(WITHHELD).is_some() || !cited.is_empty();
    let disclosed = found(DISCLOSED).is_some() || data_file;
    if found(NCND).is_some() {
        Some(Outcome::NeitherConfirmNorDeny)
    } else if withheld && disclosed {
        Some(Outcome::PartlyGranted)
    } else if withheld {
        Some(Outcome::Refused)
    } else if found(NOT_HELD).is_some() {
        Some(Outcome::NotHeld)
    } else if disclosed {
        Some(Outcome::Granted)
    } else {
        None
    }
}

/// The ground a refusal on cost rests on under `regime`.
fn cost_ground(regime: Regime) -> Option<&'static str> {
    let id = match regime {
        Regime::Foia => "foia-s12-1",
        Regime::Foisa => "foisa-s12-1",
        Regime::Eir => "eir-r12-4-b",
        Regime::Eisr => "eisr-r10-4-b",
        Regime::Sar => return None,
    };
    exemptions::find(id).map(|e| e.id.as_str())
}

fn citations(ids: &[String]) -> String {
    ids.iter()
        .filter_map(|id| exemptions::find(id))
        .map(|e| e.citation.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// "section 40(2)", "s.31(1)(e)", "s40(5A)", "regulation 12(5)(a)", "reg. 13": a section or
/// regulation number and its bracketed parts. A bare "s" must touch its number ("s40"), or
/// "the Home Office's 40 cases" would cite section 40.
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(sections?\s*|s\.\s*|s|regulations?\s*|regs?\.?\s*|r\.\s*)(\d{1,3}[a-z]?)((?:\s?\([0-9a-z]{1,4}\))*)")
        .expect("the citation pattern compiles")
});

/// The catalogue entries `words` (lower case) cites under `regime`, once each, in order. A
/// number without its subsection counts only where the catalogue has one entry for it: a
/// wrong ground is worse than none.
fn cited_grounds(regime: Regime, words: &str) -> Vec<String> {
    let prefix = regime.to_string();
    let mut ids: Vec<String> = Vec::new();
    for caps in CITATION.captures_iter(words) {
        let regulation = caps[1].starts_with('r');
        if regulation != matches!(regime, Regime::Eir | Regime::Eisr) {
            continue;
        }
        let mut id = format!("{prefix}-{}{}", if regulation { 'r' } else { 's' }, &caps[2]);
        for part in caps[3].split(['(', ')', ' ']).filter(|p| !p.is_empty()) {
            id.push('-');
            id.push_str(part);
        }
        let entry = exemptions::find(&id).or_else(|| {
            let under = format!("{id}-");
            let mut candidates = exemptions::for_regime(regime).filter(|e| e.id.starts_with(&under));
            match (candidates.next(), candidates.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        });
        if let Some(entry) = entry {
            if !ids.contains(&entry.id) {
                ids.push(entry.id.clone());
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(subject: &str, text: &str) -> Guess {
        guess(
            Regime::Foia,
            Reply {
                subject,
                text,
                attachments: &[],
            },
        )
    }

    /// A file of `tests/replies/`: subject, an optional `attachments:` line, then the text.
    fn corpus(file: &str) -> Guess {
        let (subject, rest) = file.split_once('\n').unwrap();
        let (attachments, text) = match rest.strip_prefix("attachments: ") {
            Some(rest) => {
                let (names, text) = rest.split_once('\n').unwrap();
                (names.split(", ").collect::<Vec<_>>(), text)
            }
            None => (Vec::new(), rest),
        };
        guess(
            Regime::Foia,
            Reply {
                subject,
                text,
                attachments: &attachments,
            },
        )
    }

    #[test]
    fn each_reply_of_the_corpus_is_guessed_as_what_it_is() {
        type Case = (
            &'static str,
            &'static str,
            EventKind,
            Option<Outcome>,
            &'static [&'static str],
        );
        let cases: [Case; 6] = [
            (
                "acknowledgement",
                include_str!("../../tests/replies/acknowledgement.txt"),
                EventKind::Acknowledged,
                None,
                &[],
            ),
            (
                "clarification",
                include_str!("../../tests/replies/clarification.txt"),
                EventKind::ClarificationRequested,
                None,
                &[],
            ),
            (
                "cost refusal",
                include_str!("../../tests/replies/cost-refusal.txt"),
                EventKind::Response,
                Some(Outcome::Refused),
                &["foia-s12-1"],
            ),
            (
                "personal data refusal",
                include_str!("../../tests/replies/personal-data-refusal.txt"),
                EventKind::Response,
                Some(Outcome::Refused),
                &["foia-s40-2"],
            ),
            (
                "granted with a spreadsheet",
                include_str!("../../tests/replies/granted-spreadsheet.txt"),
                EventKind::Response,
                Some(Outcome::Granted),
                &[],
            ),
            (
                "review outcome",
                include_str!("../../tests/replies/review-outcome.txt"),
                EventKind::InternalReviewResponse,
                Some(Outcome::Refused),
                &["foia-s40-2"],
            ),
        ];
        for (name, file, kind, outcome, grounds) in cases {
            let g = corpus(file);
            assert_eq!((g.kind, g.outcome), (kind, outcome), "{name}: {g:?}");
            assert_eq!(g.grounds, grounds, "{name}");
            assert!(!g.because.is_empty(), "{name}");
        }
        let granted = corpus(include_str!("../../tests/replies/granted-spreadsheet.txt"));
        assert_eq!(granted.because, "it attaches FOI52790 data tables.xlsx");
    }

    #[test]
    fn citations_are_read_in_every_usual_form() {
        let words = "we rely on section 40(2) and s.31(1)(e), also s40(5a) and section 40 (2) again";
        assert_eq!(
            cited_grounds(Regime::Foia, words),
            ["foia-s40-2", "foia-s31-1-e", "foia-s40-5a"]
        );
        assert_eq!(
            cited_grounds(Regime::Eir, "regulation 12(5)(a) and reg. 13(1)"),
            ["eir-r12-5-a", "eir-r13-1"]
        );
    }

    #[test]
    fn a_citation_of_another_law_or_an_ambiguous_one_is_not_a_ground() {
        // Sections under the EIR, regulations under FOIA, a section with several
        // subsections named without one, and the complaint footer's s.50.
        assert!(cited_grounds(Regime::Eir, "section 40(2)").is_empty());
        assert!(cited_grounds(Regime::Foia, "regulation 12(5)(a)").is_empty());
        assert!(cited_grounds(Regime::Foia, "section 40 of the act").is_empty());
        assert!(cited_grounds(Regime::Foia, "under section 50 of the act").is_empty());
        assert!(cited_grounds(Regime::Sar, "section 40(2)").is_empty());
    }

    #[test]
    fn the_review_footer_of_every_response_does_not_make_it_a_review_outcome() {
        let g = reply(
            "FOI 52658",
            "The information you requested is attached. If you are dissatisfied you may request an \
             internal review, and then complain to the Information Commissioner under section 50.",
        );
        assert_eq!((g.kind, g.outcome), (EventKind::Response, Some(Outcome::Granted)));
        assert!(g.grounds.is_empty());
    }

    #[test]
    fn a_reply_that_says_nothing_recognisable_is_left_to_a_person() {
        let g = reply("Re: your email", "Thank you, noted.");
        assert_eq!((g.kind, g.outcome), (EventKind::Note, None));
    }

    #[test]
    fn a_refusal_on_cost_cites_the_cost_limit_of_its_own_law() {
        for (regime, ground) in [
            (Regime::Foia, "foia-s12-1"),
            (Regime::Foisa, "foisa-s12-1"),
            (Regime::Eir, "eir-r12-4-b"),
        ] {
            let g = guess(
                regime,
                Reply {
                    subject: "Your request",
                    text: "Complying would exceed the appropriate limit.",
                    attachments: &[],
                },
            );
            assert_eq!(g.outcome, Some(Outcome::Refused));
            assert_eq!(g.grounds, [ground], "{regime}");
        }
    }
}
