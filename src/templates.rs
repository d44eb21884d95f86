//! The handlebars templates, embedded in the binary: the pages' registry and the emails', with
//! the helpers both use to write dates and stored values as people read them. The web layer
//! renders pages from one; `mail` renders reminders from the other.

use chrono::NaiveDate;
use handlebars::{handlebars_helper, Handlebars};
use rust_embed::RustEmbed;

use crate::domain::written;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Templates;

handlebars_helper!(long_date: |date: str| {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(written::day)
        .unwrap_or_else(|_| date.to_string())
});

// A moment as stored (naive, UTC) or as the API writes it (RFC 3339, "Z").
handlebars_helper!(date_time_helper: |at: str| {
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(at).map(|t| t.naive_utc()))
        .map(written::moment)
        .unwrap_or_else(|_| at.to_string())
});

handlebars_helper!(humanize: |text: str| {
    let words = text.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => String::new(),
    }
});

handlebars_helper!(date_part: |value: Json, part: str| {
    date_input_part(value.as_str().unwrap_or_default(), part)
});

handlebars_helper!(label_helper: |set: str, value: str| label_of(set, value));

/// The words people read for a stored value: `{{label_of "deadline" kind}}`.
pub fn label_of(set: &str, value: &str) -> String {
    use crate::domain::authority::Nation;
    use crate::domain::regime::Regime;
    use crate::domain::request::SentVia;
    use crate::domain::timeline::{DeadlineKind, EventKind, Status};
    let text = match set {
        "deadline" => value.parse::<DeadlineKind>().ok().map(|k| k.label().to_string()),
        "status" => value.parse::<Status>().ok().map(|s| s.label().to_string()),
        "event" => value.parse::<EventKind>().ok().map(|e| e.label().to_string()),
        "regime" => value.parse::<Regime>().ok().map(|r| r.short_name().to_string()),
        "nation" => value.parse::<Nation>().ok().map(|n| n.label().to_string()),
        "sent_via" => value.parse::<SentVia>().ok().map(|v| v.label().to_string()),
        "outcome" => value
            .parse::<crate::domain::response::Outcome>()
            .ok()
            .map(|o| o.label().to_string()),
        "timeliness" => value
            .parse::<crate::domain::history::Timeliness>()
            .ok()
            .map(|t| t.label().to_string()),
        "standing" => value
            .parse::<crate::domain::batch::Standing>()
            .ok()
            .map(|s| s.label().to_string()),
        "appeal_outcome" => value
            .parse::<crate::domain::appeal::AppealOutcome>()
            .ok()
            .map(|o| o.label().to_string()),
        _ => None,
    };
    text.unwrap_or_else(|| value.to_string())
}

/// Every template under `templates/`, named by its path without `.hbs` ("requests/show").
pub fn registry() -> Result<Handlebars<'static>, String> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    // Re-indenting every line of a partial's output costs more than the rest of a render.
    registry.set_prevent_indent(true);
    registry.register_helper("long_date", Box::new(long_date));
    registry.register_helper("humanize", Box::new(humanize));
    registry.register_helper("label_of", Box::new(label_helper));
    registry.register_helper("date_part", Box::new(date_part));
    registry.register_helper("date_time", Box::new(date_time_helper));
    register(&mut registry, |path| !path.starts_with("email/"))?;
    Ok(registry)
}

/// The templates of one kind of email body, `email/NAME.txt.hbs` or `email/NAME.html.hbs`,
/// each named `email/NAME`. Text bodies are not HTML, so they are rendered unescaped.
pub fn email_registry(extension: &str) -> Result<Handlebars<'static>, String> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_helper("long_date", Box::new(long_date));
    if extension == "txt" {
        registry.register_escape_fn(handlebars::no_escape);
    }
    let suffix = format!(".{extension}");
    let mut found = 0;
    for path in Templates::iter().filter(|p| p.starts_with("email/") && p.ends_with(&format!("{suffix}.hbs")))
    {
        let name = path
            .trim_end_matches(".hbs")
            .trim_end_matches(&suffix)
            .to_string();
        register_one(&mut registry, &path, &name)?;
        found += 1;
    }
    match found {
        0 => Err(format!("no email/*.{extension}.hbs templates")),
        _ => Ok(registry),
    }
}

fn register(registry: &mut Handlebars<'static>, wanted: impl Fn(&str) -> bool) -> Result<(), String> {
    for path in Templates::iter().filter(|p| p.ends_with(".hbs") && wanted(p)) {
        // Partials are named without their folder: {{> field}}.
        let name = path
            .trim_end_matches(".hbs")
            .trim_start_matches("partials/")
            .to_string();
        register_one(registry, &path, &name)?;
    }
    Ok(())
}

fn register_one(registry: &mut Handlebars<'static>, path: &str, name: &str) -> Result<(), String> {
    let file = Templates::get(path).ok_or_else(|| format!("{path} vanished"))?;
    let source = std::str::from_utf8(&file.data).map_err(|e| format!("{path}: {e}"))?;
    registry
        .register_template_string(name, source)
        .map_err(|e| format!("{path}: {e}"))
}

/// One part of a date written YYYY-MM-DD (or as joined from what was typed), for the boxes
/// of the date input: "day", "month" or "year"; a day or month without its leading zero.
pub fn date_input_part(value: &str, part: &str) -> String {
    let parts: Vec<&str> = value.split('-').collect();
    let [year, month, day] = parts[..] else {
        return String::new();
    };
    let shown = |p: &str| match p.strip_prefix('0') {
        Some(rest) if rest.len() == 1 => rest.to_string(),
        _ => p.to_string(),
    };
    match part {
        "day" => shown(day),
        "month" => shown(month),
        "year" => year.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The partials marked "Called with null first" render only the values they are given;
    /// called without a first argument, handlebars would copy the whole page's data into each.
    #[test]
    fn partials_given_their_values_are_called_with_null_first() {
        let marked: Vec<String> = Templates::iter()
            .filter(|p| p.starts_with("partials/"))
            .filter(|p| {
                Templates::get(p).is_some_and(|f| f.data.starts_with(b"{{!-- Called with null first"))
            })
            .map(|p| {
                p.trim_start_matches("partials/")
                    .trim_end_matches(".hbs")
                    .to_string()
            })
            .collect();
        assert!(marked.contains(&"csrf".to_string()), "{marked:?}");
        let mut calls = 0;
        for path in Templates::iter().filter(|p| p.ends_with(".hbs")) {
            let file = Templates::get(&path).unwrap();
            let source = std::str::from_utf8(&file.data).unwrap();
            for call in source.split("{{> ").skip(1) {
                let call = &call[..call.find("}}").unwrap()];
                let mut words = call.split_whitespace();
                if words.next().is_some_and(|name| marked.iter().any(|m| m == name)) {
                    calls += 1;
                    assert_eq!(words.next(), Some("null"), "{path}: {{{{> {call}}}}}");
                }
            }
        }
        assert!(calls > 30, "{calls}");
    }

    #[test]
    fn a_misspelt_key_on_a_page_is_an_error_not_a_blank() {
        let mut pages = registry().unwrap();
        pages
            .register_template_string("probe", "Due {{due_long}}")
            .unwrap();
        let data = serde_json::json!({"due_lnog": "Tue 2 Jun 2026"});
        let error = pages.render("probe", &data).unwrap_err();
        assert!(error.to_string().contains("due_long"), "{error}");
        // What may be absent is asked for first, and then it renders nothing.
        pages
            .register_template_string("probe", "{{#if note}}{{note}}{{/if}}.")
            .unwrap();
        assert_eq!(pages.render("probe", &serde_json::json!({})).unwrap(), ".");
    }

    #[test]
    fn a_date_is_shown_in_its_boxes() {
        assert_eq!(
            ["day", "month", "year"].map(|p| date_input_part("2026-03-02", p)),
            ["2", "3", "2026"]
        );
        assert_eq!(
            ["day", "month", "year"].map(|p| date_input_part("-04-31", p)),
            ["31", "4", ""]
        );
        assert_eq!(date_input_part("", "day"), "");
    }
}
