//! Sending a case as a person, and reading the answer against the expectation.

use super::*;

pub(super) fn form(fields: &[(&str, &str)]) -> Payload {
    Payload::Form(
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

pub(super) fn payload(body: &Body, fixtures: &Fixtures, person: &Person) -> Payload {
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
        Body::GroupForm => form(&[
            ("name", format!("Fixture group {}", next()).as_str()),
            ("description", ""),
            ("authority_ids", home_office.as_str()),
        ]),
        Body::GroupJson => Payload::Json(json!({"name": format!("Fixture group {}", next()), "authority_ids": [fixtures.home_office]})),
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
        Body::MailboxForm => form(&[
            ("address", "foi@coalition.example"),
            ("display_name", "Coalition FOI team"),
            ("smtp_url", "smtp://127.0.0.1:1025"),
            ("smtp_username", ""),
            ("smtp_password", ""),
        ]),
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
pub(super) async fn send(
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

pub(super) async fn send_form(
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
pub(super) fn describe(expect: Expect, api: bool, id: Option<i64>) -> String {
    match expect {
        Expect::Status(code) => code.to_string(),
        SignIn if api => "401".into(),
        SignIn => "303 to /sign-in".into(),
        See(to) => format!("303 to {}", fill(to, id)),
    }
}

pub(super) fn fill(location: &str, id: Option<i64>) -> String {
    location.replace("{id}", &id.map(|i| i.to_string()).unwrap_or_default())
}

/// Whether the answer is the one expected.
pub(super) fn answers(expect: Expect, api: bool, id: Option<i64>, status: StatusCode, at: &str) -> bool {
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
pub(super) async fn got(response: Response) -> String {
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
pub(super) async fn listed(app: &TestApp, people: &People, fixtures: &Fixtures) -> Vec<String> {
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
        // Every fixture's title has the word; the search page links each result's request.
        let searched: Value =
            serde_json::from_str(&text(get("/api/v1/search?q=fixture").await).await).unwrap();
        let search_page = text(get("/search?q=fixture").await).await;
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
                (
                    "found by the search API",
                    known,
                    searched["results"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["request_id"] == id),
                ),
                (
                    "quoted by the search API",
                    shown,
                    searched["results"].as_array().unwrap().iter().any(|r| {
                        r["request_id"] == id
                            && r["snippet"]
                                .as_str()
                                .is_some_and(|s| s.contains("<mark>fixture</mark>"))
                    }),
                ),
                ("linked from the search page", known, search_page.contains(&link)),
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
