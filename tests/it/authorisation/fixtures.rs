//! The people who call and the records they call about, made once per backend.

use super::*;

pub(super) static NEXT: AtomicU32 = AtomicU32::new(1);

/// A number no other call of this test run has had, for unique names.
pub(super) fn next() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Someone calling: a browser, the token its forms carry, maybe an API token.
#[derive(Clone)]
pub(super) struct Person {
    pub(super) client: Client,
    pub(super) csrf: String,
    pub(super) token: Option<String>,
    /// The signed-in user's email; `None` for those not signed in.
    pub(super) email: Option<String>,
}

impl Person {
    pub(super) fn signed_in(session: Session) -> Person {
        Person {
            client: session.client,
            csrf: session.csrf,
            token: Some(session.token),
            email: Some(session.email),
        }
    }

    /// Someone not signed in on this browser: the sign-in page gives it its CSRF cookie.
    pub(super) async fn not_signed_in(app: &TestApp, client: Client, token: Option<String>) -> Person {
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
    pub(super) async fn new(app: &TestApp, who: As) -> Person {
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
pub(super) struct People(pub(super) Vec<(As, Person)>);

impl People {
    pub(super) async fn new(app: &TestApp) -> People {
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

    pub(super) fn get(&self, who: As) -> &Person {
        &self.0.iter().find(|(w, _)| *w == who).unwrap().1
    }
}

/// What the matrix is tried on.
pub(super) struct Fixtures {
    pub(super) home_office: i64,
    pub(super) requests: Vec<(Kind, i64)>,
    /// A document of each kind's request.
    pub(super) documents: Vec<(Kind, i64)>,
    pub(super) authority: i64,
    pub(super) bystander: i64,
    pub(super) bystanders_token: i64,
    pub(super) batch: i64,
    pub(super) group: i64,
}

pub(super) fn request_json(home_office: i64, kind: Kind) -> Value {
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
pub(super) fn shared_title(kind: Kind) -> String {
    format!("Shared {kind:?} fixture")
}

pub(super) fn shared_tag(kind: Kind) -> String {
    format!("{kind:?}fixture").to_lowercase()
}

pub(super) fn authority_json(name: &str) -> Value {
    json!({"name": name, "short_name": "FA", "foi_email": null, "website": null, "default_regime": "foia", "nation": "uk"})
}

/// A new API token of `email`'s, from the command line.
pub(super) fn new_token(app: &TestApp, email: &str) -> i64 {
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
pub(super) fn fixture_document(app: &TestApp, request: i64) -> i64 {
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

/// The organisation's mailbox, on a port where no mail server listens: sending a draft gets
/// as far as the server, which is not there, and nothing is sent or recorded.
fn closed_mailbox(app: &TestApp) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut conn = app.connection();
    let organisation =
        foi_tracker::db::accounts::find_organisation_by_name(&mut conn, crate::support::ORGANISATION)
            .unwrap()
            .unwrap()
            .id;
    let row = foi_tracker::db::mailboxes::MailboxRow {
        organisation_id: organisation,
        address: "foi@coalition.example".into(),
        display_name: "Coalition FOI team".into(),
        smtp_url: format!("smtp://127.0.0.1:{port}"),
        smtp_username: None,
        smtp_password_sealed: None,
        imap_url: None,
        imap_username: None,
        imap_password_sealed: None,
        updated_at: now(),
    };
    foi_tracker::db::mailboxes::save(&mut conn, &row).unwrap();
}

/// A group of one authority, made by the command line.
fn new_group(app: &TestApp, authority: i64) -> i64 {
    let input = foi_tracker::tracker::authority_groups::GroupInput {
        name: format!("Matrix group {}", next()),
        description: String::new(),
        authority_ids: vec![authority as i32],
    };
    let group = foi_tracker::tracker::authority_groups::create(
        &mut app.connection(),
        &Caller::command_line(),
        &input,
        now(),
    )
    .unwrap();
    i64::from(group.id)
}

/// The secret at the end of a link.
pub(super) fn secret_of(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_string()
}

impl Fixtures {
    pub(super) async fn new(app: &TestApp, admin: &Person) -> Fixtures {
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
        closed_mailbox(app);
        let batch = app.post_json("/api/v1/batches", &json!({
            "title": "Fixture batch", "body": "Please provide the number of potential victims detained in 2026 Q1.",
            "authority_ids": [home_office], "sent_on": "2026-05-29",
        })).await;
        assert_eq!(batch.status(), StatusCode::CREATED);
        let batch = batch.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
        let group = new_group(app, home_office);
        Fixtures {
            batch,
            group,
            home_office,
            requests,
            documents,
            authority,
            bystander,
            bystanders_token,
        }
    }

    pub(super) fn request(&self, kind: Kind) -> i64 {
        self.requests.iter().find(|(k, _)| *k == kind).unwrap().1
    }

    /// The id the path's `{id}` stands for, made now if the target is a new one.
    pub(super) async fn id(&self, app: &TestApp, target: Target, person: &Person) -> Option<i64> {
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
            Target::Batch => self.batch,
            Target::Group => self.group,
            Target::NewGroup => new_group(app, self.home_office),
            Target::NewFigure => {
                let figure = foi_tracker::db::figures::FigureEntry {
                    indicator_id: "D1.1".into(),
                    value: Some("410".into()),
                    suppressed: None,
                    unit: "people".into(),
                    period_start: support::date("2017-01-01"),
                    period_end: support::date("2017-12-31"),
                    breakdown: String::new(),
                    definition: "Potential victims detained".into(),
                    definition_match: foi_tracker::domain::demand::DefinitionMatch::Comparable,
                    caveats: String::new(),
                    source_kind: foi_tracker::domain::demand::SourceKind::Publication,
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
                i64::from(foi_tracker::db::figures::insert_figure(&mut app.connection(), &figure).unwrap())
            }
        })
    }

    /// The route's path with its parameters filled in: `{token}` a link that never was, or
    /// with `real_links` a new, unused one.
    pub(super) fn path(&self, app: &TestApp, path: &str, id: Option<i64>, real_links: bool) -> String {
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
        // The request's first event, where it has one (a draft has none).
        let event = match (path.contains("{event_id}"), id) {
            (true, Some(request)) => {
                foi_tracker::db::events::for_request(&mut app.connection(), request as i32)
                    .unwrap()
                    .first()
                    .map_or(999_999, |e| e.id)
            }
            _ => 999_999,
        };
        path.replace("{id}", &id.map(|i| i.to_string()).unwrap_or_default())
            .replace("{event_id}", &event.to_string())
            // No fixture request is linked to WhatDoTheyKnow: any event number is unknown.
            .replace("{wdtk_event_id}", "101")
            .replace("{file}", "app.css")
            .replace("{token}", &token)
    }
}

/// A request of the owning organisation, made through the coordinator's API.
pub(super) async fn new_request(app: &TestApp, home_office: i64, kind: Kind) -> i64 {
    app.create_request(request_json(home_office, kind)).await["id"]
        .as_i64()
        .unwrap()
}

/// The gov.uk bank holidays file with one more day proclaimed in England and Wales.
pub(super) fn holidays_file() -> String {
    let mut file: Value = serde_json::from_str(include_str!("../../../data/bank-holidays.json")).unwrap();
    file["england-and-wales"]["events"].as_array_mut().unwrap().push(
        json!({"title": "Proclaimed bank holiday", "date": "2026-06-15", "notes": "", "bunting": true}),
    );
    file.to_string()
}

pub(super) enum Payload {
    Nothing,
    Form(Vec<(String, String)>),
    Json(Value),
    Upload {
        file_name: &'static str,
        content: String,
        dry_run: bool,
    },
}
