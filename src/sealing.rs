//! Secrets the tracker must give back to another server (an organisation's SMTP and IMAP
//! passwords), sealed at rest: a database file, a dump or a backup holds them only encrypted
//! (ChaCha20-Poly1305), under a key kept outside the database.
//!
//! The key is `FOI_SECRET_KEY` (32 random bytes, base64), the same on every instance sharing
//! a database. Without it, an embedded SQLite register keeps a key file beside its database,
//! made on first use and readable by its owner alone; a PostgreSQL register has no such place
//! that every instance shares, so it must be set.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};

use crate::config::Settings;
use crate::db::{create_private_new, DatabaseUrl};

const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 12;
/// Names the scheme, so that a later one can read what this one sealed.
const PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct SealingKey([u8; KEY_BYTES]);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey(…)")
    }
}

fn base64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl SealingKey {
    /// A key written as base64 (standard or URL-safe), or why it is not one.
    pub fn from_base64(text: &str) -> Result<SealingKey, String> {
        let bytes = base64()
            .decode(text.trim())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(text.trim()))
            .map_err(|_| "FOI_SECRET_KEY is not base64".to_string())?;
        let key: [u8; KEY_BYTES] = bytes
            .try_into()
            .map_err(|_| format!("FOI_SECRET_KEY must hold exactly {KEY_BYTES} bytes"))?;
        Ok(SealingKey(key))
    }

    /// The key the settings give, or, for an SQLite register, the one in the key file beside
    /// its database (made now if there is none).
    pub fn from_settings(settings: &Settings) -> Result<SealingKey, String> {
        if let Some(text) = settings.secret_key.as_deref().filter(|t| !t.trim().is_empty()) {
            return SealingKey::from_base64(text);
        }
        match key_file(&settings.database_url) {
            Some(path) => SealingKey::from_file(&path),
            None => Err(
                "Set FOI_SECRET_KEY (32 random bytes, base64; the same on every instance) \
                 to store mail passwords in a PostgreSQL register"
                    .into(),
            ),
        }
    }

    /// Reads the key file, or makes it: created exclusively, so that two processes starting
    /// at once agree on one key, and readable by its owner alone.
    fn from_file(path: &Path) -> Result<SealingKey, String> {
        let shown = path.display();
        match create_private_new(path) {
            Ok(mut file) => {
                let key: [u8; KEY_BYTES] = rand::random();
                file.write_all(base64().encode(key).as_bytes())
                    .and_then(|_| file.sync_all())
                    .map_err(|e| format!("cannot write the key file {shown}: {e}"))?;
                Ok(SealingKey(key))
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let read = || {
                    std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read the key file {shown}: {e}"))
                };
                let mut text = read()?;
                if text.trim().is_empty() {
                    // Another process made it a moment ago and has not yet written it.
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    text = read()?;
                }
                SealingKey::from_base64(&text).map_err(|e| format!("{shown}: {e}"))
            }
            Err(e) => Err(format!("cannot make the key file {shown}: {e}")),
        }
    }

    /// `secret` sealed for `context` (what it belongs to, e.g. "organisation 3 smtp"): it
    /// opens only with the same key and the same context, so a sealed value copied onto
    /// another row does not open there.
    pub fn seal(&self, secret: &str, context: &str) -> String {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let sealed = self
            .cipher()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .expect("ChaCha20-Poly1305 seals any message shorter than 256 GiB");
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{PREFIX}{}", base64().encode(bytes))
    }

    /// The secret `sealed` holds, or why it cannot be opened (another key, another context,
    /// or not sealed by this scheme). The reason never quotes the secret.
    pub fn open(&self, sealed: &str, context: &str) -> Result<String, String> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| base64().decode(b).ok())
            .filter(|b| b.len() > NONCE_BYTES)
            .ok_or("the stored password is not sealed by this version of foi-tracker")?;
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().expect("split at the nonce's length");
        let secret = self
            .cipher()
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| {
                "the stored password does not open with this key (was FOI_SECRET_KEY or the key \
                 file changed?): enter the password again"
                    .to_string()
            })?;
        String::from_utf8(secret).map_err(|_| "the stored password is not text".to_string())
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new_from_slice(&self.0).expect("the key has the cipher's length")
    }
}

/// The key file of an SQLite register: its database's path with `.key` added. None for
/// PostgreSQL, and for an in-memory database.
fn key_file(database_url: &str) -> Option<PathBuf> {
    let url = DatabaseUrl::parse(database_url).ok()?;
    let path = url.sqlite_path()?.to_str()?;
    (!path.starts_with(':') && !path.starts_with("file:")).then(|| PathBuf::from(format!("{path}.key")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SealingKey {
        SealingKey([byte; KEY_BYTES])
    }

    #[test]
    fn a_sealed_secret_opens_with_its_key_and_context_only() {
        let sealed = key(1).seal("app-password-1234", "organisation 3 smtp");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("app-password"));
        assert_eq!(
            key(1).open(&sealed, "organisation 3 smtp").unwrap(),
            "app-password-1234"
        );
        // Sealed twice, it differs: the nonce is new each time.
        assert_ne!(sealed, key(1).seal("app-password-1234", "organisation 3 smtp"));
        for (k, context) in [(key(2), "organisation 3 smtp"), (key(1), "organisation 4 smtp")] {
            let error = k.open(&sealed, context).unwrap_err();
            assert!(error.contains("does not open"), "{error}");
            assert!(!error.contains("app-password"));
        }
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(key(1).open(&tampered, "organisation 3 smtp").is_err());
        assert!(key(1).open("app-password-1234", "organisation 3 smtp").is_err());
    }

    #[test]
    fn a_key_is_32_bytes_of_base64() {
        let text = base64().encode([9u8; KEY_BYTES]);
        assert!(SealingKey::from_base64(&format!(" {text}\n")).is_ok());
        let short = SealingKey::from_base64(&base64().encode([9u8; 16])).unwrap_err();
        assert!(short.contains("exactly 32 bytes"), "{short}");
        assert!(SealingKey::from_base64("not base64!")
            .unwrap_err()
            .contains("not base64"));
        assert!(!format!("{:?}", key(9)).contains('9'));
    }

    #[test]
    fn an_sqlite_register_makes_its_key_file_once_readable_by_its_owner_alone() {
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}", dir.path().join("register.db").display());
        let settings = Settings {
            database_url,
            ..Settings::default()
        };
        let first = SealingKey::from_settings(&settings).unwrap();
        let second = SealingKey::from_settings(&settings).unwrap();
        let sealed = first.seal("secret", "context");
        assert_eq!(second.open(&sealed, "context").unwrap(), "secret");
        let path = dir.path().join("register.db.key");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // The setting, when given, is the key: the file is not read.
        let configured = Settings {
            secret_key: Some(base64().encode([5u8; KEY_BYTES])),
            ..settings
        };
        let other = SealingKey::from_settings(&configured).unwrap();
        assert!(other.open(&sealed, "context").is_err());
    }

    #[test]
    fn a_postgresql_register_needs_the_setting() {
        let settings = Settings {
            database_url: "postgres://postgres@127.0.0.1/foi".into(),
            ..Settings::default()
        };
        let error = SealingKey::from_settings(&settings).unwrap_err();
        assert!(error.contains("FOI_SECRET_KEY"), "{error}");
    }
}
