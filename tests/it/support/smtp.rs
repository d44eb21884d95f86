//! A real SMTP server process for the email tests: aiosmtpd from PyPI, storing what it
//! receives in a maildir that the tests read back (see `python.rs` for where it comes from).

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mail_parser::{MessageParser, MimeHeaders};

pub struct SmtpServer {
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

/// One message as the server stored it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope recipients, as the server saw them.
    pub rcpt_to: String,
    pub from: String,
    pub to: String,
    pub reply_to: String,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
    /// The parts' content types, in order.
    pub parts: Vec<String>,
    /// The message as the server stored it, with the envelope headers it added first.
    pub raw: Vec<u8>,
}

fn python() -> PathBuf {
    super::python::with_package("aiosmtpd", "aiosmtpd")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let mut server = SmtpServer {
            port: free_port(),
            maildir: tempfile::tempdir().unwrap(),
            child: None,
        };
        server.resume();
        server
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts the server again on the same port and maildir.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "the SMTP server is already running");
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(self.maildir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        self.child = Some(child);
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server: connections are refused until [`resume`](Self::resume).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        let new = self.maildir.path().join("maildir/new");
        let mut files: Vec<_> = match std::fs::read_dir(&new) {
            Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
            Err(_) => return Vec::new(),
        };
        // Python names maildir files SECONDS.MMICROSECONDS..., the microseconds unpadded.
        let arrival = |path: &PathBuf| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut parts = name.split('.');
            let seconds: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let micros: u64 = parts
                .next()
                .and_then(|m| m.strip_prefix('M'))
                .and_then(|m| m.split('P').next())
                .and_then(|m| m.parse().ok())
                .unwrap_or(0);
            (seconds, micros)
        };
        files.sort_by_key(arrival);
        files
            .iter()
            .map(|path| {
                let raw = std::fs::read(path).unwrap();
                let message = MessageParser::default().parse(&raw).expect("a MIME message");
                let header = |name: &str| {
                    message
                        .header_raw(name)
                        .map(|v| v.trim().to_string())
                        .unwrap_or_default()
                };
                Received {
                    rcpt_to: header("X-RcptTo"),
                    from: header("From"),
                    to: header("To"),
                    reply_to: header("Reply-To"),
                    subject: message.subject().unwrap_or_default().to_string(),
                    message_id: message.message_id().unwrap_or_default().to_string(),
                    text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
                    html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
                    parts: message
                        .parts
                        .iter()
                        .filter_map(|p| p.content_type())
                        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()))
                        .collect(),
                    raw: raw.clone(),
                }
            })
            .collect()
    }

    /// Waits until at least `count` messages have arrived, then returns them all.
    pub fn wait_for(&self, count: usize) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let messages = self.messages();
            if messages.len() >= count || started.elapsed() > Duration::from_secs(20) {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
