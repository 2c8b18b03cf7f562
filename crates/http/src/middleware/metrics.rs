//! Prometheus metrics: HTTP request counts and latencies by route and status, the database pool's occupancy, and
//! model inference latency by batch size.

use std::sync::Arc;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};

/// A snapshot of a connection pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections lent out to requests.
    pub in_use: u32,
    /// Open connections waiting in the pool.
    pub idle: u32,
    /// The pool's ceiling.
    pub max: u32,
}

/// Reads the pool at scrape time. The HTTP layer does not know the database; the bin crate supplies this.
pub type PoolStatsSource = Arc<dyn Fn() -> Option<PoolStats> + Send + Sync>;

/// The metric families of one server. Each server owns its registry, so several servers in one process (tests)
/// never clash.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    pool_source: Option<PoolStatsSource>,
    inference: HistogramVec,
}

/// Label of a batch size: a handful of buckets keeps the series count fixed whatever the traffic.
fn batch_bucket(rows: usize) -> &'static str {
    match rows {
        0..=1 => "1",
        2..=10 => "2-10",
        11..=100 => "11-100",
        101..=1_000 => "101-1000",
        1_001..=10_000 => "1001-10000",
        _ => "10001+",
    }
}

impl Metrics {
    /// Creates and registers the metric families.
    pub fn new() -> Result<Self, prometheus::Error> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by method, route and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by method and route")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["method", "route"],
        )?;
        let pool_connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state (in_use, idle)"),
            &["state"],
        )?;
        let pool_max = IntGauge::new("db_pool_max_connections", "Largest number of database pool connections")?;
        let inference = HistogramVec::new(
            HistogramOpts::new(
                "scoring_inference_duration_seconds",
                "Model inference time per call, by number of rows in the call (explanation rows included)",
            )
            .buckets(vec![0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]),
            &["batch_rows"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(inference.clone()))?;
        Ok(Self { registry, requests, latency, pool_connections, pool_max, pool_source: None, inference })
    }

    /// Reports the pool read by `source` at every scrape.
    pub fn with_pool_stats(mut self, source: PoolStatsSource) -> Self {
        self.pool_source = Some(source);
        self
    }

    /// Counts one request. `route` is the matched pattern (`/api/v1/users/{id}`), never the raw path, so ids do not
    /// explode the label set.
    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests.with_label_values(&[method, route, &status.to_string()]).inc();
        self.latency.with_label_values(&[method, route]).observe(elapsed.as_secs_f64());
    }

    /// Times one model call over `rows` rows.
    pub fn observe_inference(&self, rows: usize, elapsed: Duration) {
        self.inference.with_label_values(&[batch_bucket(rows)]).observe(elapsed.as_secs_f64());
    }

    /// Everything in the text exposition format.
    pub fn render(&self) -> String {
        if let Some(stats) = self.pool_source.as_ref().and_then(|source| source()) {
            self.pool_connections.with_label_values(&["in_use"]).set(i64::from(stats.in_use));
            self.pool_connections.with_label_values(&["idle"]).set(i64::from(stats.idle));
            self.pool_max.set(i64::from(stats.max));
        }
        let mut buffer = Vec::new();
        if let Err(err) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %err, "encoding metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::batch_bucket;

    #[test]
    fn batch_sizes_fall_in_fixed_buckets() {
        let labels: Vec<&str> = [1, 2, 10, 11, 1_000, 1_001, 10_001].into_iter().map(batch_bucket).collect();
        assert_eq!(labels, ["1", "2-10", "2-10", "11-100", "101-1000", "1001-10000", "10001+"]);
    }
}
