//! The real server, started as its own process so that its memory is its own, given
//! spreadsheets built to exhaust a reader (issue 14, finding 1): each preview is a clear 422,
//! the server goes on answering, another user's request made meanwhile succeeds, and the
//! server's peak resident memory stays under `MEMORY_BOUND_MIB`. The files are parsed in
//! child processes, whose memory is not the server's.

use crate::support;

use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_foi-tracker");
/// The most the server's resident memory may reach, in MiB, over the whole test.
const MEMORY_BOUND_MIB: u64 = 200;

/// The binary with the environment of a fresh install in `dir`.
fn foi(dir: &Path) -> Command {
    foi_at(Path::new(BINARY), dir)
}

/// `foi` run from the binary at `binary`.
fn foi_at(binary: &Path, dir: &Path) -> Command {
    let mut command = Command::new(binary);
    command
        .env("FOI_CONFIG", dir.join("absent.toml"))
        .env(
            "FOI_DATABASE_URL",
            format!("sqlite://{}", dir.join("foi.db").display()),
        )
        .env("FOI_MAIL_DIR", dir.join("mail"))
        .env("FOI_SCHEDULER", "false")
        .env_remove("FOI_BIND")
        .env_remove("FOI_TODAY");
    command
}

/// Adds a user with the binary's own command line and returns a new API token of theirs.
fn user_with_token(dir: &Path, email: &str, organisation: &str) -> String {
    let mut add = foi(dir)
        .args([
            "user",
            "add",
            "--email",
            email,
            "--name",
            email,
            "--org",
            organisation,
        ])
        .args(["--role", "researcher", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery staple\n")
        .unwrap();
    assert!(add.wait().unwrap().success(), "user add {email}");
    let token = foi(dir)
        .args(["token", "create", "--email", email])
        .output()
        .unwrap();
    assert!(token.status.success(), "token create {email}");
    String::from_utf8(token.stdout)
        .unwrap()
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap()
        .trim()
        .to_string()
}

/// `foi-tracker serve`, killed when dropped.
struct Server {
    process: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

impl Server {
    async fn start(dir: &Path) -> Server {
        Server::start_at(Path::new(BINARY), dir).await
    }

    async fn start_at(binary: &Path, dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let process = foi_at(binary, dir)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        let server = Server {
            process,
            address: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while !server.healthy().await {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    async fn healthy(&self) -> bool {
        Client::new()
            .get(format!("{}/healthz", self.address))
            .timeout(Duration::from_secs(5))
            .send()
            .await
            .is_ok_and(|r| r.status() == StatusCode::OK)
    }

    /// The server process's peak resident memory so far, in KiB (its children's not counted).
    fn peak_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }

    fn running(&mut self) -> bool {
        self.process.try_wait().unwrap().is_none()
    }
}

/// An API client of one user.
struct User {
    address: String,
    token: String,
    client: Client,
}

impl User {
    fn new(server: &Server, token: String) -> User {
        User {
            address: server.address.clone(),
            token,
            client: Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap(),
        }
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn new_request(&self, title: &str) -> (StatusCode, Value) {
        let authorities: Value = self
            .client
            .get(format!("{}/api/v1/authorities", self.address))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let authority = authorities[0]["id"].as_i64().unwrap();
        self.post(
            "/api/v1/requests",
            json!({"title": title, "body": "Figures, please", "authority_id": authority, "sent_on": "2026-05-01"}),
        )
        .await
    }

    async fn upload(&self, request: i64, name: &str, content: Vec<u8>) -> i64 {
        let part = reqwest::multipart::Part::bytes(content).file_name(name.to_string());
        let response = self
            .client
            .post(format!("{}/api/v1/requests/{request}/documents", self.address))
            .bearer_auth(&self.token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "upload {name}: {body}");
        body["id"].as_i64().unwrap()
    }

    async fn preview(&self, document: i64) -> (StatusCode, Value) {
        self.post(
            &format!("/api/v1/documents/{document}/import/preview"),
            json!({"indicator_id": "returns", "first_row": "2", "value_column": "B",
                   "period_start": "2025-01-01", "period_end": "2025-03-31"}),
        )
        .await
    }
}

/// A preview of a crafted file must be a 422 that says the file cannot be read, on `document`
/// (over the parser's budget) or `sheet` (past the reader's own caps, or refused by it).
fn assert_refused_clearly(name: &str, status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
    let error = &body["errors"][0];
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        (error["field"] == "document" && message.contains("too large or complex to read"))
            || (error["field"] == "sheet"
                && (message.contains("has more than") || message.contains("is not a readable spreadsheet"))),
        "{name}: {body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn crafted_spreadsheets_are_refused_without_troubling_the_server() {
    let dir = tempfile::tempdir().unwrap();
    // The users exist before the server starts: the command line writes to its database.
    foi(dir.path()).arg("migrate").output().unwrap();
    let researcher = user_with_token(dir.path(), "researcher@coalition.example", "Coalition NGO");
    let other = user_with_token(dir.path(), "other@elsewhere.example", "Another NGO");
    let mut server = Server::start(dir.path()).await;
    let researcher = User::new(&server, researcher);
    let other = User::new(&server, other);
    let (status, request) = researcher.new_request("Returned victims").await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    let request = request["id"].as_i64().unwrap();
    let mut documents = Vec::new();
    for (name, content) in support::hostile::crafted() {
        let size = content.len();
        documents.push((name, size, researcher.upload(request, name, content).await));
    }
    let baseline = server.peak_kib();
    eprintln!(
        "server peak resident memory after start and uploads: {} MiB",
        baseline / 1024
    );

    for (name, size, document) in &documents {
        let started = Instant::now();
        // Another organisation's researcher goes on working meanwhile.
        let ((status, body), (other_status, other_body), healthy) = tokio::join!(
            researcher.preview(*document),
            async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                other.new_request(&format!("Meanwhile, beside {name}")).await
            },
            async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                server.healthy().await
            },
        );
        let took = started.elapsed();
        assert_refused_clearly(name, status, &body);
        assert_eq!(other_status, StatusCode::CREATED, "{other_body}");
        assert!(healthy, "/healthz answered while {name} was read");
        assert!(server.running(), "the server is still running after {name}");
        let peak = server.peak_kib();
        eprintln!(
            "{name} ({size} bytes): {status} in {:.1} s, \"{}\"; server peak resident memory {} MiB",
            took.as_secs_f64(),
            body["errors"][0]["message"].as_str().unwrap_or_default(),
            peak / 1024
        );
        assert!(
            peak < MEMORY_BOUND_MIB * 1024,
            "{name}: the server's resident memory reached {} MiB",
            peak / 1024
        );
    }

    // All four at once, twice over: the parsers queue two at a time, the server answers.
    let previews = documents
        .iter()
        .chain(documents.iter())
        .map(|(_, _, document)| researcher.preview(*document));
    let (answers, (other_status, _)) = tokio::join!(futures_util::future::join_all(previews), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        other.new_request("Meanwhile, beside all of them").await
    });
    for ((name, _, _), (status, body)) in documents.iter().chain(documents.iter()).zip(&answers) {
        assert_refused_clearly(name, *status, body);
    }
    assert_eq!(other_status, StatusCode::CREATED);
    assert!(server.healthy().await && server.running());
    let peak = server.peak_kib();
    eprintln!(
        "after eight previews at once: server peak resident memory {} MiB",
        peak / 1024
    );
    assert!(peak < MEMORY_BOUND_MIB * 1024, "{} MiB", peak / 1024);
}

/// An upgrade in place replaces the binary under a running server: until it restarts, the
/// server must go on reading files with parsers of its own version, not fail to start them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_read_after_the_binary_is_replaced_under_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let installed = dir.path().join("foi-tracker");
    std::fs::copy(BINARY, &installed).unwrap();
    foi_at(&installed, dir.path()).arg("migrate").output().unwrap();
    let token = user_with_token(dir.path(), "researcher@coalition.example", "Coalition NGO");
    let server = Server::start_at(&installed, dir.path()).await;
    std::fs::remove_file(&installed).unwrap();
    let researcher = User::new(&server, token);
    let (status, request) = researcher.new_request("Returned victims").await;
    assert_eq!(status, StatusCode::CREATED, "{request}");
    let request = request["id"].as_i64().unwrap();
    let document = researcher
        .upload(request, "returns.xlsx", support::hostile::small_xlsx())
        .await;
    let (status, body) = researcher.preview(document).await;
    // Read: a preview, or a layout problem named on its field; never a parser that could
    // not start, nor a refusal of the file itself.
    assert!(
        status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY,
        "{status}: {body}"
    );
    for error in body["errors"].as_array().into_iter().flatten() {
        assert!(
            !["document", "sheet"].contains(&error["field"].as_str().unwrap_or_default()),
            "{body}"
        );
    }
}
