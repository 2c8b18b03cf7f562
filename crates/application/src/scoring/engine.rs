//! Scoring many records in one pass of the model, with optional explanations.

use leadscore_domain::FieldError;
use leadscore_domain::scoring::{Factors, FeatureRecord, ScoreOutcome};

use super::ports::ScoringModel;
use crate::AppError;

/// One scored record.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Probability, score, tier and class.
    pub outcome: ScoreOutcome,
    /// The explanation (empty when none was asked for).
    pub factors: Factors,
}

/// The records that failed encoding: (index in the input, problems).
pub type RecordErrors = Vec<(usize, Vec<FieldError>)>;

/// Scores `records` in order with ONE model call. With `explain_top > 0`, each record also gets one row per feature
/// with that feature at its reference value, scored in the same call, and the resulting factors. Every invalid
/// record is reported (with its index) and nothing is scored.
pub async fn score_records(
    model: &dyn ScoringModel,
    records: &[FeatureRecord],
    explain_top: usize,
) -> Result<Result<Vec<Scored>, RecordErrors>, AppError> {
    let card = model.card();
    let width = card.n_columns;
    let rows_per_record = if explain_top > 0 { 1 + card.features.len() } else { 1 };
    let mut input = Vec::with_capacity(records.len() * rows_per_record * width);
    let mut errors = RecordErrors::new();
    let mut row = Vec::with_capacity(width);
    for (index, record) in records.iter().enumerate() {
        row.clear();
        match card.encode(record, &mut row) {
            Ok(()) if errors.is_empty() => {
                input.extend_from_slice(&row);
                if explain_top > 0 {
                    card.append_reference_rows(&row, &mut input);
                }
            }
            Ok(()) => {}
            Err(problems) => errors.push((index, problems)),
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    if records.is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let rows = records.len() * rows_per_record;
    let probabilities = model.predict(input, rows).await?;
    if probabilities.len() != rows {
        return Err(AppError::Internal(format!("model returned {} values for {rows} rows", probabilities.len())));
    }
    Ok(Ok(records
        .iter()
        .zip(probabilities.chunks_exact(rows_per_record))
        .map(|(record, chunk)| {
            let probability = chunk[0];
            let factors = if explain_top > 0 {
                Factors::explain(card, record, probability, &chunk[1..], explain_top)
            } else {
                Factors::default()
            };
            Scored { outcome: card.outcome(probability), factors }
        })
        .collect()))
}

/// Scores every record the card can encode in ONE model call; records it cannot encode get `None` (a card whose
/// vocabulary no longer covers some stored values must not stop a bulk job).
pub async fn score_each(
    model: &dyn ScoringModel,
    records: &[FeatureRecord],
) -> Result<Vec<Option<ScoreOutcome>>, AppError> {
    let card = model.card();
    let valid: Vec<bool> = records.iter().map(|r| card.check_record(r).is_ok()).collect();
    let encodable: Vec<FeatureRecord> =
        records.iter().zip(&valid).filter(|(_, ok)| **ok).map(|(r, _)| r.clone()).collect();
    let scored = match score_records(model, &encodable, 0).await? {
        Ok(scored) => scored,
        Err(_) => return Err(AppError::Internal("records that passed the card's checks failed to encode".into())),
    };
    let mut outcomes = scored.into_iter().map(|s| s.outcome);
    Ok(valid.into_iter().map(|ok| if ok { outcomes.next() } else { None }).collect())
}
