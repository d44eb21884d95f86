//! Rendered pages kept while nothing they show can have changed: the register's version (moved
//! by every committed write, in any instance sharing the database) and the day are the same.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use chrono::NaiveDate;

/// Pages kept at most; past that the cache starts afresh.
const CAPACITY: usize = 1024;

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<String, Entry>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

struct Entry {
    version: i64,
    today: NaiveDate,
    html: String,
}

impl PageCache {
    pub fn get(&self, key: &str, version: i64, today: NaiveDate) -> Option<String> {
        let entries = self.entries.lock().expect("page cache lock");
        let found = entries
            .get(key)
            .filter(|e| e.version == version && e.today == today)
            .map(|e| e.html.clone());
        let counter = if found.is_some() { &self.hits } else { &self.misses };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Lookups that found a page, and that did not, since the start.
    pub fn lookups(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    pub fn put(&self, key: String, version: i64, today: NaiveDate, html: String) {
        let mut entries = self.entries.lock().expect("page cache lock");
        if entries.len() >= CAPACITY && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, Entry { version, today, html });
    }
}
