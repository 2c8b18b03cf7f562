//! Group commit for single predictions. Every `POST /predictions` stores one row and updates one customer in its own
//! transaction; under load the commit (a WAL append on SQLite, an fsync on PostgreSQL) costs more than the work.
//! This decorator hands small `record` calls to one writer task, which stores everything queued meanwhile in ONE
//! transaction and answers each caller when that transaction has committed. Nothing is acknowledged before it is
//! durable, and a failing group is retried call by call, so one caller's error (a customer deleted meanwhile) never
//! fails another's request.

use std::sync::Arc;

use async_trait::async_trait;
use leadscore_application::AppError;
use leadscore_application::scoring::{CustomerScore, PredictionFilter, PredictionRepository, PredictionSort};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::Prediction;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

/// Calls with more predictions than this go straight to the inner repository (batches are already one
/// transaction), and a group stops growing once it holds this many.
const GROUP_ROWS: usize = 256;
/// Calls waiting for the writer before new callers wait for room (back-pressure instead of unbounded memory).
const QUEUE: usize = 4_096;

struct Pending {
    predictions: Vec<Prediction>,
    latest: Vec<CustomerScore>,
    reply: oneshot::Sender<Result<(), AppError>>,
}

/// `PredictionRepository` that groups concurrent small `record` calls into one transaction; every other method is
/// the inner repository's.
pub struct GroupCommitPredictions {
    inner: Arc<dyn PredictionRepository>,
    queue: mpsc::Sender<Pending>,
}

impl GroupCommitPredictions {
    /// Starts the writer task on the current Tokio runtime, which must outlive the repository's use.
    pub fn new(inner: Arc<dyn PredictionRepository>) -> Self {
        let (queue, pending) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(inner.clone(), pending));
        Self { inner, queue }
    }
}

async fn write_groups(inner: Arc<dyn PredictionRepository>, mut pending: mpsc::Receiver<Pending>) {
    while let Some(first) = pending.recv().await {
        let mut rows = first.predictions.len();
        let mut group = vec![first];
        // No waiting for company: whatever queued while the previous group committed forms this one.
        while rows < GROUP_ROWS {
            let Ok(next) = pending.try_recv() else { break };
            rows += next.predictions.len();
            group.push(next);
        }
        if group.len() > 1 {
            let predictions: Vec<Prediction> = group.iter().flat_map(|p| p.predictions.iter().cloned()).collect();
            // In arrival order, so a customer scored twice in one group keeps the later score.
            let latest: Vec<CustomerScore> = group.iter().flat_map(|p| p.latest.iter().cloned()).collect();
            if inner.record(&predictions, &latest).await.is_ok() {
                for call in group {
                    let _ = call.reply.send(Ok(()));
                }
                continue;
            }
        }
        // One call, or a group that failed as a whole: each call on its own, each with its own answer.
        for call in group {
            let result = inner.record(&call.predictions, &call.latest).await;
            let _ = call.reply.send(result);
        }
    }
}

fn writer_gone() -> AppError {
    AppError::Internal("the prediction writer stopped".into())
}

#[async_trait]
impl PredictionRepository for GroupCommitPredictions {
    async fn record(&self, predictions: &[Prediction], latest: &[CustomerScore]) -> Result<(), AppError> {
        if predictions.len() > GROUP_ROWS {
            return self.inner.record(predictions, latest).await;
        }
        let (reply, answer) = oneshot::channel();
        let call = Pending { predictions: predictions.to_vec(), latest: latest.to_vec(), reply };
        self.queue.send(call).await.map_err(|_| writer_gone())?;
        answer.await.map_err(|_| writer_gone())?
    }

    async fn update_latest_scores(&self, scores: &[CustomerScore]) -> Result<u64, AppError> {
        self.inner.update_latest_scores(scores).await
    }

    async fn find(&self, id: Uuid) -> Result<Option<Prediction>, AppError> {
        self.inner.find(id).await
    }

    async fn list(
        &self,
        filter: &PredictionFilter,
        sort: PredictionSort,
        page: PageRequest,
    ) -> Result<Page<Prediction>, AppError> {
        self.inner.list(filter, sort, page).await
    }

    async fn save_override(&self, prediction: &Prediction) -> Result<(), AppError> {
        self.inner.save_override(prediction).await
    }

    async fn delete(&self, id: Uuid) -> Result<bool, AppError> {
        self.inner.delete(id).await
    }
}
