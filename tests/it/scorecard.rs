//! The scorecard: a request linked to indicators and refused shows as refused with its
//! grounds; a figure counts once verified by someone other than who entered it, only if its
//! definition matches or is comparable; an annual figure shows its quarters as released in
//! aggregate. Public, no sign-in. Both backends; today is 1 June 2026 (2026 Q2).

use crate::support;

use crate::support::{browser, problem, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The state of one indicator's quarter, and its grounds.
fn cell(card: &Value, indicator: &str, quarter: &str) -> (String, Value) {
    let row = card["demands"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["indicators"].as_array().unwrap())
        .find(|i| i["id"] == indicator)
        .unwrap_or_else(|| panic!("no {indicator}"));
    let c = row["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["quarter"] == quarter)
        .unwrap();
    (c["state"].as_str().unwrap().to_string(), c["grounds"].clone())
}

/// The scorecard as anyone on the internet sees it.
/// A request to the Home Office, sent on `sent_on`, asking for `indicator` from `from` to `to`.
async fn asking(app: &TestApp, indicator: &str, from: &str, to: &str, sent_on: &str) -> i64 {
    let home_office = app.authority("Home Office").await;
    let created = app
        .create_request(json!({"title": format!("{indicator} from {from}"), "body": "B", "authority_id": home_office, "sent_on": sent_on}))
        .await;
    let id = created["id"].as_i64().unwrap();
    let linked = app
        .put_json(
            &format!("/api/v1/requests/{id}/indicators"),
            &json!([{"indicator_id": indicator, "from": from, "to": to}]),
        )
        .await;
    assert_eq!(linked.status(), StatusCode::OK);
    id
}

async fn public_card(app: &TestApp) -> Value {
    let response = browser().get(app.url("/api/v1/scorecard")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn figure(indicator: &str, value: &str, from: &str, to: &str, matching: &str) -> Value {
    json!({
        "indicator_id": indicator, "value": value, "period_start": from, "period_end": to,
        "definition": "People with a positive reasonable grounds decision on entering or during detention",
        "definition_match": matching, "source_kind": "publication",
        "publication_title": "Hidden Futures", "publisher": "Coalition NGO", "published_on": "2020-02-01",
    })
}

async fn add_figure(app: &support::Session, body: Value) -> i64 {
    let response = app.post_json("/api/v1/figures", &body).await;
    let status = response.status();
    let json: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{json}");
    assert!(json["verified_at"].is_null());
    json["id"].as_i64().unwrap()
}

on_both_backends! {
    async fn figures_from_drafts_and_subject_access_requests_stay_private(app) {
        let home_office = app.authority("Home Office").await;
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        let outsider = app.member("outsider@other.example", "researcher", "Other NGO").await;
        let draft = app.create_request(json!({"title": "Not sent yet", "body": "B", "authority_id": home_office})).await;
        let draft = draft["id"].as_i64().unwrap();
        let sent = app.create_request(json!({"title": "Later a subject access request", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await;
        let later_sar = sent["id"].as_i64().unwrap();
        let from = |request: i64, start: &str, end: &str| {
            json!({
                "indicator_id": "D1.1", "value": "77", "period_start": start, "period_end": end,
                "definition": "PRIVATE-DEFINITION", "definition_match": "matches", "caveats": "PRIVATE-CAVEAT",
                "source_kind": "request", "request_id": request, "location": "PRIVATE-LOCATION",
            })
        };
        let mut ids = Vec::new();
        for (request, start, end) in [(draft, "2017-01-01", "2017-03-31"), (later_sar, "2017-04-01", "2017-06-30")] {
            let id = add_figure(&app.session, from(request, start, end)).await;
            assert_eq!(checker.post_json(&format!("/api/v1/figures/{id}/verify"), &json!({})).await.status(), StatusCode::OK);
            ids.push(id);
        }
        let unverified = add_figure(&app.session, from(draft, "2017-07-01", "2017-09-30")).await;
        ids.push(unverified);

        // A figure from a sent request counts; one from a draft does not.
        let card = public_card(&app).await;
        assert_eq!(cell(&card, "D1.1", "2017-Q2").0, "released");
        assert_eq!(cell(&card, "D1.1", "2017-Q1").0, "never_asked", "a draft's figure is not public");

        // The request becomes a subject access request: its figure leaves the scorecard too.
        let owner = sent["owner_id"].clone();
        let changed = app
            .put_json(
                &format!("/api/v1/requests/{later_sar}"),
                &json!({"title": "Later a subject access request", "body": "B", "authority_id": home_office, "regime": "sar",
                        "sent_via": "email", "sent_on": "2026-04-01", "reference": null, "owner_id": owner, "tags": []}),
            )
            .await;
        assert_eq!(changed.status(), StatusCode::OK);
        let card = public_card(&app).await;
        for quarter in ["2017-Q1", "2017-Q2", "2017-Q3"] {
            assert_eq!(cell(&card, "D1.1", quarter).0, "never_asked", "{quarter}");
        }
        let d11 = card["demands"][0]["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "D1.1").unwrap();
        assert_eq!(d11["coverage"], json!(0.0), "nothing private counts in the coverage");
        assert_eq!(card["demands"][0]["coverage"], json!(0.0));

        // Nothing of them on the indicator's public page and API, verified or not.
        let view = browser().get(app.url("/api/v1/indicators/D1.1")).send().await.unwrap().text().await.unwrap();
        for private in ["PRIVATE-DEFINITION", "PRIVATE-CAVEAT", "PRIVATE-LOCATION"] {
            assert!(!view.contains(private), "{private} in {view}");
        }
        let view: Value = serde_json::from_str(&view).unwrap();
        for list in ["series", "breakdowns", "related", "unverified"] {
            assert_eq!(view[list], json!([]), "{list}");
        }
        // A published figure is public, but not who in the coalition entered or checked it.
        let published = add_figure(&app.session, figure("D1.1", "12", "2016-01-01", "2016-03-31", "matches")).await;
        assert_eq!(checker.post_json(&format!("/api/v1/figures/{published}/verify"), &json!({})).await.status(), StatusCode::OK);
        let view = browser().get(app.url("/api/v1/indicators/D1.1")).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(view["series"].as_array().unwrap().len(), 1, "{view}");
        assert_eq!((&view["series"][0]["entered_by"], &view["series"][0]["verified_by"]), (&Value::Null, &Value::Null), "{view}");
        assert!(view["series"][0]["verified_at"].is_string(), "{view}");
        let page = browser().get(app.url("/scorecard/D1.1")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("PRIVATE-") && !page.contains("77 people"), "{page}");
        let page = browser().get(app.url("/scorecard")).send().await.unwrap().text().await.unwrap();
        assert!(!page.contains("D1.1 2017-Q1: Released") && !page.contains("D1.1 2017-Q2: Released"), "{page}");
        let open = browser().get(app.url("/open-data/figures.json")).send().await.unwrap().text().await.unwrap();
        assert!(!open.contains("PRIVATE-"), "{open}");

        // Inside the coalition: the organisation lists them; another organisation's members
        // do not, and cannot verify what they cannot read.
        let figure_anchor = |id: i64| format!("id=\"figure-{id}\"");
        let own = checker.text("/figures").await;
        assert!(ids.iter().all(|id| own.contains(&figure_anchor(*id))), "{own}");
        let theirs = outsider.text("/figures").await;
        assert!(ids.iter().all(|id| !theirs.contains(&figure_anchor(*id))) && !theirs.contains("PRIVATE-"), "{theirs}");
        let before = app.snapshot();
        let (status, _, json) = problem(outsider.post_json(&format!("/api/v1/figures/{unverified}/verify"), &json!({})).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
        let (_, _, absent) = problem(outsider.post_json("/api/v1/figures/999999/verify", &json!({})).await).await;
        assert_eq!(json["detail"].as_str().unwrap().replace(&unverified.to_string(), "999999"), absent["detail"].as_str().unwrap(), "as if absent");
        assert_eq!(outsider.post_form(&format!("/figures/{unverified}/verify"), &[]).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.snapshot(), before, "nothing verified");
    }

    async fn refusals_and_verified_figures_show_on_the_scorecard(app) {
        let card = public_card(&app).await;
        assert_eq!(card["quarters"][0], "2016-Q1");
        assert_eq!(card["quarters"].as_array().unwrap().last().unwrap(), "2026-Q2");
        assert_eq!(card["quarters"].as_array().unwrap().len(), 42);
        assert_eq!(cell(&card, "D1.6", "2025-Q1").0, "never_asked");

        // A request asks for D1.6 over 2025 Q1, sent on 1 April 2026: its answer was due on
        // 1 May, so on 1 June it is late, and the scorecard says so.
        let id = asking(&app, "D1.6", "2025-01-01", "2025-03-31", "2026-04-01").await;
        assert_eq!(cell(&public_card(&app).await, "D1.6", "2025-Q1").0, "overdue");
        assert_eq!(cell(&public_card(&app).await, "D1.6", "2025-Q2").0, "never_asked");
        // Another, for D1.5, sent on 20 May: within its time, a wait and no more.
        asking(&app, "D1.5", "2025-04-01", "2025-06-30", "2026-05-20").await;
        assert_eq!(cell(&public_card(&app).await, "D1.5", "2025-Q2").0, "awaiting");
        let indicator = browser().get(app.url("/scorecard/D1.6")).send().await.unwrap().text().await.unwrap();
        assert!(indicator.contains("<td>No answer, and it is overdue</td>"), "{indicator}");
        let indicator = browser().get(app.url("/scorecard/D1.5")).send().await.unwrap().text().await.unwrap();
        assert!(indicator.contains("<td>Awaiting, within time</td>"), "{indicator}");
        let page = browser().get(app.url("/scorecard")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<span class=\"cell state-overdue\" aria-hidden=\"true\">L</span> Asked, answer overdue</li>"), "{page}");

        // Refused under s.12: the refusal counts against the indicator, with its grounds.
        app.post_json(&format!("/api/v1/requests/{id}/events"), &json!({"kind": "response", "occurred_on": "2026-04-28", "outcome": "refused", "grounds": ["foia-s12-1"]})).await;
        let card = public_card(&app).await;
        assert_eq!(cell(&card, "D1.6", "2025-Q1"), ("refused".to_string(), json!(["FOIA s.12(1)"])));
        let page = browser().get(app.url("/scorecard")).send().await.unwrap().text().await.unwrap();
        // The cell is a link to the indicator's page, where the request and its answer are
        // listed, and says its state in a letter and, for screen readers, in words.
        assert!(
            page.contains("<td class=\"cell state-refused\"><a href=\"/scorecard/D1.6#q-2025-Q1\"><span aria-hidden=\"true\">X</span><span class=\"visually-hidden\">D1.6 2025-Q1: Refused (FOIA s.12(1))</span></a></td>"),
            "{page}"
        );
        assert!(!page.contains(" title=\"D1.6"), "no tooltip that a touch screen cannot open: {page}");
        // The link lands on the quarter's row, which names the refusal and the ask it rests on.
        let indicator = browser().get(app.url("/scorecard/D1.6")).send().await.unwrap().text().await.unwrap();
        let row = indicator
            .split("<tr>")
            .find(|row| row.contains("<span id=\"q-2025-Q1\" class=\"anchor\"></span>"))
            .unwrap_or_else(|| panic!("a row for 2025-Q1: {indicator}"));
        assert!(row.contains("Refused: FOIA s.12(1)") && row.contains("<a href=\"#ask-0\">"), "{row}");
        assert!(indicator.contains("<tr id=\"ask-0\">"), "{indicator}");

        // An annual figure, entered and not yet verified: it does not count.
        let annual = add_figure(&app.session, figure("D1.1", "507", "2018-01-01", "2018-12-31", "matches")).await;
        assert_eq!(cell(&public_card(&app).await, "D1.1", "2018-Q2").0, "never_asked");
        // Not by the person who entered it.
        let (status, _, json) = problem(app.post_json(&format!("/api/v1/figures/{annual}/verify"), &json!({})).await).await;
        assert_eq!(status, StatusCode::CONFLICT, "{json}");
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        let verified = checker.post_json(&format!("/api/v1/figures/{annual}/verify"), &json!({})).await;
        assert_eq!(verified.status(), StatusCode::OK);
        let card = public_card(&app).await;
        for quarter in ["2018-Q1", "2018-Q2", "2018-Q3", "2018-Q4"] {
            assert_eq!(cell(&card, "D1.1", quarter).0, "released_in_aggregate", "{quarter}");
        }
        assert_eq!(cell(&card, "D1.1", "2019-Q1").0, "never_asked");

        // A quarterly figure under another definition is related, never counted; a comparable one is.
        let different = add_figure(&app.session, figure("D1.5", "23", "2018-07-01", "2018-09-30", "different")).await;
        let comparable = add_figure(&app.session, figure("D1.5", "1,256", "2019-01-01", "2019-03-31", "comparable")).await;
        for id in [different, comparable] {
            assert_eq!(checker.post_json(&format!("/api/v1/figures/{id}/verify"), &json!({})).await.status(), StatusCode::OK);
        }
        let card = public_card(&app).await;
        assert_eq!(cell(&card, "D1.5", "2018-Q3").0, "never_asked");
        assert_eq!(cell(&card, "D1.5", "2019-Q1").0, "released");
        // D1 has 8 indicators over 42 quarters, of which 41 have ended (2026 Q2 is in
        // progress, shown but not counted); 4 + 1 are covered.
        let d1 = &card["demands"][0];
        assert_eq!(d1["id"], "D1");
        assert_eq!(d1["coverage"], json!(5.0 / 328.0));
        let d15 = d1["indicators"].as_array().unwrap().iter().find(|i| i["id"] == "D1.5").unwrap();
        assert_eq!(d15["coverage"], json!(1.0 / 41.0));

        // Each indicator's page: the series with its chart beside the table, every source, the
        // related and the unverified marked, and who was asked.
        add_figure(&app.session, figure("D1.5", "40", "2019-04-01", "2019-06-30", "matches")).await;
        let page = browser().get(app.url("/scorecard/D1.5")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<title id=\"series-title\">D1.5 over time</title>"), "{page}");
        assert!(page.contains(&format!("<tr id=\"f-{comparable}\"><th scope=\"row\">2019-Q1</th><td>1,256 returns</td><td>comparable</td><td>Hidden Futures (Coalition NGO)</td></tr>")), "{page}");
        assert!(page.contains("<td>different</td>"), "the related figure is listed: {page}");
        assert!(page.contains("Unverified"), "{page}");
        let view = browser().get(app.url("/api/v1/indicators/D1.6")).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(view["asks"], json!([{"authority": "Home Office", "from": "2025-01-01", "to": "2025-03-31", "outcome": "refused", "grounds": ["FOIA s.12(1)"], "overturned": false, "withdrawn_or_lapsed": false, "overdue": false}]));
        let view = browser().get(app.url("/api/v1/indicators/D1.5")).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!((view["series"].as_array().unwrap().len(), view["related"].as_array().unwrap().len(), view["unverified"].as_array().unwrap().len()), (1, 1, 1));
        assert_eq!(browser().get(app.url("/scorecard/D9.9")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

        // Verified once only; every step is in the audit trail.
        let (status, _, _) = problem(checker.post_json(&format!("/api/v1/figures/{comparable}/verify"), &json!({})).await).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let trail = app.admin().await.text("/audit?entity=figure").await;
        assert!(trail.contains("verify") && trail.contains("1256"), "{trail}");
    }

    async fn an_answered_request_shows_what_the_authority_did_not_a_wait(app) {
        // Three requests for 2016, each answered: granted in full, in part, and pointed at a
        // publication. No figure has been entered from any of them yet.
        for (indicator, outcome, grounds) in [("D1.2", "granted", json!([])), ("D1.3", "partly_granted", json!(["foia-s40-2"])), ("D1.4", "info_accessible_elsewhere", json!(["foia-s21-1"]))] {
            let id = asking(&app, indicator, "2016-01-01", "2016-12-31", "2026-03-02").await;
            assert_eq!(cell(&public_card(&app).await, indicator, "2016-Q3").0, "overdue");
            let answered = app.post_json(&format!("/api/v1/requests/{id}/events"), &json!({"kind": "response", "occurred_on": "2026-03-20", "outcome": outcome, "grounds": grounds})).await;
            assert!(answered.status().is_success(), "{outcome}: {}", answered.text().await.unwrap());
        }
        let card = public_card(&app).await;
        assert_eq!(cell(&card, "D1.2", "2016-Q1").0, "granted_not_entered");
        assert_eq!(cell(&card, "D1.3", "2016-Q4").0, "granted_not_entered");
        assert_eq!(cell(&card, "D1.4", "2016-Q2").0, "pointed_elsewhere");
        assert_eq!(cell(&card, "D1.2", "2017-Q1").0, "never_asked");
        let page = browser().get(app.url("/scorecard")).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("<a href=\"/scorecard/D1.2#q-2016-Q1\"><span aria-hidden=\"true\">G</span><span class=\"visually-hidden\">D1.2 2016-Q1: Granted, figure not entered yet</span></a>"),
            "{page}"
        );
        assert!(page.contains("<span class=\"cell state-granted_not_entered\" aria-hidden=\"true\">G</span> Granted, figure not entered yet</li>"), "{page}");

        // Once its figure is entered and verified, the quarter is released.
        let annual = add_figure(&app.session, figure("D1.2", "88", "2016-01-01", "2016-12-31", "matches")).await;
        let checker = app.member("checker@coalition.example", "researcher", support::ORGANISATION).await;
        assert_eq!(checker.post_json(&format!("/api/v1/figures/{annual}/verify"), &json!({})).await.status(), StatusCode::OK);
        assert_eq!(cell(&public_card(&app).await, "D1.2", "2016-Q1").0, "released_in_aggregate");
    }

    async fn a_request_withdrawn_before_an_answer_is_not_shown_as_a_wait(app) {
        let id = asking(&app, "D1.7", "2016-01-01", "2016-12-31", "2026-03-02").await;
        assert_eq!(cell(&public_card(&app).await, "D1.7", "2016-Q2").0, "overdue");
        let withdrawn = app.post_json(&format!("/api/v1/requests/{id}/events"), &json!({"kind": "withdrawn", "occurred_on": "2026-03-10"})).await;
        assert!(withdrawn.status().is_success(), "{}", withdrawn.text().await.unwrap());

        // The coalition withdrew it: no answer is owed, so the quarter is not a wait.
        assert_eq!(cell(&public_card(&app).await, "D1.7", "2016-Q2").0, "withdrawn");
        let page = browser().get(app.url("/scorecard")).send().await.unwrap().text().await.unwrap();
        assert!(
            page.contains("<span class=\"cell state-withdrawn\" aria-hidden=\"true\">D</span> Asked, request withdrawn or lapsed before an answer</li>"),
            "{page}"
        );
        let indicator = browser().get(app.url("/scorecard/D1.7")).send().await.unwrap().text().await.unwrap();
        assert!(indicator.contains("<td>Withdrawn or lapsed before an answer</td>"), "{indicator}");
    }

    async fn the_pages_link_indicators_and_enter_and_verify_figures(app) {
        let home_office = app.authority("Home Office").await;
        let id = app.create_request(json!({"title": "Safe-house places", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await["id"].as_i64().unwrap();
        let path = format!("/requests/{id}/indicators");
        let before = app.snapshot();
        let response = app.post_form(&path, &[("lines", "D2.2 2025-03-31 2025-01-01\nX 2025-01-01 2025-01-02")]).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("<li>Line 1: To must not be before From</li>"), "{page}");
        assert!(page.contains("<li>Line 2: X is not an indicator of the catalogue</li>"), "{page}");
        assert!(page.contains("X 2025-01-01 2025-01-02</textarea>"), "what was typed is kept: {page}");
        assert_eq!(app.snapshot(), before);
        let response = app.post_form(&path, &[("lines", "D2.2 2025-01-01 2025-12-31\n\nD2.3 2025-01-01 2025-03-31")]).await;
        assert_eq!(support::location(&response), format!("/requests/{id}#indicators"));
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("<a href=\"/scorecard/D2.2\">D2.2</a>, <time datetime=\"2025-01-01\">"), "{page}");
        assert!(page.contains("D2.3 2025-01-01 2025-03-31</textarea>"), "{page}");

        // A figure entered on the page, then checked by someone else on the list.
        let form = app.text(&format!("/figures/new?request_id={id}")).await;
        assert!(form.contains(&format!("name=\"request_id\" type=\"text\" value=\"{id}\"")), "{form}");
        let fields = [
            ("indicator_id", "D2.2"), ("value", "1,204"), ("period_start", "2025-01-01"), ("period_end", "2025-12-31"),
            ("definition", "Safe-house requests refused"), ("definition_match", "matches"),
            ("source_kind", "request"), ("request_id", &id.to_string()), ("location", "table 2, cell B4"),
        ];
        let mut bad = fields.to_vec();
        bad[1] = ("value", "about a thousand");
        let response = app.post_form("/figures", &bad).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("id=\"value-error\""));
        let response = app.post_form("/figures", &fields).await;
        let location = support::location(&response);
        assert!(location.starts_with("/figures#figure-"), "{location}");
        let figure = location.trim_start_matches("/figures#figure-").to_string();
        let list = app.text("/figures").await;
        assert!(list.contains("1204 requests") && list.contains("Unverified"), "{list}");
        assert!(!list.contains(&format!("action=\"/figures/{figure}/verify\"")), "not offered to who entered it");
        let checker = app.member("checker@coalition.example", "coordinator", support::ORGANISATION).await;
        let list = checker.text("/figures").await;
        assert!(list.contains(&format!("action=\"/figures/{figure}/verify\"")), "{list}");
        let response = checker.post_form(&format!("/figures/{figure}/verify"), &[]).await;
        assert_eq!(support::location(&response), format!("/figures#figure-{figure}"));
        assert_eq!(cell(&public_card(&app).await, "D2.2", "2025-Q3").0, "released_in_aggregate");
    }

    async fn bad_figures_and_links_are_refused_by_field_and_change_nothing(app) {
        let before = app.snapshot();
        let cases = [
            (json!({"indicator_id": "D9.9", "value": "1", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "d", "definition_match": "matches", "source_kind": "publication", "publication_title": "T", "publisher": "P"}), "indicator_id"),
            (json!({"indicator_id": "D1.1", "value": "lots", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "d", "definition_match": "matches", "source_kind": "publication", "publication_title": "T", "publisher": "P"}), "value"),
            (json!({"indicator_id": "D1.1", "value": "5", "suppressed": "fewer than 5", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "d", "definition_match": "matches", "source_kind": "publication", "publication_title": "T", "publisher": "P"}), "suppressed"),
            (json!({"indicator_id": "D1.1", "value": "5", "period_start": "2018-12-31", "period_end": "2018-01-01", "definition": "d", "definition_match": "matches", "source_kind": "publication", "publication_title": "T", "publisher": "P"}), "period_end"),
            (json!({"indicator_id": "D1.1", "value": "5", "period_start": "2018-01-01", "period_end": "2018-12-31", "breakdown": "female", "definition": "d", "definition_match": "matches", "source_kind": "publication", "publication_title": "T", "publisher": "P"}), "breakdown"),
            (json!({"indicator_id": "D1.1", "value": "5", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "d", "definition_match": "roughly", "source_kind": "publication", "publication_title": "T", "publisher": "P"}), "definition_match"),
            (json!({"indicator_id": "D1.1", "value": "5", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "d", "definition_match": "matches", "source_kind": "publication"}), "publication_title"),
            (json!({"indicator_id": "D1.1", "value": "5", "period_start": "2018-01-01", "period_end": "2018-12-31", "definition": "d", "definition_match": "matches", "source_kind": "request"}), "request_id"),
        ];
        for (body, field) in cases {
            let (status, fields, json) = problem(app.post_json("/api/v1/figures", &body).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(fields, [field], "{body}: {json}");
        }
        assert_eq!(app.snapshot(), before, "no figure stored");
        let home_office = app.authority("Home Office").await;
        let id = app.create_request(json!({"title": "T", "body": "B", "authority_id": home_office, "sent_on": "2026-04-01"})).await["id"].as_i64().unwrap();
        let before_link = app.snapshot();
        let (status, fields, _) = problem(app.put_json(&format!("/api/v1/requests/{id}/indicators"), &json!([{"indicator_id": "D1.1", "from": "2025-03-31", "to": "2025-01-01"}])).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["indicators[0].to".to_string()]));
        let (status, fields, _) = problem(app.put_json(&format!("/api/v1/requests/{id}/indicators"), &json!([{"indicator_id": "X", "from": "2025-01-01", "to": "2025-03-31"}])).await).await;
        assert_eq!((status, fields), (StatusCode::UNPROCESSABLE_ENTITY, vec!["indicators[0].indicator_id".to_string()]));
        assert_eq!(app.snapshot(), before_link);
        // An auditor reads figures and changes nothing.
        let auditor = app.member("auditor@coalition.example", "auditor", support::ORGANISATION).await;
        let response = auditor.post_json("/api/v1/figures", &figure("D1.1", "5", "2018-01-01", "2018-12-31", "matches")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    async fn administrators_add_and_edit_indicators_with_an_audit_trail(app) {
        let catalogue = browser().get(app.url("/api/v1/indicators")).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(catalogue["demands"].as_array().unwrap().len(), 3);
        assert_eq!(catalogue["indicators"].as_array().unwrap().len(), 16);
        assert_eq!(catalogue["indicators"][0]["id"], "D1.1");
        assert_eq!(catalogue["indicators"][0]["granularity"], "quarter");

        let admin = app.admin().await;
        let body = json!({"id": "D3.4", "demand_id": "D3", "wording": "Victims contacted after return", "unit": "people", "granularity": "year", "definition": "Returned victims the Home Office was in contact with a year after return"});
        let response = admin.post_json("/api/v1/indicators", &body).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let mut changed = body.clone();
        changed["wording"] = json!("Returned victims contacted a year on");
        let response = admin.post_json("/api/v1/indicators", &changed).await;
        assert_eq!(response.status(), StatusCode::OK);
        let card = public_card(&app).await;
        assert_eq!(card["demands"][2]["indicators"].as_array().unwrap().len(), 4);
        let trail = admin.text("/audit?entity=indicator").await;
        assert!(trail.contains("Returned victims contacted a year on") && trail.contains("Victims contacted after return"), "{trail}");

        let (status, fields, _) = problem(admin.post_json("/api/v1/indicators", &json!({"id": "D1.9", "demand_id": "D3", "wording": "W", "unit": "u", "granularity": "month", "definition": "d"})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields, ["granularity", "id"]);
        let response = app.post_json("/api/v1/indicators", &body).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "a coordinator is not an administrator");
    }

    async fn administrators_add_and_edit_indicators_from_the_pages(app) {
        let admin = app.admin().await;
        let list = admin.text("/admin/indicators").await;
        assert!(list.contains("<a href=\"/admin/indicators/D1.1/edit\">Edit<span class=\"visually-hidden\"> D1.1</span></a>"), "{list}");
        let form = |id: &'static str, demand: &'static str, wording: &'static str| {
            vec![
                ("id", id), ("demand_id", demand), ("wording", wording), ("unit", "people"),
                ("granularity", "year"), ("breakdowns", "sex"), ("definition", "Returned victims in contact a year on"),
                ("official_source", ""),
            ]
        };

        // Added from the form: on the list, in the catalogue and on the scorecard.
        let response = admin.post_form("/admin/indicators", &form("D3.4", "D3", "Victims contacted after return")).await;
        assert_eq!(support::location(&response), "/admin/indicators#indicator-D3.4");
        assert!(admin.text("/admin/indicators").await.contains("<tr id=\"indicator-D3.4\">"));
        assert_eq!(public_card(&app).await["demands"][2]["indicators"][3]["wording"], "Victims contacted after return");

        // The same id again, or an id of another demand: said beside the field, nothing changed.
        let before = app.snapshot();
        let response = admin.post_form("/admin/indicators", &form("D3.4", "D3", "Again")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("D3.4 exists already: edit it instead"), "{page}");
        assert!(page.contains("id=\"id-error\""), "{page}");
        let response = admin.post_form("/admin/indicators", &form("D2.9", "D3", "Elsewhere")).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(response.text().await.unwrap().contains("An indicator of D3 has an id like D3.9"));
        assert_eq!(app.snapshot(), before);

        // Edited: the form shows what it is, the change is saved and audited.
        let page = admin.text("/admin/indicators/D3.4/edit").await;
        assert!(page.contains("value=\"Victims contacted after return\""), "{page}");
        assert!(page.contains("<form method=\"post\" action=\"/admin/indicators/D3.4\""), "{page}");
        let response = admin.post_form("/admin/indicators/D3.4", &form("D3.4", "D3", "Returned victims contacted a year on")).await;
        assert_eq!(support::location(&response), "/admin/indicators#indicator-D3.4");
        let view = browser().get(app.url("/api/v1/indicators/D3.4")).send().await.unwrap().json::<Value>().await.unwrap();
        assert_eq!(view["indicator"]["wording"], "Returned victims contacted a year on");
        let trail = admin.text("/audit?entity=indicator").await;
        assert!(trail.contains("Returned victims contacted a year on") && trail.contains("Victims contacted after return"), "{trail}");
        assert_eq!(admin.get("/admin/indicators/D9.9/edit").await.status(), StatusCode::NOT_FOUND);

        // Only administrators.
        assert_eq!(app.get("/admin/indicators").await.status(), StatusCode::FORBIDDEN);
        let response = app.post_form("/admin/indicators/D3.4", &form("D3.4", "D3", "A coordinator's wording")).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
}
