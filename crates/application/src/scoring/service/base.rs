//! Scoring the customer base: re-scoring the customers a filter matches, and scoring the rows of an import before
//! they are written.

use super::*;

impl ScoringService {
    /// Re-scores every customer matching `filter`, walking the base in chunks by id; each chunk is scored in one
    /// model call and written in one transaction.
    pub async fn score_customers(
        &self,
        caller: &Caller,
        filter: &CustomerFilter,
        ip: Option<&str>,
    ) -> Result<RescoreReport, AppError> {
        caller.require(&MANAGERS)?;
        filter.validate()?;
        let started = Instant::now();
        let model = self.registry.current();
        let version = model.card().model_version.clone();
        let mut walk = CustomerWalk::new(self.customers.as_ref(), model.as_ref(), filter, self.settings.rescore_chunk);
        let mut scored = 0u64;
        // Each chunk's scores are written (in their own transaction) while the next chunk is read and scored.
        let mut pending: Vec<CustomerScore> = Vec::new();
        loop {
            let write = async {
                if pending.is_empty() { Ok(0) } else { self.predictions.update_latest_scores(&pending).await }
            };
            let (next, written) = both(walk.next_chunk(), write).await;
            scored += written?;
            let Some(chunk) = next? else { break };
            let now = self.clock.now();
            pending = chunk
                .iter()
                .map(|s| CustomerScore { customer_id: s.id, score: latest_score(&s.outcome, &version, now) })
                .collect();
        }
        let (matched, failed) = (walk.matched(), walk.failed());
        let report =
            RescoreReport { matched, scored, failed, model_version: version, duration_ms: elapsed_ms(started) };
        let description = format!(
            "re-scored {scored} of {matched} matching customers with model {} ({failed} could not be encoded)",
            report.model_version
        );
        self.activities
            .record(
                NewActivity::about(
                    Some(caller.id),
                    ActivityAction::CustomersScored,
                    EntityType::Customer,
                    None,
                    description,
                )
                .with_ip(ip),
            )
            .await?;
        Ok(report)
    }

    /// Gives the rows of an import their score before they are written (import with `score=true`). Rows the model
    /// cannot encode stay unscored.
    pub async fn score_new_customers<'a>(
        &self,
        caller: &Caller,
        rows: impl IntoIterator<Item = &'a mut NewCustomer>,
    ) -> Result<ImportScoring, AppError> {
        caller.require(&MANAGERS)?;
        let model = self.registry.current();
        let version = model.card().model_version.clone();
        let now = self.clock.now();
        let mut rows: Vec<&mut NewCustomer> = rows.into_iter().collect();
        let mut scored = 0u64;
        // In chunks: the encoded input of a whole file is hundreds of megabytes, and encoding it in one go would hold
        // an async worker far too long. A chunk is encoded quickly and predicted on the blocking pool, so workers
        // stay free and memory stays at one chunk.
        for chunk in rows.chunks_mut(IMPORT_SCORING_CHUNK) {
            let records: Vec<FeatureRecord> = chunk.iter().map(|r| FeatureRecord::from(&r.profile)).collect();
            let outcomes = score_each(model.as_ref(), &records).await?;
            for (row, outcome) in chunk.iter_mut().zip(outcomes) {
                if let Some(outcome) = outcome {
                    row.score = Some(latest_score(&outcome, &version, now));
                    scored += 1;
                }
            }
        }
        Ok(ImportScoring { scored, model_version: version })
    }
}
