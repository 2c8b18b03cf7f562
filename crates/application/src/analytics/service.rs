//! Analytics use cases and who sees what:
//! - Campaign figures (campaigns, leads, conversions, lift, leaderboard) cover the campaigns the caller may see:
//!   every campaign for an Admin, the ones they own or collaborate on for anyone else. A `campaignId` outside that
//!   is a 404, exactly as `GET /campaigns/{id}` answers.
//! - Predictions: Sales count only the ones they asked for (as `GET /predictions` lists them); Managers and Admins
//!   all of them.
//! - Customers: the whole base for the roles that may list customers (Admin, Manager); for Sales only the customers
//!   on the call lists of their campaigns (they see customers only through leads).
//!
//! "Predicted yes" for a customer's latest score is a probability at or above the decision threshold of the model
//! in service, so the figures follow a model reload without a migration.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use leadscore_domain::analytics::{Dimension, Granularity, Lift, MIN_OUTCOMES, Metric, SeriesPeriod, check_day, lift};
use leadscore_domain::scoring::Tier;
use leadscore_domain::users::Role;
use uuid::Uuid;

use super::model::{
    Breakdown, BreakdownRow, CampaignScope, CustomerScope, LeaderboardRow, Overview, PredictionScope, Scope,
    SeriesQuery, TierFigures, Trend,
};
use super::ports::AnalyticsRepository;
use crate::campaigns::CampaignService;
use crate::error::Validator;
use crate::scoring::ModelRegistry;
use crate::system::Clock;
use crate::{AppError, Caller};

const EVERYONE: [Role; 3] = [Role::Admin, Role::Manager, Role::Sales];

/// What a trend is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrendRequest {
    /// What is counted.
    pub metric: Metric,
    /// Bucket length.
    pub granularity: Granularity,
    /// First day (inclusive, UTC); see [`SeriesPeriod::new`] for the default.
    pub from: Option<NaiveDate>,
    /// Last day (inclusive, UTC); today by default.
    pub to: Option<NaiveDate>,
    /// Only this campaign's leads or predictions.
    pub campaign_id: Option<Uuid>,
}

/// The lift table with what it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftReport {
    /// The campaign it is limited to.
    pub campaign_id: Option<Uuid>,
    /// The model version it is limited to.
    pub model_version: Option<String>,
    /// The minimum number of outcomes applied.
    pub min_outcomes: u64,
    /// The figures.
    pub lift: Lift,
}

/// Dashboard figures, trends, breakdowns, lift and the leaderboard.
#[derive(Clone)]
pub struct AnalyticsService {
    repo: Arc<dyn AnalyticsRepository>,
    campaigns: CampaignService,
    models: Arc<ModelRegistry>,
    clock: Arc<dyn Clock>,
}

fn scope(caller: &Caller) -> Scope {
    match caller.role {
        Role::Admin => Scope {
            campaigns: CampaignScope::All,
            predictions: PredictionScope::default(),
            customers: CustomerScope::All,
        },
        Role::Manager => Scope {
            campaigns: CampaignScope::VisibleTo(caller.id),
            predictions: PredictionScope::default(),
            customers: CustomerScope::All,
        },
        Role::Sales => Scope {
            campaigns: CampaignScope::VisibleTo(caller.id),
            predictions: PredictionScope { requested_by: Some(caller.id), campaign_id: None },
            customers: CustomerScope::InCampaignsVisibleTo(caller.id),
        },
    }
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// `[from, to + 1 day)` of inclusive UTC days, each bound optional. `from` after `to` is a field error.
type Period = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

fn period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Period, AppError> {
    let mut errors = Validator::new();
    let from = from.and_then(|d| errors.check(check_day("from", d)));
    let to = to.and_then(|d| errors.check(check_day("to", d)));
    errors.finish()?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(AppError::field("from", "must be on or before to"));
    }
    Ok((from.map(midnight), to.and_then(|to| to.succ_opt()).map(midnight)))
}

impl AnalyticsService {
    /// Wires the use cases; campaign visibility is `CampaignService`'s rule, reused.
    pub fn new(
        repo: Arc<dyn AnalyticsRepository>,
        campaigns: CampaignService,
        models: Arc<ModelRegistry>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { repo, campaigns, models, clock }
    }

    fn threshold(&self) -> (String, f64) {
        let model = self.models.current();
        let card = model.card();
        (card.model_version.clone(), card.decision_threshold)
    }

    /// The caller's campaign scope, narrowed to `campaign_id` when given (404 unless visible).
    async fn campaign_scope(&self, caller: &Caller, campaign_id: Option<Uuid>) -> Result<CampaignScope, AppError> {
        match campaign_id {
            Some(id) => {
                self.campaigns.visible(caller, id).await?;
                Ok(CampaignScope::One(id))
            }
            None => Ok(scope(caller).campaigns),
        }
    }

    /// Customers, predictions, campaigns and leads within the caller's visibility.
    pub async fn overview(&self, caller: &Caller) -> Result<Overview, AppError> {
        caller.require(&EVERYONE)?;
        let scope = scope(caller);
        let (model_version, threshold) = self.threshold();
        let customers = self.repo.customer_figures(scope.customers, threshold).await?;
        let predictions = self.repo.prediction_counts(scope.predictions).await?;
        let (campaigns, leads) = self.repo.campaign_and_lead_counts(scope.campaigns).await?;
        Ok(Overview { customers, predictions, campaigns, leads, model_version, decision_threshold: threshold })
    }

    /// A complete series over whole buckets; field errors for `from` after `to` or too many buckets.
    pub async fn trend(&self, caller: &Caller, request: TrendRequest) -> Result<Trend, AppError> {
        caller.require(&EVERYONE)?;
        let today = self.clock.now().date_naive();
        let period = SeriesPeriod::new(request.granularity, request.from, request.to, today)?;
        let campaigns = self.campaign_scope(caller, request.campaign_id).await?;
        let predictions = PredictionScope { campaign_id: request.campaign_id, ..scope(caller).predictions };
        // The last day is at most 9999-12-31 (see `check_day`), so the day after it exists.
        let until = midnight(period.last_day().succ_opt().unwrap_or(period.last_day()));
        let query = SeriesQuery {
            metric: request.metric,
            granularity: request.granularity,
            from: midnight(period.first_day()),
            until,
            campaigns,
            predictions,
        };
        let counts = self.repo.series(&query).await?;
        Ok(Trend {
            metric: request.metric,
            granularity: request.granularity,
            campaign_id: request.campaign_id,
            buckets: period.fill(&counts),
        })
    }

    /// Customers in the caller's scope by one dimension; every value of the dimension is listed.
    pub async fn breakdown(&self, caller: &Caller, dimension: Dimension) -> Result<Breakdown, AppError> {
        caller.require(&EVERYONE)?;
        let (model_version, threshold) = self.threshold();
        let mut found = self.repo.breakdown(dimension, scope(caller).customers, threshold).await?;
        let mut rows: Vec<BreakdownRow> = dimension
            .keys()
            .into_iter()
            .map(|key| {
                let figures =
                    found.iter().position(|r| r.key == key).map(|i| found.swap_remove(i).figures).unwrap_or_default();
                BreakdownRow { key: key.to_owned(), figures }
            })
            .collect();
        // Values the domain does not know (a database edited by hand) still count, after the known ones.
        found.sort_by(|a, b| a.key.cmp(&b.key));
        rows.extend(found);
        Ok(Breakdown { dimension, rows, model_version, decision_threshold: threshold })
    }

    /// Customers and leads per tier (Hot, Warm, Cold, then the never-scored customers), all four always present.
    pub async fn tiers(&self, caller: &Caller) -> Result<Vec<TierFigures>, AppError> {
        caller.require(&EVERYONE)?;
        let scope = scope(caller);
        let found = self.repo.tiers(scope.customers, scope.campaigns).await?;
        let order = Tier::ALL.iter().copied().map(Some).chain([None]);
        Ok(order
            .map(|tier| {
                found.iter().find(|f| f.tier == tier).copied().unwrap_or(TierFigures {
                    tier,
                    customers: 0,
                    customers_with_outcome: 0,
                    customers_subscribed: 0,
                    leads: 0,
                    leads_closed: 0,
                    leads_converted: 0,
                })
            })
            .collect())
    }

    /// The lift table, ROC AUC and Brier score of the leads with a recorded outcome in the caller's campaigns (or
    /// one of them), optionally of one model version. Below [`MIN_OUTCOMES`] outcomes, or with one class only, the
    /// answer says so instead of giving numbers.
    pub async fn lift(
        &self,
        caller: &Caller,
        campaign_id: Option<Uuid>,
        model_version: Option<String>,
    ) -> Result<LiftReport, AppError> {
        caller.require(&EVERYONE)?;
        let campaigns = self.campaign_scope(caller, campaign_id).await?;
        let sums = self.repo.lift(campaigns, model_version.as_deref()).await?;
        Ok(LiftReport { campaign_id, model_version, min_outcomes: MIN_OUTCOMES, lift: lift(&sums, MIN_OUTCOMES) })
    }

    /// Per Sales user in the caller's campaigns (or one of them): leads assigned by status, conversion rate, notes.
    /// Best first: most conversions, then best conversion rate, then most leads.
    pub async fn leaderboard(
        &self,
        caller: &Caller,
        campaign_id: Option<Uuid>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<LeaderboardRow>, AppError> {
        caller.require(&EVERYONE)?;
        let period = period(from, to)?;
        let campaigns = self.campaign_scope(caller, campaign_id).await?;
        let mut rows = self.repo.leaderboard(campaigns, period).await?;
        rows.sort_by(|a, b| {
            let rate = |r: &LeaderboardRow| r.leads.conversion_rate().unwrap_or(-1.0);
            b.leads
                .converted
                .cmp(&a.leads.converted)
                .then(rate(b).total_cmp(&rate(a)))
                .then(b.leads.total.cmp(&a.leads.total))
                .then(a.email.cmp(&b.email))
        });
        Ok(rows)
    }
}
