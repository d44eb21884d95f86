//! What every route answers each caller: one arm per route of `ROUTES`.

use super::*;

/// The authorisation matrix: every route in ROUTES must have an arm.
pub(super) fn expectations(method: &str, path: &str) -> Vec<Case> {
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
        // The organisation's unmatched mail may be anyone's: coordinators alone. Its mailbox
        // has no IMAP server to read, and the fixture has no message in triage
        // (tests/email_receiving.rs reads, files and dismisses for real).
        ("get", "/inbox" | "/api/v1/inbox") => plain(signed_in(FORBIDDEN).but(As::Coordinator, OK)),
        ("post", "/inbox/read" | "/api/v1/inbox/read") => {
            plain(signed_in(FORBIDDEN).but(As::Coordinator, CONFLICT))
        }
        ("post", "/inbox/{id}/file") => vec![case(
            Request(Kind::Foia),
            Body::Form(&[("request_id", "1")]),
            signed_in(FORBIDDEN).but(As::Coordinator, NOT_FOUND),
        )],
        ("post", "/api/v1/inbox/{id}/file") => vec![case(
            Request(Kind::Foia),
            Body::Json(r#"{"request_id": 1}"#),
            signed_in(FORBIDDEN).but(As::Coordinator, NOT_FOUND),
        )],
        ("post", "/inbox/{id}/dismiss" | "/api/v1/inbox/{id}/dismiss") => vec![case(
            Request(Kind::Foia),
            Body::None,
            signed_in(FORBIDDEN).but(As::Coordinator, NOT_FOUND),
        )],
        // The fixture has no reply filed, whoever asks (tests/email_receiving.rs classifies).
        ("get", "/api/v1/replies/{id}") => vec![case(Request(Kind::Foia), Body::None, signed_in(NOT_FOUND))],
        ("post", "/api/v1/replies/{id}/classify") => vec![case(
            Request(Kind::Foia),
            Body::Json(r#"{"kind": "response", "occurred_on": "2026-05-29"}"#),
            signed_in(NOT_FOUND),
        )],
        ("get", "/outbox") => plain(audit_readers(OK).but(As::Coordinator, OK)),
        ("post", "/outbox/retry") => {
            plain(admins(See("/outbox?status=failed")).but(As::Coordinator, See("/outbox?status=failed")))
        }
        ("get", "/requests") => plain(signed_in(OK)),
        ("get", "/requests.csv") => plain(signed_in(OK)),
        ("get", "/requests/new") => plain(filers(OK)),
        // Linking reads WhatDoTheyKnow: an address that is not a request's is refused first,
        // so no site is asked (tests/wdtk.rs links for real, from a site of its own).
        ("get", "/requests/wdtk") => plain(filers(OK)),
        ("post", "/requests/wdtk") => vec![case(
            Nothing,
            Body::Form(&[("url", "not an address")]),
            filers(INVALID),
        )],
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
        ("post", "/api/v1/requests/{id}/letters/email") => {
            each_kind(|k| case(NewRequest(k), Body::Json(LETTER_EMAIL_JSON), writes(k, CONFLICT)))
        }
        ("post", "/api/v1/requests/{id}/letters") => {
            each_kind(|k| case(NewRequest(k), Body::Json(LETTER_JSON), writes(k, CONFLICT)))
        }
        ("get", "/requests/{id}/email" | "/api/v1/requests/{id}/email") => {
            each_kind(|k| case(Request(k), Body::None, writes(k, OK)))
        }
        // The sent ones have gone; the draft gets as far as the mail server, which is not
        // there (tests/email_sending.rs sends for real).
        ("post", "/requests/{id}/email" | "/api/v1/requests/{id}/email") => each_kind(|k| {
            let sent = if k == Kind::Draft { UPSTREAM } else { CONFLICT };
            case(Request(k), Body::None, writes(k, sent))
        }),
        // The draft has not gone; the sent ones get as far as the mail server, not there.
        ("post", "/requests/{id}/email/follow-up") => each_kind(|k| {
            let sent = if k == Kind::Draft { CONFLICT } else { UPSTREAM };
            case(
                Request(k),
                Body::Form(&[("subject", "Re: the request"), ("body", "Any news?")]),
                writes(k, sent),
            )
        }),
        ("post", "/api/v1/requests/{id}/follow-ups") => each_kind(|k| {
            let sent = if k == Kind::Draft { CONFLICT } else { UPSTREAM };
            case(
                Request(k),
                Body::Json(r#"{"subject": "Re: the request", "body": "Any news?"}"#),
                writes(k, sent),
            )
        }),
        // Nothing was interrupted, so there is nothing to settle.
        ("post", "/requests/{id}/email/settle") => {
            each_kind(|k| case(Request(k), Body::Form(&[("went", "yes")]), writes(k, CONFLICT)))
        }
        ("post", "/api/v1/requests/{id}/email/settle") => {
            each_kind(|k| case(Request(k), Body::Json(r#"{"went": true}"#), writes(k, CONFLICT)))
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
        (
            "get",
            "/authorities/new"
            | "/authorities/import"
            | "/admin/holidays"
            | "/admin/users"
            | "/admin/mailbox",
        ) => plain(admins(OK)),
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
        ("post", "/admin/mailbox") => vec![case(Nothing, Body::MailboxForm, admins(See("/admin/mailbox")))],
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
        ("get", "/api/v1/openapi.json" | "/api/v1/problems" | "/api/v1/exemptions") => plain(everyone(OK)),
        ("get", "/api/v1/requests") => plain(signed_in(OK)),
        ("post", "/api/v1/requests") => vec![case(Nothing, Body::RequestJson(Kind::Foia), filers(CREATED))],
        ("post", "/api/v1/requests/wdtk") => vec![case(
            Nothing,
            Body::Json(r#"{"url": "not an address"}"#),
            filers(INVALID),
        )],
        // The fixture's requests are not linked to WhatDoTheyKnow: those who may read (or
        // change) one learn only that it has no link.
        ("get", "/api/v1/requests/{id}/wdtk") => {
            each_kind(|k| case(Request(k), Body::None, reads(k, NOT_FOUND)))
        }
        (
            "post",
            "/api/v1/requests/{id}/wdtk/refresh"
            | "/api/v1/requests/{id}/wdtk/events/{wdtk_event_id}/accept"
            | "/requests/{id}/wdtk/events/{wdtk_event_id}/accept",
        ) => each_kind(|k| case(Request(k), Body::None, writes(k, NOT_FOUND))),
        ("get", "/api/v1/requests/{id}" | "/api/v1/requests/{id}/events") => {
            each_kind(|k| case(Request(k), Body::None, reads(k, OK)))
        }
        ("get", "/api/v1/requests/{id}/events/{event_id}") => each_kind(|k| {
            let found = if k == Kind::Draft { NOT_FOUND } else { OK };
            case(Request(k), Body::None, reads(k, found))
        }),
        ("put", "/api/v1/requests/{id}") => {
            each_kind(|k| case(NewRequest(k), Body::RequestJson(k), writes(k, OK)))
        }
        ("patch", "/api/v1/requests/{id}") => each_kind(|k| {
            case(
                NewRequest(k),
                Body::Json(r#"{"reference": "FOI 1"}"#),
                writes(k, OK),
            )
        }),
        ("post", "/api/v1/requests/{id}/events") => {
            each_kind(|k| case(NewRequest(k), Body::EventJson(k), writes(k, CREATED)))
        }
        ("delete", "/api/v1/requests/{id}/events/last") => each_kind(|k| {
            let removed = if k == Kind::Draft { CONFLICT } else { OK };
            case(NewRequest(k), Body::None, writes(k, removed))
        }),
        ("get", "/api/v1/authorities") => plain(signed_in(OK)),
        // Batches are read by the coalition, as their sent members are, and acted on by the
        // filers of their organisation. The fixture's member was sent three days ago: nothing
        // is left to send and nothing is late or refused, so those who may act are told so.
        ("get", "/batches" | "/api/v1/batches" | "/api/v1/authority-groups") => plain(signed_in(OK)),
        ("get", "/batches/new") => plain(filers(OK)),
        ("post", "/batches") => vec![case(
            Nothing,
            Body::Form(&[
                ("title", "Matrix batch"),
                ("body", "Asked of one."),
                ("authority_ids", "1"),
                ("sent_via", "email"),
            ]),
            filers(See("/batches/*")),
        )],
        ("post", "/api/v1/batches") => vec![case(
            Nothing,
            Body::Json(r#"{"title": "Matrix batch", "body": "Asked of one.", "authority_ids": [1]}"#),
            filers(CREATED),
        )],
        // Bringing in a WhatDoTheyKnow batch reads the site: an address that is no batch's is
        // refused first, so no site is asked (tests/wdtk.rs brings one in, from a site of its own).
        ("post", "/batches/wdtk") => vec![case(
            Nothing,
            Body::Form(&[
                ("title", "Matrix batch"),
                ("wdtk_url", "not an address"),
                ("requests", "not an address"),
            ]),
            filers(INVALID),
        )],
        ("post", "/api/v1/batches/wdtk") => vec![case(
            Nothing,
            Body::Json(
                r#"{"title": "Matrix batch", "wdtk_url": "not an address", "requests": ["not an address"]}"#,
            ),
            filers(INVALID),
        )],
        ("get", "/batches/{id}" | "/batches/{id}/members.csv" | "/api/v1/batches/{id}") => {
            vec![case(Batch, Body::None, signed_in(OK))]
        }
        ("post", "/batches/{id}/sent") => vec![case(
            Batch,
            Body::Form(&[("sent_on", "2026-05-29")]),
            writes(Kind::Foia, CONFLICT),
        )],
        ("post", "/api/v1/batches/{id}/sent") => vec![case(
            Batch,
            Body::Json(r#"{"sent_on": "2026-05-29"}"#),
            writes(Kind::Foia, CONFLICT),
        )],
        ("post", "/batches/{id}/email" | "/api/v1/batches/{id}/email") => {
            vec![case(Batch, Body::None, writes(Kind::Foia, CONFLICT))]
        }
        ("get", "/batches/{id}/reviews" | "/api/v1/batches/{id}/reviews") => {
            vec![case(Batch, Body::None, writes(Kind::Foia, OK))]
        }
        ("post", "/batches/{id}/reviews") => vec![case(
            Batch,
            Body::Form(&[("sent_on", "2026-06-01")]),
            writes(Kind::Foia, CONFLICT),
        )],
        ("post", "/api/v1/batches/{id}/reviews") => vec![case(
            Batch,
            Body::Json(r#"{"sent_on": "2026-06-01"}"#),
            writes(Kind::Foia, CONFLICT),
        )],
        ("get", "/admin/groups" | "/admin/groups/new") => plain(admins(OK)),
        ("post", "/admin/groups") => vec![case(
            Nothing,
            Body::GroupForm,
            admins(See("/admin/groups#group-*")),
        )],
        ("post", "/api/v1/authority-groups") => vec![case(Nothing, Body::GroupJson, admins(CREATED))],
        ("get", "/admin/groups/{id}/edit") => vec![case(Group, Body::None, admins(OK))],
        ("post", "/admin/groups/{id}") => {
            vec![case(
                Group,
                Body::GroupForm,
                admins(See("/admin/groups#group-{id}")),
            )]
        }
        ("post", "/admin/groups/{id}/delete") => {
            vec![case(NewGroup, Body::None, admins(See("/admin/groups")))]
        }
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
        ("get", "/api/v1/figures") => plain(signed_in(OK)),
        ("post", "/api/v1/figures") => vec![case(Nothing, Body::Json(FIGURE_JSON), filers(CREATED))],
        ("get", "/api/v1/figures/{id}") => vec![case(NewFigure, Body::None, signed_in(OK))],
        ("post", "/api/v1/figures/{id}/verify") => vec![case(NewFigure, Body::None, filers(OK))],
        // The page without words is the form; the API without words names the field.
        ("get", "/search") => plain(signed_in(OK)),
        ("get", "/api/v1/search") => plain(signed_in(INVALID)),
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
