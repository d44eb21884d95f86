//! Who may do what, generated from the router's own table (`foi_tracker::web::ROUTES`): every
//! route must have an expectation here for every kind of caller, or the test fails naming it;
//! lists name no request to those who may not know of it; and every form that changes anything
//! refuses a missing or wrong CSRF token and changes nothing. Both backends.

use crate::support;

use std::sync::atomic::{AtomicU32, Ordering};

use crate::support::{browser, input_value, location, Session, TestApp, ORGANISATION, PASSWORD};
use foi_tracker::clock::now;
use foi_tracker::tracker::accounts::{self, UserInput};
use foi_tracker::tracker::audit::Caller;
use foi_tracker::web::ROUTES;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum As {
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

const PAGE_CALLERS: [As; 7] = [
    As::Anonymous,
    As::Researcher,
    As::OtherResearcher,
    As::Coordinator,
    As::Auditor,
    As::Admin,
    As::Deactivated,
];

const API_CALLERS: [As; 9] = [
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
enum Expect {
    Status(u16),
    /// 303 See Other to this location: `{id}` stands for the path's id, a final `*` for anything.
    See(&'static str),
    /// Not signed in: 303 to /sign-in on pages, 401 on the API.
    SignIn,
}

use foi_tracker::tracker::api_tokens;
use foi_tracker::tracker::{account_links, passwords, two_factor};
use Expect::{See, SignIn};

const OK: Expect = Expect::Status(200);
const CREATED: Expect = Expect::Status(201);
const FORBIDDEN: Expect = Expect::Status(403);
const NOT_FOUND: Expect = Expect::Status(404);
const CONFLICT: Expect = Expect::Status(409);
const INVALID: Expect = Expect::Status(422);

/// The answers of one route, caller by caller. Whoever is not signed in (the deactivated user
/// too, and on the API a cookie without a token or a token that is none) gets `anonymous`.
#[derive(Debug, Clone, Copy)]
struct Row {
    anonymous: Expect,
    researcher: Expect,
    other_researcher: Expect,
    coordinator: Expect,
    auditor: Expect,
    admin: Expect,
}

impl Row {
    fn of(&self, who: As) -> Expect {
        match who {
            As::Anonymous | As::Deactivated | As::CookieOnly | As::BadToken => self.anonymous,
            As::Researcher => self.researcher,
            As::OtherResearcher => self.other_researcher,
            As::Coordinator => self.coordinator,
            As::Auditor => self.auditor,
            As::Admin => self.admin,
        }
    }

    fn but(mut self, who: As, expect: Expect) -> Row {
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
fn everyone(expect: Expect) -> Row {
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
fn signed_in(expect: Expect) -> Row {
    everyone(expect).but(As::Anonymous, SignIn)
}

/// Researchers and coordinators, who file requests for their own organisation.
fn filers(expect: Expect) -> Row {
    signed_in(expect)
        .but(As::Auditor, FORBIDDEN)
        .but(As::Admin, FORBIDDEN)
}

/// Administrators only.
fn admins(expect: Expect) -> Row {
    signed_in(FORBIDDEN).but(As::Admin, expect)
}

/// Auditors and administrators.
fn audit_readers(expect: Expect) -> Row {
    admins(expect).but(As::Auditor, expect)
}

/// Reading a request of the owning organisation: anyone signed in, except that drafts and
/// subject access requests stay inside it (auditors aside); the administrator is a member.
fn reads(kind: Kind, expect: Expect) -> Row {
    let stranger = if kind.private() { NOT_FOUND } else { expect };
    signed_in(expect).but(As::OtherResearcher, stranger)
}

/// Changing a request of the owning organisation: its researchers and coordinators only;
/// those who may read it are refused, the others do not learn that it exists.
fn writes(kind: Kind, expect: Expect) -> Row {
    let stranger = if kind.private() { NOT_FOUND } else { FORBIDDEN };
    signed_in(expect)
        .but(As::OtherResearcher, stranger)
        .but(As::Auditor, FORBIDDEN)
        .but(As::Admin, FORBIDDEN)
}

/// Figures are entered by researchers and coordinators, from any request they may read.
fn importers(row: Row) -> Row {
    row.but(As::Auditor, FORBIDDEN).but(As::Admin, FORBIDDEN)
}

/// The requests of the owning organisation the matrix is tried on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A sent FOIA request.
    Foia,
    /// A sent subject access request.
    Sar,
    /// A FOIA request not yet sent.
    Draft,
}

const KINDS: [Kind; 3] = [Kind::Foia, Kind::Sar, Kind::Draft];

impl Kind {
    fn private(self) -> bool {
        self != Kind::Foia
    }

    fn regime(self) -> &'static str {
        match self {
            Kind::Sar => "sar",
            _ => "foia",
        }
    }

    fn sent_on(self) -> Option<&'static str> {
        (self != Kind::Draft).then_some("2026-05-01")
    }
}

/// What the path's `{id}` is.
#[derive(Debug, Clone, Copy)]
enum Target {
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
}

/// What is sent.
#[derive(Debug, Clone)]
enum Body {
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
}

impl Body {
    /// The upload itself, not a dry run: what a missing CSRF check would let through.
    fn for_real(&self) -> Body {
        match self {
            Body::Holidays { .. } => Body::Holidays { dry_run: false },
            Body::Authorities { .. } => Body::Authorities { dry_run: false },
            other => other.clone(),
        }
    }
}

/// One way of calling a route, and what each caller must get.
struct Case {
    target: Target,
    body: Body,
    /// Each caller a new one (a new user of the same role), where a success would end the session.
    fresh: bool,
    row: Row,
}

fn case(target: Target, body: Body, row: Row) -> Case {
    Case {
        target,
        body,
        fresh: false,
        row,
    }
}

fn fresh(body: Body, row: Row) -> Case {
    Case {
        fresh: true,
        ..case(Target::Nothing, body, row)
    }
}

fn plain(row: Row) -> Vec<Case> {
    vec![case(Target::Nothing, Body::None, row)]
}

/// A case for each kind of request.
fn each_kind(f: impl Fn(Kind) -> Case) -> Vec<Case> {
    KINDS.into_iter().map(f).collect()
}

const BYSTANDER: &str = "bystander@coalition.example";
const NEW_PASSWORD: &str = "another horse battery staple";
const AUTHORITY: &str = "Fixture Authority";

const FIGURE_FORM: &[(&str, &str)] = &[
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
const INDICATOR_FORM: &[(&str, &str)] = &[
    ("id", "D3.8"),
    ("demand_id", "D3"),
    ("wording", "Victims monitored after return"),
    ("unit", "people"),
    ("granularity", "year"),
    ("definition", "People monitored for a year after return"),
];
const INDICATOR_JSON: &str = r#"{"id": "D3.9", "demand_id": "D3", "wording": "Returns monitored", "unit": "people", "granularity": "year", "definition": "People monitored after return"}"#;
const LINKS_JSON: &str = r#"[{"indicator_id": "D1.1", "from": "2025-01-01", "to": "2025-03-31"}]"#;
const FIGURE_JSON: &str = r#"{"indicator_id": "D1.1", "value": "914", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "Potential victims detained", "definition_match": "comparable", "source_kind": "publication", "publication_title": "Hidden Futures", "publisher": "Coalition"}"#;

/// A complaint to the regulator, before any response is overdue.
const LETTER: &[(&str, &str)] = &[
    ("kind", "regulator_complaint"),
    ("sent_on", "2026-05-29"),
    ("to", "ICO"),
    ("subject", "Complaint"),
    ("body", "The response is overdue."),
    ("action", "send"),
];
const LETTER_JSON: &str = r#"{"kind": "regulator_complaint", "sent_on": "2026-05-29", "to": "ICO", "subject": "Complaint", "body": "The response is overdue."}"#;

/// The authorisation matrix: every route in ROUTES must have an arm.
fn expectations(method: &str, path: &str) -> Vec<Case> {
    use Target::*;
    match (method, path) {
        ("get", "/") => plain(signed_in(OK)),
        ("get", "/healthz" | "/livez" | "/readyz" | "/static/{file}" | "/deadline") => plain(everyone(OK)),
        // The metrics go by where the caller is, not who: every test client is on loopback
        // (tests/metrics.rs checks the callers from elsewhere).
        ("get", "/metrics") => plain(everyone(OK)),
        ("get", "/sign-in") => plain(everyone(See("/")).but(As::Anonymous, OK)),
        ("post", "/sign-in") => vec![fresh(
            Body::Form(&[("email", BYSTANDER), ("password", PASSWORD)]),
            everyone(See("/")),
        )],
        ("get", "/sign-in/code") => plain(everyone(See("/")).but(As::Anonymous, SignIn)),
        ("post", "/sign-in/code") => vec![case(
            Nothing,
            Body::Form(&[("code", "000000")]),
            everyone(See("/sign-in")),
        )],
        ("post", "/sign-out") => vec![fresh(Body::None, everyone(See("/sign-in")))],
        ("get", "/invitations/{token}" | "/password-reset/{token}") => plain(everyone(NOT_FOUND)),
        ("post", "/invitations/{token}" | "/password-reset/{token}") => vec![case(
            Nothing,
            Body::Form(&[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)]),
            everyone(NOT_FOUND),
        )],
        ("get", "/account" | "/account/two-factor") => plain(signed_in(OK)),
        ("post", "/account/password") => vec![
            // The current password wrong: the form again, to anyone who may change theirs.
            case(
                Nothing,
                Body::Form(&[
                    ("current_password", "not my password at all"),
                    ("new_password", NEW_PASSWORD),
                    ("confirm", NEW_PASSWORD),
                ]),
                signed_in(INVALID),
            ),
            fresh(
                Body::Form(&[
                    ("current_password", PASSWORD),
                    ("new_password", NEW_PASSWORD),
                    ("confirm", NEW_PASSWORD),
                ]),
                signed_in(See("/sign-in")),
            ),
        ],
        ("post", "/account/two-factor") => vec![case(Nothing, Body::TwoFactor, signed_in(See("/account")))],
        // Recovery codes stand in for an authenticator app: only those with one get them.
        ("post", "/account/recovery-codes") => vec![case(
            Nothing,
            Body::Form(&[("recovery_password", PASSWORD)]),
            signed_in(CONFLICT).but(As::Admin, OK),
        )],
        // Administrators must keep theirs.
        ("post", "/account/two-factor/disable") => vec![case(
            Nothing,
            Body::Form(&[("password", PASSWORD)]),
            signed_in(See("/account")).but(As::Admin, FORBIDDEN),
        )],
        ("post", "/account/tokens") => vec![case(Nothing, Body::Form(&[("name", "laptop")]), signed_in(OK))],
        ("post", "/account/tokens/{id}/revoke") => vec![
            case(OwnToken, Body::None, signed_in(See("/account"))),
            case(OthersToken, Body::None, signed_in(NOT_FOUND)),
        ],
        ("post", "/account/sign-out-everywhere") => vec![fresh(Body::None, signed_in(See("/sign-in")))],
        ("post", "/account/calendar") => vec![case(Nothing, Body::None, signed_in(OK))],
        ("post", "/account/calendar/revoke") => vec![case(Nothing, Body::None, signed_in(See("/account")))],
        // The feed's address is its only key: a made-up one opens nothing, for anyone.
        ("get", "/calendar/{token}") => plain(everyone(NOT_FOUND)),
        ("post", "/account/reminders") => vec![case(
            Nothing,
            Body::Form(&[("delivery", "daily_digest"), ("kind_authority_missed", "on")]),
            signed_in(See("/account#reminders")),
        )],
        // Coordinators see their organisation's reminders, auditors and admins everyone's.
        ("get", "/outbox") => plain(audit_readers(OK).but(As::Coordinator, OK)),
        ("post", "/outbox/retry") => {
            plain(admins(See("/outbox?status=failed")).but(As::Coordinator, See("/outbox?status=failed")))
        }
        ("get", "/requests") => plain(signed_in(OK)),
        ("get", "/requests.csv") => plain(signed_in(OK)),
        ("get", "/requests/new") => plain(filers(OK)),
        ("post", "/requests") => vec![case(
            Nothing,
            Body::RequestForm(Kind::Foia),
            filers(See("/requests/*")),
        )],
        ("get", "/requests/{id}") => each_kind(|k| case(Request(k), Body::None, reads(k, OK))),
        ("get", "/requests/{id}/edit") => each_kind(|k| case(Request(k), Body::None, writes(k, OK))),
        ("post", "/requests/{id}") => each_kind(|k| {
            case(
                NewRequest(k),
                Body::RequestForm(k),
                writes(k, See("/requests/{id}")),
            )
        }),
        ("post", "/requests/{id}/send") => vec![
            case(
                NewRequest(Kind::Draft),
                Body::Form(&[("sent_on", "2026-05-01")]),
                writes(Kind::Draft, See("/requests/{id}")),
            ),
            // Sent already: the form again, to those who may send it.
            case(
                Request(Kind::Foia),
                Body::Form(&[("sent_on", "2026-05-01")]),
                writes(Kind::Foia, CONFLICT),
            ),
        ],
        ("post", "/requests/{id}/events") => each_kind(|k| {
            case(
                NewRequest(k),
                Body::EventForm(k),
                writes(k, See("/requests/{id}#timeline")),
            )
        }),
        // A draft has no event to remove.
        ("post", "/requests/{id}/documents") => each_kind(|k| {
            case(
                Request(k),
                Body::Document,
                writes(k, See("/requests/{id}#documents")),
            )
        }),
        // A draft has not been sent, so it has no reply to import: the form again.
        ("post", "/requests/{id}/import-email") => each_kind(|k| {
            let imported = if k == Kind::Draft {
                INVALID
            } else {
                See("/requests/{id}#documents")
            };
            case(NewRequest(k), Body::Email, writes(k, imported))
        }),
        ("get", "/requests/{id}/letters" | "/api/v1/requests/{id}/letters") => {
            each_kind(|k| case(Request(k), Body::None, writes(k, OK)))
        }
        // No response is overdue yet, so there is nothing to complain of: the form again, to
        // those who may send it (tests/appeals.rs sends letters that can be).
        ("post", "/requests/{id}/letters") => {
            each_kind(|k| case(NewRequest(k), Body::Form(LETTER), writes(k, CONFLICT)))
        }
        ("post", "/api/v1/requests/{id}/letters") => {
            each_kind(|k| case(NewRequest(k), Body::Json(LETTER_JSON), writes(k, CONFLICT)))
        }
        ("post", "/api/v1/requests/{id}/documents") => {
            each_kind(|k| case(Request(k), Body::Document, writes(k, CREATED)))
        }
        ("post", "/api/v1/requests/{id}/import-email") => each_kind(|k| {
            let imported = if k == Kind::Draft { INVALID } else { CREATED };
            case(NewRequest(k), Body::Email, writes(k, imported))
        }),
        ("get", "/api/v1/documents/{id}") => each_kind(|k| case(Document(k), Body::None, reads(k, OK))),
        ("get", "/documents/{id}") => each_kind(|k| case(Document(k), Body::None, reads(k, OK))),
        // The fixtures are PDFs, not tables: who may import from them is told so.
        ("get" | "post", "/documents/{id}/import") => {
            each_kind(|k| case(Document(k), Body::None, importers(reads(k, CONFLICT))))
        }
        ("post", "/api/v1/documents/{id}/import" | "/api/v1/documents/{id}/import/preview") => {
            each_kind(|k| case(Document(k), Body::Json("{}"), importers(reads(k, INVALID))))
        }
        // The question first, to those who may remove it: a draft has no event to remove.
        ("get", "/requests/{id}/events/remove-last") => each_kind(|k| {
            let asked = if k == Kind::Draft { CONFLICT } else { OK };
            case(Request(k), Body::None, writes(k, asked))
        }),
        ("post", "/requests/{id}/events/remove-last") => {
            let mut cases = each_kind(|k| {
                let removed = if k == Kind::Draft {
                    CONFLICT
                } else {
                    See("/requests/{id}#timeline")
                };
                case(
                    NewRequest(k),
                    Body::Form(&[("confirm", "yes")]),
                    writes(k, removed),
                )
            });
            // Unconfirmed (an old form): to the question, whoever asks; nothing removed.
            cases.push(case(
                NewRequest(Kind::Foia),
                Body::None,
                signed_in(See("/requests/{id}/events/remove-last")),
            ));
            cases
        }
        ("get", "/authorities") => plain(signed_in(OK)),
        ("get", "/authorities/new" | "/authorities/import" | "/admin/holidays" | "/admin/users") => {
            plain(admins(OK))
        }
        ("post", "/authorities") => vec![case(Nothing, Body::NewAuthorityForm, admins(See("/authorities")))],
        ("post", "/authorities/import") => {
            vec![case(Nothing, Body::Authorities { dry_run: true }, admins(OK))]
        }
        ("get", "/authorities/{id}/edit") => vec![case(Authority, Body::None, admins(OK))],
        ("post", "/authorities/{id}") => {
            vec![case(Authority, Body::AuthorityForm, admins(See("/authorities")))]
        }
        ("post", "/admin/holidays") => vec![case(Nothing, Body::Holidays { dry_run: true }, admins(OK))],
        ("post", "/admin/users") => vec![case(Nothing, Body::NewUserForm, admins(OK))],
        ("post", "/admin/users/{id}/reset-link") => vec![case(User, Body::None, admins(OK))],
        ("get", "/admin/users/{id}/two-factor-reset") => vec![case(User, Body::None, admins(OK))],
        // The user has no two-factor sign-in to reset: only administrators are told so.
        ("post", "/admin/users/{id}/two-factor-reset") => {
            vec![case(
                User,
                Body::Form(&[("password", PASSWORD)]),
                admins(CONFLICT),
            )]
        }
        ("get", "/admin/users/{id}/deactivate") => vec![case(NewUser, Body::None, admins(OK))],
        ("post", "/admin/users/{id}/deactivate") => vec![
            case(
                NewUser,
                Body::Form(&[("hand_over_to", ""), ("confirm", "yes")]),
                admins(OK),
            ),
            // Unconfirmed: to the question, whoever asks; nobody deactivated.
            case(
                NewUser,
                Body::Form(&[("hand_over_to", "")]),
                signed_in(See("/admin/users/{id}/deactivate")),
            ),
        ],
        ("post", "/admin/organisations/{id}") => vec![case(NewOrganisation, Body::NewName, admins(OK))],
        ("get", "/audit" | "/audit.csv") => plain(audit_readers(OK)),
        ("get", "/api/v1/openapi.json") => plain(everyone(OK)),
        ("get", "/api/v1/requests") => plain(signed_in(OK)),
        ("post", "/api/v1/requests") => vec![case(Nothing, Body::RequestJson(Kind::Foia), filers(CREATED))],
        ("get", "/api/v1/requests/{id}" | "/api/v1/requests/{id}/events") => {
            each_kind(|k| case(Request(k), Body::None, reads(k, OK)))
        }
        ("put", "/api/v1/requests/{id}") => {
            each_kind(|k| case(NewRequest(k), Body::RequestJson(k), writes(k, OK)))
        }
        ("post", "/api/v1/requests/{id}/events") => {
            each_kind(|k| case(NewRequest(k), Body::EventJson(k), writes(k, CREATED)))
        }
        ("delete", "/api/v1/requests/{id}/events/last") => each_kind(|k| {
            let removed = if k == Kind::Draft { CONFLICT } else { OK };
            case(NewRequest(k), Body::None, writes(k, removed))
        }),
        ("get", "/api/v1/authorities") => plain(signed_in(OK)),
        ("get", "/scorecard" | "/api/v1/scorecard" | "/api/v1/indicators") => plain(everyone(OK)),
        // The placeholder itself names no indicator (tests/scorecard.rs reads real ones).
        ("get", "/scorecard/{indicator}" | "/api/v1/indicators/{indicator}") => plain(everyone(NOT_FOUND)),
        ("get", "/admin/indicators" | "/admin/indicators/new") => plain(admins(OK)),
        ("post", "/admin/indicators") => vec![case(
            Nothing,
            Body::Form(INDICATOR_FORM),
            admins(See("/admin/indicators#indicator-D3.8")),
        )],
        // No indicator is called {indicator}: administrators are told so, the others refused.
        ("get", "/admin/indicators/{indicator}/edit") => plain(admins(NOT_FOUND)),
        ("post", "/admin/indicators/{indicator}") => {
            vec![case(Nothing, Body::Form(INDICATOR_FORM), admins(NOT_FOUND))]
        }
        (
            "get",
            "/open-data"
            | "/open-data/figures.csv"
            | "/open-data/figures.json"
            | "/open-data/datapackage.json",
        ) => plain(everyone(OK)),
        ("post", "/requests/{id}/indicators") => each_kind(|k| {
            case(
                NewRequest(k),
                Body::Form(&[("lines", "D1.1 2025-01-01 2025-03-31")]),
                writes(k, See("/requests/{id}#indicators")),
            )
        }),
        ("get", "/figures") => plain(signed_in(OK)),
        ("get", "/figures/new") => plain(filers(OK)),
        ("post", "/figures") => vec![case(
            Nothing,
            Body::Form(FIGURE_FORM),
            filers(See("/figures#figure-*")),
        )],
        ("post", "/figures/{id}/verify") => {
            vec![case(NewFigure, Body::None, filers(See("/figures#figure-{id}")))]
        }
        ("post", "/api/v1/indicators") => vec![case(Nothing, Body::Json(INDICATOR_JSON), admins(CREATED))],
        ("put", "/api/v1/requests/{id}/indicators") => {
            each_kind(|k| case(NewRequest(k), Body::Json(LINKS_JSON), writes(k, OK)))
        }
        // The matrix's requests name no indicator, so there is no quarter to repeat; none of
        // them is a drafted repeat to skip (tests/repeats.rs repeats and skips real ones).
        ("post", "/requests/{id}/repeat") => each_kind(|k| {
            case(
                NewRequest(k),
                Body::Form(&[("repeats", "on")]),
                writes(k, INVALID),
            )
        }),
        ("post", "/requests/{id}/skip") => {
            each_kind(|k| case(NewRequest(k), Body::None, writes(k, CONFLICT)))
        }
        ("post", "/api/v1/requests/{id}/repeat") => each_kind(|k| {
            case(
                NewRequest(k),
                Body::Json(r#"{"repeats": true}"#),
                writes(k, INVALID),
            )
        }),
        ("post", "/api/v1/requests/{id}/skip") => {
            each_kind(|k| case(NewRequest(k), Body::None, writes(k, CONFLICT)))
        }
        ("post", "/api/v1/figures") => vec![case(Nothing, Body::Json(FIGURE_JSON), filers(CREATED))],
        ("post", "/api/v1/figures/{id}/verify") => vec![case(NewFigure, Body::None, filers(OK))],
        ("get", "/history" | "/history/requests" | "/api/v1/history" | "/api/v1/history/requests") => {
            plain(signed_in(OK))
        }
        // Without a dataset: the field named, to anyone signed in.
        ("get", "/history/export" | "/api/v1/history/export") => plain(signed_in(INVALID)),
        ("post", "/api/v1/authorities") => vec![case(Nothing, Body::NewAuthorityJson, admins(CREATED))],
        ("get", "/api/v1/authorities/{id}") => vec![case(Authority, Body::None, signed_in(OK))],
        ("put", "/api/v1/authorities/{id}") => vec![case(Authority, Body::AuthorityJson, admins(OK))],
        ("post", "/api/v1/deadline") => vec![case(
            Nothing,
            Body::Json(r#"{"regime": "foia", "received": "2026-05-01"}"#),
            everyone(OK),
        )],
        (method, path) => panic!(
            "route {} {path} has no expectation in the authorisation matrix",
            method.to_uppercase()
        ),
    }
}

static NEXT: AtomicU32 = AtomicU32::new(1);

/// A number no other call of this test run has had, for unique names.
fn next() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Someone calling: a browser, the token its forms carry, maybe an API token.
#[derive(Clone)]
struct Person {
    client: Client,
    csrf: String,
    token: Option<String>,
    /// The signed-in user's email; `None` for those not signed in.
    email: Option<String>,
}

impl Person {
    fn signed_in(session: Session) -> Person {
        Person {
            client: session.client,
            csrf: session.csrf,
            token: Some(session.token),
            email: Some(session.email),
        }
    }

    /// Someone not signed in on this browser: the sign-in page gives it its CSRF cookie.
    async fn not_signed_in(app: &TestApp, client: Client, token: Option<String>) -> Person {
        let page = support::page_text(&client, app.url("/sign-in")).await;
        let csrf = input_value(&page, "csrf").expect("the sign-in page carries a CSRF token");
        Person {
            client,
            csrf,
            token,
            email: None,
        }
    }

    /// A new caller of this kind: a new user of the same role and organisation.
    async fn new(app: &TestApp, who: As) -> Person {
        let n = next();
        let member = |role: &'static str, organisation: &'static str, domain: &'static str| {
            let email = format!("{role}{n}@{domain}");
            async move { app.member(&email, role, organisation).await }
        };
        match who {
            As::Anonymous => Person::not_signed_in(app, browser(), None).await,
            As::Researcher => {
                Person::signed_in(member("researcher", ORGANISATION, "coalition.example").await)
            }
            As::OtherResearcher => {
                Person::signed_in(member("researcher", "Other NGO", "other.example").await)
            }
            As::Coordinator => {
                Person::signed_in(member("coordinator", ORGANISATION, "coalition.example").await)
            }
            As::Auditor => Person::signed_in(member("auditor", "Audit Org", "audit.example").await),
            As::Admin => Person::signed_in(member("admin", ORGANISATION, "coalition.example").await),
            As::Deactivated => {
                let session = member("researcher", ORGANISATION, "gone.example").await;
                // Their cookie and token work, until they are deactivated.
                assert_eq!(session.get("/account").await.status(), StatusCode::OK);
                assert_eq!(session.get("/api/v1/requests").await.status(), StatusCode::OK);
                accounts::deactivate(
                    &mut app.connection(),
                    &Caller::command_line(),
                    &session.email,
                    None,
                    now(),
                )
                .unwrap();
                Person::not_signed_in(app, session.client, Some(session.token)).await
            }
            As::CookieOnly => Person {
                token: None,
                ..Person::signed_in(member("coordinator", ORGANISATION, "coalition.example").await)
            },
            As::BadToken => Person {
                client: browser(),
                csrf: String::new(),
                token: Some(format!("foi_{}", passwords::new_secret())),
                email: None,
            },
        }
    }
}

/// One of each caller, made once.
struct People(Vec<(As, Person)>);

impl People {
    async fn new(app: &TestApp) -> People {
        let coordinator = Person::signed_in(app.session.clone());
        let mut people = vec![
            (As::Coordinator, coordinator.clone()),
            (As::Admin, Person::signed_in(app.admin().await)),
            (
                As::CookieOnly,
                Person {
                    token: None,
                    ..coordinator
                },
            ),
        ];
        for who in API_CALLERS {
            if !people.iter().any(|(w, _)| *w == who) {
                people.push((who, Person::new(app, who).await));
            }
        }
        People(people)
    }

    fn get(&self, who: As) -> &Person {
        &self.0.iter().find(|(w, _)| *w == who).unwrap().1
    }
}

/// What the matrix is tried on.
struct Fixtures {
    home_office: i64,
    requests: Vec<(Kind, i64)>,
    /// A document of each kind's request.
    documents: Vec<(Kind, i64)>,
    authority: i64,
    bystander: i64,
    bystanders_token: i64,
}

fn request_json(home_office: i64, kind: Kind) -> Value {
    json!({
        "title": format!("{kind:?} request"),
        "body": "Please provide the number of potential victims detained in 2026 Q1.",
        "authority_id": home_office,
        "regime": kind.regime(),
        "sent_via": "email",
        "sent_on": kind.sent_on(),
        "reference": null,
        "owner_id": null,
        "tags": [],
    })
}

/// The title and the tag of the organisation's request of this kind made once: found by
/// those who may know of it, by nobody else.
fn shared_title(kind: Kind) -> String {
    format!("Shared {kind:?} fixture")
}

fn shared_tag(kind: Kind) -> String {
    format!("{kind:?}fixture").to_lowercase()
}

fn authority_json(name: &str) -> Value {
    json!({"name": name, "short_name": "FA", "foi_email": null, "website": null, "default_regime": "foia", "nation": "uk"})
}

/// A new API token of `email`'s, from the command line.
fn new_token(app: &TestApp, email: &str) -> i64 {
    let (token, _) = api_tokens::create_token(
        &mut app.connection(),
        &Caller::command_line(),
        Some(email),
        "to revoke",
        now(),
    )
    .unwrap();
    i64::from(token.id)
}

/// A document stored straight in the database, for a request the matrix reads.
fn fixture_document(app: &TestApp, request: i64) -> i64 {
    use foi_tracker::db::documents::{insert, store_blob, NewDocument};
    let mut conn = app.connection();
    let content = format!("%PDF-1.4\n% fixture of request {request}\n");
    let (sha256, _) = store_blob(&mut conn, content.as_bytes(), now()).unwrap();
    let document = NewDocument {
        request_id: request as i32,
        event_id: None,
        sha256: &sha256,
        filename: "fixture.pdf",
        content_type: "application/pdf",
        uploaded_by: None,
    };
    i64::from(insert(&mut conn, &document, now()).unwrap())
}

/// The secret at the end of a link.
fn secret_of(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_string()
}

impl Fixtures {
    async fn new(app: &TestApp, admin: &Person) -> Fixtures {
        let home_office = app.authority("Home Office").await;
        let mut requests = Vec::new();
        for kind in KINDS {
            let mut body = request_json(home_office, kind);
            body["title"] = json!(shared_title(kind));
            body["tags"] = json!([shared_tag(kind)]);
            requests.push((kind, app.create_request(body).await["id"].as_i64().unwrap()));
        }
        let response = admin
            .client
            .post(app.url("/api/v1/authorities"))
            .bearer_auth(admin.token.as_deref().unwrap())
            .json(&authority_json(AUTHORITY))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let authority = response.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let bystander = i64::from(app.add_user(BYSTANDER, "researcher", ORGANISATION));
        let bystanders_token = new_token(app, BYSTANDER);
        let documents = requests
            .iter()
            .map(|&(kind, request)| (kind, fixture_document(app, request)))
            .collect();
        Fixtures {
            home_office,
            requests,
            documents,
            authority,
            bystander,
            bystanders_token,
        }
    }

    fn request(&self, kind: Kind) -> i64 {
        self.requests.iter().find(|(k, _)| *k == kind).unwrap().1
    }

    /// The id the path's `{id}` stands for, made now if the target is a new one.
    async fn id(&self, app: &TestApp, target: Target, person: &Person) -> Option<i64> {
        Some(match target {
            Target::Nothing => return None,
            Target::Request(kind) => self.request(kind),
            Target::Document(kind) => self.documents.iter().find(|(k, _)| *k == kind).unwrap().1,
            Target::NewRequest(kind) => new_request(app, self.home_office, kind).await,
            Target::Authority => self.authority,
            Target::OwnToken => match &person.email {
                Some(email) => new_token(app, email),
                // Nobody signed in has a token of their own.
                None => self.bystanders_token,
            },
            Target::OthersToken => self.bystanders_token,
            Target::User => self.bystander,
            Target::NewUser => {
                let email = format!("leaver{}@coalition.example", next());
                i64::from(app.add_user(&email, "researcher", ORGANISATION))
            }
            Target::NewOrganisation => {
                let name = format!("Partner NGO {}", next());
                let mut conn = app.connection();
                i64::from(
                    foi_tracker::db::accounts::insert_organisation(
                        &mut conn,
                        &name,
                        foi_tracker::clock::now(),
                    )
                    .unwrap(),
                )
            }
            Target::NewFigure => {
                let figure = foi_tracker::db::demands::NewFigure {
                    indicator_id: "D1.1".into(),
                    value: Some("410".into()),
                    suppressed: None,
                    unit: "people".into(),
                    period_start: support::date("2017-01-01"),
                    period_end: support::date("2017-12-31"),
                    breakdown: String::new(),
                    definition: "Potential victims detained".into(),
                    definition_match: "comparable".into(),
                    caveats: String::new(),
                    source_kind: "publication".into(),
                    request_id: None,
                    event_id: None,
                    document_id: None,
                    location: None,
                    publication_title: Some("Hidden Futures".into()),
                    publisher: Some("Coalition".into()),
                    published_on: None,
                    url: None,
                    entered_by: None,
                    entered_at: foi_tracker::clock::now(),
                };
                i64::from(foi_tracker::db::demands::insert_figure(&mut app.connection(), &figure).unwrap())
            }
        })
    }

    /// The route's path with its parameters filled in: `{token}` a link that never was, or
    /// with `real_links` a new, unused one.
    fn path(&self, app: &TestApp, path: &str, id: Option<i64>, real_links: bool) -> String {
        let token = match (real_links, path.starts_with("/invitations/")) {
            (false, _) => "no-such-link-ever-made".to_string(),
            (true, true) => {
                let input = UserInput {
                    email: format!("invited{}@coalition.example", next()),
                    name: "Invited".into(),
                    organisation: ORGANISATION.into(),
                    role: "researcher".into(),
                    password: None,
                };
                let added = accounts::add_user(
                    &mut app.connection(),
                    &Caller::command_line(),
                    &input,
                    &app.address,
                    now(),
                )
                .unwrap();
                secret_of(&added.invitation.unwrap())
            }
            (true, false) => secret_of(
                &account_links::reset_link(
                    &mut app.connection(),
                    &Caller::command_line(),
                    self.bystander as i32,
                    &app.address,
                    now(),
                )
                .unwrap(),
            ),
        };
        path.replace("{id}", &id.map(|i| i.to_string()).unwrap_or_default())
            .replace("{file}", "app.css")
            .replace("{token}", &token)
    }
}

/// A request of the owning organisation, made through the coordinator's API.
async fn new_request(app: &TestApp, home_office: i64, kind: Kind) -> i64 {
    app.create_request(request_json(home_office, kind)).await["id"]
        .as_i64()
        .unwrap()
}

/// The gov.uk bank holidays file with one more day proclaimed in England and Wales.
fn holidays_file() -> String {
    let mut file: Value = serde_json::from_str(include_str!("../../data/bank-holidays.json")).unwrap();
    file["england-and-wales"]["events"].as_array_mut().unwrap().push(
        json!({"title": "Proclaimed bank holiday", "date": "2026-06-15", "notes": "", "bunting": true}),
    );
    file.to_string()
}

enum Payload {
    Nothing,
    Form(Vec<(String, String)>),
    Json(Value),
    Upload {
        file_name: &'static str,
        content: String,
        dry_run: bool,
    },
}

fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

fn payload(body: &Body, fixtures: &Fixtures, person: &Person) -> Payload {
    let home_office = fixtures.home_office.to_string();
    match body {
        Body::None => Payload::Nothing,
        Body::Form(fields) => form(fields),
        Body::Json(text) => Payload::Json(serde_json::from_str(text).unwrap()),
        Body::RequestForm(kind) => form(&[
            ("title", format!("{kind:?} request").as_str()),
            ("body", "Please provide the number of potential victims detained in 2026 Q1."),
            ("authority_id", home_office.as_str()),
            ("regime", kind.regime()),
            ("sent_via", "email"),
            ("sent_on", kind.sent_on().unwrap_or_default()),
            ("received_on", ""),
            ("reference", ""),
            ("tags", "detention"),
        ]),
        Body::RequestJson(kind) => Payload::Json(request_json(fixtures.home_office, *kind)),
        Body::EventForm(Kind::Draft) => form(&[("kind", "received"), ("occurred_on", "2026-05-01")]),
        Body::EventForm(_) => form(&[
            ("kind", "response"),
            ("occurred_on", "2026-05-20"),
            ("extended_to", ""),
            ("details", "Refused under s.12."),
        ]),
        Body::EventJson(Kind::Draft) => Payload::Json(json!({"kind": "received", "occurred_on": "2026-05-01"})),
        Body::EventJson(_) => Payload::Json(json!({"kind": "response", "occurred_on": "2026-05-20"})),
        Body::NewName => form(&[("name", format!("Renamed NGO {}", next()).as_str())]),
        Body::TwoFactor => {
            let email = person.email.as_deref().unwrap_or("nobody@example.org");
            let (secret, _, _) = two_factor::new_two_factor(email).unwrap();
            let code = two_factor::totp(&secret, email)
                .unwrap()
                .generate_current()
                .to_string();
            let recovery = foi_tracker::tracker::recovery_codes::new_set().join(" ");
            form(&[
                ("secret", secret.as_str()),
                ("recovery_codes", recovery.as_str()),
                ("code", code.as_str()),
                ("password", PASSWORD),
            ])
        }
        Body::AuthorityForm => form(&[
            ("name", AUTHORITY),
            ("short_name", "FA"),
            ("foi_email", ""),
            ("website", ""),
            ("default_regime", "foia"),
            ("nation", "uk"),
        ]),
        Body::AuthorityJson => Payload::Json(authority_json(AUTHORITY)),
        Body::NewAuthorityForm => form(&[
            ("name", format!("New Authority {}", next()).as_str()),
            ("short_name", "NA"),
            ("foi_email", ""),
            ("website", ""),
            ("default_regime", "foia"),
            ("nation", "uk"),
        ]),
        Body::NewAuthorityJson => Payload::Json(authority_json(&format!("New Authority {}", next()))),
        Body::NewUserForm => form(&[
            ("email", format!("newcomer{}@coalition.example", next()).as_str()),
            ("name", "Newcomer"),
            ("organisation", ORGANISATION),
            ("role", "researcher"),
        ]),
        Body::Holidays { dry_run } => Payload::Upload {
            file_name: "bank-holidays.json",
            content: holidays_file(),
            dry_run: *dry_run,
        },
        Body::Document => Payload::Upload {
            file_name: "reply.pdf",
            content: format!("%PDF-1.4\n% reply {}\n", next()),
            dry_run: false,
        },
        Body::Email => Payload::Upload {
            file_name: "reply.eml",
            content: "From: foi@homeoffice.gov.uk\r\nTo: researcher@coalition.example\r\nDate: Thu, 28 May 2026 10:00:00 +0100\r\nSubject: Your request\r\n\r\nPlease find our response.\r\n".to_string(),
            dry_run: false,
        },
        Body::Authorities { dry_run } => Payload::Upload {
            file_name: "authorities.csv",
            content: format!(
                "name,short_name,foi_email,website,default_regime,nation\nImported Authority {},IA,,,foia,uk\n",
                next()
            ),
            dry_run: *dry_run,
        },
    }
}

/// Sends a call as `person`: the API token under /api/, and on a page's form `csrf` if given.
async fn send(
    app: &TestApp,
    person: &Person,
    method: &str,
    path: &str,
    payload: Payload,
    csrf: Option<&str>,
) -> Response {
    let api = path.starts_with("/api/");
    let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let page_post = method == Method::POST && !api;
    let mut request = person.client.request(method, app.url(path));
    if let (true, Some(token)) = (api, &person.token) {
        request = request.bearer_auth(token);
    }
    let request = match payload {
        Payload::Nothing if page_post => return send_form(request, Vec::new(), csrf).await,
        Payload::Nothing => request,
        Payload::Form(fields) => return send_form(request, fields, csrf).await,
        Payload::Json(value) => request.json(&value),
        Payload::Upload {
            file_name,
            content,
            dry_run,
        } => {
            // A page's form carries its CSRF token first, as the server requires.
            let mut form = reqwest::multipart::Form::new();
            if let Some(csrf) = csrf {
                form = form.text("csrf", csrf.to_string());
            }
            form = form.part(
                "file",
                reqwest::multipart::Part::text(content).file_name(file_name),
            );
            if dry_run {
                form = form.text("dry_run", "true");
            }
            request.multipart(form)
        }
    };
    request.send().await.unwrap()
}

async fn send_form(
    request: reqwest::RequestBuilder,
    mut fields: Vec<(String, String)>,
    csrf: Option<&str>,
) -> Response {
    if let Some(csrf) = csrf {
        fields.insert(0, ("csrf".into(), csrf.into()));
    }
    request.form(&fields).send().await.unwrap()
}

/// The expected answer in words, as the route gives it.
fn describe(expect: Expect, api: bool, id: Option<i64>) -> String {
    match expect {
        Expect::Status(code) => code.to_string(),
        SignIn if api => "401".into(),
        SignIn => "303 to /sign-in".into(),
        See(to) => format!("303 to {}", fill(to, id)),
    }
}

fn fill(location: &str, id: Option<i64>) -> String {
    location.replace("{id}", &id.map(|i| i.to_string()).unwrap_or_default())
}

/// Whether the answer is the one expected.
fn answers(expect: Expect, api: bool, id: Option<i64>, status: StatusCode, at: &str) -> bool {
    let see = |to: &str| {
        let to = fill(to, id);
        status == StatusCode::SEE_OTHER
            && match to.strip_suffix('*') {
                Some(prefix) => at.starts_with(prefix) && at.len() > prefix.len(),
                None => at == to,
            }
    };
    match expect {
        Expect::Status(code) => status.as_u16() == code,
        SignIn if api => status == StatusCode::UNAUTHORIZED,
        // A page sends the browser to sign in, with the page to return to.
        SignIn => see("/sign-in") || (status == StatusCode::SEE_OTHER && at.starts_with("/sign-in?next=%2F")),
        See(to) => see(to),
    }
}

/// What came back, briefly: the status, where it leads, and why if it says.
async fn got(response: Response) -> String {
    let status = response.status().as_u16();
    let at = location(&response);
    if !at.is_empty() {
        return format!("{status} to {at}");
    }
    let text = response.text().await.unwrap_or_default();
    let why = match (text.find("<p>"), serde_json::from_str::<Value>(&text)) {
        (_, Ok(problem)) => problem["detail"].as_str().unwrap_or_default().to_string(),
        (Some(start), _) => text[start + 3..]
            .split("</p>")
            .next()
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    };
    format!("{status} {}", why.chars().take(150).collect::<String>())
}

/// What each signed-in caller finds in lists, and among the requests a FOIA request's page
/// names as related for the cost limit (FOIA requests and drafts only; taken before the matrix
/// adds requests): nobody outside the organisation
/// meets its drafts or subject access requests, not even their titles or tags; an auditor meets
/// them all, but a subject access request's title and tags only once they open it, which is
/// recorded.
async fn listed(app: &TestApp, people: &People, fixtures: &Fixtures) -> Vec<String> {
    let mut mismatches = Vec::new();
    let text = |response: Response| async move {
        assert_eq!(response.status(), StatusCode::OK, "{}", response.url());
        response.text().await.unwrap()
    };
    let foia_page = format!("/requests/{}", fixtures.request(Kind::Foia));
    let yes = |b: bool| if b { "yes" } else { "no" };
    for who in [
        As::Researcher,
        As::OtherResearcher,
        As::Coordinator,
        As::Auditor,
        As::Admin,
    ] {
        let person = people.get(who);
        let get = |path: &'static str| send(app, person, "get", path, Payload::Nothing, None);
        let api = text(get("/api/v1/requests").await).await;
        let ids: Vec<i64> = serde_json::from_str::<Value>(&api).unwrap()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        let list = text(get("/requests").await).await;
        let csv = text(get("/requests.csv").await).await;
        let related = text(send(app, person, "get", &foia_page, Payload::Nothing, None).await).await;
        for &(kind, id) in &fixtures.requests {
            let known = who != As::OtherResearcher || !kind.private();
            let shown = known && !(who == As::Auditor && kind == Kind::Sar);
            let (title, tag) = (shared_title(kind), shared_tag(kind));
            let link = format!("href=\"/requests/{id}\"");
            let mut places = vec![
                ("listed by the API", known, ids.contains(&id)),
                ("named in the API's list", shown, api.contains(&title)),
                ("tagged in the API's list", shown, api.contains(&tag)),
                ("linked from the list page", known, list.contains(&link)),
                ("named in the list page", shown, list.contains(&title)),
                ("tagged in the list page", shown, list.contains(&tag)),
                (
                    "listed in the CSV",
                    known,
                    csv.lines().any(|l| l.starts_with(&format!("{id},"))),
                ),
                ("named in the CSV", shown, csv.contains(&title)),
                ("tagged in the CSV", shown, csv.contains(&tag)),
            ];
            // The cost limit adds FOIA requests together, never a subject access request.
            let aggregated = kind != Kind::Sar;
            if kind != Kind::Foia {
                places.push((
                    "linked as related from the FOIA request",
                    known && aggregated,
                    related.contains(&link),
                ));
                places.push((
                    "named as related on the FOIA request",
                    shown && aggregated,
                    related.contains(&title),
                ));
            }
            for (place, expected, found) in places {
                if found != expected {
                    mismatches.push(format!(
                        "{who:?}: the {kind:?} request {place}: expected {}, got {}",
                        yes(expected),
                        yes(found)
                    ));
                }
            }
        }
    }
    mismatches
}

/// The CSRF token a form is posted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Missing,
    /// As long as the right one, one character different.
    Wrong,
    Right,
}

impl Token {
    fn of(self, person: &Person) -> Option<String> {
        let mut wrong = person.csrf.clone();
        let last = if wrong.pop() == Some('A') { 'B' } else { 'A' };
        wrong.push(last);
        match self {
            Token::Missing => None,
            Token::Wrong => Some(wrong),
            Token::Right => Some(person.csrf.clone()),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Token::Missing => "no",
            Token::Wrong => "a wrong",
            Token::Right => "the right",
        }
    }
}

/// Fails, naming the route, if any route has no arm.
fn every_route_has_an_expectation() {
    for &(method, path) in ROUTES {
        assert!(!expectations(method, path).is_empty(), "{method} {path}");
    }
}

on_both_backends! {
    async fn every_route_answers_every_caller_as_the_rules_say(app) {
        every_route_has_an_expectation();
        let people = People::new(&app).await;
        let fixtures = Fixtures::new(&app, people.get(As::Admin)).await;
        let mut mismatches = listed(&app, &people, &fixtures).await;
        let mut checked = 0;
        for &(method, path) in ROUTES {
            let api = path.starts_with("/api/");
            let callers: &[As] = if api { &API_CALLERS } else { &PAGE_CALLERS };
            for case in expectations(method, path) {
                for &who in callers {
                    let person = match case.fresh {
                        true => Person::new(&app, who).await,
                        false => people.get(who).clone(),
                    };
                    let id = fixtures.id(&app, case.target, &person).await;
                    let concrete = fixtures.path(&app, path, id, false);
                    let expected = case.row.of(who);
                    let body = payload(&case.body, &fixtures, &person);
                    let response = send(&app, &person, method, &concrete, body, Some(&person.csrf)).await;
                    checked += 1;
                    if !answers(expected, api, id, response.status(), &location(&response)) {
                        mismatches.push(format!(
                            "{} {concrete} ({path}) as {who:?}: expected {}, got {}",
                            method.to_uppercase(), describe(expected, api, id), got(response).await
                        ));
                    }
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{} of {checked} answers differ from the rules:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }

    async fn every_form_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(app) {
        let coordinator = Person::signed_in(app.session.clone());
        let admin = Person::signed_in(app.admin().await);
        let fixtures = Fixtures::new(&app, &admin).await;
        let anonymous = Person::new(&app, As::Anonymous).await;
        let forms: Vec<(&str, &str)> = ROUTES
            .iter()
            .copied()
            .filter(|(method, path)| *method == "post" && !path.starts_with("/api/"))
            .collect();
        assert!(!forms.is_empty(), "ROUTES names its forms' method \"post\"");
        let mut mismatches = Vec::new();
        let mut checked = 0;
        for (method, path) in forms {
            for case in expectations(method, path) {
                // Each with the form that would succeed for them; the anonymous only where they
                // may post at all.
                for who in [As::Coordinator, As::Admin, As::Anonymous] {
                    if who == As::Anonymous && case.row.anonymous == SignIn {
                        continue;
                    }
                    let person = match (case.fresh, who) {
                        (true, _) => Person::new(&app, who).await,
                        (false, As::Coordinator) => coordinator.clone(),
                        (false, As::Admin) => admin.clone(),
                        (false, _) => anonymous.clone(),
                    };
                    // One target for the three posts: the two refused ones change nothing.
                    let id = fixtures.id(&app, case.target, &person).await;
                    let concrete = fixtures.path(&app, path, id, true);
                    let before = app.snapshot();
                    for token in [Token::Missing, Token::Wrong, Token::Right] {
                        let body = payload(&case.body.for_real(), &fixtures, &person);
                        let csrf = token.of(&person);
                        let response = send(&app, &person, method, &concrete, body, csrf.as_deref()).await;
                        let status = response.status();
                        checked += 1;
                        let words = token.words();
                        let call = format!("POST {concrete} ({path}) as {who:?} with {words} CSRF token");
                        // Last, the right token: accepted wherever the role allows, or the
                        // refusals prove nothing.
                        let refused = status == StatusCode::FORBIDDEN;
                        let (wrong, expected) = match token {
                            Token::Right => (refused && case.row.of(who) != FORBIDDEN, "anything but 403"),
                            _ => (!refused, "403"),
                        };
                        if wrong {
                            mismatches.push(format!("{call}: expected {expected}, got {}", got(response).await));
                        }
                        if token == Token::Wrong {
                            let after = app.snapshot();
                            let changed: Vec<&String> =
                                before.keys().filter(|t| before[*t] != after[*t]).collect();
                            if !changed.is_empty() {
                                let call = format!("POST {concrete} ({path}) as {who:?}");
                                mismatches.push(format!("{call} without the right CSRF token changed {changed:?}"));
                            }
                        }
                    }
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{} of {checked} posts were answered wrongly:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }
}
