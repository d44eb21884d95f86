//! `GET /api/v1/problems`: the page each problem's `type` points at, saying what each class of
//! error means to a client.

use actix_web::HttpResponse;

use crate::web::error_response::PROBLEM_TYPES;

#[utoipa::path(operation_id = "problem_types", summary = "Explain each problem type", get, path = "/api/v1/problems", tag = "meta",
    responses((status = 200, description = "What each problem `type` means: the page a problem's type points at", content_type = "text/html")))]
pub async fn problems() -> HttpResponse {
    let rows: String = PROBLEM_TYPES
        .iter()
        .map(|(name, status, meaning)| {
            format!(
                "<dt id=\"{name}\"><code>#{name}</code> <span class=\"meta\">{status}</span></dt><dd>{}</dd>",
                code_spans(meaning)
            )
        })
        .collect();
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Problem types · foi-tracker API</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
         <body><main class=\"page\"><h1>Problem types</h1>\
         <p>Every error of the API is <code>application/problem+json</code> (RFC 9457). Its <code>type</code> names the class of error, as <code>/api/v1/problems#</code> and one of these names:</p>\
         <dl class=\"problem-types\">{rows}</dl>\
         <p>See <a href=\"/api/v1/openapi.json\">the OpenAPI document</a> for the statuses each operation answers.</p></main></body></html>"
    ))
}

/// `text` as HTML, each `a` in backquotes as <code>a</code>, as the descriptions in the document
/// are written.
fn code_spans(text: &str) -> String {
    text.split('`')
        .map(handlebars::html_escape)
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{part}</code>")
            } else {
                part
            }
        })
        .collect()
}
