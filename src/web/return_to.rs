//! Where signing in returns to: the page a signed-out person asked for, carried as `next`
//! through every step of signing in. Only a path on this site is ever followed, so that a
//! link cannot use the sign-in page to send someone elsewhere.

/// `next` when it is a path on this site (`/requests/3?tab=events`), else `None`. Refused:
/// anything that does not start with a single `/` (`//host` and `/\host` are addresses on
/// another site to a browser), backslashes, control characters, a scheme, and the same
/// spelled with percent escapes.
pub fn local(next: &str) -> Option<&str> {
    let decoded = crate::web::layers::percent_decoded(next);
    let safe = |text: &str| {
        text.starts_with('/')
            && !text[1..].starts_with(['/', '\\'])
            && !text.contains('\\')
            && !text.contains("://")
            && !text.chars().any(char::is_control)
            && text.len() <= 2000
    };
    (safe(next) && safe(&decoded)).then_some(next)
}

/// `path` with `next` added as its query, when there is a place to return to.
pub fn with_next(path: &str, next: Option<&str>) -> String {
    match next.and_then(local) {
        Some(next) => format!("{path}?{}", query(next)),
        None => path.to_string(),
    }
}

/// Where to go once signed in: `next` when it is local, else the dashboard.
pub fn destination(next: Option<&str>) -> String {
    next.and_then(local).unwrap_or("/").to_string()
}

/// `next=…`, percent-encoded.
fn query(next: &str) -> String {
    serde_urlencoded::to_string([("next", next)]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_this_site_is_followed() {
        for good in [
            "/",
            "/requests/new",
            "/requests?status=overdue&sort=due",
            "/requests/3#events",
        ] {
            assert_eq!(local(good), Some(good), "{good}");
        }
        for bad in [
            "",
            "requests",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/%2Fevil.example",
            "/%5Cevil.example",
            "%2F%2Fevil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/x?u=https://evil.example",
            "/\r\nLocation: https://evil.example",
            "/%0d%0aSet-Cookie:x",
            " /requests",
        ] {
            assert_eq!(local(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_place_to_return_to_travels_encoded() {
        assert_eq!(
            with_next("/sign-in/code", Some("/requests?a=1&b=2")),
            "/sign-in/code?next=%2Frequests%3Fa%3D1%26b%3D2"
        );
        assert_eq!(
            with_next("/sign-in/code", Some("//evil.example")),
            "/sign-in/code"
        );
        assert_eq!(destination(Some("https://evil.example")), "/");
        assert_eq!(destination(None), "/");
    }
}
