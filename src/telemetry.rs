//! Log lines, human or JSON, filtered by RUST_LOG (default: info).

use std::sync::OnceLock;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// The format of the subscriber installed first, if any.
static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Whether log lines are JSON: then the process's own messages are log events too.
pub fn json() -> bool {
    FORMAT.get() == Some(&LogFormat::Json)
}

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info"))
        // Handlebars logs every value a template renders at debug level, one-time secrets
        // included: it never logs below warn, whatever RUST_LOG says.
        .add_directive("handlebars=warn".parse().expect("a valid directive"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second call (tests start several servers) keeps the first subscriber.
    let installed = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    if installed.is_ok() {
        let _ = FORMAT.set(format);
    }
}
