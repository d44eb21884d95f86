//! An authority's reply saved as an `.eml` file, read into what the timeline records: when it
//! was sent, by whom, its subject and text, and its attachments; within bounds, so that one
//! message cannot become thousands of documents.

use serde::{Deserialize, Serialize};

/// The most attachments a reply may carry: authorities send a few; ninety thousand is an
/// attack on the server, not a reply.
pub const MAX_ATTACHMENTS: usize = 100;
/// The most bytes of decoded attachments and text one message may make.
pub const MAX_DECODED_BYTES: usize = 64 * 1024 * 1024;

/// A reply, as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    /// Seconds since 1970, UTC.
    pub sent: i64,
    pub sender: String,
    pub subject: String,
    pub text: String,
    pub attachments: Vec<Attachment>,
    /// Its Message-ID, without angle brackets.
    #[serde(default)]
    pub message_id: Option<String>,
    /// The messages it answers (In-Reply-To, then References) and, for a report that a message
    /// could not be delivered, that message: without angle brackets.
    #[serde(default)]
    pub thread: Vec<String>,
    /// Every address it was sent to (To, Cc, Delivered-To, X-Original-To), in lower case.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// A mail server's report that a message could not be delivered.
    #[serde(default)]
    pub bounce: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    /// The content, base64: the reply travels as JSON from the parser's process.
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
}

mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(serde::de::Error::custom)
    }
}

/// The words a search finds a message by: its subject, sender and body text, whatever it
/// lacks (a date, a sender) that recording it as a response would need; `None` if it is no
/// message at all.
pub fn words(bytes: &[u8]) -> Option<String> {
    use mail_parser::MessageParser;
    let message = MessageParser::default()
        .parse(bytes)
        // The parser takes any bytes for a body: a message names someone, a day or a subject.
        .filter(|m| m.from().is_some() || m.date().is_some() || m.subject().is_some())?;
    let subject = message.subject().unwrap_or_default();
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or_default();
    let text = message.body_text(0).unwrap_or_default();
    Some(format!("Subject: {subject}\nFrom: {sender}\n\n{}", text.trim()))
}

/// Reads `bytes`, the file `name`; or why it cannot be recorded, in words for the researcher.
pub fn read(name: &str, bytes: &[u8]) -> Result<Email, String> {
    use mail_parser::{MessageParser, MimeHeaders};
    let message = MessageParser::default()
        .parse(bytes)
        .filter(|m| m.from().is_some() || m.date().is_some())
        .ok_or_else(|| format!("{name} is not an email message"))?;
    let sent = message
        .date()
        .map(|d| d.to_timestamp())
        .filter(|t| chrono::DateTime::from_timestamp(*t, 0).is_some())
        .ok_or_else(|| format!("{name} has no date: record the response by hand"))?;
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("an unknown sender")
        .to_string();
    let subject = message.subject().unwrap_or("(no subject)").to_string();
    let text = message
        .body_text(0)
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    let count = message.attachments().count();
    if count > MAX_ATTACHMENTS {
        return Err(format!(
            "{name} has {count} attachments; a reply can be imported with at most {MAX_ATTACHMENTS}: save the attachments and upload the ones that matter"
        ));
    }
    let mut total = text.len();
    let mut attachments = Vec::with_capacity(count);
    for (n, part) in message.attachments().enumerate() {
        let part_name = part
            .attachment_name()
            .map(str::to_string)
            .unwrap_or_else(|| format!("attachment-{}", n + 1));
        let content = part.contents();
        total += content.len();
        if total > MAX_DECODED_BYTES {
            return Err(format!(
                "{name} holds more than {} MB once decoded: too large to import",
                MAX_DECODED_BYTES / (1024 * 1024)
            ));
        }
        attachments.push(Attachment {
            name: part_name,
            content: content.to_vec(),
        });
    }
    let mut thread: Vec<String> = [message.in_reply_to(), message.references()]
        .iter()
        .filter_map(|value| value.as_text_list())
        .flatten()
        .map(|id| id.trim_matches(['<', '>', ' ']).to_string())
        .filter(|id| !id.is_empty())
        .collect();
    let bounce = is_bounce(&message, &sender, &subject);
    if bounce {
        thread.extend(bounced_ids(&message));
    }
    let mut recipients: Vec<String> = [message.to(), message.cc()]
        .into_iter()
        .flatten()
        .flat_map(|a| a.iter())
        .filter_map(|a| a.address())
        .map(str::to_string)
        .collect();
    for name in ["Delivered-To", "X-Original-To"] {
        recipients.extend(
            message
                .header_values(name)
                .filter_map(|v| v.as_text())
                .map(|v| v.trim().to_string()),
        );
    }
    for recipient in &mut recipients {
        recipient.make_ascii_lowercase();
    }
    recipients.sort();
    recipients.dedup();
    Ok(Email {
        sent,
        sender,
        subject,
        text,
        attachments,
        message_id: message.message_id().map(str::to_string),
        thread,
        recipients,
        bounce,
    })
}

/// A delivery status report (RFC 3464), or what a mail server that writes none sends instead.
fn is_bounce(message: &mail_parser::Message<'_>, sender: &str, subject: &str) -> bool {
    use mail_parser::MimeHeaders;
    let report = message.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && c.attribute("report-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"))
    });
    let local = sender.split('@').next().unwrap_or_default().to_ascii_lowercase();
    let subject = subject.to_ascii_lowercase();
    let daemon = matches!(local.as_str(), "mailer-daemon" | "postmaster")
        && [
            "undeliver",
            "delivery status",
            "delivery failure",
            "failure notice",
            "returned mail",
            "delivery has failed",
        ]
        .iter()
        .any(|words| subject.contains(words));
    report || daemon
}

/// The Message-IDs of the messages a report returns: of an attached message, or named in
/// attached headers (text/rfc822-headers).
fn bounced_ids(message: &mail_parser::Message<'_>) -> Vec<String> {
    use mail_parser::{MimeHeaders, PartType};
    let mut ids = Vec::new();
    for part in &message.parts {
        match &part.body {
            PartType::Message(returned) => ids.extend(returned.message_id().map(str::to_string)),
            PartType::Text(text)
                if part.content_type().is_some_and(|c| {
                    c.subtype()
                        .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
                }) =>
            {
                ids.extend(text.lines().find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.trim()
                        .eq_ignore_ascii_case("message-id")
                        .then(|| value.trim().trim_matches(['<', '>']).to_string())
                }));
            }
            _ => {}
        }
    }
    ids
}
