//! Reads an organisation's mailbox over IMAP, always over TLS (imaps://, or imap:// with
//! STARTTLS required before anything else is said), every step under a timeout. A message is
//! downloaded only if its RFC822.SIZE is within the limit, and never more than the limit even
//! if the server's size was an estimate; each is handed on as soon as it arrives, so that no
//! more than one is held at once.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use async_imap::{Client, Session};
use chrono::{DateTime, FixedOffset};
use futures_util::TryStreamExt;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::{rustls, TlsConnector};

type Tls = TlsStream<TcpStream>;

/// Where a mailbox is, and how to sign in to it.
#[derive(Clone)]
pub struct ImapServer {
    /// imaps://host:993 or imap://host:143 (STARTTLS).
    pub url: String,
    pub username: String,
    pub password: String,
    pub timeout: Duration,
    /// Certificates (PEM) to trust instead of the public roots: an organisation's own CA.
    pub trusted_pem: Option<Vec<u8>>,
    pub max_message_bytes: u32,
}

impl std::fmt::Debug for ImapServer {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ImapServer({})", self.url)
    }
}

/// One message of the inbox.
#[derive(Debug)]
pub struct Fetched {
    pub uid: u32,
    pub size: u32,
    /// When the server received it (INTERNALDATE).
    pub arrived: Option<DateTime<FixedOffset>>,
    /// None when it is over the limit: it is never downloaded.
    pub raw: Option<Vec<u8>>,
}

/// Where an IMAP URL points, and whether TLS starts at once.
fn address(url: &str) -> Result<(String, u16, bool), String> {
    let parsed = url::Url::parse(url)
        .map_err(|_| "IMAP server must be an address like imaps://mail.example.org:993".to_string())?;
    let immediate = match parsed.scheme() {
        "imaps" => true,
        "imap" => false,
        _ => return Err("IMAP server must start imaps:// or imap:// (with STARTTLS)".into()),
    };
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("Put the user name and password in their own fields, not in the address".into());
    }
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or("IMAP server must name a host")?;
    let port = parsed.port().unwrap_or(if immediate { 993 } else { 143 });
    Ok((host.trim_matches(['[', ']']).to_string(), port, immediate))
}

/// Whether `url` is an IMAP address the poller can use; why not, in words for an admin.
pub fn check_url(url: &str) -> Result<(), String> {
    address(url).map(|_| ())
}

fn tls_config(trusted_pem: Option<&[u8]>) -> Result<Arc<rustls::ClientConfig>, String> {
    let mut roots = rustls::RootCertStore::empty();
    match trusted_pem {
        Some(pem) => {
            for cert in CertificateDer::pem_slice_iter(pem) {
                let cert = cert.map_err(|e| format!("the trusted certificates cannot be read: {e}"))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("a trusted certificate is not usable: {e}"))?;
            }
            if roots.is_empty() {
                return Err("the trusted certificates file holds no certificate".into());
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    // The provider is named: with two in the build, rustls would not choose.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

async fn within<T, E: std::fmt::Display>(
    timeout: Duration,
    what: &str,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, String> {
    match tokio::time::timeout(timeout, step).await {
        Ok(Ok(value)) => Ok(value),
        // The server's words only: a parse error of the client would quote the message.
        Ok(Err(error)) => Err(format!("{what} failed: {}", first_line(&error.to_string()))),
        Err(_) => Err(format!("{what}: no answer within {} s", timeout.as_secs())),
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

impl ImapServer {
    /// Signs in, reads the inbox's UIDVALIDITY, asks `from` for the first UID not yet filed
    /// under it, and hands each message from there on to `file`, oldest first; stops at the
    /// first that `file` refuses, so that nothing after it is skipped. The UIDVALIDITY read.
    pub fn read_new(
        &self,
        from: impl FnOnce(u32) -> Result<u32, String>,
        mut file: impl FnMut(u32, Fetched) -> Result<(), String>,
    ) -> Result<u32, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the mail reader: {e}"))?;
        runtime.block_on(async {
            let mut session = self.sign_in().await?;
            let t = self.timeout;
            let mailbox = within(t, "SELECT INBOX", session.select("INBOX")).await?;
            let uid_validity = mailbox.uid_validity.ok_or("the server gave no UIDVALIDITY")?;
            let first = from(uid_validity)?;
            let sizes: Vec<_> = within(t, "UID FETCH", async {
                session
                    .uid_fetch(format!("{first}:*"), "(UID RFC822.SIZE INTERNALDATE)")
                    .await?
                    .try_collect::<Vec<_>>()
                    .await
            })
            .await?;
            let mut found: Vec<Fetched> = Vec::new();
            for fetch in &sizes {
                let uid = fetch.uid.ok_or("the server sent a message without its UID")?;
                // "N:*" always takes in the highest UID, even one below N.
                if uid < first {
                    continue;
                }
                found.push(Fetched {
                    uid,
                    size: fetch.size.unwrap_or(u32::MAX),
                    arrived: fetch.internal_date(),
                    raw: None,
                });
            }
            drop(sizes);
            found.sort_by_key(|f| f.uid);
            let max = self.max_message_bytes;
            for mut message in found {
                if message.size <= max {
                    let uid = message.uid;
                    let bodies: Vec<_> = within(t, "UID FETCH", async {
                        session
                            .uid_fetch(
                                uid.to_string(),
                                format!("(UID BODY.PEEK[]<0.{}>)", u64::from(max) + 1),
                            )
                            .await?
                            .try_collect::<Vec<_>>()
                            .await
                    })
                    .await?;
                    message.raw = bodies
                        .iter()
                        .find(|f| f.uid == Some(uid))
                        .and_then(|f| f.body())
                        .filter(|raw| raw.len() <= max as usize)
                        .map(<[u8]>::to_vec);
                }
                file(uid_validity, message)?;
            }
            let _ = within(t, "LOGOUT", session.logout()).await;
            Ok(uid_validity)
        })
    }

    async fn sign_in(&self) -> Result<Session<Tls>, String> {
        let (host, port, immediate) = address(&self.url)?;
        let t = self.timeout;
        let config = tls_config(self.trusted_pem.as_deref())?;
        let name = ServerName::try_from(host.clone()).map_err(|_| format!("{host} is not a host name"))?;
        let tcp = within(t, "Connecting", TcpStream::connect((host.as_str(), port))).await?;
        let tcp = if immediate {
            tcp
        } else {
            let mut plain = Client::new(tcp);
            within(t, "The greeting", async {
                plain
                    .read_response()
                    .await?
                    .ok_or(std::io::Error::other("closed at once"))
            })
            .await?;
            within(t, "STARTTLS", plain.run_command_and_check_ok("STARTTLS", None)).await?;
            // Nothing read in clear may pass for an answer inside TLS: what the server sent
            // after its OK is dropped with the plain client.
            plain.into_inner()
        };
        let tls = within(
            t,
            "The TLS handshake",
            TlsConnector::from(config).connect(name, tcp),
        )
        .await?;
        let mut client = Client::new(tls);
        if immediate {
            within(t, "The greeting", async {
                client
                    .read_response()
                    .await?
                    .ok_or(std::io::Error::other("closed at once"))
            })
            .await?;
        }
        within(t, "Signing in", async {
            client
                .login(&self.username, &self.password)
                .await
                .map_err(|(error, _)| error)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::address;

    #[test]
    fn an_imap_address_says_where_and_how_tls_starts() {
        assert_eq!(
            address("imaps://mail.example.org"),
            Ok(("mail.example.org".into(), 993, true))
        );
        assert_eq!(
            address("imap://mail.example.org:1143"),
            Ok(("mail.example.org".into(), 1143, false))
        );
        assert!(address("http://mail.example.org")
            .unwrap_err()
            .contains("imaps://"));
        assert!(address("imaps://u:secret@mail.example.org")
            .unwrap_err()
            .contains("own fields"));
    }
}
