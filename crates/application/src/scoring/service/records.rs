//! Stored predictions: reading them under the visibility rules, a person's correction, and deleting one.

use super::*;

impl ScoringService {
    /// One page of predictions; Sales see only their own.
    pub async fn list(
        &self,
        caller: &Caller,
        mut filter: PredictionFilter,
        sort: PredictionSort,
        page: PageRequest,
    ) -> Result<Page<Prediction>, AppError> {
        caller.require(&EVERYONE)?;
        filter.validate()?;
        if caller.role == Role::Sales {
            filter.requested_by = Some(caller.id);
        }
        if !caller.is_admin() {
            filter.campaigns_of = Some(caller.id);
        }
        self.predictions.list(&filter, sort, page).await
    }

    /// One prediction; a Sales user's view of someone else's, and anyone's but an Admin's view of a prediction
    /// from a campaign they are not a member of, is a 404 — as the campaign itself is.
    pub async fn get(&self, caller: &Caller, id: Uuid) -> Result<Prediction, AppError> {
        caller.require(&EVERYONE)?;
        let not_found = || AppError::NotFound(format!("prediction {id} not found"));
        let prediction = self.predictions.find(id).await?.ok_or_else(not_found)?;
        if caller.role == Role::Sales && prediction.requested_by != Some(caller.id) {
            return Err(not_found());
        }
        if let Some(campaign_id) = prediction.campaign_id.filter(|_| !caller.is_admin()) {
            let member = self.campaigns.find(campaign_id).await?.is_some_and(|c| c.is_member(caller.id));
            if !member {
                return Err(not_found());
            }
        }
        Ok(prediction)
    }

    /// Overrides class and/or probability with a reason; the model's values are kept. A new probability re-derives
    /// score and tier with the current model's thresholds. The customer's latest score is not changed: it stays
    /// the model's.
    pub async fn override_prediction(
        &self,
        caller: &Caller,
        id: Uuid,
        request: PredictionOverrideRequest,
        ip: Option<&str>,
    ) -> Result<Prediction, AppError> {
        caller.require(&MANAGERS)?;
        let reason = request.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(AppError::field("reason", "is required"));
        }
        if request.predicted_class.is_none() && request.probability.is_none() {
            return Err(AppError::field("predictedClass", "give predictedClass, probability or both"));
        }
        let mut prediction = self.get(caller, id).await?;
        let card_model = self.registry.current();
        let outcome = match request.probability {
            Some(p) => {
                let derived = card_model.card().outcome(p);
                ScoreOutcome { predicted_class: request.predicted_class.unwrap_or(derived.predicted_class), ..derived }
            }
            None => ScoreOutcome {
                predicted_class: request.predicted_class.unwrap_or(prediction.outcome.predicted_class),
                ..prediction.outcome
            },
        };
        let before = prediction.outcome;
        prediction.apply_override(outcome, reason.clone(), caller.id, self.clock.now());
        self.predictions.save_override(&prediction).await?;
        let description = format!(
            "overrode prediction {id}: {} ({:.4}) → {} ({:.4}): {reason}",
            before.predicted_class, before.probability, outcome.predicted_class, outcome.probability
        );
        let mut activity = NewActivity::about(
            Some(caller.id),
            ActivityAction::PredictionOverridden,
            EntityType::Prediction,
            Some(id),
            description,
        )
        .with_ip(ip);
        activity.campaign_id = prediction.campaign_id;
        self.activities.record(activity).await?;
        Ok(prediction)
    }

    /// Deletes a prediction (the customer's latest score stays).
    pub async fn delete(&self, caller: &Caller, id: Uuid, ip: Option<&str>) -> Result<(), AppError> {
        caller.require(&MANAGERS)?;
        let prediction = self.get(caller, id).await?;
        if !self.predictions.delete(id).await? {
            return Err(AppError::NotFound(format!("prediction {id} not found")));
        }
        let mut activity = NewActivity::about(
            Some(caller.id),
            ActivityAction::PredictionDeleted,
            EntityType::Prediction,
            Some(id),
            format!(
                "deleted prediction {id} ({} {:.4})",
                prediction.outcome.predicted_class, prediction.outcome.probability
            ),
        )
        .with_ip(ip);
        activity.campaign_id = prediction.campaign_id;
        self.activities.record(activity).await?;
        Ok(())
    }
}
