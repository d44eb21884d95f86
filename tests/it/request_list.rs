//! The request list as a researcher reads it: authorities by name, missed deadlines marked
//! late, sorting by its column headings, the filtered list as CSV; and the dashboard's
//! "My requests". Both backends, on Wed 10 Jun 2026.

use crate::support;

use crate::support::TestApp;
use reqwest::StatusCode;
use serde_json::json;

const TODAY: &str = "2026-06-10";

/// Three requests of the default user: one sent on 1 May (its reply, due Tue 2 Jun, missed),
/// one sent on 5 Jun to the Ministry of Justice, one draft. Returns their ids.
async fn three_requests(app: &TestApp) -> (i64, i64, i64) {
    let home_office = app.authority("Home Office").await;
    let moj = app.authority("Ministry of Justice").await;
    let create = |title: &str, authority: i64, sent: Option<&str>| {
        let body = json!({"title": title, "body": "Please provide the figures.", "authority_id": authority, "sent_on": sent});
        async move { app.create_request(body).await["id"].as_i64().unwrap() }
    };
    let late = create("beta: safe-house places", home_office, Some("2026-05-01")).await;
    let fresh = create("Alpha: detention figures", moj, Some("2026-06-05")).await;
    let draft = create("Gamma: draft on returns", home_office, None).await;
    (late, fresh, draft)
}

/// Where each id's link first appears in `page`, in order of the ids given.
fn order_of(page: &str, ids: &[i64]) -> Vec<i64> {
    let mut at: Vec<(usize, i64)> = ids
        .iter()
        .map(|id| {
            (
                page.find(&format!("<a href=\"/requests/{id}\">"))
                    .unwrap_or(usize::MAX),
                *id,
            )
        })
        .collect();
    at.sort();
    at.into_iter().map(|(_, id)| id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_reads_as_people_write_on_sqlite() {
    the_list_reads_as_people_write(foi_tracker::db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_reads_as_people_write_on_postgres() {
    the_list_reads_as_people_write(foi_tracker::db::Backend::Postgres).await;
}

async fn the_list_reads_as_people_write(backend: foi_tracker::db::Backend) {
    let Some(app) = TestApp::start(backend, TODAY).await else {
        return eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
    };
    let (late, fresh, draft) = three_requests(&app).await;

    let page = app.text("/requests").await;
    assert!(
        page.contains(r#"<td data-label="Authority">Home Office</td>"#),
        "{page}"
    );
    assert!(page.contains(r#"<td data-label="Authority">Ministry of Justice</td>"#));
    assert!(
        !page.contains("[Home Office"),
        "the authority by name, not a raw pair"
    );
    assert!(
        page.contains(r#"Response due: <time datetime="2026-06-02">Tue 2 Jun 2026</time> <span class="badge badge-missed">Missed</span> 6 working days late"#),
        "the missed deadline, marked late: {page}"
    );
    assert!(page.contains(r#"<td data-label="Sent">Not sent</td>"#));
    // Newest first unless asked otherwise.
    assert_eq!(order_of(&page, &[late, fresh, draft]), [draft, fresh, late]);

    let by_title = app.text("/requests?sort=title").await;
    assert_eq!(
        order_of(&by_title, &[late, fresh, draft]),
        [fresh, late, draft],
        "A, b, G: case aside"
    );
    assert!(by_title.contains(r#"<th scope="col" aria-sort="ascending"><a href="/requests?sort&#x3D;-title">Request <span class="visually-hidden">(sorted ascending)</span></a></th>"#), "{by_title}");
    assert!(
        by_title.contains(r#"<input type="hidden" name="sort" value="title">"#),
        "the sort stays with the filters"
    );
    assert!(by_title.contains(r#"<a href="/requests.csv?sort&#x3D;title" download>"#));
    let reversed = app.text("/requests?sort=-title").await;
    assert_eq!(order_of(&reversed, &[late, fresh, draft]), [draft, late, fresh]);
    assert!(reversed.contains(r#"aria-sort="descending""#));
    assert_eq!(
        reversed.matches("aria-sort").count(),
        1,
        "on the sorted heading only"
    );

    let by_due = app.text("/requests?sort=due").await;
    assert_eq!(
        order_of(&by_due, &[late, fresh, draft]),
        [late, fresh, draft],
        "the draft has no deadline: last"
    );
    let by_sent = app.text("/requests?sort=sent").await;
    assert_eq!(
        order_of(&by_sent, &[late, fresh, draft]),
        [fresh, late, draft],
        "latest sent first, drafts last"
    );
    assert!(by_sent
        .contains(r#"<th scope="col" aria-sort="descending"><a href="/requests?sort&#x3D;-sent">Sent"#));
    let by_authority = app.text("/requests?sort=authority").await;
    assert_eq!(
        order_of(&by_authority, &[late, fresh, draft]),
        [draft, late, fresh],
        "the Home Office, then the Ministry of Justice"
    );

    let bad = app.get("/requests?sort=colour").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("sort must be due, sent, authority or title"));

    // The CSV: the same rows in the same order, with what the page shows.
    let response = app.get("/requests.csv?sort=due").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Id,Title,Authority,Regime,Status,Overdue,Sent,Next deadline,Due,Working days late,Tags"
    );
    assert_eq!(lines[1], format!("{late},beta: safe-house places,Home Office,FOIA,Awaiting response,yes,2026-05-01,Response due,2026-06-02,6,"));
    assert!(lines[2].starts_with(&format!("{fresh},Alpha: detention figures,Ministry of Justice,FOIA,Awaiting response,no,2026-06-05,Response due,")), "{csv}");
    assert_eq!(
        lines[3],
        format!("{draft},Gamma: draft on returns,Home Office,FOIA,Draft,no,,,,,")
    );
    assert_eq!(lines.len(), 4);
    let filtered = app.text("/requests.csv?overdue=true").await;
    assert_eq!(filtered.lines().count(), 2, "the filters apply: {filtered}");
    assert!(filtered.contains("beta: safe-house places"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_requests_on_the_dashboard_on_sqlite() {
    my_requests_on_the_dashboard(foi_tracker::db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_requests_on_the_dashboard_on_postgres() {
    my_requests_on_the_dashboard(foi_tracker::db::Backend::Postgres).await;
}

async fn my_requests_on_the_dashboard(backend: foi_tracker::db::Backend) {
    let Some(app) = TestApp::start(backend, TODAY).await else {
        return eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
    };
    let (late, fresh, draft) = three_requests(&app).await;
    let colleague = app
        .member("colleague@coalition.example", "researcher", support::ORGANISATION)
        .await;
    let theirs = colleague
        .create_request(json!({"title": "Delta: a colleague's request", "body": "Please.", "authority_id": app.authority("Home Office").await, "sent_on": "2026-04-01"}))
        .await["id"]
        .as_i64()
        .unwrap();

    let page = app.text("/").await;
    let start = page
        .find(r#"<h2 id="mine">My requests"#)
        .expect("a section My requests");
    let mine = &page[start..start + page[start..].find("</section>").unwrap()];
    assert!(
        mine.contains(&format!(
            r#"<a href="/requests/{late}">beta: safe-house places</a>"#
        )),
        "{mine}"
    );
    assert!(mine.contains(r#"<time datetime="2026-06-02">Tue 2 Jun 2026</time> <span class="badge badge-missed">Missed</span> 6 working days late"#));
    assert!(mine.contains(&format!(r#"<a href="/requests/{fresh}">"#)));
    assert!(
        !mine.contains(&format!(r#"<a href="/requests/{draft}">"#)),
        "a draft is not open"
    );
    assert!(
        !mine.contains(&format!(r#"<a href="/requests/{theirs}">"#)),
        "a colleague's request is theirs"
    );
    assert_eq!(
        order_of(mine, &[late, fresh]),
        [late, fresh],
        "the next deadline first"
    );

    // The other lists name each request's owner.
    let overdue = &page[page.find(r#"<h2 id="overdue">"#).unwrap()..];
    assert!(
        overdue.contains(r#"<td data-label="Owner">Test researcher</td>"#),
        "{overdue}"
    );
    assert!(page.contains("the coalition's rights as the requester, on every request it sends"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_is_confirmed_once_on_the_next_page() {
    let app = TestApp::start(foi_tracker::db::Backend::Sqlite, TODAY)
        .await
        .unwrap();
    let home_office = app.authority("Home Office").await.to_string();
    let response = app
        .post_form(
            "/requests",
            &[
                ("title", "Safe-house places, 2026 Q1"),
                ("body", "Please provide the number of safe-house places refused."),
                ("authority_id", &home_office),
                ("regime", ""),
                ("sent_via", "email"),
                ("sent_on", "2026-06-05"),
                ("received_on", ""),
                ("tags", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = support::location(&response);
    assert!(!location.contains("done"), "the address stays clean: {location}");
    let page = app.text(&location).await;
    assert!(
        page.contains(r#"<div class="done" role="status"><p>Request saved.</p></div>"#),
        "{page}"
    );
    let again = app.text(&location).await;
    assert!(!again.contains(r#"role="status""#), "said once: {again}");
    // Only our own words: a code that is not ours shows nothing.
    let forged = support::browser()
        .get(app.url("/deadline"))
        .header("Cookie", "foi_done=You+have+won")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!forged.contains(r#"role="status""#) && !forged.contains("You have won"));
}

on_both_backends! {
    async fn the_api_pages_as_asked_with_links_to_each_page(app) {
        let home_office = app.authority("Home Office").await;
        let mut made = Vec::new();
        for n in 0..7 {
            let body = json!({"title": format!("Request {n}"), "body": "B", "authority_id": home_office, "sent_on": "2026-06-01"});
            made.push(app.create_request(body).await["id"].as_i64().unwrap());
        }
        let response = app.get("/api/v1/requests?per_page=3&sort=title").await;
        assert_eq!(response.status(), StatusCode::OK);
        let links = response.headers()["link"].to_str().unwrap().to_string();
        let first: serde_json::Value = response.json().await.unwrap();
        assert_eq!((first["total"].as_i64(), first["per_page"].as_i64(), first["pages"].as_i64()), (Some(7), Some(3), Some(3)));
        assert_eq!(first["items"].as_array().unwrap().len(), 3);
        assert!(links.contains(r#"</api/v1/requests?sort=title&page=2&per_page=3>; rel="next""#), "{links}");
        assert!(links.contains(r#"</api/v1/requests?sort=title&page=3&per_page=3>; rel="last""#), "{links}");
        assert!(!links.contains(r#"rel="prev""#), "{links}");
        // Following the links reaches every request once.
        let mut seen: Vec<i64> = Vec::new();
        let mut next = Some("/api/v1/requests?per_page=3&sort=title".to_string());
        while let Some(at) = next {
            let response = app.get(&at).await;
            let links = response.headers()["link"].to_str().unwrap().to_string();
            let page: serde_json::Value = response.json().await.unwrap();
            seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()));
            next = links
                .split(", ")
                .find(|l| l.ends_with(r#"rel="next""#))
                .map(|l| l.trim_start_matches('<').split('>').next().unwrap().to_string());
        }
        seen.sort();
        assert_eq!(seen, made);
        // Out of bounds, each named.
        for (query, field) in [("per_page=0", "per_page"), ("per_page=101", "per_page"), ("per_page=many", "per_page"), ("page=0", "page")] {
            let (status, fields, answer) = support::problem(app.get(&format!("/api/v1/requests?{query}")).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {answer}");
            assert_eq!(fields, [field], "{answer}");
        }
    }
}
