//! Success messages after a change: the redirect after a form sets a short-lived cookie
//! holding a code, and the next page shows the fixed message for that code in the layout's
//! `role="status"` box, then removes the cookie. Nothing the user typed is ever echoed back;
//! an unknown code shows nothing. A cookie rather than a query parameter keeps addresses
//! clean, so that a reload or a shared link does not announce the change again.

use actix_web::cookie::{time::Duration, Cookie, SameSite};

pub const DONE_COOKIE: &str = "foi_done";

/// Every code and its message.
pub const MESSAGES: &[(&str, &str)] = &[
    ("request-saved", "Request saved."),
    ("request-sent", "Request marked as sent."),
    (
        "request-emailed",
        "Request sent by email and recorded as sent today.",
    ),
    (
        "email-settled",
        "Recorded as sent on the day it went, with the message kept.",
    ),
    (
        "email-discarded",
        "The interrupted message was set aside: the request can be sent again.",
    ),
    (
        "letter-emailed",
        "Letter sent by email and recorded as sent today.",
    ),
    (
        "follow-up-sent",
        "Message sent to the authority in the request's thread, and kept with its documents.",
    ),
    (
        "message-filed",
        "Message filed with its request: say what it is on the request's page.",
    ),
    ("message-dismissed", "Message dismissed."),
    ("event-recorded", "Event recorded."),
    ("event-removed", "The last event was removed."),
    ("document-added", "Document added."),
    ("authority-saved", "Authority saved."),
    ("group-saved", "Group saved."),
    ("group-deleted", "Group deleted."),
    ("batch-created", "Batch created: one request to each authority."),
    ("batch-sent", "Every member not yet sent is recorded as sent."),
    (
        "batch-emailed",
        "Every member not yet sent went by email, each recorded as sent today.",
    ),
    (
        "batch-reviews",
        "An internal review is recorded as asked for on each member's timeline, with its letter.",
    ),
    ("mailbox-saved", "Mailbox saved."),
];

/// The message a code stands for, if it is one of ours.
pub fn message(code: &str) -> Option<&'static str> {
    MESSAGES.iter().find(|(c, _)| *c == code).map(|(_, text)| *text)
}

/// The cookie that makes the next page say `code`'s message; it lasts a minute at most.
pub fn cookie(code: &'static str, secure: bool) -> Cookie<'static> {
    debug_assert!(message(code).is_some(), "unknown code {code}");
    Cookie::build(DONE_COOKIE, code)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(Duration::seconds(60))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_stands_for_a_fixed_message_and_nothing_else_shows() {
        assert_eq!(message("event-recorded"), Some("Event recorded."));
        assert_eq!(message("<script>"), None);
        assert_eq!(message("You have won"), None);
        assert_eq!(message(""), None);
    }
}
