//! Every answer the API gives in any test is checked against the OpenAPI document the server
//! publishes: a byte-for-byte TCP relay stands between the tests and the server, keeps a copy of
//! each connection, and when the test's app is dropped every `/api/v1` exchange in it is read
//! back and held to the document (status documented, content type documented, JSON body valid
//! against its schema with formats checked, documented headers present). A relay rather than a
//! client wrapper, so that no test can go around it and the server sees exactly the bytes the
//! test sent (early 413s, slow bodies and raw sockets behave as they do without it).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use utoipa::OpenApi;

/// The relay's own runtime, so that a test blocking its own runtime (a blocking client, a
/// child process) never stalls the relay.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("contract-relay")
        .enable_all()
        .build()
        .unwrap()
});

/// The document as `GET /api/v1/openapi.json` serves it.
static DOCUMENT: LazyLock<Value> =
    LazyLock::new(|| serde_json::to_value(foi_tracker::web::api::openapi::ApiDoc::openapi()).unwrap());

/// One connection's bytes, each way, in order.
#[derive(Default)]
struct Transcript {
    sent: Vec<u8>,
    answered: Vec<u8>,
}

/// The relay in front of one server.
pub struct Contract {
    pub address: String,
    transcripts: Arc<Mutex<Vec<Arc<Mutex<Transcript>>>>>,
    listener: Mutex<Option<std::net::TcpListener>>,
    accepting: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Contract {
    /// A relay's address, known before the server it will stand in front of starts, so that
    /// the server's links (emails, feeds) point at it.
    pub fn bind() -> Contract {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        Contract {
            address: format!("http://{}", listener.local_addr().unwrap()),
            transcripts: Arc::default(),
            listener: Mutex::new(Some(listener)),
            accepting: Mutex::new(None),
        }
    }

    /// Relays every connection to the server at `upstream` (`host:port`).
    pub fn forward_to(&self, upstream: String) {
        let listener = self
            .listener
            .lock()
            .unwrap()
            .take()
            .expect("the relay starts once");
        let kept = self.transcripts.clone();
        let accepting = RUNTIME.spawn(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            while let Ok((client, _)) = listener.accept().await {
                let transcript = Arc::new(Mutex::new(Transcript::default()));
                kept.lock().unwrap().push(transcript.clone());
                tokio::spawn(relay_connection(client, upstream.clone(), transcript));
            }
        });
        *self.accepting.lock().unwrap() = Some(accepting);
    }

    /// Every `/api/v1` exchange so far, each with what it answered that the document does not say.
    pub fn checked(&self) -> Vec<(Exchange, Result<(), String>)> {
        let transcripts = self.transcripts.lock().unwrap();
        transcripts
            .iter()
            .flat_map(|t| {
                let t = t.lock().unwrap();
                exchanges(&t.sent, &t.answered)
            })
            .filter(|exchange| exchange.target.starts_with("/api/v1/"))
            .map(|exchange| {
                let verdict = check(&exchange);
                (exchange, verdict)
            })
            .collect()
    }

    /// What the API answered, in every connection so far, that the document does not say.
    pub fn violations(&self) -> Vec<String> {
        self.checked()
            .into_iter()
            .filter_map(|(_, verdict)| verdict.err())
            .collect()
    }
}

impl Drop for Contract {
    fn drop(&mut self) {
        if let Some(accepting) = self.accepting.lock().unwrap().take() {
            accepting.abort();
        }
        if std::thread::panicking() {
            return;
        }
        let violations = self.violations();
        assert!(
            violations.is_empty(),
            "the API answered {} time(s) otherwise than its OpenAPI document says:\n{}",
            violations.len(),
            violations.join("\n")
        );
    }
}

async fn relay_connection(client: TcpStream, upstream: String, transcript: Arc<Mutex<Transcript>>) {
    let Ok(server) = TcpStream::connect(&upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let upward = transcript.clone();
    let up = tokio::spawn(async move {
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            match from_client.read(&mut buffer).await {
                Ok(0) | Err(_) => {
                    let _ = to_server.shutdown().await;
                    return from_client;
                }
                Ok(n) => {
                    upward.lock().unwrap().sent.extend_from_slice(&buffer[..n]);
                    if to_server.write_all(&buffer[..n]).await.is_err() {
                        return from_client;
                    }
                }
            }
        }
    });
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match from_server.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                // Kept before it is passed on, so that whatever the test has read is on record.
                transcript
                    .lock()
                    .unwrap()
                    .answered
                    .extend_from_slice(&buffer[..n]);
                if to_client.write_all(&buffer[..n]).await.is_err() {
                    break;
                }
            }
        }
    }
    // The server has closed: so does the relay, both ways, as the server's own close would
    // look to the client.
    let _ = to_client.shutdown().await;
    up.abort();
}

/// One request and its answer, as read back from a connection.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub method: String,
    pub target: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// The complete exchanges of one connection; an exchange cut short (the test dropped the
/// answer half read, or the connection is still open) ends the reading.
fn exchanges(sent: &[u8], answered: &[u8]) -> Vec<Exchange> {
    let mut found = Vec::new();
    let (mut s, mut a) = (0, 0);
    while s < sent.len() {
        let Some((method, target, headers, used)) = request_head(&sent[s..]) else {
            break;
        };
        s += used;
        // A body not all sent may still have been answered early (a 401 or 413 before the
        // upload ends): that answer is checked, and the connection read no further.
        let sent_whole = match body(&sent[s..], &headers, false, true) {
            Some((_, used)) => {
                s += used;
                true
            }
            None => false,
        };
        // Skip interim answers (100 Continue).
        let answer = loop {
            let Some((status, headers, used)) = response_head(&answered[a..]) else {
                return found;
            };
            a += used;
            if !(100..200).contains(&status) {
                break (status, headers);
            }
        };
        let (status, headers) = answer;
        let no_body = method == "HEAD" || status == 204 || status == 304;
        let Some((content, used)) = body(&answered[a..], &headers, no_body, false) else {
            break;
        };
        a += used;
        found.push(Exchange {
            method,
            target,
            status,
            headers,
            body: content,
        });
        if !sent_whole {
            break;
        }
    }
    found
}

type Headers = Vec<(String, String)>;
/// A request's method, target and headers, and the bytes its head took.
type Head = (String, String, Headers, usize);

fn request_head(bytes: &[u8]) -> Option<Head> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes).ok()? {
        httparse::Status::Complete(used) => Some((
            request.method?.to_string(),
            request.path?.to_string(),
            owned(request.headers),
            used,
        )),
        httparse::Status::Partial => None,
    }
}

fn response_head(bytes: &[u8]) -> Option<(u16, Headers, usize)> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(bytes).ok()? {
        httparse::Status::Complete(used) => Some((response.code?, owned(response.headers), used)),
        httparse::Status::Partial => None,
    }
}

fn owned(headers: &[httparse::Header]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

fn header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// A message's body and the bytes it took: by chunks, by length, or (an answer with neither)
/// up to the close. `None` if it is not all there.
fn body(
    bytes: &[u8],
    headers: &[(String, String)],
    none: bool,
    is_request: bool,
) -> Option<(Vec<u8>, usize)> {
    if none {
        return Some((Vec::new(), 0));
    }
    if header(headers, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return chunked(bytes);
    }
    match header(headers, "content-length") {
        Some(length) => {
            let length: usize = length.trim().parse().ok()?;
            (bytes.len() >= length).then(|| (bytes[..length].to_vec(), length))
        }
        None if is_request => Some((Vec::new(), 0)),
        None => Some((bytes.to_vec(), bytes.len())),
    }
}

fn chunked(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut content = Vec::new();
    let mut at = 0;
    loop {
        let httparse::Status::Complete((used, size)) = httparse::parse_chunk_size(&bytes[at..]).ok()? else {
            return None;
        };
        at += used;
        let size = usize::try_from(size).ok()?;
        if size == 0 {
            // Trailers, if any, then the empty line.
            let end = bytes[at..].windows(2).position(|w| w == b"\r\n")?;
            if end == 0 {
                return Some((content, at + 2));
            }
            let rest = bytes[at..].windows(4).position(|w| w == b"\r\n\r\n")?;
            return Some((content, at + rest + 4));
        }
        if bytes.len() < at.checked_add(size)?.checked_add(2)? {
            return None;
        }
        content.extend_from_slice(&bytes[at..at + size]);
        at += size + 2;
    }
}

/// The document's path template that `path` falls under, the most literal one first
/// (`/requests/wdtk` before `/requests/{id}`).
fn template(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    DOCUMENT["paths"]
        .as_object()?
        .keys()
        .filter_map(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with('{') && part.ends_with('}') {
                    if segment.is_empty() {
                        return None;
                    }
                } else if part == segment {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, template.as_str()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, template)| template)
}

/// Where in the document `exchange`'s answer is described, and whether it matches.
pub fn check(exchange: &Exchange) -> Result<(), String> {
    let path = exchange.target.split('?').next().unwrap_or_default();
    if !path.starts_with("/api/v1/") {
        return Ok(());
    }
    let said = |what: String| {
        format!(
            "{} {} answered {}: {what}",
            exchange.method, exchange.target, exchange.status
        )
    };
    // A path the API does not have is a 404 that no operation describes.
    let Some(template) = template(path) else {
        return Ok(());
    };
    let method = match exchange.method.as_str() {
        "HEAD" => "get".to_string(),
        other => other.to_ascii_lowercase(),
    };
    let operation = &DOCUMENT["paths"][template][&method];
    if operation.is_null() {
        return match exchange.status {
            405 => Ok(()),
            _ => Err(said(format!("{method} is not an operation of {template}"))),
        };
    }
    let status = exchange.status.to_string();
    let class = format!("{}XX", &status[..1]);
    let responses = &operation["responses"];
    let response = [status.as_str(), class.as_str(), "default"]
        .into_iter()
        .map(|key| &responses[key])
        .find(|r| !r.is_null())
        .ok_or_else(|| said(format!("the document lists no {status} for {method} {template}")))?;
    if let Some(headers) = response["headers"].as_object() {
        // The API sends every header it documents on every such answer (Location, ETag, Link).
        for name in headers.keys() {
            if header(&exchange.headers, &name.to_ascii_lowercase()).is_none() {
                return Err(said(format!(
                    "no {name} header, which the document says it sends"
                )));
            }
        }
    }
    if exchange.body.is_empty() || exchange.method == "HEAD" {
        return Ok(());
    }
    let content_type = header(&exchange.headers, "content-type")
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .ok_or_else(|| said("a body without a content type".into()))?;
    let Some(contents) = response["content"].as_object() else {
        return Err(said(format!(
            "a {content_type} body where the document says none"
        )));
    };
    let documented = contents
        .keys()
        .find(|k| media_matches(k, &content_type))
        .ok_or_else(|| {
            let listed: Vec<&String> = contents.keys().collect();
            said(format!(
                "a {content_type} body where the document lists {listed:?}"
            ))
        })?;
    let is_json = content_type == "application/json" || content_type.ends_with("+json");
    let schema = &contents[documented]["schema"];
    if !is_json || schema.is_null() {
        return Ok(());
    }
    let value: Value = serde_json::from_slice(&exchange.body)
        .map_err(|e| said(format!("a {content_type} body that is not JSON ({e})")))?;
    let errors = schema_errors(
        &format!("{template} {method} {status} {documented}"),
        schema,
        &value,
    );
    match errors.is_empty() {
        true => Ok(()),
        false => {
            let shown = serde_json::to_string(&value).unwrap_or_default();
            let shown: String = shown.chars().take(400).collect();
            Err(said(format!(
                "a body that breaks its schema: {}; the body began {shown}",
                errors.join("; ")
            )))
        }
    }
}

/// Where `value` breaks `schema`, a schema of the document at the place `key` names (its first
/// five faults).
pub fn schema_errors(key: &str, schema: &Value, value: &Value) -> Vec<String> {
    with_validator(key, schema, |validator| {
        validator
            .iter_errors(value)
            .take(5)
            .map(|e| format!("at {} {e}", e.instance_path()))
            .collect()
    })
}

fn media_matches(documented: &str, served: &str) -> bool {
    documented == served
        || documented == "*/*"
        || documented
            .strip_suffix("/*")
            .is_some_and(|major| served.starts_with(&format!("{major}/")))
}

/// Validators are compiled once per described answer, for the whole test binary.
fn with_validator<T>(key: &str, schema: &Value, f: impl FnOnce(&jsonschema::Validator) -> T) -> T {
    static VALIDATORS: LazyLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> =
        LazyLock::new(Mutex::default);
    let validator = {
        let mut validators = VALIDATORS.lock().unwrap();
        validators
            .entry(key.to_string())
            .or_insert_with(|| {
                // The schema inside a root that carries the components its `$ref`s name.
                let root = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "allOf": [schema],
                    "components": DOCUMENT["components"],
                });
                Arc::new(
                    jsonschema::options()
                        .should_validate_formats(true)
                        .build(&root)
                        .unwrap_or_else(|e| panic!("the document's schema for {key} compiles: {e}")),
                )
            })
            .clone()
    };
    f(&validator)
}
