//! What an operator watches, in the Prometheus text format: requests by route and status with
//! their latency, the database pool, the reminder outbox and sweep, and the page cache.
//!
//! Counters move as things happen; the rest is read from the database and the pool when
//! Prometheus scrapes ([`Snapshot`]), so that what a scrape shows is true at that moment
//! whichever instance did the work.

use std::time::Duration;

use prometheus::{
    Encoder, Gauge, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Latency buckets, in seconds: a page is fast under 50 ms, slow past a second.
const LATENCY_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Waits for a pooled connection, in seconds: nearly always none.
const POOL_WAIT_BUCKETS: &[f64] = &[0.0001, 0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0];

/// The application's metrics, one set per running application.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    pool_wait: Histogram,
    pool_timeouts: IntCounter,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    outbox: IntGaugeVec,
    outbox_oldest: Gauge,
    sweep_started: Gauge,
    sweep_finished: Gauge,
    sweep_duration: Gauge,
    sweep_notices: IntGaugeVec,
    page_cache: IntCounterVec,
    page_cache_bytes: IntGauge,
    up: GaugeVec,
}

/// What a scrape reads besides the counters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub pool_max: u32,
    pub pool_open: u32,
    pub pool_idle: u32,
    pub outbox_pending: i64,
    pub outbox_failed: i64,
    /// Seconds since the oldest notice still unsent (pending or failed) was planned.
    pub outbox_oldest_seconds: Option<f64>,
    pub last_sweep: Option<SweepFigures>,
    pub page_cache_hits: u64,
    pub page_cache_misses: u64,
    /// What the pages kept now weigh.
    pub page_cache_bytes: usize,
}

/// The last sweep as recorded: started and finished as Unix seconds, and what it did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepFigures {
    pub started: f64,
    /// None while it runs, or if it was interrupted (the next sweep completes its work).
    pub finished: Option<f64>,
    pub planned: i64,
    pub sent: i64,
    pub failed: i64,
    pub cancelled: i64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let registry = Registry::new_custom(Some("foi".into()), None).expect("a valid prefix");
        let metrics = Metrics {
            http_requests: IntCounterVec::new(
                Opts::new(
                    "http_requests_total",
                    "HTTP requests answered, by route template and status",
                ),
                &["method", "route", "status"],
            )
            .expect("a valid metric"),
            http_duration: HistogramVec::new(
                HistogramOpts::new(
                    "http_request_duration_seconds",
                    "Time from a request's arrival to its response, by route template",
                )
                .buckets(LATENCY_BUCKETS.to_vec()),
                &["method", "route"],
            )
            .expect("a valid metric"),
            pool_wait: Histogram::with_opts(
                HistogramOpts::new(
                    "db_pool_wait_seconds",
                    "Time spent waiting for a database connection from the pool",
                )
                .buckets(POOL_WAIT_BUCKETS.to_vec()),
            )
            .expect("a valid metric"),
            pool_timeouts: IntCounter::new(
                "db_pool_timeouts_total",
                "Waits for a database connection that gave up",
            )
            .expect("a valid metric"),
            pool_connections: IntGaugeVec::new(
                Opts::new("db_pool_connections", "Database connections open, in use or idle"),
                &["state"],
            )
            .expect("a valid metric"),
            pool_max: IntGauge::new("db_pool_max_connections", "The most connections the pool opens")
                .expect("a valid metric"),
            outbox: IntGaugeVec::new(
                Opts::new(
                    "outbox_notices",
                    "Reminder notices not yet sent: pending, or failed and waiting for a retry",
                ),
                &["status"],
            )
            .expect("a valid metric"),
            outbox_oldest: Gauge::new(
                "outbox_oldest_unsent_age_seconds",
                "How long the oldest unsent reminder notice has waited (0 when none waits)",
            )
            .expect("a valid metric"),
            sweep_started: Gauge::new(
                "reminder_sweep_last_started_timestamp_seconds",
                "When the last reminder sweep started, as a Unix time (0: never)",
            )
            .expect("a valid metric"),
            sweep_finished: Gauge::new(
                "reminder_sweep_last_finished_timestamp_seconds",
                "When the last reminder sweep finished, as a Unix time (0: running or interrupted)",
            )
            .expect("a valid metric"),
            sweep_duration: Gauge::new(
                "reminder_sweep_last_duration_seconds",
                "How long the last finished reminder sweep took",
            )
            .expect("a valid metric"),
            sweep_notices: IntGaugeVec::new(
                Opts::new(
                    "reminder_sweep_last_notices",
                    "What the last finished reminder sweep did with notices",
                ),
                &["outcome"],
            )
            .expect("a valid metric"),
            page_cache: IntCounterVec::new(
                Opts::new(
                    "page_cache_lookups_total",
                    "Rendered pages looked up in the page cache",
                ),
                &["result"],
            )
            .expect("a valid metric"),
            page_cache_bytes: IntGauge::new(
                "page_cache_bytes",
                "What the rendered pages kept in the page cache weigh",
            )
            .expect("a valid metric"),
            up: GaugeVec::new(
                Opts::new("build_info", "The running version of foi-tracker (always 1)"),
                &["version"],
            )
            .expect("a valid metric"),
            registry,
        };
        metrics.register();
        metrics
            .up
            .with_label_values(&[env!("CARGO_PKG_VERSION")])
            .set(1.0);
        metrics
    }

    fn register(&self) {
        let collectors: Vec<Box<dyn prometheus::core::Collector>> = vec![
            Box::new(self.http_requests.clone()),
            Box::new(self.http_duration.clone()),
            Box::new(self.pool_wait.clone()),
            Box::new(self.pool_timeouts.clone()),
            Box::new(self.pool_connections.clone()),
            Box::new(self.pool_max.clone()),
            Box::new(self.outbox.clone()),
            Box::new(self.outbox_oldest.clone()),
            Box::new(self.sweep_started.clone()),
            Box::new(self.sweep_finished.clone()),
            Box::new(self.sweep_duration.clone()),
            Box::new(self.sweep_notices.clone()),
            Box::new(self.page_cache.clone()),
            Box::new(self.page_cache_bytes.clone()),
            Box::new(self.up.clone()),
        ];
        for collector in collectors {
            self.registry
                .register(collector)
                .expect("metric names are distinct");
        }
        // The process's memory, CPU and open files, where the system tells them (Linux).
        let process = prometheus::process_collector::ProcessCollector::for_self();
        let _ = self.registry.register(Box::new(process));
    }

    /// One request answered: `route` is the route's template (never the path, which holds
    /// ids and would make a series per request).
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.http_requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.http_duration
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    /// Told by the pool each time a connection is handed out or a wait gives up.
    pub fn pool_events(&self) -> PoolEvents {
        PoolEvents {
            wait: self.pool_wait.clone(),
            timeouts: self.pool_timeouts.clone(),
        }
    }

    /// The text Prometheus reads, with the gauges set from `now`.
    pub fn render(&self, now: &Snapshot) -> String {
        self.pool_max.set(now.pool_max.into());
        self.pool_connections
            .with_label_values(&["idle"])
            .set(now.pool_idle.into());
        self.pool_connections
            .with_label_values(&["in_use"])
            .set(i64::from(now.pool_open.saturating_sub(now.pool_idle)));
        self.outbox
            .with_label_values(&["pending"])
            .set(now.outbox_pending);
        self.outbox.with_label_values(&["failed"]).set(now.outbox_failed);
        self.outbox_oldest
            .set(now.outbox_oldest_seconds.unwrap_or(0.0).max(0.0));
        let sweep = now.last_sweep.clone().unwrap_or_default();
        self.sweep_started.set(sweep.started);
        self.sweep_finished.set(sweep.finished.unwrap_or(0.0));
        if let Some(finished) = sweep.finished {
            self.sweep_duration.set((finished - sweep.started).max(0.0));
            for (outcome, count) in [
                ("planned", sweep.planned),
                ("sent", sweep.sent),
                ("failed", sweep.failed),
                ("cancelled", sweep.cancelled),
            ] {
                self.sweep_notices.with_label_values(&[outcome]).set(count);
            }
        }
        for (result, total) in [("hit", now.page_cache_hits), ("miss", now.page_cache_misses)] {
            let counter = self.page_cache.with_label_values(&[result]);
            counter.inc_by(total.saturating_sub(counter.get()));
        }
        self.page_cache_bytes
            .set(i64::try_from(now.page_cache_bytes).unwrap_or(i64::MAX));
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut text)
            .expect("metrics encode as text");
        String::from_utf8(text).expect("the text format is UTF-8")
    }
}

/// The pool's events, as metrics.
#[derive(Debug)]
pub struct PoolEvents {
    wait: Histogram,
    timeouts: IntCounter,
}

impl diesel::r2d2::HandleEvent for PoolEvents {
    fn handle_checkout(&self, event: diesel::r2d2::event::CheckoutEvent) {
        self.wait.observe(event.duration().as_secs_f64());
    }

    fn handle_timeout(&self, _event: diesel::r2d2::event::TimeoutEvent) {
        self.timeouts.inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_template_and_status() {
        let metrics = Metrics::new();
        metrics.observe_request("GET", "/requests/{id}", 200, Duration::from_millis(12));
        metrics.observe_request("GET", "/requests/{id}", 200, Duration::from_millis(30));
        let text = metrics.render(&Snapshot::default());
        assert!(
            text.contains(r#"foi_http_requests_total{method="GET",route="/requests/{id}",status="200"} 2"#),
            "{text}"
        );
        assert!(
            text.contains(r#"foi_http_request_duration_seconds_bucket{method="GET",route="/requests/{id}",le="0.025"} 1"#),
            "{text}"
        );
    }

    #[test]
    fn the_page_cache_counters_follow_the_cache_and_never_go_back() {
        let metrics = Metrics::new();
        let seen = |hits| Snapshot {
            page_cache_hits: hits,
            ..Snapshot::default()
        };
        metrics.render(&seen(5));
        let text = metrics.render(&seen(7));
        assert!(
            text.contains(r#"foi_page_cache_lookups_total{result="hit"} 7"#),
            "{text}"
        );
        let text = metrics.render(&Snapshot {
            page_cache_bytes: 40_960,
            ..seen(7)
        });
        assert!(text.contains("foi_page_cache_bytes 40960"), "{text}");
    }
}
