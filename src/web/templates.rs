//! The handlebars templates and static files, embedded in the binary.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use chrono::NaiveDate;
use handlebars::{handlebars_helper, Handlebars};
use rust_embed::RustEmbed;
use serde::Serialize;

use crate::error::AppError;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct Templates;

#[derive(RustEmbed)]
#[folder = "static/"]
pub struct Assets;

handlebars_helper!(long_date: |date: str| {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map(|d| d.format("%a %-d %b %Y").to_string())
        .unwrap_or_else(|_| date.to_string())
});

/// "Tue 2 Jun 2026, 14:05": an instant as people write it (stored in UTC; pages say so).
pub fn date_time(at: chrono::NaiveDateTime) -> String {
    at.format("%a %-d %b %Y, %H:%M").to_string()
}

handlebars_helper!(date_time_helper: |at: str| {
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.f")
        .map(date_time)
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
    super::dates::part(value.as_str().unwrap_or_default(), part)
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
    registry.set_strict_mode(false);
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

/// Renders a page; a template fault is an internal error, never a half page.
pub fn render(
    registry: &Handlebars<'_>,
    status: StatusCode,
    name: &str,
    data: &impl Serialize,
) -> Result<HttpResponse, AppError> {
    let html = registry
        .render(name, data)
        .map_err(|e| AppError::Internal(format!("template {name}: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}
