//! The pages in a real browser, headless Chromium over WebDriver, on both backends: what a
//! researcher does from a deep link to an internal review, with the dates DEADLINES.md gives;
//! every page type checked by axe-core against WCAG 2.2 AA, measured at 390 px for sideways
//! scrolling, and photographed at both widths into `target/screenshots/`.

use crate::support;

use crate::support::browser::{self, contrast, rgb, violations, Browser};
use crate::support::{date, TestApp};
use foi_tracker::tracker::two_factor;
use foi_tracker::tracker::{demo, holidays::CalendarStore};

/// The widths every page is looked at: a desktop and a phone.
const DESKTOP: u32 = 1280;
const PHONE: u32 = 390;

/// Loads the demonstration (its accounts, requests and verified figures) into the app's
/// database, as `serve --demo` does; the email and password of its coordinator, who filed
/// the requests, and of its administrator.
fn load_demonstration(app: &TestApp) -> [(String, String); 2] {
    let mut conn = app.connection();
    let now = foi_tracker::clock::now();
    let made = demo::accounts(&mut conn, &app.address, now)
        .unwrap()
        .expect("a fresh database has no demonstration accounts");
    let calendars = CalendarStore::load(&mut conn).unwrap();
    let loaded = demo::load(&mut conn, &calendars, date(support::TODAY), now).unwrap();
    assert!(loaded > 0, "the demonstration loads requests");
    let account = |role: &str| {
        let a = made.iter().find(|a| a.role == role).unwrap();
        (a.email.clone(), a.password.clone())
    };
    [account("coordinator"), account("admin")]
}

/// Fills the input labelled `label` (its `<label>`'s text, exactly) with `value`.
async fn fill(browser: &Browser, label: &str, value: &str) {
    let input = browser
        .find(&format!("//*[@id=//label[normalize-space()='{label}']/@for]"))
        .await;
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

/// Signs in through the sign-in page the browser shows, setting up two-factor sign-in on
/// the page that asks for it, as an administrator does the first time.
async fn sign_in(browser: &Browser, email: &str, password: &str) {
    fill(browser, "Email", email).await;
    fill(browser, "Password", password).await;
    press(browser, "Sign in").await;
    if browser.path().await.starts_with("/account/two-factor") {
        let secret = browser
            .find("//input[@name='secret']")
            .await
            .attr("value")
            .await
            .unwrap()
            .expect("the set-up page shows the key");
        let code = two_factor::totp(&secret, email)
            .unwrap()
            .generate_current()
            .to_string();
        fill(browser, "Code from the app", &code).await;
        let button = browser
            .find("//form[@action='/account/two-factor']//button[@type='submit']")
            .await;
        browser.submit(button).await;
    }
}

/// The address of the first request on a list whose row does (or does not) say "Draft".
async fn row_link(browser: &Browser, prefix: &str, draft: bool) -> String {
    let link = browser
        .eval(&format!(
            "const row = [...document.querySelectorAll('tr')].find(r =>
               r.querySelector('a[href^=\"{prefix}\"]') && /\\bDraft\\b/.test(r.innerText) === {draft});
             return row ? row.querySelector('a[href^=\"{prefix}\"]').getAttribute('href') : null;"
        ))
        .await;
    link.as_str()
        .unwrap_or_else(|| panic!("no request on the list whose row is a draft: {draft}"))
        .to_string()
}

/// What is wrong with the page the browser shows, for a person at `width`: axe's violations
/// (and axe must find something that passes), and at the phone width any sideways scroll of
/// the page itself. Photographs the page.
async fn check_page(browser: &Browser, name: &str, width: u32) -> Vec<String> {
    let mut problems = Vec::new();
    let path = browser.path().await;
    let title = browser.eval("return document.title").await;
    browser.screenshot(name).await;
    if title
        .as_str()
        .unwrap_or_default()
        .starts_with("Something went wrong")
    {
        problems.push(format!("{path} at {width} px: the server failed: {title}"));
    }
    let report = browser.axe().await;
    for violation in violations(&report) {
        problems.push(format!("{path} at {width} px: {violation}"));
    }
    if report["passes"].as_array().is_none_or(Vec::is_empty) {
        problems.push(format!("{path} at {width} px: axe found nothing that passes"));
    }
    if width == PHONE {
        let overflow = browser.sideways_overflow().await;
        if overflow > 0 {
            problems.push(format!(
                "{path} at {width} px: the page scrolls {overflow} px sideways"
            ));
        }
    }
    problems
}

/// Each page of `pages`, looked at as `who` at both widths.
async fn check_pages(browser: &Browser, app: &TestApp, who: &str, pages: &[(&str, String)]) -> Vec<String> {
    let backend = if support::is_postgres(app) {
        "postgres"
    } else {
        "sqlite"
    };
    let mut problems = Vec::new();
    for width in [DESKTOP, PHONE] {
        browser.set_width(width).await;
        for (name, path) in pages {
            browser.goto(&app.url(path)).await;
            let shot = format!("{backend}-{who}-{name}-{width}");
            problems.extend(check_page(browser, &shot, width).await);
        }
    }
    browser.set_width(DESKTOP).await;
    problems
}

on_both_backends! {
    async fn every_page_type_passes_axe_and_fits_a_phone(app) {
        let Some(browser) = browser::start().await else { return };
        let [coordinator, admin] = load_demonstration(&app);

        // Signed out: what the public, journalists and MPs see.
        let public: Vec<(&str, String)> = [
            ("scorecard", "/scorecard"),
            ("indicator", "/scorecard/D1.1"),
            ("calculator", "/deadline"),
            ("open-data", "/open-data"),
            ("sign-in", "/sign-in"),
            ("not-found", "/no-such-page"),
        ]
        .into_iter()
        .map(|(name, path)| (name, path.to_string()))
        .collect();
        let mut problems = check_pages(&browser, &app, "public", &public).await;

        // The scorecard's states are told apart by colour (and by letter): each colour must
        // stand out from the page at 3:1, which axe does not test for graphics.
        browser.goto(&app.url("/scorecard")).await;
        let colours = browser
            .eval(
                "const page = getComputedStyle(document.body).backgroundColor;
                 return {page: page === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : page,
                         states: [...document.querySelectorAll('ul.legend .cell')].map(c =>
                           [c.className, getComputedStyle(c).backgroundColor, getComputedStyle(c).borderTopColor])};",
            )
            .await;
        let page = rgb(colours["page"].as_str().unwrap());
        let states = colours["states"].as_array().unwrap();
        assert!(states.len() >= 5, "the legend shows every state: {colours}");
        for state in states {
            let class = state[0].as_str().unwrap();
            // A state is marked by its fill or, drawn as an empty box, by its border.
            let (fill, border) = (state[1].as_str().unwrap(), state[2].as_str().unwrap());
            let colour = if rgb(fill) == page { border } else { fill };
            let ratio = contrast(rgb(colour), page);
            if ratio < 3.0 {
                problems.push(format!(
                    "scorecard legend {class}: {colour} against the page is {ratio:.2}:1, under 3:1"
                ));
            }
        }

        // Each cell links to what it rests on: D1.1's first quarter, asked for by a request
        // that was granted, lands on its own row of the indicator page, which names the ask.
        browser.goto(&app.url("/scorecard")).await;
        let cell = browser.find("//td[contains(@class, 'cell')]/a[@href='/scorecard/D1.1#q-2016-Q1']").await;
        cell.click().await.unwrap();
        let landed = browser
            .eval("return [location.pathname + location.hash, document.querySelector('tr:has(:target)')?.innerText];")
            .await;
        assert_eq!(landed[0], "/scorecard/D1.1#q-2016-Q1", "{landed}");
        let row = landed[1].as_str().unwrap_or_default();
        assert!(
            row.contains("Granted, figure not entered yet") && row.contains("Home Office, asked for 1 Jan 2016 to 31 Dec 2018"),
            "the quarter's row says what it rests on: {row}"
        );

        // The coordinator who filed the demonstration's requests, with every form on them.
        browser.goto(&app.url("/sign-in")).await;
        sign_in(&browser, &coordinator.0, &coordinator.1).await;
        browser.goto(&app.url("/requests")).await;
        let sent = row_link(&browser, "/requests/", false).await;
        // The demonstration's drafts are older than its batch's 45 requests, on a later page.
        browser.goto(&app.url("/requests?status=draft")).await;
        let draft = row_link(&browser, "/requests/", true).await;
        // The demonstration's batch to every police force of the UK: its totals read as a
        // person reads them, at both widths below.
        browser.goto(&app.url("/batches")).await;
        let batch = browser
            .eval("return document.querySelector('a[href^=\"/batches/\"]:not([href$=\"/new\"])').getAttribute('href')")
            .await;
        let batch = batch.as_str().expect("the batches page lists the demonstration's batch").to_string();
        browser.goto(&app.url(&batch)).await;
        let text = browser.text().await;
        assert!(text.contains("of 45 answered") && text.contains("refused under FOIA s.12(1)") && text.contains("Police Scotland"), "{text}");
        let coordinator_pages: Vec<(&str, String)> = vec![
            ("batches", "/batches".into()),
            ("batch", batch.clone()),
            ("batch-new", "/batches/new".into()),
            ("batch-reviews", format!("{batch}/reviews")),
            ("dashboard", "/".into()),
            ("requests", "/requests".into()),
            ("requests-filtered", "/requests?regime=foia&q=victims".into()),
            ("request", sent.clone()),
            ("request-draft", draft.clone()),
            ("request-edit", format!("{sent}/edit")),
            ("request-letters", format!("{sent}/letters")),
            ("request-email", format!("{draft}/email")),
            ("inbox", "/inbox".into()),
            ("search", "/search?q=victims".into()),
            ("search-form", "/search".into()),
            ("request-new", "/requests/new".into()),
            ("request-wdtk", "/requests/wdtk".into()),
            ("remove-last-event", format!("{sent}/events/remove-last")),
            ("my-requests", "/requests?owner=me&open=true&sort=due".into()),
            ("authorities", "/authorities".into()),
            ("history", "/history".into()),
            ("history-requests", "/history/requests".into()),
            ("figures", "/figures".into()),
            ("figure-new", "/figures/new".into()),
            ("account", "/account".into()),
            ("two-factor", "/account/two-factor".into()),
            ("outbox", "/outbox".into()),
            ("scorecard", "/scorecard".into()),
            ("not-found", "/requests/999999".into()),
        ];
        problems.extend(check_pages(&browser, &app, "coordinator", &coordinator_pages).await);

        // The administrator, for the pages only administrators see.
        browser.client.delete_all_cookies().await.unwrap();
        browser.goto(&app.url("/sign-in")).await;
        sign_in(&browser, &admin.0, &admin.1).await;
        assert_eq!(browser.path().await, "/account", "signed in, two-factor set up");
        browser.goto(&app.url("/authorities")).await;
        let authority = browser
            .eval("return document.querySelector('a[href$=\"/edit\"][href^=\"/authorities/\"]').getAttribute('href')")
            .await;
        browser.goto(&app.url("/admin/users")).await;
        let deactivate = browser
            .eval("return [...document.querySelectorAll('a, form')].map(e => e.getAttribute('href') || e.getAttribute('action')).find(h => /^\\/admin\\/users\\/\\d+\\/deactivate$/.test(h || ''))")
            .await;
        let deactivate = deactivate.as_str().expect("the users page leads to deactivating one").to_string();
        let reset = deactivate.replace("/deactivate", "/two-factor-reset");
        let admin_pages: Vec<(&str, String)> = vec![
            ("deactivate", deactivate),
            ("two-factor-reset", reset),
            ("authority-new", "/authorities/new".into()),
            ("authority-edit", authority.as_str().unwrap().into()),
            ("authorities-import", "/authorities/import".into()),
            ("users", "/admin/users".into()),
            ("holidays", "/admin/holidays".into()),
            ("mailbox", "/admin/mailbox".into()),
            ("indicators", "/admin/indicators".into()),
            ("groups", "/admin/groups".into()),
            ("group-new", "/admin/groups/new".into()),
            ("indicator-new", "/admin/indicators/new".into()),
            ("indicator-edit", "/admin/indicators/D1.1/edit".into()),
            ("audit", "/audit".into()),
        ];
        problems.extend(check_pages(&browser, &app, "admin", &admin_pages).await);
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    }

    async fn axe_reports_a_planted_unlabelled_input(app) {
        let Some(browser) = browser::start().await else { return };
        // A test-only page: the app's own layout, with one input that no label names.
        browser.goto(&app.url("/deadline")).await;
        browser
            .eval("const i = document.createElement('input'); i.type = 'text'; document.querySelector('main').append(i); return null;")
            .await;
        let report = browser.axe().await;
        let found = violations(&report);
        assert!(
            found.iter().any(|v| v.starts_with("label (")),
            "axe must report the unlabelled input: {found:?}"
        );
    }
}

/// Fills the date asked for by `label`: the day, month and year boxes of the fieldset whose
/// legend says it, or a single date field labelled so.
async fn fill_date(browser: &Browser, label: &str, on: &str) {
    let (year, rest) = on.split_once('-').unwrap();
    let (month, day) = rest.split_once('-').unwrap();
    let fieldset = format!("//fieldset[legend[starts-with(normalize-space(), '{label}')]]");
    let parts = browser
        .client
        .find_all(fantoccini::Locator::XPath(&fieldset))
        .await
        .unwrap();
    if parts.is_empty() {
        let input = browser
            .find(&format!("//*[@id=//label[normalize-space()='{label}']/@for]"))
            .await;
        browser
            .client
            .execute(
                "arguments[0].value = arguments[1]; return null;",
                vec![serde_json::to_value(&input).unwrap(), on.into()],
            )
            .await
            .unwrap();
        return;
    }
    for (part, value) in [("Day", day), ("Month", month), ("Year", year)] {
        let input = browser
            .find(&format!(
                "{fieldset}//*[@id=//label[normalize-space()='{part}']/@for]"
            ))
            .await;
        input.clear().await.unwrap();
        input.send_keys(value.trim_start_matches('0')).await.unwrap();
    }
}

/// Chooses the option whose text is `option` in the list labelled `label`.
async fn choose(browser: &Browser, label: &str, option: &str) {
    browser
        .find(&format!(
            "//select[@id=//label[normalize-space()='{label}']/@for]"
        ))
        .await
        .select_by_label(option)
        .await
        .unwrap_or_else(|e| panic!("{label}: {option}: {e}"));
}

/// Clicks the button that says `text`, and waits for the page it leads to.
async fn press(browser: &Browser, text: &str) {
    let button = browser
        .find(&format!("//button[normalize-space()='{text}']"))
        .await;
    browser.submit(button).await;
}

/// The deadline labelled `label` on a request's page: its due date, its latest date if any,
/// and its state's words, as the page shows them.
async fn deadline(browser: &Browser, label: &str) -> (String, Option<String>, String) {
    let found = browser
        .eval(&format!(
            "const li = [...document.querySelectorAll('li.deadline')].find(d => d.querySelector('.deadline-label').innerText.trim() === '{label}');
             if (!li) return null;
             const times = [...li.querySelectorAll('.deadline-due time')].map(t => t.getAttribute('datetime'));
             return [times[0], times[1] || null, li.querySelector('.badge').innerText.trim()];"
        ))
        .await;
    let found = found
        .as_array()
        .unwrap_or_else(|| panic!("no deadline '{label}' on the page"));
    (
        found[0].as_str().unwrap().to_string(),
        found[1].as_str().map(str::to_string),
        found[2].as_str().unwrap().to_string(),
    )
}

/// Records an event with the form on a request's page.
async fn record(browser: &Browser, kind: &str, on: &str) {
    choose(browser, "What happened", kind).await;
    // The form then asks for what this kind of event records.
    press(browser, "Choose").await;
    fill_date(browser, "Date", on).await;
}

/// A researcher, signed out, follows a link to the new request form, signs in and lands on
/// it; files a FOIA request to the Home Office received on Monday 2 February 2026, records
/// its acknowledgement, a refusal citing s.40(2) on the last day and a request for internal
/// review the same day; the page gives the dates DEADLINES.md's rules give. The request is
/// then under the researcher's own requests on the dashboard. On 5 March 2026.
async fn a_researcher_follows_a_refusal_to_internal_review(backend: foi_tracker::db::Backend) {
    let Some(app) = TestApp::start(backend, "2026-03-05").await else {
        return eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): only SQLite ran");
    };
    let Some(browser) = browser::start().await else {
        return;
    };
    let email = "researcher@coalition.example";
    app.add_user(email, "researcher", support::ORGANISATION);

    browser.goto(&app.url("/requests/new")).await;
    assert!(
        browser.path().await.starts_with("/sign-in"),
        "signed out, the form asks who is there"
    );
    sign_in(&browser, email, support::PASSWORD).await;
    assert_eq!(
        browser.path().await,
        "/requests/new",
        "signed in, back where the link led"
    );

    fill(&browser, "Title", "Detention of returned victims, 2025").await;
    fill(
        &browser,
        "The text sent",
        "Please send the number of people detained in 2025 after a positive conclusive grounds decision.",
    )
    .await;
    choose(&browser, "Authority", "Home Office").await;
    fill_date(&browser, "Date sent", "2026-02-02").await;
    press(&browser, "Save").await;
    let request = browser.path().await;
    assert!(first_digit(&request), "the new request's page: {request}");
    assert_eq!(deadline(&browser, "Response due").await.0, "2026-03-02");

    record(&browser, "Acknowledged", "2026-02-03").await;
    press(&browser, "Record").await;
    record(&browser, "Response", "2026-03-02").await;
    choose(&browser, "Outcome", "Refused").await;
    // The grounds are filtered as the researcher types: only the matching ones stay in view.
    fill(&browser, "Filter the grounds by section or name", "personal").await;
    let shown = browser
        .eval("return [...document.querySelectorAll('#grounds .checkbox')].filter(c => c.offsetParent !== null).map(c => c.innerText.trim());")
        .await;
    let shown: Vec<&str> = shown
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert!(shown.iter().any(|s| s.starts_with("FOIA s.40(2):")), "{shown:?}");
    assert!(
        !shown.iter().any(|s| s.starts_with("FOIA s.21")) && shown.len() < 6,
        "only the grounds about personal information: {shown:?}"
    );
    browser
        .find("//input[@type='checkbox'][@id=//label[starts-with(normalize-space(), 'FOIA s.40(2):')]/@for]")
        .await
        .click()
        .await
        .unwrap();
    press(&browser, "Record").await;
    record(&browser, "Internal review requested", "2026-03-02").await;
    press(&browser, "Record").await;

    let text = browser.text().await;
    assert!(text.contains("citing FOIA s.40(2)"), "{text}");
    assert_eq!(
        deadline(&browser, "Response due").await,
        ("2026-03-02".into(), None, "Met on Mon 2 Mar 2026".into())
    );
    assert_eq!(
        deadline(&browser, "Ask for an internal review").await,
        ("2026-04-30".into(), None, "Met on Mon 2 Mar 2026".into())
    );
    assert_eq!(
        deadline(&browser, "Internal review due").await,
        ("2026-03-31".into(), Some("2026-04-30".into()), "Running".into())
    );

    browser.goto(&app.url("/")).await;
    let mine = browser
        .eval("const s = [...document.querySelectorAll('section')].find(s => /My requests/.test(s.querySelector('h2')?.innerText)); return s ? s.innerText : null;")
        .await;
    let mine = mine.as_str().expect("the dashboard has a section My requests");
    assert!(mine.contains("Detention of returned victims, 2025"), "{mine}");
    assert!(mine.contains("Tue 31 Mar 2026"), "its next deadline: {mine}");

    // The public pages, read signed out.
    browser.client.delete_all_cookies().await.unwrap();
    browser.goto(&app.url("/scorecard")).await;
    assert!(browser.text().await.contains("Transparency scorecard"));
    browser.goto(&app.url("/scorecard/D1.1")).await;
    assert!(browser.text().await.contains("D1.1"));
}

fn first_digit(path: &str) -> bool {
    path.strip_prefix("/requests/")
        .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_researcher_follows_a_refusal_to_internal_review_on_sqlite() {
    a_researcher_follows_a_refusal_to_internal_review(foi_tracker::db::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_researcher_follows_a_refusal_to_internal_review_on_postgres() {
    a_researcher_follows_a_refusal_to_internal_review(foi_tracker::db::Backend::Postgres).await;
}
