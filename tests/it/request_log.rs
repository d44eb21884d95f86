//! The server's own log, read as an operator reads it: the real binary's standard error. A
//! rejected input never puts a line of its own there (a newline in it cannot forge an entry),
//! never shows a value sent (a subject access request's personal data would be among them),
//! and the client is the address the trusted proxy gave, as the sign-in limit and the audit
//! trail take it.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

const FORGED: &str = "2026-06-01T09:00:00.000000Z  INFO foi_tracker: admin@coalition.example signed in";
const PERSONAL: &str = "Jane Doe, born 1 April 1980";

#[test]
fn rejected_input_never_forges_a_log_line_nor_shows_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("foi.db").display());
    let mut server = Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("FOI_DATABASE_URL", &url)
        .env("FOI_MAIL_DIR", dir.path().join("mail"))
        .env("FOI_TODAY", "2026-06-01")
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .env("FOI_TRUSTED_PROXY_HEADER", "X-Forwarded-For")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .env_remove("FOI_LOG_FORMAT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("is running on") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "serve stopped");
    }
    let address = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .trim_end_matches(['.', ','])
        .to_string();

    let client = reqwest::blocking::Client::new();
    let hostile = format!("foia\n{FORGED} {PERSONAL}");
    let sent = [
        client
            .post(format!("{address}/api/v1/deadline"))
            .json(&serde_json::json!({"regime": hostile, "received": "2026-01-05"})),
        client
            .post(format!("{address}/api/v1/deadline"))
            .json(&serde_json::json!({
                "regime": "foia", "received": "2026-01-05",
                "events": [{"kind": hostile, "date": "2026-01-09"}],
            })),
        client
            .post(format!("{address}/api/v1/deadline"))
            .json(&serde_json::json!({"regime": "foia", "received": format!("2026-01-05\u{0}\n{FORGED}")})),
        client.get(
            reqwest::Url::parse_with_params(
                &format!("{address}/api/v1/requests"),
                [("tag", hostile.as_str())],
            )
            .unwrap(),
        ),
        client.get(format!(
            "{address}/api/v1/indicators/D1.1%0A{}",
            FORGED.replace(' ', "%20")
        )),
        client.get(format!(
            "{address}/api/v1/requests/abc{}",
            PERSONAL.replace(' ', "%20")
        )),
    ];
    for request in sent {
        let response = request
            .header("X-Forwarded-For", "6.6.6.6, 192.0.2.7")
            .send()
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
    }
    server.kill().unwrap();
    let mut log = String::new();
    server.stderr.take().unwrap().read_to_string(&mut log).unwrap();
    server.wait().unwrap();

    let served: Vec<&str> = log.lines().filter(|l| l.contains("request served")).collect();
    assert_eq!(served.len(), 6, "one line per request: {log}");
    for line in log.lines() {
        assert!(
            !line.starts_with(FORGED) && !line.starts_with("2026-06-01T09:00"),
            "a forged line: {log}"
        );
        assert!(
            !line.contains("Jane Doe") && !line.contains("1980"),
            "a value sent is in the log: {line}"
        );
        assert!(!line.contains('\u{0}'), "{line:?}");
    }
    for line in &served {
        assert!(
            line.contains("http.client_ip=192.0.2.7"),
            "the address the proxy gave: {line}"
        );
        assert!(
            !line.contains("6.6.6.6"),
            "never the one the client wrote: {line}"
        );
    }
    // What was refused is said by field, never by value.
    assert!(
        served[0].contains("exception.message=invalid: regime"),
        "{}",
        served[0]
    );
    assert!(
        served[1].contains("exception.message=invalid: events[0].kind"),
        "{}",
        served[1]
    );
    assert!(
        served[2].contains("exception.message=invalid: received"),
        "{}",
        served[2]
    );
    assert!(
        served[3].contains("exception.message=invalid: tag"),
        "{}",
        served[3]
    );
    assert!(served[4].contains("status=404"), "{}", served[4]);
}
