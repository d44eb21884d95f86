//! Who is asking: a session cookie on pages, a bearer token on the API, nobody otherwise;
//! and the CSRF check every form that changes anything goes through.

use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::NaiveDateTime;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use actix_multipart::Multipart;

use super::extract::{payload_error, Upload};
use crate::config::Settings;
use crate::db::DbConnection;
use crate::domain::account::Actor;
use crate::error::AppError;
use crate::tracker::api_tokens;
use crate::tracker::audit::Caller;
use crate::tracker::input::{control_characters, text_problem, Shape};
use crate::tracker::sessions::{self, Viewer};
use crate::web::state::AppState;

pub const SESSION_COOKIE: &str = "foi_session";
/// Before signing in there is no session: forms carry this cookie's value instead.
pub const CSRF_COOKIE: &str = "foi_csrf";

/// Who sent a request, as far as anyone can tell.
#[derive(Debug, Clone)]
pub struct Who {
    /// A session, verified or still waiting for its second factor.
    pub viewer: Option<Viewer>,
    /// The user a bearer token speaks for (API only).
    pub token: Option<Actor>,
    /// The client's address.
    pub client: String,
    /// The anonymous CSRF cookie, if the browser has one.
    csrf_cookie: Option<String>,
    /// The success message the last change left for this page (see `done`).
    pub done: Option<&'static str>,
}

impl Who {
    /// The signed-in user: a token's, or a session's once fully verified.
    pub fn actor(&self) -> Option<Actor> {
        self.token.clone().or_else(|| {
            self.viewer
                .as_ref()
                .filter(|v| v.session.verified)
                .map(Viewer::actor)
        })
    }

    pub fn caller(&self) -> Caller {
        match self.actor() {
            Some(actor) => Caller::user(actor, Some(self.client.clone())),
            None => Caller::anonymous(Some(self.client.clone())),
        }
    }

    /// The token a form from this browser must carry.
    pub fn csrf(&self) -> Option<&str> {
        match &self.viewer {
            Some(viewer) => Some(&viewer.session.csrf_token),
            None => self.csrf_cookie.as_deref(),
        }
    }

    /// Refuses a form whose token is missing or not this browser's.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), AppError> {
        let expected = self.csrf().unwrap_or_default();
        let submitted = submitted.unwrap_or_default();
        let same = !expected.is_empty()
            && expected.len() == submitted.len()
            && expected
                .bytes()
                .zip(submitted.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "This form has expired or did not come from this site: reload the page and try again".into(),
            ))
        }
    }

    /// A multipart form's fields and file, refused like any form without this browser's token.
    /// The token must be the form's first part (every page's form puts it there): a form
    /// without it is refused before its file is read.
    pub async fn upload(
        &self,
        multipart: Multipart,
        file_field: &str,
        limit: usize,
    ) -> Result<Upload, AppError> {
        let who = self.clone();
        Upload::read_after_csrf(multipart, file_field, limit, move |token| who.check_csrf(token)).await
    }

    /// Whether this browser has neither a session nor a CSRF cookie yet: its page must set one.
    pub fn needs_csrf_cookie(&self) -> bool {
        self.viewer.is_none() && self.csrf_cookie.is_none()
    }

    /// What every page's layout shows of the viewer, with the token its forms carry.
    pub fn layout(&self, fresh_csrf: Option<&str>) -> Value {
        let user = self.actor().map(|a| {
            json!({
                "name": a.name, "email": a.email, "role": a.role.label(), "admin": a.is_admin(),
                "auditor": a.reads_audit_trail(), "files": a.files_requests(),
                "outbox": crate::tracker::access::may_see_outbox(&a), "inbox": a.triages_mail(),
            })
        });
        json!({"viewer": user, "csrf": fresh_csrf.or(self.csrf()), "done": self.done})
    }
}

/// The client's address: with a trusted proxy, the entry it appended to its header, else the
/// peer's. Each proxy appends the address it was reached from, so only the last
/// `trusted_proxy_hops` entries were written by proxies we trust; everything to their left
/// is whatever the client sent. An entry that is missing or not an address is not trusted:
/// the peer (the proxy itself) is taken instead.
pub fn client_address(request: &HttpRequest, settings: &Settings) -> String {
    let from_proxy = settings.trusted_proxy_header.as_deref().and_then(|header| {
        // A header sent several times counts as one list, in the order received.
        let entries: Vec<&str> = request
            .headers()
            .get_all(header)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        let hops = settings.trusted_proxy_hops.max(1);
        let entry = entries.len().checked_sub(hops).map(|at| entries[at].trim())?;
        ip_of(entry)
    });
    from_proxy.unwrap_or_else(|| {
        request
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into())
    })
}

/// The IP address of a proxy header's entry: `192.0.2.1`, `2001:db8::1`, or either with a port.
fn ip_of(entry: &str) -> Option<String> {
    entry
        .parse::<std::net::IpAddr>()
        .or_else(|_| entry.parse::<std::net::SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_string())
}

fn signed_value(request: &HttpRequest, key: &Key, name: &str) -> Option<String> {
    let cookie = request.cookie(name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie);
    jar.signed(key).get(name).map(|c| c.value().to_string())
}

fn bearer(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// What a request says about who sent it, before the database is asked: the secrets of its
/// session cookie or bearer token, its CSRF cookie and its address.
#[derive(Debug, Clone)]
pub struct Credentials {
    token: Option<String>,
    session: Option<String>,
    csrf_cookie: Option<String>,
    client: String,
    done: Option<&'static str>,
}

impl Credentials {
    fn of(request: &HttpRequest, state: &AppState) -> Credentials {
        let api = request.path().starts_with("/api/");
        let signed = |name| signed_value(request, &state.cookie_key, name);
        Credentials {
            client: client_address(request, &state.settings),
            // The API takes bearer tokens only, so that a browser's cookie cannot act through it.
            token: if api { bearer(request) } else { None },
            session: if api { None } else { signed(SESSION_COOKIE) },
            csrf_cookie: if api { None } else { signed(CSRF_COOKIE) },
            done: if api {
                None
            } else {
                request
                    .cookie(super::done::DONE_COOKIE)
                    .and_then(|c| super::done::message(c.value()))
            },
        }
    }

    fn anonymous(&self) -> bool {
        self.token.is_none() && self.session.is_none()
    }

    /// Nobody: no session or token to look up.
    fn nobody(self) -> Who {
        Who {
            viewer: None,
            token: None,
            client: self.client,
            csrf_cookie: self.csrf_cookie,
            done: self.done,
        }
    }

    /// Who these credentials belong to, asking the database (on the caller's thread).
    pub fn resolve(self, conn: &mut DbConnection, now: NaiveDateTime) -> Result<Who, AppError> {
        if self.anonymous() {
            return Ok(self.nobody());
        }
        let viewer = match &self.session {
            Some(secret) => sessions::resolve(conn, secret, now)?,
            None => None,
        };
        let token = match &self.token {
            Some(secret) => api_tokens::resolve_token(conn, secret, now)?,
            None => None,
        };
        Ok(Who {
            viewer,
            token,
            client: self.client,
            csrf_cookie: self.csrf_cookie,
            done: self.done,
        })
    }

    /// For a page (never the API): the session's viewer, if any, and the register's version,
    /// read in one query with it (see `stored_page`).
    pub fn resolve_page(
        self,
        conn: &mut DbConnection,
        now: NaiveDateTime,
    ) -> Result<(Who, Option<i64>), AppError> {
        let found = match &self.session {
            Some(secret) => sessions::resolve_with_version(conn, secret, now)?,
            None => None,
        };
        let (viewer, version) = found.unzip();
        let who = Who {
            viewer,
            token: None,
            client: self.client,
            csrf_cookie: self.csrf_cookie,
            done: self.done,
        };
        Ok((who, version))
    }
}

fn state_of(request: &HttpRequest) -> web::Data<AppState> {
    request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .expect("the app state is registered")
}

/// For pages that resolve the session in the same blocking call as the rest of their work.
impl FromRequest for Credentials {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Credentials, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Credentials::of(request, &state_of(request))))
    }
}

impl FromRequest for Who {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Who, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state_of(request);
        let credentials = Credentials::of(request, &state);
        let request = request.clone();
        Box::pin(async move {
            if credentials.anonymous() {
                return Ok(credentials.nobody());
            }
            super::extract::with_db(&state, move |conn, _, _| {
                credentials.resolve(conn, crate::clock::now())
            })
            .await
            .map_err(|e| super::respond(&request, e))
        })
    }
}

/// For handlers that need nothing of `Who` but its caller: found and refused exactly as `Who`
/// is, and anonymous where no one is signed in.
impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Caller, actix_web::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let who = Who::from_request(request, payload);
        Box::pin(async move { Ok(who.await?.caller()) })
    }
}

/// A cookie signed with the app's key.
pub fn signed_cookie(state: &AppState, name: &'static str, value: String) -> Cookie<'static> {
    let cookie = Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .finish();
    let mut jar = CookieJar::new();
    jar.signed_mut(&state.cookie_key).add(cookie);
    jar.delta().next().cloned().expect("the cookie just added")
}

/// A cookie that removes `name` from the browser.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, "").path("/").finish();
    cookie.make_removal();
    cookie
}

/// A url-encoded form from a browser, checked against its CSRF token before anything else.
pub struct Posted<T> {
    pub form: T,
    pub who: Who,
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Posted<T>, actix_web::Error>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let who = Who::from_request(request, payload);
        let form = request
            .headers()
            .get(actix_web::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = web::Bytes::from_request(request, payload);
        let request = request.clone();
        Box::pin(async move {
            let who = who.await?;
            let read = async {
                let bytes = body.await.map_err(payload_error)?;
                if !form {
                    return Err(AppError::BadRequest {
                        field: None,
                        message: "send the form as application/x-www-form-urlencoded".into(),
                    });
                }
                let pairs: Vec<(String, String)> =
                    serde_urlencoded::from_bytes(&bytes).map_err(|e| AppError::BadRequest {
                        field: None,
                        message: format!("the form could not be read: {e}"),
                    })?;
                who.check_csrf(pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()))?;
                // No control character in any field, before any use case sees it (NUL would
                // reach the database); each use case checks its own fields against the whole
                // text rule (one line, direction overrides, length) and shows why beside them.
                for (name, value) in &pairs {
                    if let Some(problem) = text_problem(name, Shape::Line) {
                        return Err(AppError::invalid("form", format!("A field's name {problem}")));
                    }
                    if let Some(problem) = control_characters(value, Shape::Lines) {
                        return Err(AppError::invalid(name.clone(), format!("{name} {problem}")));
                    }
                }
                // serde_html_form reads a field sent several times (checkboxes, a multiple
                // select) into a list, as browsers send them.
                let pairs = super::dates::join_parts(pairs);
                let joined = serde_urlencoded::to_string(&pairs).unwrap_or_default();
                serde_html_form::from_str(&joined).map_err(|e| AppError::BadRequest {
                    field: None,
                    message: format!("the form could not be read: {e}"),
                })
            };
            match read.await {
                Ok(form) => Ok(Posted { form, who }),
                Err(error) => Err(super::respond(&request, error)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(hops: usize, headers: &[&str]) -> String {
        let settings = Settings {
            trusted_proxy_header: Some("X-Forwarded-For".into()),
            trusted_proxy_hops: hops,
            ..Settings::default()
        };
        let mut request = actix_web::test::TestRequest::default().peer_addr("10.0.0.1:443".parse().unwrap());
        for header in headers {
            request = request.append_header(("X-Forwarded-For", *header));
        }
        client_address(&request.to_http_request(), &settings)
    }

    #[test]
    fn the_entry_a_trusted_proxy_appended_counts_never_the_clients_own() {
        assert_eq!(address(1, &["6.6.6.6, 192.0.2.7"]), "192.0.2.7");
        assert_eq!(address(2, &["6.6.6.6, 192.0.2.7, 10.0.0.2"]), "192.0.2.7");
        // Several header lines are one list; a port or IPv6 brackets are not part of the address.
        assert_eq!(address(1, &["6.6.6.6", "192.0.2.7:5555"]), "192.0.2.7");
        assert_eq!(address(1, &["[2001:db8::7]:443"]), "2001:db8::7");
        assert_eq!(address(0, &["192.0.2.7"]), "192.0.2.7", "no hops means one");
        // Too few entries, or one that is not an address: the proxy's own address.
        assert_eq!(address(2, &["192.0.2.7"]), "10.0.0.1");
        assert_eq!(address(1, &["192.0.2.7, unknown"]), "10.0.0.1");
        assert_eq!(address(1, &[]), "10.0.0.1");
    }
}
