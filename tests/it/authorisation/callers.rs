//! Who calls, what they may expect, the rows of the rules, and the bodies they send.

use super::*;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum As {
    /// A browser that never signed in, with the anonymous CSRF cookie of the sign-in page.
    Anonymous,
    /// A researcher of the organisation that owns the requests.
    Researcher,
    /// A researcher of another organisation.
    OtherResearcher,
    /// A coordinator of the owning organisation.
    Coordinator,
    Auditor,
    /// An administrator (of the owning organisation).
    Admin,
    /// A researcher of the owning organisation since deactivated, with their old cookie and token.
    Deactivated,
    /// The coordinator's signed-in browser on the API, without a token.
    CookieOnly,
    /// A bearer token that is not one.
    BadToken,
}

pub(super) const PAGE_CALLERS: [As; 7] = [
    As::Anonymous,
    As::Researcher,
    As::OtherResearcher,
    As::Coordinator,
    As::Auditor,
    As::Admin,
    As::Deactivated,
];

pub(super) const API_CALLERS: [As; 9] = [
    As::Anonymous,
    As::Researcher,
    As::OtherResearcher,
    As::Coordinator,
    As::Auditor,
    As::Admin,
    As::Deactivated,
    As::CookieOnly,
    As::BadToken,
];

/// The answer a caller must get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expect {
    Status(u16),
    /// 303 See Other to this location: `{id}` stands for the path's id, a final `*` for anything.
    See(&'static str),
    /// Not signed in: 303 to /sign-in on pages, 401 on the API.
    SignIn,
}

pub(super) const OK: Expect = Expect::Status(200);
pub(super) const CREATED: Expect = Expect::Status(201);
pub(super) const FORBIDDEN: Expect = Expect::Status(403);
pub(super) const NOT_FOUND: Expect = Expect::Status(404);
pub(super) const CONFLICT: Expect = Expect::Status(409);
pub(super) const INVALID: Expect = Expect::Status(422);
/// A server the app relies on refused: here the organisation's mail server, which is not there.
pub(super) const UPSTREAM: Expect = Expect::Status(502);

/// The answers of one route, caller by caller. Whoever is not signed in (the deactivated user
/// too, and on the API a cookie without a token or a token that is none) gets `anonymous`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub(super) anonymous: Expect,
    pub(super) researcher: Expect,
    pub(super) other_researcher: Expect,
    pub(super) coordinator: Expect,
    pub(super) auditor: Expect,
    pub(super) admin: Expect,
}

impl Row {
    pub(super) fn of(&self, who: As) -> Expect {
        match who {
            As::Anonymous | As::Deactivated | As::CookieOnly | As::BadToken => self.anonymous,
            As::Researcher => self.researcher,
            As::OtherResearcher => self.other_researcher,
            As::Coordinator => self.coordinator,
            As::Auditor => self.auditor,
            As::Admin => self.admin,
        }
    }

    pub(super) fn but(mut self, who: As, expect: Expect) -> Row {
        match who {
            As::Anonymous => self.anonymous = expect,
            As::Researcher => self.researcher = expect,
            As::OtherResearcher => self.other_researcher = expect,
            As::Coordinator => self.coordinator = expect,
            As::Auditor => self.auditor = expect,
            As::Admin => self.admin = expect,
            other => panic!("{other:?} always gets what the anonymous get"),
        }
        self
    }
}

// The rules (src/domain/account.rs), as the matrix states them.

/// Open to everyone, signed in or not.
pub(super) fn everyone(expect: Expect) -> Row {
    Row {
        anonymous: expect,
        researcher: expect,
        other_researcher: expect,
        coordinator: expect,
        auditor: expect,
        admin: expect,
    }
}

/// Any signed-in user.
pub(super) fn signed_in(expect: Expect) -> Row {
    everyone(expect).but(As::Anonymous, SignIn)
}

/// Researchers and coordinators, who file requests for their own organisation.
pub(super) fn filers(expect: Expect) -> Row {
    signed_in(expect)
        .but(As::Auditor, FORBIDDEN)
        .but(As::Admin, FORBIDDEN)
}

/// Administrators only.
pub(super) fn admins(expect: Expect) -> Row {
    signed_in(FORBIDDEN).but(As::Admin, expect)
}

/// Auditors and administrators.
pub(super) fn audit_readers(expect: Expect) -> Row {
    admins(expect).but(As::Auditor, expect)
}

/// Reading a request of the owning organisation: anyone signed in, except that drafts and
/// subject access requests stay inside it (auditors aside); the administrator is a member.
pub(super) fn reads(kind: Kind, expect: Expect) -> Row {
    let stranger = if kind.private() { NOT_FOUND } else { expect };
    signed_in(expect).but(As::OtherResearcher, stranger)
}

/// Changing a request of the owning organisation: its researchers and coordinators only;
/// those who may read it are refused, the others do not learn that it exists.
pub(super) fn writes(kind: Kind, expect: Expect) -> Row {
    let stranger = if kind.private() { NOT_FOUND } else { FORBIDDEN };
    signed_in(expect)
        .but(As::OtherResearcher, stranger)
        .but(As::Auditor, FORBIDDEN)
        .but(As::Admin, FORBIDDEN)
}

/// Figures are entered by researchers and coordinators, from any request they may read.
pub(super) fn importers(row: Row) -> Row {
    row.but(As::Auditor, FORBIDDEN).but(As::Admin, FORBIDDEN)
}

/// The requests of the owning organisation the matrix is tried on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A sent FOIA request.
    Foia,
    /// A sent subject access request.
    Sar,
    /// A FOIA request not yet sent.
    Draft,
}

pub(super) const KINDS: [Kind; 3] = [Kind::Foia, Kind::Sar, Kind::Draft];

impl Kind {
    pub(super) fn private(self) -> bool {
        self != Kind::Foia
    }

    pub(super) fn regime(self) -> &'static str {
        match self {
            Kind::Sar => "sar",
            _ => "foia",
        }
    }

    pub(super) fn sent_on(self) -> Option<&'static str> {
        (self != Kind::Draft).then_some("2026-05-01")
    }
}

/// What the path's `{id}` is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Nothing,
    /// The organisation's request of this kind, made once.
    Request(Kind),
    /// A new request of this kind for each call, where a success changes it.
    NewRequest(Kind),
    /// An authority made for the test.
    Authority,
    /// A new API token of the caller's own (someone else's for those not signed in).
    OwnToken,
    /// Another user's API token.
    OthersToken,
    /// A user who is none of the callers.
    User,
    /// A new user for each call.
    NewUser,
    /// A new organisation for each call.
    NewOrganisation,
    /// A document of the organisation's request of this kind.
    Document(Kind),
    /// A new unverified figure for each call, entered by nobody among the callers.
    NewFigure,
    /// The organisation's batch of one sent request, made once.
    Batch,
    /// A group of authorities made for the test.
    Group,
    /// A new group of authorities for each call.
    NewGroup,
}

/// What is sent.
#[derive(Debug, Clone)]
pub(super) enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Json(&'static str),
    RequestForm(Kind),
    RequestJson(Kind),
    EventForm(Kind),
    EventJson(Kind),
    /// A new two-factor secret with the caller's current code.
    TwoFactor,
    /// A name no organisation has yet.
    NewName,
    /// The test's authority, unchanged.
    AuthorityForm,
    AuthorityJson,
    /// An authority, or a user, that does not exist yet.
    NewAuthorityForm,
    NewAuthorityJson,
    NewUserForm,
    /// The caller's organisation's mailbox, on a local SMTP server that needs no password.
    MailboxForm,
    /// gov.uk's bank holidays with one more day.
    Holidays {
        dry_run: bool,
    },
    /// A CSV of one new authority.
    Authorities {
        dry_run: bool,
    },
    /// A small PDF, as a document of a request.
    Document,
    /// An authority's reply as an email file.
    Email,
    /// A group of authorities with a name no group has yet.
    GroupForm,
    GroupJson,
}

impl Body {
    /// The upload itself, not a dry run: what a missing CSRF check would let through.
    pub(super) fn for_real(&self) -> Body {
        match self {
            Body::Holidays { .. } => Body::Holidays { dry_run: false },
            Body::Authorities { .. } => Body::Authorities { dry_run: false },
            other => other.clone(),
        }
    }
}

/// One way of calling a route, and what each caller must get.
pub(super) struct Case {
    pub(super) target: Target,
    pub(super) body: Body,
    /// Each caller a new one (a new user of the same role), where a success would end the session.
    pub(super) fresh: bool,
    pub(super) row: Row,
}

pub(super) fn case(target: Target, body: Body, row: Row) -> Case {
    Case {
        target,
        body,
        fresh: false,
        row,
    }
}

pub(super) fn fresh(body: Body, row: Row) -> Case {
    Case {
        fresh: true,
        ..case(Target::Nothing, body, row)
    }
}

pub(super) fn plain(row: Row) -> Vec<Case> {
    vec![case(Target::Nothing, Body::None, row)]
}

/// A case for each kind of request.
pub(super) fn each_kind(f: impl Fn(Kind) -> Case) -> Vec<Case> {
    KINDS.into_iter().map(f).collect()
}

pub(super) const BYSTANDER: &str = "bystander@coalition.example";
pub(super) const NEW_PASSWORD: &str = "another horse battery staple";
pub(super) const AUTHORITY: &str = "Fixture Authority";

pub(super) const FIGURE_FORM: &[(&str, &str)] = &[
    ("indicator_id", "D1.1"),
    ("value", "914"),
    ("period_start", "2018-01-01"),
    ("period_end", "2018-12-31"),
    ("definition", "Potential victims detained"),
    ("definition_match", "comparable"),
    ("source_kind", "publication"),
    ("publication_title", "Hidden Futures"),
    ("publisher", "Coalition"),
];
pub(super) const INDICATOR_FORM: &[(&str, &str)] = &[
    ("id", "D3.8"),
    ("demand_id", "D3"),
    ("wording", "Victims monitored after return"),
    ("unit", "people"),
    ("granularity", "year"),
    ("definition", "People monitored for a year after return"),
];
pub(super) const INDICATOR_JSON: &str = r#"{"id": "D3.9", "demand_id": "D3", "wording": "Returns monitored", "unit": "people", "granularity": "year", "definition": "People monitored after return"}"#;
pub(super) const LINKS_JSON: &str = r#"[{"indicator_id": "D1.1", "from": "2025-01-01", "to": "2025-03-31"}]"#;
pub(super) const FIGURE_JSON: &str = r#"{"indicator_id": "D1.1", "value": "914", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "Potential victims detained", "definition_match": "comparable", "source_kind": "publication", "publication_title": "Hidden Futures", "publisher": "Coalition"}"#;

/// A complaint to the regulator, before any response is overdue.
pub(super) const LETTER: &[(&str, &str)] = &[
    ("kind", "regulator_complaint"),
    ("sent_on", "2026-05-29"),
    ("to", "ICO"),
    ("subject", "Complaint"),
    ("body", "The response is overdue."),
    ("action", "send"),
];
pub(super) const LETTER_EMAIL_JSON: &str = r#"{"kind": "regulator_complaint", "to": "ICO (icocasework@ico.org.uk)", "subject": "Complaint", "body": "The response is overdue."}"#;
pub(super) const LETTER_JSON: &str = r#"{"kind": "regulator_complaint", "sent_on": "2026-05-29", "to": "ICO", "subject": "Complaint", "body": "The response is overdue."}"#;
