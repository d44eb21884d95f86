//! Stopping on SIGTERM without losing work: the server finishes the requests in flight, and a
//! reminder sweep stops between two messages (never between sending one and recording it),
//! leaving itself unfinished so that the next sweep, in this process or another, completes it.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Shutdown {
    requested: AtomicBool,
    notify: Notify,
}

impl Shutdown {
    /// Asks everything that watches to stop at its next safe point.
    pub fn begin(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Returns once [`begin`](Self::begin) has been called.
    pub async fn wait(&self) {
        loop {
            let notified = self.notify.notified();
            if self.requested() {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Shutdown;

    #[tokio::test]
    async fn a_waiter_wakes_when_shutdown_begins_even_if_it_came_late() {
        let shutdown = std::sync::Arc::new(Shutdown::default());
        let waiter = tokio::spawn({
            let shutdown = shutdown.clone();
            async move { shutdown.wait().await }
        });
        tokio::task::yield_now().await;
        assert!(!shutdown.requested());
        shutdown.begin();
        waiter.await.unwrap();
        // One that starts waiting afterwards returns at once.
        shutdown.wait().await;
        assert!(shutdown.requested());
    }
}
