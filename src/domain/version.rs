//! Optimistic concurrency: which version of an editable record a client last read, and whether
//! the change it sends may still apply. Two coordinators editing one request would otherwise
//! overwrite each other without knowing. A version is the record's last change, to the
//! microsecond, as an opaque token.

use chrono::NaiveDateTime;

/// The version of a record last changed at `updated_at`.
pub fn of(updated_at: NaiveDateTime) -> String {
    updated_at.and_utc().timestamp_micros().to_string()
}

/// The versions a change may apply to, as HTTP's `If-Match` gives them (RFC 9110 §13.1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Expected {
    /// No condition: the change applies to whatever is there.
    #[default]
    Any,
    /// `*`: whatever version is there, so long as the record exists.
    Exists,
    OneOf(Vec<String>),
}

impl Expected {
    /// An `If-Match` value: `*`, or entity tags separated by commas. A weak tag (`W/"…"`) never
    /// matches, since `If-Match` compares strongly.
    pub fn parse(header: &str) -> Expected {
        if header.trim() == "*" {
            return Expected::Exists;
        }
        Expected::OneOf(
            header
                .split(',')
                .map(str::trim)
                .filter(|tag| !tag.starts_with("W/"))
                .map(|tag| tag.trim_matches('"').to_string())
                .collect(),
        )
    }

    pub fn allows(&self, current: &str) -> bool {
        match self {
            Expected::Any | Expected::Exists => true,
            Expected::OneOf(versions) => versions.iter().any(|v| v == current),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_strongly() {
        assert!(Expected::parse("*").allows("1"));
        assert!(Expected::parse("\"7\", \"1\"").allows("1"));
        assert!(!Expected::parse("\"7\"").allows("1"));
        assert!(
            !Expected::parse("W/\"1\"").allows("1"),
            "a weak tag never matches"
        );
        assert!(Expected::default().allows("anything"));
    }

    #[test]
    fn a_version_changes_with_the_microsecond() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 4)
            .unwrap()
            .and_hms_micro_opt(9, 30, 0, 1)
            .unwrap();
        assert_ne!(of(at), of(at + chrono::Duration::microseconds(1)));
    }
}
