//! Rendered pages kept while nothing they show can have changed: the register's version (moved
//! by every committed write, in any instance sharing the database) and the day are the same.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

/// Pages kept at most, and their bytes: past either the cache starts afresh, so that its
/// memory stays bounded whatever the number of users and addresses.
const CAPACITY: usize = 1024;
const CAPACITY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Default)]
pub struct PageCache {
    entries: Mutex<Entries>,
    hits: AtomicU64,
    misses: AtomicU64,
}

#[derive(Default)]
struct Entries {
    pages: HashMap<String, Entry>,
    bytes: usize,
}

struct Entry {
    version: i64,
    today: NaiveDate,
    html: Arc<str>,
}

impl PageCache {
    pub fn get(&self, key: &str, version: i64, today: NaiveDate) -> Option<Arc<str>> {
        let entries = self.entries.lock().expect("page cache lock");
        let found = entries
            .pages
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

    /// Pages and bytes kept now.
    pub fn size(&self) -> (usize, usize) {
        let entries = self.entries.lock().expect("page cache lock");
        (entries.pages.len(), entries.bytes)
    }

    pub fn put(&self, key: String, version: i64, today: NaiveDate, html: Arc<str>) {
        let mut entries = self.entries.lock().expect("page cache lock");
        // A page of an older version or day can never be served again: every lookup asks
        // for the register's current version. Dropping them keeps only what can be used.
        let stale = entries
            .pages
            .values()
            .any(|e| e.version < version || e.today < today);
        if stale {
            entries
                .pages
                .retain(|_, e| e.version >= version && e.today >= today);
        }
        entries.pages.remove(&key);
        let mut kept: usize = entries.pages.values().map(|e| e.html.len()).sum();
        if entries.pages.len() >= CAPACITY || kept + html.len() > CAPACITY_BYTES {
            entries.pages.clear();
            kept = 0;
        }
        entries.bytes = kept + html.len();
        entries.pages.insert(key, Entry { version, today, html });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, d).unwrap()
    }

    #[test]
    fn a_newer_version_or_day_drops_the_pages_no_lookup_can_reach() {
        let cache = PageCache::default();
        cache.put("1:/".into(), 7, day(1), "a".repeat(10).into());
        cache.put("2:/".into(), 7, day(1), "b".repeat(20).into());
        assert_eq!(cache.size(), (2, 30));
        cache.put("1:/requests".into(), 8, day(1), "c".repeat(5).into());
        assert_eq!(cache.size(), (1, 5), "version 7's pages are gone");
        assert!(cache.get("1:/", 7, day(1)).is_none());
        cache.put("1:/".into(), 8, day(2), "d".repeat(3).into());
        assert_eq!(cache.size(), (1, 3), "yesterday's page is gone");
        assert_eq!(cache.get("1:/", 8, day(2)).as_deref(), Some("ddd"));
    }

    #[test]
    fn the_bytes_kept_never_pass_the_bound() {
        let cache = PageCache::default();
        let page: Arc<str> = "x".repeat(1024 * 1024).into();
        for user in 0..100 {
            cache.put(format!("{user}:/"), 1, day(1), page.clone());
            let (pages, bytes) = cache.size();
            assert!(bytes <= CAPACITY_BYTES, "{bytes} bytes kept");
            assert_eq!(bytes, pages * page.len());
        }
        // The same key again replaces its page, counted once.
        cache.put("99:/".into(), 1, day(1), "y".into());
        let (pages, bytes) = cache.size();
        assert_eq!(bytes, (pages - 1) * page.len() + 1);
    }
}
