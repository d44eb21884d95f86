//! `foi-tracker serve` as a supervisor runs it: JSON log lines from the first, a request id in
//! them, a database that answers late, and SIGTERM, which answers the requests in flight and
//! stops a reminder sweep between two messages for the next sweep to complete.

use crate::support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::support::smtp::SmtpServer;
use crate::support::TestApp;
use serde_json::Value;

/// `foi-tracker serve` on `database`, JSON logs, with its output read line by line.
struct Server {
    child: Child,
    lines: mpsc::Receiver<(&'static str, String)>,
    /// Every line seen so far: ("stdout" or "stderr", line).
    seen: Vec<(&'static str, String)>,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(database: &str, env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_foi-tracker"));
        command
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env_clear()
            .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
            .env("FOI_DATABASE_URL", database)
            .env("FOI_MAIL_DIR", dir.path().join("mail"))
            .env("FOI_TODAY", "2026-06-01")
            .env("FOI_SCHEDULER", "false")
            .env("FOI_LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().unwrap();
        let (send, lines) = mpsc::channel();
        for (stream, pipe) in [
            (
                "stdout",
                Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            ),
            ("stderr", Box::new(child.stderr.take().unwrap())),
        ] {
            let send = send.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines() {
                    let _ = send.send((stream, line.unwrap()));
                }
            });
        }
        Server {
            child,
            lines,
            seen: Vec::new(),
            _dir: dir,
        }
    }

    /// Waits for a line that holds `text`; returns it.
    fn wait_for(&mut self, text: &str, within: Duration) -> String {
        let until = Instant::now() + within;
        if let Some((_, line)) = self.seen.iter().find(|(_, l)| l.contains(text)) {
            return line.clone();
        }
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok((stream, line)) => {
                    self.seen.push((stream, line.clone()));
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(_) => panic!("no line with {text:?} within {within:?}; seen: {:#?}", self.seen),
            }
        }
    }

    /// The address from the "running on" line.
    fn address(&mut self) -> String {
        let line = self.wait_for("is running on", Duration::from_secs(60));
        let message: Value = serde_json::from_str(&line).unwrap();
        let text = message["fields"]["message"].as_str().unwrap();
        let start = text.find("http://").unwrap() + "http://".len();
        text[start..].split_whitespace().next().unwrap().to_string()
    }

    fn terminate(&self) {
        let pid = self.child.id() as libc::pid_t;
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    }

    /// Waits for the process to end on its own; its exit code.
    fn exit_code(&mut self, within: Duration) -> Option<i32> {
        let until = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The rest of what it wrote.
                while let Ok(line) = self.lines.recv_timeout(Duration::from_millis(500)) {
                    self.seen.push(line);
                }
                return status.code();
            }
            assert!(
                Instant::now() < until,
                "still running after {within:?}: {:#?}",
                self.seen
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("foi.db").display());
    (dir, url)
}

/// Every line the process wrote is a JSON object with a level and a message.
fn all_json(seen: &[(&'static str, String)]) {
    assert!(!seen.is_empty());
    for (stream, line) in seen {
        let parsed: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("a {stream} line that is not JSON ({e}): {line}"));
        assert!(parsed["level"].is_string(), "{line}");
        assert!(parsed["fields"]["message"].is_string(), "{line}");
    }
}

#[test]
fn json_lines_from_the_first_to_the_last_with_the_request_id_in_them() {
    let (_dir, url) = sqlite();
    let mut server = Server::start(&url, &[]);
    let address = server.address();
    // The first lines, before the server ran, are the first-administrator hint, as JSON.
    server.wait_for("No one can sign in yet", Duration::from_secs(5));

    // A request with its id, and one half sent when the signal comes.
    let mut asked = TcpStream::connect(&address).unwrap();
    write!(
        asked,
        "GET /livez HTTP/1.1\r\nHost: {address}\r\nX-Request-Id: traced-42\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    asked.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.to_lowercase().contains("x-request-id: traced-42"),
        "{answer}"
    );
    let logged = server.wait_for("traced-42", Duration::from_secs(5));
    let logged: Value = serde_json::from_str(&logged).unwrap();
    assert_eq!(logged["span"]["request_id"], "traced-42", "{logged}");
    assert_eq!(logged["span"]["http.route"], "/livez", "{logged}");

    // What a container's HEALTHCHECK runs, with the bind address the server was given.
    let healthy = healthcheck(&address);
    assert_eq!(healthy.status.code(), Some(0), "{healthy:?}");
    assert_eq!(
        String::from_utf8_lossy(&healthy.stdout),
        format!("healthy: http://{address}/healthz answered 200\n")
    );

    server.terminate();

    assert_eq!(
        server.exit_code(Duration::from_secs(30)),
        Some(0),
        "{:#?}",
        server.seen
    );
    server.wait_for("foi-tracker stopped", Duration::from_secs(1));
    all_json(&server.seen);
    assert!(TcpStream::connect(&address).is_err(), "no longer listening");
    let unhealthy = healthcheck(&address);
    assert_eq!(unhealthy.status.code(), Some(1));
    let said = String::from_utf8_lossy(&unhealthy.stderr);
    assert!(
        said.starts_with(&format!("error: unhealthy: http://{address}/healthz: ")),
        "{said}"
    );
    assert_eq!(said.lines().count(), 1);
}

fn healthcheck(bind: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
        .arg("healthcheck")
        .env_clear()
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .env("FOI_BIND", bind)
        .output()
        .unwrap()
}

#[test]
fn a_refused_configuration_is_logged_as_json_too() {
    let (_dir, url) = sqlite();
    let mut server = Server::start(&url, &[("FOI_POOL_SIZE", "many")]);
    assert_eq!(server.exit_code(Duration::from_secs(30)), Some(2));
    all_json(&server.seen);
    let line = server.wait_for("configuration", Duration::from_secs(1));
    let line: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(line["level"], "ERROR");
}

#[test]
fn serve_gives_up_on_a_database_that_never_answers_and_says_why() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://postgres:hunter2@127.0.0.1:{port}/foi");
    let mut server = Server::start(&url, &[("FOI_DATABASE_WAIT_SECONDS", "3")]);
    let retry = server.wait_for("does not answer yet", Duration::from_secs(10));
    assert!(
        retry.contains(&format!("postgres://postgres:***@127.0.0.1:{port}/foi")),
        "{retry}"
    );
    assert_eq!(server.exit_code(Duration::from_secs(30)), Some(1));
    server.wait_for("did not answer in time", Duration::from_secs(1));
    all_json(&server.seen);
    assert!(
        !server.seen.iter().any(|(_, l)| l.contains("hunter2")),
        "no password in the log"
    );
}

/// Copies bytes both ways between two connections until either side closes.
fn pipe(a: TcpStream, b: TcpStream) {
    for (mut from, mut to) in [(a.try_clone().unwrap(), b.try_clone().unwrap()), (b, a)] {
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(std::net::Shutdown::Both);
        });
    }
}

/// A PostgreSQL server that comes up after the app: a port nobody listens on, which later
/// forwards to the real server. Start order must not matter.
#[test]
fn serve_waits_for_a_database_that_starts_after_it() {
    let Some(db) = support::empty_database(foi_tracker::db::Backend::Postgres) else {
        eprintln!("PostgreSQL not configured (FOI_TEST_POSTGRES_URL): skipped");
        return;
    };
    let rest = db.url.split_once('@').unwrap().1;
    let (upstream, database) = rest.split_once('/').unwrap();
    let upstream = upstream.to_string();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let late = format!("postgres://postgres@127.0.0.1:{port}/{database}");
    let mut server = Server::start(&late, &[]);
    server.wait_for("does not answer yet", Duration::from_secs(10));
    let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            pipe(client, TcpStream::connect(&upstream).unwrap());
        }
    });
    let address = server.address();
    let ready = reqwest::blocking::get(format!("http://{address}/readyz")).unwrap();
    assert_eq!(ready.status(), 200);
    server.terminate();
    assert_eq!(server.exit_code(Duration::from_secs(30)), Some(0));
    all_json(&server.seen);
}

/// The outbox, straight from the database: (status, count), and the sweeps' finish times.
fn outbox_and_sweeps(app: &TestApp) -> (Vec<(String, i64)>, Vec<Option<chrono::NaiveDateTime>>) {
    use diesel::prelude::*;
    use foi_tracker::db::schema::{outbox, reminder_sweeps};
    let mut conn = app.connection();
    let statuses = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .order(outbox::status)
        .load(&mut conn)
        .unwrap();
    let sweeps = reminder_sweeps::table
        .order(reminder_sweeps::id)
        .select(reminder_sweeps::finished_at)
        .load(&mut conn)
        .unwrap();
    (statuses, sweeps)
}

on_both_backends! {
    async fn sigterm_lets_an_upload_in_flight_finish_and_store_its_document(app) {
        let id = support::home_office_request(&app).await;
        // Some 2 MB, so that half of it is still on its way when the signal comes.
        let content = support::pdf(&"uploaded while the server stops ".repeat(62_500));
        let boundary = "foi-tracker-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"reply.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let (database, token) = (app.database_url.clone(), app.token.clone());
        let (code, seen, answer) = tokio::task::spawn_blocking(move || {
            let mut server = Server::start(&database, &[]);
            let address = server.address();
            let mut upload = TcpStream::connect(&address).unwrap();
            write!(
                upload,
                "POST /api/v1/requests/{id}/documents HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            )
            .unwrap();
            // Half the file is on its way when the signal comes; the rest follows after.
            let half = body.len() / 2;
            upload.write_all(&body[..half]).unwrap();
            std::thread::sleep(Duration::from_millis(500));
            server.terminate();
            server.wait_for("stopping", Duration::from_secs(20));
            std::thread::sleep(Duration::from_millis(300));
            upload.write_all(&body[half..]).unwrap();
            let mut answer = String::new();
            upload.read_to_string(&mut answer).unwrap();
            let code = server.exit_code(Duration::from_secs(30));
            (code, server.seen.clone(), answer)
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 201"), "the upload finished after the signal: {answer}\n{seen:#?}");
        assert_eq!(code, Some(0), "{seen:#?}");
        all_json(&seen);
        let document: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        let stored = app.get(&format!("/api/v1/documents/{}", document["id"])).await;
        assert_eq!(stored.bytes().await.unwrap().to_vec(), content, "stored whole");
    }

    async fn sigterm_during_a_sweep_sends_the_message_in_flight_and_leaves_the_rest_to_the_next(app) {
        for _ in 0..4 {
            support::home_office_request(&app).await;
        }
        let smtp = SmtpServer::start();
        // Between the app and the mail server, a relay that holds the first connection until
        // the test lets it through: the sweep is sending its first message when the signal comes.
        let relay = TcpListener::bind("127.0.0.1:0").unwrap();
        let relay_url = format!("smtp://{}", relay.local_addr().unwrap());
        let (accepted, first_connection) = mpsc::channel();
        let (release, released) = mpsc::channel::<()>();
        let upstream = format!("127.0.0.1:{}", smtp.port);
        std::thread::spawn(move || {
            for (n, client) in relay.incoming().flatten().enumerate() {
                if n == 0 {
                    accepted.send(()).unwrap();
                    released.recv().unwrap();
                }
                pipe(client, TcpStream::connect(&upstream).unwrap());
            }
        });
        let database = app.database_url.clone();
        let run = tokio::task::spawn_blocking(move || {
            let mut server = Server::start(
                &database,
                &[("FOI_SCHEDULER", "true"), ("FOI_SMTP_URL", &relay_url), ("FOI_SMTP_TIMEOUT_SECONDS", "20")],
            );
            // No sweep has finished since the last scheduled run: the scheduler sweeps at once.
            first_connection.recv_timeout(Duration::from_secs(60)).expect("the sweep connects to send");
            server.terminate();
            server.wait_for("stopping", Duration::from_secs(20));
            std::thread::sleep(Duration::from_millis(300));
            release.send(()).unwrap();
            let code = server.exit_code(Duration::from_secs(40));
            (code, server.seen.clone())
        });
        let (code, seen) = run.await.unwrap();
        assert_eq!(code, Some(0), "{seen:#?}");
        all_json(&seen);
        assert!(seen.iter().any(|(_, l)| l.contains("stopped for shutdown")), "{seen:#?}");
        let messages = smtp.wait_for(1);
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(smtp.messages().len(), 1, "the message in flight went out, and no other: {messages:?}");
        let (statuses, sweeps) = outbox_and_sweeps(&app);
        assert_eq!(statuses, [("pending".to_string(), 3), ("sent".to_string(), 1)]);
        assert_eq!(sweeps, [None], "the interrupted sweep is left unfinished");

        // The next sweep completes it: every notice once, none twice.
        let output = Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
            .args(["remind", "--today", "2026-06-01"])
            .env_clear()
            .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
            .env("FOI_DATABASE_URL", &app.database_url)
            .env("FOI_MAIL_DIR", &app.mail_dir)
            .env("FOI_SMTP_URL", smtp.url())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        smtp.wait_for(4);
        std::thread::sleep(Duration::from_millis(300));
        let messages = smtp.messages();
        assert_eq!(messages.len(), 4);
        let mut ids: Vec<&str> = messages.iter().map(|m| m.message_id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 4, "each notice once");
        let (statuses, sweeps) = outbox_and_sweeps(&app);
        assert_eq!(statuses, [("sent".to_string(), 4)]);
        assert!(sweeps.last().unwrap().is_some(), "the next sweep finished");
    }
}
