//! A real IMAP server process for the mail-receiving tests: Debian's dovecot-imapd (2.3), one
//! instance per test in its own temporary directory, so that tests run in parallel. It speaks
//! TLS only, with a certificate made here that clients must be told to trust.
//!
//! Needs `dovecot` and `doveadm` (`apt-get install dovecot-imapd`, which brings `openssl` and
//! the `dovecot` and `dovenull` system users) and root: dovecot's master switches users itself.

use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const USER: &str = "foi";
pub const PASSWORD: &str = "imap-password-3f9a";

/// Dovecot refuses to touch mail as root, so the mailbox belongs to `nobody`.
const MAIL_UID: u32 = 65534;

pub struct ImapServer {
    /// IMAP over TLS from the first byte (imaps).
    pub port: u16,
    /// Plain IMAP that offers STARTTLS. Dovecot counts a connection from the address it
    /// listens on as secure, so on 127.0.0.1 it accepts LOGIN here before STARTTLS: it is the
    /// client's job, not this server's, to refuse to send a password in clear.
    pub starttls_port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

/// Two ports free now, distinct because both are held until both are known.
fn free_ports() -> (u16, u16) {
    let bind = || TcpListener::bind("127.0.0.1:0").unwrap();
    let (a, b) = (bind(), bind());
    (a.local_addr().unwrap().port(), b.local_addr().unwrap().port())
}

fn run(command: &mut Command) -> Vec<u8> {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

impl ImapServer {
    pub fn start() -> ImapServer {
        assert!(
            unsafe { libc::geteuid() } == 0,
            "the IMAP tests start dovecot, which must run as root to switch to its own users"
        );
        let dir = tempfile::tempdir().unwrap();
        // The mail processes run as nobody and must get through to the maildir.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let (port, starttls_port) = free_ports();
        let server = ImapServer {
            port,
            starttls_port,
            dir,
            child: None,
        };
        let path = |name: &str| server.dir.path().join(name);
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir(path(sub)).unwrap();
        }
        std::os::unix::fs::chown(path("mail"), Some(MAIL_UID), Some(MAIL_UID)).unwrap();
        // Self-signed, but not a CA: rustls refuses a CA certificate as a server's own
        // (CaUsedAsEndEntity), and accepts this one as its own trust anchor.
        run(Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ])
            .args(["-nodes", "-days", "2", "-subj", "/CN=localhost"])
            .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
            .args(["-addext", "basicConstraints=critical,CA:FALSE"])
            .arg("-keyout")
            .arg(path("key.pem"))
            .arg("-out")
            .arg(path("cert.pem")));
        std::fs::write(path("users"), format!("{USER}:{{PLAIN}}{PASSWORD}:::::\n")).unwrap();
        let dir = server.dir.path().display();
        std::fs::write(
            path("dovecot.conf"),
            format!(
                r#"# Nothing from /etc/dovecot: everything this instance touches is under {dir}.
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
# The login processes refuse to run as root; these users come with dovecot-core.
default_internal_user = dovecot
default_internal_group = dovecot
default_login_user = dovenull
mail_uid = {MAIL_UID}
mail_gid = {MAIL_UID}
mail_location = maildir:{dir}/mail/Maildir
passdb {{
  driver = passwd-file
  args = {dir}/users
}}
userdb {{
  driver = passwd-file
  args = {dir}/users
}}
ssl = required
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
# A wrong password is answered at once (it would wait 2 s, and up to 15 s after repeats).
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
"#,
                port = server.port,
                starttls_port = server.starttls_port,
            ),
        )
        .unwrap();
        let mut server = server;
        server.resume();
        server
    }

    pub fn url(&self) -> String {
        format!("imaps://127.0.0.1:{}", self.port)
    }

    pub fn starttls_url(&self) -> String {
        format!("imap://127.0.0.1:{}", self.starttls_port)
    }

    /// The server's certificate in PEM, valid for `localhost` and `127.0.0.1`: the one
    /// certificate a client must trust to talk to it.
    pub fn certificate_pem(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("cert.pem")).unwrap()
    }

    pub fn certificate_path(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("dovecot.conf")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("dovecot.log")).unwrap_or_default()
    }

    /// Starts the server again on the same ports and mailbox.
    pub fn resume(&mut self) {
        assert!(self.child.is_none(), "dovecot is already running");
        let child = Command::new("dovecot")
            .arg("-F")
            .arg("-c")
            .arg(self.config())
            // Its own process group, so that stop() can end the children too.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("dovecot starts (apt-get install dovecot-imapd)");
        self.child = Some(child);
        let started = Instant::now();
        while !listening(self.port) {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                self.child = None;
                panic!("dovecot exited with {status}:\n{}", self.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "dovecot did not start listening:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server: open sessions are cut and connections refused until
    /// [`resume`](Self::resume).
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // Killing the master alone (or `doveadm stop`) leaves the login and imap processes
        // serving the sessions already open; SIGTERM also takes a second.
        unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
        child.wait().ok();
        let stopped = Instant::now();
        while listening(self.port) || listening(self.starttls_port) {
            assert!(
                stopped.elapsed() < Duration::from_secs(10),
                "dovecot still listens"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn doveadm(&self) -> Command {
        // doveadm asks the running server's auth process who the user is.
        assert!(self.child.is_some(), "doveadm needs dovecot running");
        let mut command = Command::new("doveadm");
        command.arg("-c").arg(self.config());
        command
    }

    /// Puts a message into the INBOX as if it had just arrived.
    pub fn deliver(&self, raw: &[u8]) {
        use std::io::Write;
        let mut child = self
            .doveadm()
            .args(["save", "-u", USER, "-m", "INBOX"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("doveadm runs");
        child.stdin.take().unwrap().write_all(raw).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "doveadm save failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Puts a message into the INBOX as the server's own delivery would have at `arrived`
    /// (seconds since 1970, UTC): appended over IMAP, which alone sets the date a message
    /// arrived (INTERNALDATE).
    pub fn deliver_at(&self, raw: &[u8], arrived: i64) {
        use std::io::Write;
        let script = format!(
            "import imaplib, ssl, sys\n\
             context = ssl.create_default_context(cafile={cafile:?})\n\
             imap = imaplib.IMAP4_SSL('localhost', {port}, ssl_context=context)\n\
             imap.login({USER:?}, {PASSWORD:?})\n\
             typ, data = imap.append('INBOX', None, imaplib.Time2Internaldate({arrived}), sys.stdin.buffer.read())\n\
             assert typ == 'OK', data\n\
             imap.logout()\n",
            cafile = self.certificate_path().display().to_string(),
            port = self.port,
        );
        let mut child = Command::new("python3")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        child.stdin.take().unwrap().write_all(raw).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "IMAP APPEND failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Sets the INBOX's UIDVALIDITY, as a server does when it has lost or renumbered its
    /// mail. Messages keep their UIDs: only the number a client compares changes.
    pub fn set_uid_validity(&self, uid_validity: u32) {
        run(self
            .doveadm()
            .args(["mailbox", "update", "-u", USER, "--uid-validity"])
            .arg(uid_validity.to_string())
            .arg("INBOX"));
    }

    /// The INBOX's UIDVALIDITY now.
    pub fn uid_validity(&self) -> u32 {
        let out = run(self.doveadm().args([
            "-f",
            "flow",
            "mailbox",
            "status",
            "-u",
            USER,
            "uidvalidity",
            "INBOX",
        ]));
        // "INBOX uidvalidity=42"
        let out = String::from_utf8(out).unwrap();
        out.split_whitespace()
            .find_map(|field| field.strip_prefix("uidvalidity="))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("doveadm mailbox status said {out:?}"))
    }
}

fn listening(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

impl Drop for ImapServer {
    fn drop(&mut self) {
        self.stop();
    }
}
