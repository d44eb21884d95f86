//! Catches the search index up inside `serve` (with the scheduler): the requests and
//! documents stored before search existed, and any document whose reading a crash or a busy
//! sandbox interrupted. Documents stored now are read as they are stored; this finds the rest,
//! a round at a time, so that it resumes wherever it stopped.

use std::sync::Arc;
use std::time::Duration;

use super::scheduler::{blocking, Context};

/// The pause between rounds while there is nothing left to read.
const IDLE: Duration = Duration::from_secs(30);

pub async fn run(state: Arc<Context>) {
    while !state.shutdown.requested() {
        let round = blocking(&state, |_, conn| {
            crate::tracker::search::catch_up(conn).map_err(|e| e.to_string())
        })
        .await;
        let busy = match round {
            Ok((0, 0)) => false,
            Ok((requests, documents)) => {
                tracing::info!(requests, documents, "indexed for search");
                true
            }
            Err(error) => {
                tracing::error!(%error, "indexing for search failed; it is tried again shortly");
                false
            }
        };
        if busy {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(IDLE) => {}
            () = state.shutdown.wait() => {}
        }
    }
}
