//! The reply address of a request sent by email: the organisation's mailbox, plus-addressed
//! with the request's number and a secret token (`foi+r123-<token>@coalition.example`), so
//! that a reply files itself against its request and nobody can file mail into another's
//! request by guessing its address.

/// Random bytes in a token: 96 bits, more than the 80 that make guessing hopeless.
pub const TOKEN_BYTES: usize = 12;

/// A mailbox the organisation controls, whose plus-addresses reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    local: String,
    domain: String,
}

impl Mailbox {
    /// `foi@coalition.example`; or why it cannot take plus-addresses, in words for an admin.
    pub fn parse(address: &str) -> Result<Mailbox, String> {
        let address = address.trim();
        let (local, domain) = address
            .rsplit_once('@')
            .filter(|(local, domain)| !local.is_empty() && !domain.is_empty())
            .ok_or_else(|| format!("{address} is not an email address (name@domain)"))?;
        let plain = |c: char| c.is_ascii_alphanumeric() || "._-".contains(c);
        if !local.chars().all(plain) || local.starts_with('.') || local.ends_with('.') {
            return Err(format!(
                "{address}: the part before @ may hold only letters, digits, dots, hyphens and \
                 underscores (the tracker adds +r123-… to it)"
            ));
        }
        let label = |l: &str| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if !domain.contains('.') || !domain.split('.').all(label) {
            return Err(format!("{address}: {domain} is not a mail domain"));
        }
        if local.len() + "+r2147483647-".len() + 2 * TOKEN_BYTES > 64 {
            return Err(format!(
                "{address}: the part before @ is too long to plus-address"
            ));
        }
        Ok(Mailbox {
            local: local.to_string(),
            domain: domain.to_ascii_lowercase(),
        })
    }

    /// The domain after the @, which names the messages sent from this mailbox.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Where replies to request `request_id`, whose token is `token`, are to be sent.
    pub fn reply_address(&self, request_id: i32, token: &str) -> String {
        format!("{}+r{request_id}-{token}@{}", self.local, self.domain)
    }

    /// The request and token an address names, if it is one of this mailbox's reply
    /// addresses. Whether the token is the request's is for the caller to check.
    pub fn addressed(&self, address: &str) -> Option<(i32, String)> {
        let (local, domain) = address.trim().rsplit_once('@')?;
        if !domain.eq_ignore_ascii_case(&self.domain) {
            return None;
        }
        // Some servers change the case of what they deliver.
        let local = local.to_ascii_lowercase();
        let tag = local
            .strip_prefix(&self.local.to_ascii_lowercase())?
            .strip_prefix('+')?;
        let (id, token) = tag.strip_prefix('r')?.split_once('-')?;
        let id = id.parse::<i32>().ok().filter(|id| *id > 0)?;
        let token = token.to_string();
        let well_formed = token.len() == 2 * TOKEN_BYTES && token.chars().all(|c| c.is_ascii_hexdigit());
        well_formed.then_some((id, token))
    }
}

/// A request's reply token from `random` bytes (the caller draws them: the domain has no
/// randomness of its own).
pub fn token(random: [u8; TOKEN_BYTES]) -> String {
    hex::encode(random)
}

/// Whether `given` is `expected`, in a time that does not depend on where they differ.
pub fn token_matches(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b.to_ascii_lowercase()))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_address_names_its_request_and_token_and_reads_back() {
        let mailbox = Mailbox::parse("foi@Coalition.Example").unwrap();
        let token = token([0xab; TOKEN_BYTES]);
        assert_eq!(token.len(), 24);
        let address = mailbox.reply_address(123, &token);
        assert_eq!(address, format!("foi+r123-{token}@coalition.example"));
        assert_eq!(mailbox.addressed(&address), Some((123, token.clone())));
        assert_eq!(
            mailbox.addressed(&address.to_uppercase()),
            Some((123, token.clone()))
        );
        assert!(token_matches(&token, &token.to_uppercase()));
        assert!(!token_matches(&token, &token[1..]));
        assert!(!token_matches(&token, &super::token([0xac; TOKEN_BYTES])));
    }

    #[test]
    fn other_addresses_name_no_request() {
        let mailbox = Mailbox::parse("foi@coalition.example").unwrap();
        let token = token([7; TOKEN_BYTES]);
        for address in [
            "foi@coalition.example".to_string(),
            format!("foi+r123-{token}@elsewhere.example"),
            format!("foo+r123-{token}@coalition.example"),
            format!("foi+r0-{token}@coalition.example"),
            format!("foi+rx-{token}@coalition.example"),
            format!("foi+r123-{}@coalition.example", &token[2..]),
            "foi+r123-zzzzzzzzzzzzzzzzzzzzzzzz@coalition.example".to_string(),
            "not an address".to_string(),
        ] {
            assert_eq!(mailbox.addressed(&address), None, "{address}");
        }
    }

    #[test]
    fn a_mailbox_that_cannot_be_plus_addressed_is_refused_with_its_reason() {
        for (address, says) in [
            ("foi", "not an email address"),
            ("foi+x@coalition.example", "only letters"),
            ("foi@localhost", "not a mail domain"),
            ("foi@-bad.example", "not a mail domain"),
            (&*format!("{}@coalition.example", "f".repeat(30)), "too long"),
        ] {
            let error = Mailbox::parse(address).unwrap_err();
            assert!(error.contains(says), "{address}: {error}");
        }
    }
}
