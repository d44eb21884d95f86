//! A request's own facts beside its events: how it was sent and how it is tagged.

closed_enum! {
    /// How the request reached the authority.
    pub enum SentVia {
        Email,
        WebForm,
        Post,
        Whatdotheyknow,
        Other,
    }
}

impl SentVia {
    pub fn label(self) -> &'static str {
        match self {
            SentVia::Email => "Email",
            SentVia::WebForm => "The authority's web form",
            SentVia::Post => "Post",
            SentVia::Whatdotheyknow => "WhatDoTheyKnow",
            SentVia::Other => "Other",
        }
    }
}

pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_LENGTH: usize = 40;

/// A tag as stored: lower case, words joined by hyphens ("Detention data" -> "detention-data").
/// `None` when nothing usable is left, or a character other than letters, digits, spaces and
/// hyphens was used.
pub fn normalise_tag(raw: &str) -> Option<String> {
    let words: Vec<String> = raw
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let tag = words.join("-");
    let valid = !tag.is_empty() && tag.chars().all(|c| c.is_alphanumeric() || c == '-');
    valid.then_some(tag)
}

/// What a shared place (an email, a calendar) may call a request: a subject access request by
/// its reference only, since those are forwarded, synced and shown on lock screens.
pub fn shareable_name(
    request_id: i32,
    title: &str,
    reference: Option<&str>,
    regime: super::regime::Regime,
) -> String {
    use super::regime::Regime;
    match (regime, reference) {
        (Regime::Sar, Some(reference)) => format!("Subject access request {reference}"),
        (Regime::Sar, None) => format!("Subject access request #{request_id}"),
        _ => title.to_string(),
    }
}
