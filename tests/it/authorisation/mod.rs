//! Who may do what, generated from the router's own table (`foi_tracker::web::ROUTES`): every
//! route must have an expectation here for every kind of caller, or the test fails naming it;
//! lists name no request to those who may not know of it; and every form that changes anything
//! refuses a missing or wrong CSRF token and changes nothing. Both backends.

use crate::support;

use std::sync::atomic::{AtomicU32, Ordering};

use crate::support::{browser, input_value, location, Session, TestApp, ORGANISATION, PASSWORD};
use foi_tracker::clock::now;
use foi_tracker::tracker::accounts::{self, UserInput};
use foi_tracker::tracker::api_tokens;
use foi_tracker::tracker::audit::Caller;
use foi_tracker::tracker::{account_links, passwords, two_factor};
use foi_tracker::web::ROUTES;
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

mod callers;
mod calls;
mod expectations;
mod fixtures;

use callers::Expect::{See, SignIn};
use callers::*;
use calls::*;
use expectations::*;
use fixtures::*;

/// The CSRF token a form is posted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Missing,
    /// As long as the right one, one character different.
    Wrong,
    Right,
}

impl Token {
    fn of(self, person: &Person) -> Option<String> {
        let mut wrong = person.csrf.clone();
        let last = if wrong.pop() == Some('A') { 'B' } else { 'A' };
        wrong.push(last);
        match self {
            Token::Missing => None,
            Token::Wrong => Some(wrong),
            Token::Right => Some(person.csrf.clone()),
        }
    }

    fn words(self) -> &'static str {
        match self {
            Token::Missing => "no",
            Token::Wrong => "a wrong",
            Token::Right => "the right",
        }
    }
}

/// Fails, naming the route, if any route has no arm.
fn every_route_has_an_expectation() {
    for &(method, path) in ROUTES {
        assert!(!expectations(method, path).is_empty(), "{method} {path}");
    }
}

on_both_backends! {
    async fn every_route_answers_every_caller_as_the_rules_say(app) {
        every_route_has_an_expectation();
        let people = People::new(&app).await;
        let fixtures = Fixtures::new(&app, people.get(As::Admin)).await;
        let mut mismatches = listed(&app, &people, &fixtures).await;
        let mut checked = 0;
        for &(method, path) in ROUTES {
            let api = path.starts_with("/api/");
            let callers: &[As] = if api { &API_CALLERS } else { &PAGE_CALLERS };
            for case in expectations(method, path) {
                for &who in callers {
                    let person = match case.fresh {
                        true => Person::new(&app, who).await,
                        false => people.get(who).clone(),
                    };
                    let id = fixtures.id(&app, case.target, &person).await;
                    let concrete = fixtures.path(&app, path, id, false);
                    let expected = case.row.of(who);
                    let body = payload(&case.body, &fixtures, &person);
                    let response = send(&app, &person, method, &concrete, body, Some(&person.csrf)).await;
                    checked += 1;
                    if !answers(expected, api, id, response.status(), &location(&response)) {
                        mismatches.push(format!(
                            "{} {concrete} ({path}) as {who:?}: expected {}, got {}",
                            method.to_uppercase(), describe(expected, api, id), got(response).await
                        ));
                    }
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{} of {checked} answers differ from the rules:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }

    async fn every_form_refuses_a_missing_or_wrong_csrf_token_and_changes_nothing(app) {
        let coordinator = Person::signed_in(app.session.clone());
        let admin = Person::signed_in(app.admin().await);
        let fixtures = Fixtures::new(&app, &admin).await;
        let anonymous = Person::new(&app, As::Anonymous).await;
        let forms: Vec<(&str, &str)> = ROUTES
            .iter()
            .copied()
            .filter(|(method, path)| *method == "post" && !path.starts_with("/api/"))
            .collect();
        assert!(!forms.is_empty(), "ROUTES names its forms' method \"post\"");
        let mut mismatches = Vec::new();
        let mut checked = 0;
        for (method, path) in forms {
            for case in expectations(method, path) {
                // Each with the form that would succeed for them; the anonymous only where they
                // may post at all.
                for who in [As::Coordinator, As::Admin, As::Anonymous] {
                    if who == As::Anonymous && case.row.anonymous == SignIn {
                        continue;
                    }
                    let person = match (case.fresh, who) {
                        (true, _) => Person::new(&app, who).await,
                        (false, As::Coordinator) => coordinator.clone(),
                        (false, As::Admin) => admin.clone(),
                        (false, _) => anonymous.clone(),
                    };
                    // One target for the three posts: the two refused ones change nothing.
                    let id = fixtures.id(&app, case.target, &person).await;
                    let concrete = fixtures.path(&app, path, id, true);
                    let before = app.snapshot();
                    for token in [Token::Missing, Token::Wrong, Token::Right] {
                        let body = payload(&case.body.for_real(), &fixtures, &person);
                        let csrf = token.of(&person);
                        let response = send(&app, &person, method, &concrete, body, csrf.as_deref()).await;
                        let status = response.status();
                        checked += 1;
                        let words = token.words();
                        let call = format!("POST {concrete} ({path}) as {who:?} with {words} CSRF token");
                        // Last, the right token: accepted wherever the role allows, or the
                        // refusals prove nothing.
                        let refused = status == StatusCode::FORBIDDEN;
                        let (wrong, expected) = match token {
                            Token::Right => (refused && case.row.of(who) != FORBIDDEN, "anything but 403"),
                            _ => (!refused, "403"),
                        };
                        if wrong {
                            mismatches.push(format!("{call}: expected {expected}, got {}", got(response).await));
                        }
                        if token == Token::Wrong {
                            let after = app.snapshot();
                            let changed: Vec<&String> =
                                before.keys().filter(|t| before[*t] != after[*t]).collect();
                            if !changed.is_empty() {
                                let call = format!("POST {concrete} ({path}) as {who:?}");
                                mismatches.push(format!("{call} without the right CSRF token changed {changed:?}"));
                            }
                        }
                    }
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{} of {checked} posts were answered wrongly:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
    }
}
