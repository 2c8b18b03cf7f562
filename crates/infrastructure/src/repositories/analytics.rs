//! `AnalyticsRepository` in SQL: every figure is one GROUP BY (or window-function) query, so the database reads the
//! rows and only the groups travel. The statements are written once with `?` placeholders and run on SQLite and
//! PostgreSQL; only date bucketing differs (see `bucket`).
//!
//! Types are pinned with CASTs because the two databases disagree otherwise: PostgreSQL's SUM of integers is
//! NUMERIC and SQLite's SUM of an all-integer column is INTEGER even where a REAL is expected.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use leadscore_application::AppError;
use leadscore_application::analytics::{
    AnalyticsRepository, BreakdownRow, CampaignScope, CustomerFigures, CustomerScope, LeadCounts, LeaderboardRow,
    PredictionCounts, PredictionScope, SeriesQuery, TierFigures,
};
use leadscore_application::campaigns::CampaignStats;
use leadscore_domain::analytics::{AGE_BANDS, DecileSums, Dimension, Granularity, Metric};
use leadscore_domain::campaigns::{CampaignStatus, LeadStatus};
use leadscore_domain::scoring::Tier;
use leadscore_domain::users::Role;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, Value};
use uuid::Uuid;

use super::query::{corrupt, parse};
use crate::error::db_err;

/// The analytics adapter.
#[derive(Clone)]
pub struct SqlAnalyticsRepository {
    db: DatabaseConnection,
}

impl SqlAnalyticsRepository {
    /// Wraps a connection pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn rows(&self, sql: Sql) -> Result<Vec<QueryResult>, AppError> {
        let backend = self.db.get_database_backend();
        self.db.query_all_raw(sql.statement(backend)).await.map_err(db_err)
    }
}

/// SQL text with `?` placeholders and their values in order of appearance.
#[derive(Default)]
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    fn bind(&mut self, text: &str, value: impl Into<Value>) -> &mut Self {
        self.text.push_str(text);
        self.values.push(value.into());
        self
    }

    /// ` AND <col> is one of the campaigns in scope`.
    fn campaigns(&mut self, col: &str, scope: CampaignScope) -> &mut Self {
        match scope {
            CampaignScope::All => self,
            CampaignScope::One(id) => self.bind(&format!(" AND {col} = ?"), id),
            CampaignScope::VisibleTo(user) => {
                self.bind(&format!(" AND {col} IN (SELECT vc.id FROM campaigns vc WHERE vc.owner_id = ?"), user).bind(
                    " OR vc.id IN (SELECT vcc.campaign_id FROM campaign_collaborators vcc WHERE vcc.user_id = ?))",
                    user,
                )
            }
        }
    }

    /// ` AND <col> is a customer in scope`.
    fn customers(&mut self, col: &str, scope: CustomerScope) -> &mut Self {
        match scope {
            CustomerScope::All => self,
            CustomerScope::InCampaignsVisibleTo(user) => self
                .push(&format!(" AND {col} IN (SELECT sl.customer_id FROM leads sl WHERE 1 = 1"))
                .campaigns("sl.campaign_id", CampaignScope::VisibleTo(user))
                .push(")"),
        }
    }

    fn predictions(&mut self, scope: PredictionScope) -> &mut Self {
        if let Some(user) = scope.requested_by {
            self.bind(" AND p.requested_by = ?", user);
        }
        if let Some(campaign) = scope.campaign_id {
            self.bind(" AND p.campaign_id = ?", campaign);
        }
        self
    }

    /// ` AND from <= col < until` for the bounds given.
    fn period(&mut self, col: &str, from: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> &mut Self {
        if let Some(from) = from {
            self.bind(&format!(" AND {col} >= ?"), from);
        }
        if let Some(until) = until {
            self.bind(&format!(" AND {col} < ?"), until);
        }
        self
    }

    fn statement(self, backend: DbBackend) -> Statement {
        super::query::statement(backend, &self.text, self.values)
    }
}

/// The UTC day (`YYYY-MM-DD`) of timestamp column `col`. sea-orm stores `DateTime<Utc>` on SQLite as RFC 3339 text
/// in UTC (`2026-01-15T10:00:00.123456+00:00`, see sqlx's encoder), so the day is its first ten characters: `substr`
/// costs a third of `strftime`, which parses every value. PostgreSQL converts its `timestamptz` to UTC.
fn day_of(backend: DbBackend, col: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
        _ => format!("substr({col}, 1, 10)"),
    }
}

/// The first day (`YYYY-MM-DD`) of the bucket holding day `day` (a `YYYY-MM-DD` text). Applied to per-day counts,
/// so at most a few hundred values. SQLite: `weekday 0` moves to the coming Sunday (or stays on one), six days back
/// is the ISO week's Monday; PostgreSQL's `date_trunc('week')` is the ISO Monday already.
fn bucket_of_day(backend: DbBackend, granularity: Granularity, day: &str) -> String {
    match (backend, granularity) {
        (_, Granularity::Day) => day.to_owned(),
        (DbBackend::Postgres, Granularity::Week) => {
            format!("to_char(date_trunc('week', CAST({day} AS TIMESTAMP)), 'YYYY-MM-DD')")
        }
        (DbBackend::Postgres, Granularity::Month) => {
            format!("to_char(date_trunc('month', CAST({day} AS TIMESTAMP)), 'YYYY-MM-DD')")
        }
        (_, Granularity::Week) => format!("date({day}, 'weekday 0', '-6 days')"),
        (_, Granularity::Month) => format!("substr({day}, 1, 8) || '01'"),
    }
}

/// The grouping expression of a dimension over `customers cu`. Age bands come from the domain's table, so SQL and
/// `age_band` agree.
fn dimension_key(dimension: Dimension) -> String {
    match dimension {
        // `|| ''` (a no-op on both databases) keeps SQLite from grouping in `idx_customers_job` order, which reads the
        // table once per customer at random, much slower than one scan (see docs/benchmarks.md).
        Dimension::Job => "cu.job || ''".into(),
        Dimension::Education => "cu.education".into(),
        Dimension::Marital => "cu.marital".into(),
        Dimension::Month => "cu.month".into(),
        Dimension::Contact => "cu.contact".into(),
        Dimension::Poutcome => "cu.poutcome".into(),
        Dimension::AgeBand => {
            let mut case = String::from("CASE");
            for band in AGE_BANDS {
                match band.max {
                    Some(max) => case.push_str(&format!(" WHEN cu.age <= {max} THEN '{}'", band.label)),
                    None => case.push_str(&format!(" ELSE '{}'", band.label)),
                }
            }
            case.push_str(" END");
            case
        }
    }
}

/// The customer aggregates, named as `customer_figures` reads them; binds the threshold.
fn customer_aggregates(sql: &mut Sql, threshold: f64) {
    sql.push(
        "CAST(COUNT(*) AS BIGINT) AS total, CAST(COUNT(cu.probability) AS BIGINT) AS scored, \
         CAST(COALESCE(SUM(cu.probability), 0) AS DOUBLE PRECISION) AS probability_sum, \
         CAST(COALESCE(SUM(CASE WHEN cu.outcome IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS with_outcome, \
         CAST(COALESCE(SUM(CASE WHEN cu.outcome = 'yes' THEN 1 ELSE 0 END), 0) AS BIGINT) AS subscribed, ",
    )
    .bind(
        "CAST(COALESCE(SUM(CASE WHEN cu.probability >= ? THEN 1 ELSE 0 END), 0) AS BIGINT) AS predicted_yes",
        threshold,
    );
}

fn get<T: sea_orm::TryGetable>(row: &QueryResult, col: &str) -> Result<T, AppError> {
    row.try_get::<T>("", col).map_err(db_err)
}

fn count(row: &QueryResult, col: &str) -> Result<u64, AppError> {
    let n: i64 = get(row, col)?;
    u64::try_from(n).map_err(|_| corrupt(col, &n.to_string()))
}

fn customer_figures(row: &QueryResult) -> Result<CustomerFigures, AppError> {
    Ok(CustomerFigures {
        total: count(row, "total")?,
        scored: count(row, "scored")?,
        predicted_yes: count(row, "predicted_yes")?,
        probability_sum: get(row, "probability_sum")?,
        with_outcome: count(row, "with_outcome")?,
        subscribed: count(row, "subscribed")?,
    })
}

/// Lead counts per status, summed into `LeadCounts`.
const LEAD_STATUS_COUNTS: &str = "CAST(COUNT(*) AS BIGINT) AS total, \
    CAST(COALESCE(SUM(CASE WHEN l.status = 'Pending' THEN 1 ELSE 0 END), 0) AS BIGINT) AS pending, \
    CAST(COALESCE(SUM(CASE WHEN l.status = 'Contacted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS contacted, \
    CAST(COALESCE(SUM(CASE WHEN l.status = 'Converted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS converted, \
    CAST(COALESCE(SUM(CASE WHEN l.status = 'Failed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS failed";

fn lead_counts(row: &QueryResult) -> Result<LeadCounts, AppError> {
    Ok(LeadCounts {
        total: count(row, "total")?,
        pending: count(row, "pending")?,
        contacted: count(row, "contacted")?,
        converted: count(row, "converted")?,
        failed: count(row, "failed")?,
    })
}

#[async_trait]
impl AnalyticsRepository for SqlAnalyticsRepository {
    async fn customer_figures(&self, scope: CustomerScope, threshold: f64) -> Result<CustomerFigures, AppError> {
        let mut sql = Sql::default();
        sql.push("SELECT ");
        customer_aggregates(&mut sql, threshold);
        sql.push(" FROM customers cu WHERE 1 = 1").customers("cu.id", scope);
        match self.rows(sql).await?.first() {
            Some(row) => customer_figures(row),
            None => Ok(CustomerFigures::default()),
        }
    }

    async fn prediction_counts(&self, scope: PredictionScope) -> Result<PredictionCounts, AppError> {
        let mut sql = Sql::default();
        sql.push(
            "SELECT CAST(COUNT(*) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(CASE WHEN p.predicted_class = 'yes' THEN 1 ELSE 0 END), 0) AS BIGINT) AS yes, \
             CAST(COALESCE(SUM(CASE WHEN p.predicted_class = 'no' THEN 1 ELSE 0 END), 0) AS BIGINT) AS no, \
             CAST(COALESCE(SUM(p.probability), 0) AS DOUBLE PRECISION) AS probability_sum \
             FROM predictions p WHERE 1 = 1",
        )
        .predictions(scope);
        let rows = self.rows(sql).await?;
        let Some(row) = rows.first() else { return Ok(PredictionCounts::default()) };
        Ok(PredictionCounts {
            total: count(row, "total")?,
            yes: count(row, "yes")?,
            no: count(row, "no")?,
            probability_sum: get(row, "probability_sum")?,
        })
    }

    async fn campaign_and_lead_counts(&self, scope: CampaignScope) -> Result<(CampaignStats, LeadCounts), AppError> {
        let mut sql = Sql::default();
        sql.push("SELECT c.status AS status, CAST(COUNT(*) AS BIGINT) AS n FROM campaigns c WHERE 1 = 1")
            .campaigns("c.id", scope)
            .push(" GROUP BY c.status");
        let mut campaigns = CampaignStats::default();
        for row in self.rows(sql).await? {
            let n = count(&row, "n")?;
            campaigns.total += n;
            match parse::<CampaignStatus>(&get::<String>(&row, "status")?, "campaign status")? {
                CampaignStatus::Active => campaigns.active += n,
                CampaignStatus::Paused => campaigns.paused += n,
                CampaignStatus::Completed => campaigns.completed += n,
            }
        }
        let mut sql = Sql::default();
        sql.push("SELECT ")
            .push(LEAD_STATUS_COUNTS)
            .push(" FROM leads l WHERE 1 = 1")
            .campaigns("l.campaign_id", scope);
        let leads = match self.rows(sql).await?.first() {
            Some(row) => lead_counts(row)?,
            None => LeadCounts::default(),
        };
        Ok((campaigns, leads))
    }

    async fn series(&self, query: &SeriesQuery) -> Result<Vec<(NaiveDate, u64)>, AppError> {
        let backend = self.db.get_database_backend();
        let (table, col) = match query.metric {
            Metric::Predictions => ("predictions p", "p.created_at"),
            Metric::Leads => ("leads l", "l.created_at"),
            Metric::Conversions => ("leads l", "l.closed_at"),
        };
        let mut sql = Sql::default();
        sql.push(&format!(
            "SELECT {} AS bucket, CAST(SUM(n) AS BIGINT) AS n FROM (SELECT {} AS d, COUNT(*) AS n FROM {table} WHERE 1 = 1",
            bucket_of_day(backend, query.granularity, "d"),
            day_of(backend, col)
        ))
        .period(col, Some(query.from), Some(query.until));
        match query.metric {
            Metric::Predictions => sql.predictions(query.predictions),
            Metric::Leads => sql.campaigns("l.campaign_id", query.campaigns),
            Metric::Conversions => sql
                .push(&format!(" AND l.status = '{}'", LeadStatus::Converted.as_str()))
                .campaigns("l.campaign_id", query.campaigns),
        };
        // Counted per day first, then the days (at most a few hundred) are bucketed.
        sql.push(" GROUP BY 1) days");
        sql.push(" GROUP BY 1");
        self.rows(sql)
            .await?
            .iter()
            .map(|row| {
                let day: String = get(row, "bucket")?;
                let start = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| corrupt("timestamp", &day))?;
                Ok((start, count(row, "n")?))
            })
            .collect()
    }

    async fn breakdown(
        &self,
        dimension: Dimension,
        scope: CustomerScope,
        threshold: f64,
    ) -> Result<Vec<BreakdownRow>, AppError> {
        let mut sql = Sql::default();
        sql.push(&format!("SELECT {} AS k, ", dimension_key(dimension)));
        customer_aggregates(&mut sql, threshold);
        sql.push(" FROM customers cu WHERE 1 = 1").customers("cu.id", scope).push(" GROUP BY 1");
        self.rows(sql)
            .await?
            .iter()
            .map(|row| Ok(BreakdownRow { key: get(row, "k")?, figures: customer_figures(row)? }))
            .collect()
    }

    async fn tiers(&self, customers: CustomerScope, campaigns: CampaignScope) -> Result<Vec<TierFigures>, AppError> {
        let tier = |raw: Option<String>| raw.map(|t| parse::<Tier>(&t, "tier")).transpose();
        let mut figures: Vec<TierFigures> = Vec::new();
        let entry = |figures: &mut Vec<TierFigures>, tier: Option<Tier>| -> usize {
            if let Some(i) = figures.iter().position(|f| f.tier == tier) {
                return i;
            }
            figures.push(TierFigures {
                tier,
                customers: 0,
                customers_with_outcome: 0,
                customers_subscribed: 0,
                leads: 0,
                leads_closed: 0,
                leads_converted: 0,
            });
            figures.len() - 1
        };

        let mut sql = Sql::default();
        sql.push(
            // `|| ''`: see `dimension_key` (here `idx_customers_tier`); NULL stays NULL.
            "SELECT cu.tier || '' AS tier, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(COALESCE(SUM(CASE WHEN cu.outcome IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS with_outcome, \
             CAST(COALESCE(SUM(CASE WHEN cu.outcome = 'yes' THEN 1 ELSE 0 END), 0) AS BIGINT) AS subscribed \
             FROM customers cu WHERE 1 = 1",
        )
        .customers("cu.id", customers)
        .push(" GROUP BY 1");
        for row in self.rows(sql).await? {
            let i = entry(&mut figures, tier(get(&row, "tier")?)?);
            figures[i].customers = count(&row, "n")?;
            figures[i].customers_with_outcome = count(&row, "with_outcome")?;
            figures[i].customers_subscribed = count(&row, "subscribed")?;
        }

        let mut sql = Sql::default();
        sql.push(
            "SELECT l.tier AS tier, CAST(COUNT(*) AS BIGINT) AS n, \
             CAST(COALESCE(SUM(CASE WHEN l.status IN ('Converted', 'Failed') THEN 1 ELSE 0 END), 0) AS BIGINT) AS closed, \
             CAST(COALESCE(SUM(CASE WHEN l.status = 'Converted' THEN 1 ELSE 0 END), 0) AS BIGINT) AS converted \
             FROM leads l WHERE 1 = 1",
        )
        .campaigns("l.campaign_id", campaigns)
        .push(" GROUP BY l.tier");
        for row in self.rows(sql).await? {
            let i = entry(&mut figures, Some(parse::<Tier>(&get::<String>(&row, "tier")?, "tier")?));
            figures[i].leads = count(&row, "n")?;
            figures[i].leads_closed = count(&row, "closed")?;
            figures[i].leads_converted = count(&row, "converted")?;
        }
        Ok(figures)
    }

    async fn lift(&self, scope: CampaignScope, model_version: Option<&str>) -> Result<Vec<DecileSums>, AppError> {
        let outcomes = |select: &str| {
            let mut sql = Sql::default();
            sql.push(select)
                .push(" FROM leads l WHERE l.status IN ('Converted', 'Failed')")
                .campaigns("l.campaign_id", scope);
            if let Some(version) = model_version {
                sql.bind(" AND l.model_version = ?", version.to_owned());
            }
            sql
        };
        let total = match self.rows(outcomes("SELECT CAST(COUNT(*) AS BIGINT) AS n")).await?.first() {
            Some(row) => count(row, "n")?,
            None => 0,
        };
        if total == 0 {
            return Ok(Vec::new());
        }
        let total = i64::try_from(total).map_err(|_| corrupt("lead count", &total.to_string()))?;
        // One window over the outcomes in ascending probability gives each lead, with equal probabilities as peers:
        // - `cle`, the number of outcomes at or below its probability (COUNT over the default RANGE frame, which
        //   includes every peer), and `rk` = 1 + the number strictly below (RANK), so its tie-averaged ascending rank
        //   is (rk + cle) / 2 (for the AUC);
        // - total − cle outcomes score higher, so in descending order its group starts at that 0-based position and
        //   its decile is ⌊(total − cle) · 10 / total⌋ + 1: equal probabilities never straddle two deciles.
        // Both functions share the window's one ordering, which the covering lift indexes (migration 000009) supply
        // for a campaign without a sort. Grouping by probability first, then running a window over the groups,
        // cost SQLite three sorts instead of at most two (see docs/benchmarks.md).
        let mut leads = outcomes(
            "SELECT l.probability AS p, CASE WHEN l.status = 'Converted' THEN 1 ELSE 0 END AS pos, \
             COUNT(*) OVER w AS cle, RANK() OVER w AS rk",
        );
        leads.push(" WINDOW w AS (ORDER BY l.probability)");
        let mut sql = Sql::default();
        sql.bind("SELECT CAST((? - cle) * 10 / ", total).bind(
            "? + 1 AS BIGINT) AS decile, CAST(COUNT(*) AS BIGINT) AS n, CAST(SUM(pos) AS BIGINT) AS positives, \
                   CAST(SUM(p) AS DOUBLE PRECISION) AS p_sum, \
                   CAST(MIN(p) AS DOUBLE PRECISION) AS p_min, CAST(MAX(p) AS DOUBLE PRECISION) AS p_max, \
                   CAST(SUM(pos * (rk + cle) / 2.0) AS DOUBLE PRECISION) AS rank_sum, \
                   CAST(SUM(CASE WHEN pos = 1 THEN (1 - p) * (1 - p) ELSE p * p END) AS DOUBLE PRECISION) AS sq \
                   FROM (",
            total,
        );
        sql.text.push_str(&leads.text);
        sql.values.extend(leads.values);
        sql.push(") c GROUP BY 1 ORDER BY 1");
        self.rows(sql)
            .await?
            .iter()
            .map(|row| {
                let decile: i64 = get(row, "decile")?;
                Ok(DecileSums {
                    decile: u8::try_from(decile).map_err(|_| corrupt("decile", &decile.to_string()))?,
                    count: count(row, "n")?,
                    positives: count(row, "positives")?,
                    probability_sum: get(row, "p_sum")?,
                    min_probability: get(row, "p_min")?,
                    max_probability: get(row, "p_max")?,
                    positive_rank_sum: get(row, "rank_sum")?,
                    squared_error_sum: get(row, "sq")?,
                })
            })
            .collect()
    }

    async fn leaderboard(
        &self,
        scope: CampaignScope,
        period: (Option<DateTime<Utc>>, Option<DateTime<Utc>>),
    ) -> Result<Vec<LeaderboardRow>, AppError> {
        let (from, until) = period;
        let mut sql = Sql::default();
        sql.push("WITH lead_counts AS (SELECT l.assignee_id AS user_id, ")
            .push(LEAD_STATUS_COUNTS)
            .push(" FROM leads l WHERE l.assignee_id IS NOT NULL")
            .campaigns("l.campaign_id", scope)
            .period("COALESCE(l.closed_at, l.updated_at)", from, until)
            .push(
                " GROUP BY l.assignee_id), note_counts AS (SELECT n.author_id AS user_id, \
                 CAST(COUNT(*) AS BIGINT) AS notes FROM notes n WHERE n.author_id IS NOT NULL",
            )
            .campaigns("n.campaign_id", scope)
            .period("n.created_at", from, until)
            .push(
                " GROUP BY n.author_id), people AS (SELECT user_id FROM lead_counts UNION \
                 SELECT user_id FROM note_counts UNION \
                 SELECT cc.user_id FROM campaign_collaborators cc WHERE 1 = 1",
            )
            .campaigns("cc.campaign_id", scope)
            .push(
                ") SELECT u.id AS id, u.email AS email, u.full_name AS full_name, \
                 CAST(COALESCE(lc.total, 0) AS BIGINT) AS total, CAST(COALESCE(lc.pending, 0) AS BIGINT) AS pending, \
                 CAST(COALESCE(lc.contacted, 0) AS BIGINT) AS contacted, \
                 CAST(COALESCE(lc.converted, 0) AS BIGINT) AS converted, \
                 CAST(COALESCE(lc.failed, 0) AS BIGINT) AS failed, CAST(COALESCE(nc.notes, 0) AS BIGINT) AS notes \
                 FROM people pe JOIN users u ON u.id = pe.user_id \
                 LEFT JOIN lead_counts lc ON lc.user_id = pe.user_id \
                 LEFT JOIN note_counts nc ON nc.user_id = pe.user_id",
            )
            .bind(" WHERE u.role = ?", Role::Sales.as_str());
        self.rows(sql)
            .await?
            .iter()
            .map(|row| {
                Ok(LeaderboardRow {
                    user_id: get::<Uuid>(row, "id")?,
                    email: get(row, "email")?,
                    full_name: get(row, "full_name")?,
                    leads: lead_counts(row)?,
                    notes: count(row, "notes")?,
                })
            })
            .collect()
    }
}
