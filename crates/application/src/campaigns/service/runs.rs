//! Running a campaign: scoring the customers its criteria match and rebuilding the ranked call list.

use super::*;

/// Marks a campaign as running until dropped.
struct RunGuard {
    running: Arc<std::sync::Mutex<std::collections::HashSet<Uuid>>>,
    id: Uuid,
}

impl RunGuard {
    fn take(running: &Arc<std::sync::Mutex<std::collections::HashSet<Uuid>>>, id: Uuid) -> Result<Self, AppError> {
        let mut set = running.lock().map_err(|_| AppError::Internal("run registry poisoned".into()))?;
        if !set.insert(id) {
            return Err(AppError::Conflict("A run of this campaign is already in progress; wait for it to end".into()));
        }
        Ok(Self { running: running.clone(), id })
    }
}

impl Drop for RunGuard {
    fn drop(&mut self) {
        if let Ok(mut set) = self.running.lock() {
            set.remove(&self.id);
        }
    }
}

/// Campaign runs: scoring the customers a campaign's criteria match and rebuilding its call list, and closing leads
/// whose outcome is already known. Who may run is [`CampaignService`]'s rule.
#[derive(Clone)]
pub struct RunService {
    pub(super) campaigns: CampaignService,
    pub(super) repo: Arc<dyn CampaignRepository>,
    pub(super) leads: Arc<dyn LeadRepository>,
    pub(super) customers: Arc<dyn CustomerRepository>,
    pub(super) models: Arc<ModelRegistry>,
    pub(super) activities: ActivityLog,
    pub(super) clock: Arc<dyn Clock>,
    pub(super) settings: CampaignSettings,
    /// Campaigns being run by this process: a second run of one campaign while the first is scoring is refused
    /// (409) rather than doing the work twice. Runs from other replicas queue in the database instead.
    pub(super) running: Arc<std::sync::Mutex<std::collections::HashSet<Uuid>>>,
}

impl RunService {
    /// Wires the use cases to the ports they use.
    pub fn new(
        campaigns: CampaignService,
        ports: &CampaignPorts,
        models: Arc<ModelRegistry>,
        settings: CampaignSettings,
    ) -> Self {
        Self {
            activities: campaigns.activities.clone(),
            clock: campaigns.clock.clone(),
            campaigns,
            repo: ports.campaigns.clone(),
            leads: ports.leads.clone(),
            customers: ports.customers.clone(),
            models,
            settings,
            running: Arc::default(),
        }
    }

    /// Scores every customer matching the criteria and rebuilds the ranked call list, capped at targetLeads
    /// (owner, Admin). The write is one transaction.
    pub async fn run(&self, caller: &Caller, id: Uuid, ip: Option<&str>) -> Result<RunReport, AppError> {
        let campaign = self.campaigns.managed(caller, id).await?;
        if campaign.info.status == CampaignStatus::Completed {
            return Err(AppError::Conflict("a Completed campaign cannot be run; set it Active or Paused first".into()));
        }
        let _running = RunGuard::take(&self.running, id)?;
        let started = Instant::now();
        let model = self.models.current();
        let card = model.card();
        let target = campaign.info.target_leads as usize;
        // The best `target` so far; trimmed whenever it doubles, so memory stays bounded by the target.
        let mut best: Vec<ScoredProfile> = Vec::new();
        let mut walk =
            CustomerWalk::new(self.customers.as_ref(), model.as_ref(), &campaign.criteria, self.settings.run_chunk);
        while let Some(chunk) = walk.next_chunk().await? {
            best.extend(chunk);
            if best.len() > target.saturating_mul(2).max(1) {
                keep_best(&mut best, target);
            }
        }
        keep_best(&mut best, target);
        let (matched, failed) = (walk.matched(), walk.failed());
        // One more pass over the selected few, with explanations, for the leads' stored predictions.
        let records: Vec<FeatureRecord> = best.iter().map(|s| FeatureRecord::from(&s.profile)).collect();
        let explained = match score_records(model.as_ref(), &records, self.settings.explain_top).await? {
            Ok(explained) => explained,
            Err(_) => return Err(AppError::Internal("selected customers failed to encode".into())),
        };
        let now = self.clock.now();
        let leads: Vec<RankedLead> = best
            .into_iter()
            .zip(records)
            .zip(explained)
            .enumerate()
            .map(|(i, ((customer, features), scored))| RankedLead {
                customer_id: customer.id,
                rank: i as u32 + 1,
                prediction: Prediction {
                    id: Uuid::now_v7(),
                    customer_id: Some(customer.id),
                    campaign_id: Some(id),
                    source: PredictionSource::Campaign,
                    features,
                    outcome: scored.outcome,
                    factors: scored.factors,
                    model_version: card.model_version.clone(),
                    requested_by: Some(caller.id),
                    created_at: now,
                    overridden: None,
                },
            })
            .collect();
        let summary =
            RunSummary { at: now, model_version: card.model_version.clone(), matched, leads: leads.len() as u64 };
        let lead_count = leads.len() as u64;
        let description = format!(
            "ran campaign {}: {matched} matched, {lead_count} leads with model {}",
            campaign.info.name, card.model_version
        );
        let audit = self.activities.stamp(activity(
            caller,
            ActivityAction::CampaignRun,
            (EntityType::Campaign, id),
            id,
            None,
            description,
            ip,
        ));
        let counts = self.repo.apply_run(&RunPlan { campaign_id: id, leads, summary, audit }).await?;
        let report = RunReport {
            counts,
            matched,
            scored: matched - failed,
            failed,
            leads: lead_count,
            model_version: card.model_version.clone(),
            duration_ms: elapsed_ms(started),
        };
        Ok(report)
    }
}

/// Keeps the `n` most probable, best first; ties by customer id so runs are deterministic.
fn keep_best(best: &mut Vec<ScoredProfile>, n: usize) {
    best.sort_unstable_by(|a, b| b.outcome.probability.total_cmp(&a.outcome.probability).then_with(|| a.id.cmp(&b.id)));
    best.truncate(n);
}
