//! A real browser for the tests: Debian's headless Chromium, driven over WebDriver by
//! chromedriver, with axe-core (from npm) to check each page's accessibility.
//!
//! `.ci/run` installs `chromium` and `chromium-driver`; outside CI a machine without them
//! skips the browser tests, saying so. axe-core is installed into `target/browser-tools` by
//! the first test that needs it, as the Python tools are (`support::python`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// The axe-core release the checks run with: pinned, so that a new rule cannot fail a run
/// that changed nothing.
const AXE_CORE: &str = "axe-core@4.14.1";

/// The WCAG levels every page must meet.
pub const WCAG_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

/// One browser session at a time in a test binary: two cores cannot run several Chromiums
/// and the servers they talk to without every page timing out.
static ONE_AT_A_TIME: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A chromedriver process and the one browser session it drives; both end when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _turn: tokio::sync::SemaphorePermit<'static>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending chromedriver ends its Chromium; the session needs no goodbye.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Headless Chromium at 1280 px wide, or `None` (outside CI only) where it is not installed.
pub async fn start() -> Option<Browser> {
    let installed = Command::new("chromedriver")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        assert!(
            !in_ci(),
            "the browser tests need Debian's chromium and chromium-driver (.ci/run installs them)"
        );
        eprintln!("chromedriver is not installed (Debian's chromium-driver): the browser tests were skipped");
        return None;
    }
    let turn = ONE_AT_A_TIME.acquire().await.unwrap();
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let webdriver = format!("http://127.0.0.1:{port}");
    let mut options = json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-extensions", "--no-first-run",
            "--window-size=1280,900", "--lang=en-GB", "--hide-scrollbars",
        ],
    });
    if Path::new("/usr/bin/chromium").exists() {
        options["binary"] = json!("/usr/bin/chromium");
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let mut last_error = String::new();
    // chromedriver takes a moment to listen.
    for _ in 0..100 {
        match ClientBuilder::new(connector.clone())
            .capabilities(capabilities.clone())
            .connect(&webdriver)
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    driver,
                    _turn: turn,
                })
            }
            Err(e) => last_error = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver on port {port} did not start a Chromium session: {last_error}");
}

/// A Chrome DevTools command, sent through chromedriver's own endpoint for them.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.command, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Browser {
    async fn devtools(&self, command: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(DevTools { command, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {command}: {e}"))
    }

    /// Makes the page `width` CSS pixels wide, as on a phone (390) or a desktop (1280): the
    /// layout viewport itself, which a window cannot be made narrower than 500 px to give.
    pub async fn set_width(&self, width: u32) {
        let mobile = width < 600;
        self.devtools(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": if mobile { 844 } else { 900 }, "deviceScaleFactor": 1, "mobile": mobile}),
        )
        .await;
    }

    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The path (and query) of the page the browser shows.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// What a script returns on the current page.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// The text the page shows (what a person reads), whitespace folded.
    pub async fn text(&self) -> String {
        let text = self.eval("return document.body.innerText").await;
        text.as_str()
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// How far the page reaches sideways beyond the window, in CSS pixels: 0 when nothing
    /// but a table's own scrolling box is wider than the screen.
    pub async fn sideways_overflow(&self) -> i64 {
        let sizes = self
            .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        sizes[0].as_i64().unwrap() - sizes[1].as_i64().unwrap()
    }

    /// A picture of the whole page, not just the window, into `target/screenshots/NAME.png`.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let shot = self
            .devtools(
                "Page.captureScreenshot",
                json!({"format": "png", "captureBeyondViewport": true}),
            )
            .await;
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("a screenshot"))
            .unwrap();
        let path = screenshots().join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// axe-core's report on the current page, checked against [`WCAG_TAGS`].
    pub async fn axe(&self) -> Value {
        self.client.execute(axe_script(), vec![]).await.unwrap();
        let run = format!(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {{runOnly: {{type: 'tag', values: {}}}, resultTypes: ['violations']}})
                .then(r => done({{violations: r.violations, passes: r.passes.map(p => p.id)}}))
                .catch(e => done({{error: String(e)}}));",
            json!(WCAG_TAGS)
        );
        let report = self.client.execute_async(&run, vec![]).await.unwrap();
        assert!(report.get("error").is_none(), "axe failed to run: {report}");
        report
    }

    /// Clicks a form's button and waits until the browser shows the page the form leads to:
    /// a click alone returns before the next page has loaded.
    pub async fn submit(&self, button: fantoccini::elements::Element) {
        self.eval("window.foiTrackerOldPage = true; return null;").await;
        button.click().await.unwrap();
        for _ in 0..200 {
            let loaded = self
                .client
                .execute(
                    "return !window.foiTrackerOldPage && document.readyState === 'complete'",
                    vec![],
                )
                .await;
            // While the next page loads, the old one may be gone: try again.
            if loaded.is_ok_and(|l| l == Value::Bool(true)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the form led to no new page within 10 seconds");
    }

    pub async fn find(&self, xpath: &str) -> fantoccini::elements::Element {
        self.client
            .find(Locator::XPath(xpath))
            .await
            .unwrap_or_else(|e| panic!("{xpath}: {e}"))
    }
}

/// Every violation axe found, one line each: rule, impact, what it says, where.
pub fn violations(report: &Value) -> Vec<String> {
    report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let targets: Vec<String> = v["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .take(5)
                .map(|n| n["target"].to_string())
                .collect();
            format!(
                "{} ({}): {} at {}",
                v["id"].as_str().unwrap_or_default(),
                v["impact"].as_str().unwrap_or_default(),
                v["help"].as_str().unwrap_or_default(),
                targets.join(", ")
            )
        })
        .collect()
}

pub fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// axe-core's script, installed with npm on first use.
fn axe_script() -> &'static str {
    static SCRIPT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SCRIPT.get_or_init(|| {
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-tools");
        let script = tools.join("node_modules/axe-core/axe.min.js");
        let version = |script: &Path| {
            std::fs::read_to_string(script)
                .ok()
                .filter(|s| s.contains(&format!("axe v{}", &AXE_CORE[9..])))
        };
        if let Some(text) = version(&script) {
            return text;
        }
        std::fs::create_dir_all(&tools).unwrap();
        // Several test binaries may get here at once: one installs, the others wait for it.
        let lock = std::fs::File::create(tools.join("install.lock")).unwrap();
        lock.lock().unwrap();
        if let Some(text) = version(&script) {
            return text;
        }
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&tools)
            .arg(AXE_CORE)
            .status();
        assert!(
            status.as_ref().is_ok_and(|s| s.success()),
            "the browser tests need npm to install {AXE_CORE}: {status:?}"
        );
        version(&script).unwrap_or_else(|| panic!("npm installed no {AXE_CORE}"))
    })
}

/// The contrast ratio of two sRGB colours, as WCAG defines it (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let luminance = |c: [u8; 3]| {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
    };
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `rgb(r, g, b)` or `rgba(r, g, b, a)` as a browser reports a computed colour.
pub fn rgb(css: &str) -> [u8; 3] {
    let inside = css
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(inside, _)| inside)
        .unwrap_or_else(|| panic!("not a computed colour: {css}"));
    let parts: Vec<u8> = inside
        .split(',')
        .take(3)
        .map(|p| p.trim().parse().unwrap())
        .collect();
    [parts[0], parts[1], parts[2]]
}
