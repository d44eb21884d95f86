//! The binary's register commands, run as an administrator runs them.

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

fn foi(database: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
        .args(args)
        .env("FOI_DATABASE_URL", database)
        // Any email goes beside the test's database, never into the working folder.
        .env(
            "FOI_MAIL_DIR",
            format!("{}.mail", database.trim_start_matches("sqlite://")),
        )
        .env("FOI_TODAY", "2026-06-01")
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sqlite() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("register.db").display());
    (dir, url)
}

#[test]
fn migrate_creates_the_database() {
    let (_dir, url) = sqlite();
    let out = foi(&url, &["migrate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "The database is up to date.\n");
    let again = foi(&url, &["migrate"]);
    assert!(again.status.success());
}

#[test]
fn a_wrong_database_url_says_why() {
    let out = foi("mysql://root@localhost/foi", &["migrate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unsupported database URL \"mysql://root@localhost/foi\""));
    assert_eq!(text(&out.stderr).lines().count(), 1);

    let out = foi("postgres://postgres:secret@127.0.0.1:1/nothing", &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("cannot connect to PostgreSQL at postgres://postgres:***@127.0.0.1:1/nothing"),
        "{err}"
    );
    assert!(
        err.to_lowercase().contains("connection refused"),
        "the real cause: {err}"
    );
    assert!(!err.contains("secret"), "no password in messages");
    assert_eq!(err.lines().count(), 1, "{err}");

    let out = foi("sqlite:///no/such/folder/foi.db", &["migrate"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the folder /no/such/folder does not exist"));
}

#[test]
fn import_authorities_reports_each_row_and_is_all_or_nothing() {
    let (dir, url) = sqlite();
    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "name,short_name,foi_email,website,default_regime,nation\n\
         Independent Anti-Slavery Commissioner,IASC,,https://www.antislaverycommissioner.co.uk,foia,uk\n\
         Home Office,Home Office,foirequests@homeoffice.gov.uk,https://www.gov.uk/government/organisations/home-office,foia,uk\n",
    )
    .unwrap();
    let out = foi(&url, &["import-authorities", "--dry-run", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("line 2: Create Independent Anti-Slavery Commissioner"),
        "{stdout}"
    );
    assert!(stdout.contains("line 3: Unchanged Home Office"), "{stdout}");
    assert!(stdout.contains("1 to add, 0 to update, 1 unchanged, 0 refused: dry run, nothing written"));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "name,short_name,foi_email,website,default_regime,nation\n\
         A Council,AC,,,foia,uk\n\
         Another Council,OC,not-an-email,,foia,atlantis\n",
    )
    .unwrap();
    let out = foi(&url, &["import-authorities", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("line 3: Refused"), "{stdout}");
    assert!(stdout.contains("nation: Nation must be one of"), "{stdout}");
    assert!(text(&out.stderr).contains("1 rows refused; nothing was imported"));

    let out = foi(&url, &["import-authorities", good.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(": imported"));
    let out = foi(&url, &["import-authorities", good.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("0 to add, 0 to update, 2 unchanged"),
        "importing twice changes nothing"
    );

    let out = foi(&url, &["import-authorities", "/no/such.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error: cannot read /no/such.csv"));
}

#[test]
fn import_holidays_recomputes_stored_deadlines() {
    let (dir, url) = sqlite();
    // A request through the server, then the import through the command line.
    let mut server = Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("FOI_DATABASE_URL", &url)
        .env(
            "FOI_MAIL_DIR",
            format!("{}.mail", url.trim_start_matches("sqlite://")),
        )
        .env("FOI_TODAY", "2026-06-01")
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A fresh install first says how to create the first administrator.
    let mut output = BufReader::new(server.stdout.take().unwrap());
    let mut said = String::new();
    let mut line = String::new();
    while !line.contains("is running on") {
        line.clear();
        assert!(output.read_line(&mut line).unwrap() > 0, "serve stopped: {said}");
        said.push_str(&line);
    }
    assert!(said.contains("foi-tracker user add --email"), "{said}");
    let address = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("serve prints its address: {line}"))
        .to_string();
    let mut add = Command::new(env!("CARGO_BIN_EXE_foi-tracker"))
        .args([
            "user",
            "add",
            "--email",
            "r@ngo.example",
            "--name",
            "R",
            "--org",
            "NGO",
            "--role",
            "researcher",
            "--password-stdin",
        ])
        .env("FOI_DATABASE_URL", &url)
        .env(
            "FOI_MAIL_DIR",
            format!("{}.mail", url.trim_start_matches("sqlite://")),
        )
        .env("FOI_CONFIG", "/nonexistent/foi-tracker.toml")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    use std::io::Write;
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let token = text(&foi(&url, &["token", "create", "--email", "r@ngo.example"]).stdout)
        .trim()
        .to_string();
    let client = reqwest::blocking::Client::builder()
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {token}").parse().unwrap(),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .unwrap();
    let authorities: Value = client
        .get(format!("{address}/api/v1/authorities"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let home_office = authorities
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "Home Office")
        .unwrap()["id"]
        .clone();
    let created: Value = client
        .post(format!("{address}/api/v1/requests"))
        .json(&json!({"title": "Spans the new day", "body": "B", "authority_id": home_office, "sent_on": "2026-06-01"}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(created["schedule"]["deadlines"][0]["due"], "2026-06-29");
    server.kill().unwrap();
    server.wait().unwrap();

    let mut file: Value = serde_json::from_str(include_str!("../../data/bank-holidays.json")).unwrap();
    file["scotland"]["events"]
        .as_array_mut()
        .unwrap()
        .push(json!({"title": "Proclaimed day", "date": "2026-06-15", "notes": "", "bunting": true}));
    let path = dir.path().join("bank-holidays.json");
    std::fs::write(&path, file.to_string()).unwrap();

    let out = foi(&url, &["import-holidays", "--dry-run", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("would change"));
    assert!(stdout.contains("+ 2026-06-15 Proclaimed day (Scotland)"));
    assert!(
        stdout.contains("request 1 \"Spans the new day\": 2026-06-29 -> 2026-06-30"),
        "{stdout}"
    );

    let out = foi(&url, &["import-holidays", path.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("2012 to 2028: 1 days added, 0 removed, 1 deadlines moved"));
    // Imported once, the day is no longer a change.
    let out = foi(&url, &["import-holidays", "--dry-run", path.to_str().unwrap()]);
    assert!(text(&out.stdout).contains("0 days added, 0 removed, 0 deadlines moved"));

    std::fs::write(&path, "{\"england-and-wales\": {\"division\": \"england-and-wales\", \"events\": [{\"title\": \"X\", \"date\": \"2026-02-30\"}]}}").unwrap();
    let out = foi(&url, &["import-holidays", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("\"2026-02-30\" is not a date"));
}
