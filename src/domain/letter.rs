//! The letters of the road to the tribunal, drafted from the record: a request for internal
//! review naming the exemptions disputed, a complaint to the regulator with the dates and
//! references it asks for, and a summary for the notice of appeal. People edit them before
//! use; the draft only saves them from copying dates and references by hand.

use chrono::NaiveDate;
use serde::Serialize;

use super::regime::Regime;
use super::timeline::EventKind;
use super::written::date_in_full;

closed_enum! {
    pub enum LetterKind {
        InternalReview,
        RegulatorComplaint,
        TribunalAppeal,
    }
}

impl LetterKind {
    /// The event that sending the letter records.
    pub fn event(self) -> EventKind {
        match self {
            LetterKind::InternalReview => EventKind::InternalReviewRequested,
            LetterKind::RegulatorComplaint => EventKind::RegulatorComplaint,
            LetterKind::TribunalAppeal => EventKind::TribunalAppeal,
        }
    }

    /// The letter's name under `regime`'s law.
    pub fn name(self, regime: Regime) -> &'static str {
        match (self, regime) {
            (LetterKind::InternalReview, Regime::Eir) => "Representations for reconsideration",
            (LetterKind::InternalReview, Regime::Foisa | Regime::Eisr) => "Requirement for review",
            (LetterKind::InternalReview, _) => "Internal review request",
            (LetterKind::RegulatorComplaint, Regime::Foisa | Regime::Eisr) => {
                "Application to the Scottish Information Commissioner"
            }
            (LetterKind::RegulatorComplaint, _) => "Complaint to the ICO",
            (LetterKind::TribunalAppeal, Regime::Foisa | Regime::Eisr) => {
                "Court of Session appeal: summary for counsel"
            }
            (LetterKind::TribunalAppeal, _) => "First-tier Tribunal notice of appeal: summary",
        }
    }
}

/// A response as a letter cites it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseFacts {
    pub on: NaiveDate,
    /// "Refused", "Partly granted", …
    pub outcome: &'static str,
    pub withholds: bool,
    /// Each ground as "FOIA s.40(2): Personal information (third party)".
    pub grounds: Vec<String>,
    pub public_interest_test: bool,
}

/// One step of an appeal as a letter cites it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepFacts {
    pub on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub decision_reference: Option<String>,
    /// The outcome in words, for a decision.
    pub outcome: Option<&'static str>,
    pub overturned: bool,
}

/// Everything the letters need, read from the request's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterFacts {
    pub regime: Regime,
    pub authority: String,
    pub authority_email: Option<String>,
    pub title: String,
    pub body: String,
    pub their_reference: Option<String>,
    pub received: Option<NaiveDate>,
    /// The date the first response was due, as the engine has it.
    pub response_due: Option<NaiveDate>,
    /// The last response that withheld something, or else the last response.
    pub response: Option<ResponseFacts>,
    pub review_requested: StepFacts,
    pub review_decided: StepFacts,
    pub complaint: StepFacts,
    pub decision: StepFacts,
    /// The names of the documents on the request's timeline, to list as enclosures.
    pub documents: Vec<String>,
    pub signer: String,
    pub organisation: String,
    pub today: NaiveDate,
    /// The due date of the deadline the letter answers, if one is running.
    pub due: Option<NaiveDate>,
}

/// A drafted letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Letter {
    pub kind: LetterKind,
    pub name: String,
    /// Whom it goes to, e.g. "Home Office (foi@homeoffice.gov.uk)".
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The date it must be sent by, if a deadline runs for it.
    pub due: Option<NaiveDate>,
}

/// The email address a letter's "To" names: "Home Office (foi@homeoffice.gov.uk)" as drafted,
/// or an address alone.
pub fn email_address(to: &str) -> Option<&str> {
    let to = to.trim();
    let address = match to.rsplit_once('(') {
        Some((_, inner)) => inner.strip_suffix(')')?.trim(),
        None => to,
    };
    let (local, domain) = address.split_once('@')?;
    let plain = !local.is_empty() && domain.contains('.') && !address.contains(char::is_whitespace);
    plain.then_some(address)
}

fn maybe_long(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "(date not recorded)".to_string(), date_in_full)
}

/// Whether the record holds what `kind` needs; if not, why, in words for the person asking.
pub fn available(kind: LetterKind, facts: &LetterFacts) -> Result<(), String> {
    let overdue = facts.response.is_none() && facts.response_due.is_some_and(|due| facts.today > due);
    match kind {
        _ if facts.received.is_none() => Err("The request has not been sent yet.".into()),
        LetterKind::InternalReview if facts.regime == Regime::Sar => Err(
            "A subject access request has no statutory internal review: complain to the controller, then to the ICO."
                .into(),
        ),
        LetterKind::InternalReview if facts.response.is_none() && !overdue => {
            Err("There is no response to review yet, and the response is not overdue.".into())
        }
        LetterKind::RegulatorComplaint
            if facts.review_decided.on.is_none() && facts.response.is_none() && !overdue =>
        {
            Err("There is nothing to complain of yet: no response, and none overdue.".into())
        }
        LetterKind::TribunalAppeal if facts.regime == Regime::Sar => Err(
            "A subject access request goes to the courts, not the tribunal: take legal advice.".into(),
        ),
        LetterKind::TribunalAppeal if facts.decision.on.is_none() => {
            Err("There is no decision notice to appeal against yet: record the regulator's decision first.".into())
        }
        _ => Ok(()),
    }
}

/// Drafts the letter of `kind` from the record, or says why it cannot yet be written.
pub fn draft(kind: LetterKind, facts: &LetterFacts) -> Result<Letter, String> {
    available(kind, facts)?;
    let regime = facts.regime;
    let (to, subject, body) = match kind {
        LetterKind::InternalReview => review(facts),
        LetterKind::RegulatorComplaint => complaint(facts),
        LetterKind::TribunalAppeal => appeal(facts),
    };
    Ok(Letter {
        kind,
        name: kind.name(regime).to_string(),
        to,
        subject,
        body,
        due: facts.due,
    })
}

fn authority_address(facts: &LetterFacts) -> String {
    match &facts.authority_email {
        Some(email) => format!("{} ({email})", facts.authority),
        None => facts.authority.clone(),
    }
}

fn their_reference(facts: &LetterFacts) -> String {
    facts
        .their_reference
        .as_ref()
        .map_or_else(String::new, |r| format!(" (your reference {r})"))
}

fn signature(facts: &LetterFacts) -> String {
    format!("Yours faithfully,\n\n{}\n{}\n", facts.signer, facts.organisation)
}

/// What the authority answered, or that it did not, in a sentence or two; `who` is "You" to
/// the authority, "The authority" to anyone else.
fn response_paragraph(facts: &LetterFacts, who: &str) -> String {
    match (&facts.response, facts.response_due) {
        (Some(r), _) if r.grounds.is_empty() => {
            format!("{who} responded on {}: {}.", date_in_full(r.on), r.outcome.to_lowercase())
        }
        (Some(r), _) => format!(
            "{who} responded on {}: {}, citing {}.",
            date_in_full(r.on),
            r.outcome.to_lowercase(),
            r.grounds
                .iter()
                .map(|g| g.split(':').next().unwrap_or(g).to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        (None, Some(due)) => format!(
            "A response was due from {} by {} and none has been received. The time for compliance set by {} has passed.",
            facts.authority,
            date_in_full(due),
            match facts.regime {
                Regime::Foia => "section 10(1) of the Act",
                Regime::Eir => "regulation 5(2)",
                Regime::Foisa => "section 10(1) of the Act",
                Regime::Eisr => "regulation 5(2)",
                Regime::Sar => "Article 12(3) of the UK GDPR",
            }
        ),
        (None, None) => "No response has been received.".to_string(),
    }
}

fn disputed(facts: &LetterFacts) -> String {
    let Some(response) = &facts.response else {
        return String::new();
    };
    if response.grounds.is_empty() {
        return String::new();
    }
    let mut text = String::from("\nI dispute the application of:\n");
    for ground in &response.grounds {
        text.push_str(&format!("- {ground}: [why it does not apply]\n"));
    }
    if response.public_interest_test {
        text.push_str(
            "\nWhere an exemption is qualified, I ask you to weigh the public interest again: the public has a \
             strong interest in knowing what happens to victims of trafficking and modern slavery in the \
             immigration system, and in the accountability of the decisions made about them.\n",
        );
    }
    text
}

fn review(facts: &LetterFacts) -> (String, String, String) {
    let regime = facts.regime;
    let (law, ask, time) = match regime {
        Regime::Eir => (
            "the Environmental Information Regulations 2004",
            "I make representations under regulation 11 and ask you to reconsider your response",
            "Regulation 11(4) requires you to notify me of your decision within 40 working days of receiving these representations.",
        ),
        Regime::Foisa => (
            "the Freedom of Information (Scotland) Act 2002",
            "I require you to review your handling of it under section 20 of the Act",
            "Section 21(1) requires you to respond within 20 working days of receiving this requirement.",
        ),
        Regime::Eisr => (
            "the Environmental Information (Scotland) Regulations 2004",
            "I require you to review your handling of it under regulation 16",
            "Regulation 16(4) requires you to respond within 20 working days of receiving this requirement.",
        ),
        _ => (
            "the Freedom of Information Act 2000",
            "I ask for an internal review of your handling of it",
            "The section 45 Code of Practice asks you to complete the review within 20 working days, and in no case more than 40.",
        ),
    };
    let subject = format!(
        "{}: \"{}\"{}",
        LetterKind::InternalReview.name(regime),
        facts.title,
        their_reference(facts)
    );
    let body = format!(
        "Dear {authority},\n\n\
         On {received} you received my request for information under {law}, \"{title}\"{reference}. {ask}.\n\n\
         {response}\n{disputed}\n\
         {time}\n\n{signature}",
        authority = facts.authority,
        received = maybe_long(facts.received),
        title = facts.title,
        reference = their_reference(facts),
        response = response_paragraph(facts, "You"),
        disputed = disputed(facts),
        signature = signature(facts),
    );
    (authority_address(facts), subject, body)
}

fn complaint(facts: &LetterFacts) -> (String, String, String) {
    let regime = facts.regime;
    let scottish = regime.is_scottish();
    let to = if scottish {
        "Scottish Information Commissioner (enquiries@foi.scot)"
    } else {
        "Information Commissioner's Office (icocasework@ico.org.uk)"
    };
    let mut lines = vec![
        format!("Public authority: {}", facts.authority),
        format!("Law: {}", regime.name()),
        format!("Request: \"{}\"", facts.title),
        format!("Date of the request: {}", maybe_long(facts.received)),
    ];
    if let Some(reference) = &facts.their_reference {
        lines.push(format!("The authority's reference: {reference}"));
    }
    if let Some(due) = facts.response_due {
        lines.push(format!("Response due by: {}", date_in_full(due)));
    }
    match &facts.response {
        Some(r) => lines.push(format!(
            "Date of the response: {} ({})",
            date_in_full(r.on),
            r.outcome.to_lowercase()
        )),
        None => lines.push("Date of the response: none received".into()),
    }
    let review = facts.review_requested.on.map_or_else(
        || "not requested".to_string(),
        |on| {
            let reference = facts
                .review_requested
                .reference
                .as_ref()
                .map_or_else(String::new, |r| format!(", reference {r}"));
            format!("{}{reference}", date_in_full(on))
        },
    );
    lines.push(format!(
        "{} requested: {review}",
        super::appeal::Stage::InternalReview.name(regime)
    ));
    let outcome = match (&facts.review_decided.on, facts.review_decided.outcome) {
        (Some(on), Some(outcome)) => format!("{} ({})", date_in_full(*on), outcome.to_lowercase()),
        (Some(on), None) => date_in_full(*on),
        (None, _) if facts.review_requested.on.is_some() => "none received".into(),
        (None, _) => "not applicable".into(),
    };
    lines.push(format!("Review outcome: {outcome}"));
    let section = if scottish {
        "I apply for a decision under section 47(1) of the Freedom of Information (Scotland) Act 2002"
    } else if regime == Regime::Sar {
        "I complain under Article 77 of the UK GDPR about the controller's handling of my subject access request"
    } else {
        "I complain under section 50 of the Freedom of Information Act 2000 about the authority's handling of my request"
    };
    let mut body = format!(
        "Dear Commissioner,\n\n{section}.\n\n{}\n\n{}\n",
        lines.join("\n"),
        response_paragraph(facts, "The authority"),
    );
    body.push_str(&disputed(facts).replace("I ask you to weigh", "I ask the Commissioner to weigh"));
    if !facts.documents.is_empty() {
        body.push_str("\nEnclosed:\n");
        for document in &facts.documents {
            body.push_str(&format!("- {document}\n"));
        }
    }
    body.push('\n');
    body.push_str(&signature(facts));
    let subject = format!(
        "{}: {} – \"{}\"",
        LetterKind::RegulatorComplaint.name(regime),
        facts.authority,
        facts.title
    );
    (to.to_string(), subject, body)
}

fn appeal(facts: &LetterFacts) -> (String, String, String) {
    let regime = facts.regime;
    let decision = &facts.decision;
    let notice = decision
        .decision_reference
        .clone()
        .or_else(|| decision.reference.clone())
        .unwrap_or_else(|| "(reference not recorded)".into());
    let (to, respondent, limit) = if regime.is_scottish() {
        (
            "Court of Session (through a solicitor)",
            "the Scottish Information Commissioner",
            "within 42 days of the decision being intimated (FOISA s.56)",
        )
    } else {
        (
            "First-tier Tribunal (General Regulatory Chamber) (grc@justice.gov.uk)",
            "the Information Commissioner",
            "within 28 days of the decision notice being sent (GRC Rules 2009 r.22(1)(b))",
        )
    };
    let mut lines = vec![
        format!("Appellant: {} ({})", facts.organisation, facts.signer),
        format!("Respondent: {respondent}"),
        format!("Decision notice: {notice}, dated {}", maybe_long(decision.on)),
    ];
    if let Some(case) = &facts.complaint.reference {
        lines.push(format!("Commissioner's case reference: {case}"));
    }
    if let Some(outcome) = decision.outcome {
        lines.push(format!("Decision: {}", outcome.to_lowercase()));
    }
    lines.push(format!("Public authority: {}", facts.authority));
    lines.push(format!(
        "Request: \"{}\", received {}",
        facts.title,
        maybe_long(facts.received)
    ));
    if let Some(due) = facts.due {
        lines.push(format!("Appeal due by: {} ({limit})", date_in_full(due)));
    } else {
        lines.push(format!("Time limit: {limit}"));
    }
    let mut grounds =
        String::from("\nGrounds of appeal:\nThe Commissioner's decision is not in accordance with the law");
    if regime.is_scottish() {
        grounds.push_str(" (a point of law must be identified)");
    }
    grounds.push_str(", because:\n");
    match &facts.response {
        Some(r) if !r.grounds.is_empty() => {
            for ground in &r.grounds {
                grounds.push_str(&format!("- {ground} was wrongly found to apply: [why]\n"));
            }
        }
        _ => grounds.push_str("- [the error in the decision]\n"),
    }
    let body = format!(
        "{}\n{grounds}\nOutcome sought: a substituted decision notice requiring {} to disclose the information withheld.\n\n{}",
        lines.join("\n"),
        facts.authority,
        signature(facts).replace("Yours faithfully,\n\n", "Signed:\n"),
    );
    let subject = format!(
        "{}: decision notice {notice}",
        LetterKind::TribunalAppeal.name(regime)
    );
    (to.to_string(), subject, body)
}

#[cfg(test)]
mod tests {
    use super::email_address;

    #[test]
    fn a_letter_is_addressed_by_the_address_in_its_to_line() {
        assert_eq!(
            email_address("Home Office (foirequests@homeoffice.gov.uk)"),
            Some("foirequests@homeoffice.gov.uk")
        );
        assert_eq!(
            email_address(" icocasework@ico.org.uk "),
            Some("icocasework@ico.org.uk")
        );
        for none in [
            "Home Office",
            "Home Office (by post)",
            "foi at example.org",
            "a b@example.org",
            "x@localhost",
        ] {
            assert_eq!(email_address(none), None, "{none}");
        }
    }
}
