//! Reads every organisation's mailbox inside `serve`, every `imap_poll_seconds`, filing new
//! replies (`tracker::inbox`). A mailbox that cannot be read is tried again next time, from
//! where it was left: nothing is lost meanwhile.

use std::sync::Arc;
use std::time::Duration;

use super::scheduler::{blocking, Context};

pub async fn run(state: Arc<Context>) {
    let every = Duration::from_secs(state.settings.imap_poll_seconds.max(1));
    while !state.shutdown.requested() {
        let read = blocking(&state, |context, conn| {
            crate::tracker::inbox::poll_all(conn, &context.settings).map_err(|e| e.to_string())
        })
        .await;
        if let Err(error) = read {
            tracing::error!(%error, "reading the mailboxes failed; it runs again at the next tick");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = state.shutdown.wait() => {}
        }
    }
}
