//! Scoring the stored customers that match a filter, chunk by chunk: the one walk behind re-scoring the base
//! (`ScoringService::score_customers`) and campaign runs (`CampaignService::run`), so the two cannot drift apart.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::task::Poll;

use leadscore_domain::customers::BankProfile;
use leadscore_domain::scoring::{ProfileEncoder, ScoreOutcome};
use uuid::Uuid;

use super::ports::ScoringModel;
use crate::AppError;
use crate::customers::{CustomerFilter, CustomerRepository};

/// One stored customer with its new outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoredProfile {
    /// The customer.
    pub id: Uuid,
    /// Its bank attributes, as scored.
    pub profile: BankProfile,
    /// Probability, score, tier and class under the walk's model.
    pub outcome: ScoreOutcome,
}

/// A keyset walk over the customers matching a filter, in id order. Each chunk is read with the narrow profile read
/// (`CustomerRepository::list_profiles_after`), encoded straight from the profiles and scored in ONE model call,
/// without explanations. Memory is bounded by the chunk size, however large the base.
pub struct CustomerWalk<'a> {
    customers: &'a dyn CustomerRepository,
    model: &'a dyn ScoringModel,
    encoder: ProfileEncoder<'a>,
    filter: &'a CustomerFilter,
    chunk: u64,
    after: Option<Uuid>,
    done: bool,
    matched: u64,
    failed: u64,
}

impl<'a> CustomerWalk<'a> {
    /// A walk that reads `chunk` customers at a time.
    pub fn new(
        customers: &'a dyn CustomerRepository,
        model: &'a dyn ScoringModel,
        filter: &'a CustomerFilter,
        chunk: u64,
    ) -> Self {
        let encoder = model.card().profile_encoder();
        Self { customers, model, encoder, filter, chunk, after: None, done: false, matched: 0, failed: 0 }
    }

    /// The next chunk, in id order, or `None` once every matching customer was read. Customers the card cannot encode
    /// (a new card whose vocabulary misses some stored value) are counted in `failed` and left out: they must not stop
    /// a bulk job. A chunk may therefore be empty while the walk goes on.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<ScoredProfile>>, AppError> {
        if self.done {
            return Ok(None);
        }
        let rows = self.customers.list_profiles_after(self.filter, self.after, self.chunk).await?;
        let Some((last, _)) = rows.last() else {
            self.done = true;
            return Ok(None);
        };
        self.after = Some(*last);
        self.done = (rows.len() as u64) < self.chunk;
        self.matched += rows.len() as u64;
        let card = self.model.card();
        let mut input = Vec::with_capacity(rows.len() * card.n_columns);
        let mut encoded = Vec::with_capacity(rows.len());
        for (id, profile) in rows {
            match self.encoder.encode(&profile, &mut input) {
                Ok(()) => encoded.push((id, profile)),
                Err(_) => self.failed += 1,
            }
        }
        if encoded.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let probabilities = self.model.predict(input, encoded.len()).await?;
        if probabilities.len() != encoded.len() {
            return Err(AppError::Internal(format!(
                "model returned {} values for {} rows",
                probabilities.len(),
                encoded.len()
            )));
        }
        Ok(Some(
            encoded
                .into_iter()
                .zip(probabilities)
                .map(|((id, profile), probability)| ScoredProfile { id, profile, outcome: card.outcome(probability) })
                .collect(),
        ))
    }

    /// Customers read so far.
    pub fn matched(&self) -> u64 {
        self.matched
    }

    /// Customers read so far that the card could not encode.
    pub fn failed(&self) -> u64 {
        self.failed
    }
}

/// Runs two futures concurrently and returns both outputs: lets a bulk job write one chunk while it reads and scores
/// the next (the database does both on its own threads, so they overlap on a multi-core machine).
pub(crate) async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut out_a, mut out_b) = (None, None);
    poll_fn(|cx| {
        if out_a.is_none()
            && let Poll::Ready(v) = a.as_mut().poll(cx)
        {
            out_a = Some(v);
        }
        if out_b.is_none()
            && let Poll::Ready(v) = b.as_mut().poll(cx)
        {
            out_b = Some(v);
        }
        match (out_a.take(), out_b.take()) {
            (Some(a), Some(b)) => Poll::Ready((a, b)),
            (a, b) => {
                (out_a, out_b) = (a, b);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn both_runs_the_two_futures_together() {
        // Each side waits for the other: run one after the other, this would never finish.
        let (to_a, from_b) = futures_channel::oneshot::channel::<u32>();
        let (to_b, from_a) = futures_channel::oneshot::channel::<u32>();
        let a = async {
            to_b.send(1).unwrap();
            from_b.await.unwrap() + 10
        };
        let b = async {
            let got = from_a.await.unwrap();
            to_a.send(2).unwrap();
            got + 20
        };
        assert_eq!(both(a, b).await, (12, 21));
        assert_eq!(both(async { "ready" }, async { 7 }).await, ("ready", 7));
    }
}
