//! Metrics that need adapters the HTTP layer must not know: the model's inference time (a decorator around the
//! `ScoringModel` port, so the application stays free of Prometheus) and the database pool's occupancy.

use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::scoring::{ModelLoader, ScoringModel};
use leadscore_domain::scoring::ModelCard;
use leadscore_http::{Metrics, PoolStats, PoolStatsSource};
use leadscore_infrastructure::db;
use sea_orm::DatabaseConnection;

/// A model that records how long each `predict` call takes.
pub struct TimedModel {
    inner: Arc<dyn ScoringModel>,
    metrics: Metrics,
}

#[async_trait]
impl ScoringModel for TimedModel {
    fn card(&self) -> &ModelCard {
        self.inner.card()
    }

    fn document(&self) -> &serde_json::Value {
        self.inner.document()
    }

    fn fingerprint(&self) -> &str {
        self.inner.fingerprint()
    }

    async fn predict(&self, input: Vec<f32>, rows: usize) -> Result<Vec<f64>, AppError> {
        let started = Instant::now();
        let result = self.inner.predict(input, rows).await;
        self.metrics.observe_inference(rows, started.elapsed());
        result
    }
}

/// A loader whose models are timed, so a model put in service by a reload is measured like the first one.
pub struct TimedModelLoader {
    inner: Arc<dyn ModelLoader>,
    metrics: Metrics,
}

impl TimedModelLoader {
    /// Wraps `inner`; its models report to `metrics`.
    pub fn new(inner: Arc<dyn ModelLoader>, metrics: Metrics) -> Self {
        Self { inner, metrics }
    }
}

#[async_trait]
impl ModelLoader for TimedModelLoader {
    fn location(&self) -> String {
        self.inner.location()
    }

    async fn load(&self) -> Result<Arc<dyn ScoringModel>, AppError> {
        let inner = self.inner.load().await?;
        Ok(Arc::new(TimedModel { inner, metrics: self.metrics.clone() }))
    }
}

/// Reads `pool` at every scrape of `/metrics`.
pub fn pool_stats_source(pool: DatabaseConnection) -> PoolStatsSource {
    Arc::new(move || {
        db::pool_status(&pool).map(|s| PoolStats { in_use: s.open.saturating_sub(s.idle), idle: s.idle, max: s.max })
    })
}
