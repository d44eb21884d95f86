//! Instants in JSON. The database stores them in UTC without a zone (see ARCHITECTURE.md);
//! written out they carry it, as RFC 3339 asks of a `date-time`: `2026-06-01T09:30:00.123456Z`.
//! Use with `#[serde(serialize_with = "instant::utc")]`.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

pub fn utc<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub fn utc_or_null<S: Serializer>(at: &Option<NaiveDateTime>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => utc(at, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    #[derive(serde::Serialize)]
    struct At {
        #[serde(serialize_with = "super::utc")]
        at: chrono::NaiveDateTime,
        #[serde(serialize_with = "super::utc_or_null")]
        maybe: Option<chrono::NaiveDateTime>,
    }

    #[test]
    fn instants_are_written_in_utc_with_their_zone() {
        let at = NaiveDate::from_ymd_opt(2026, 6, 1)
            .unwrap()
            .and_hms_micro_opt(9, 30, 0, 123_456)
            .unwrap();
        let json = serde_json::to_string(&At { at, maybe: None }).unwrap();
        assert_eq!(json, r#"{"at":"2026-06-01T09:30:00.123456Z","maybe":null}"#);
        let whole = NaiveDate::from_ymd_opt(2026, 6, 1)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        let json = serde_json::to_string(&At {
            at: whole,
            maybe: Some(whole),
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"at":"2026-06-01T09:30:00Z","maybe":"2026-06-01T09:30:00Z"}"#
        );
    }
}
