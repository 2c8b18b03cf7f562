//! Leads in SQL: call lists joined with their customers, counted per page in grouped queries, and status changes
//! written with their note and outcome in one transaction.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_application::campaigns::{
    KnownOutcomes, LeadFilter, LeadRepository, LeadSort, LeadStats, LeadView, OutcomeChange,
};
use leadscore_domain::activity::Activity;
use leadscore_domain::campaigns::{Lead, LeadStatus, Note, NoteType};
use leadscore_domain::customers::{Customer, Outcome};
use leadscore_domain::pagination::{Page, PageRequest};
use leadscore_domain::scoring::Tier;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, JoinType, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait, Select,
};
use uuid::Uuid;

use super::activities::insert_activity;
use super::campaigns::members;
use super::customers::to_domain as customer_to_domain;
use super::notes::to_active as note_to_active;
use super::query::{contains_ci, corrupt, parse};
use crate::db::begin_write;
use crate::entities::{activities, customers, leads, notes};
use crate::error::{db_err, is_foreign_key_violation};

/// `LeadRepository` over SeaORM.
#[derive(Clone)]
pub struct SqlLeadRepository {
    db: DatabaseConnection,
}

impl SqlLeadRepository {
    /// Uses this pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// Ids per `IN (…)` list and rows per multi-row INSERT of notes (7 columns): within SQLite's 32,766 and PostgreSQL's
/// 65,535 bound parameters.
const IDS_PER_STATEMENT: usize = 4_000;

fn to_domain(m: leads::Model) -> Result<Lead, AppError> {
    Ok(Lead {
        id: m.id,
        campaign_id: m.campaign_id,
        customer_id: m.customer_id,
        rank: u32::try_from(m.rank).map_err(|_| corrupt("lead rank", &m.rank.to_string()))?,
        probability: m.probability,
        score: u8::try_from(m.score).map_err(|_| corrupt("lead score", &m.score.to_string()))?,
        tier: parse::<Tier>(&m.tier, "tier")?,
        model_version: m.model_version,
        prediction_id: m.prediction_id,
        status: parse::<LeadStatus>(&m.status, "lead status")?,
        assignee_id: m.assignee_id,
        created_at: m.created_at,
        updated_at: m.updated_at,
        closed_at: m.closed_at,
    })
}

/// A campaign's leads joined with their customers, filtered.
fn filtered(campaign_id: Uuid, f: &LeadFilter) -> Select<leads::Entity> {
    let mut select = leads::Entity::find()
        .join(JoinType::InnerJoin, leads::Relation::Customer.def())
        .filter(leads::Column::CampaignId.eq(campaign_id));
    if let Some(status) = f.status {
        select = select.filter(leads::Column::Status.eq(status.as_str()));
    }
    if let Some(tier) = f.tier {
        select = select.filter(leads::Column::Tier.eq(tier.as_str()));
    }
    if let Some(assignee) = f.assignee {
        select = select.filter(leads::Column::AssigneeId.eq(assignee));
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(contains_ci(customers::Column::SearchText, q));
    }
    select
}

fn sorted(select: Select<leads::Entity>, sort: LeadSort) -> Select<leads::Entity> {
    let select = match sort {
        LeadSort::ProbabilityDesc => select.order_by(leads::Column::Probability, Order::Desc),
        LeadSort::ProbabilityAsc => select.order_by(leads::Column::Probability, Order::Asc),
        LeadSort::UpdatedDesc => select.order_by(leads::Column::UpdatedAt, Order::Desc),
    };
    select.order_by_asc(leads::Column::Rank).order_by_asc(leads::Column::Id)
}

/// Notes per lead, for the leads `scope` selects, in one grouped query.
async fn notes_counts<C: ConnectionTrait>(db: &C, scope: Condition) -> Result<HashMap<Uuid, u64>, AppError> {
    let rows: Vec<(Uuid, i64)> = notes::Entity::find()
        .select_only()
        .column(notes::Column::LeadId)
        .column_as(notes::Column::Id.count(), "n")
        .filter(scope)
        .group_by(notes::Column::LeadId)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().map(|(id, n)| (id, u64::try_from(n).unwrap_or(0))).collect())
}

/// Time of the latest activity per lead, in one grouped query.
async fn last_activities<C: ConnectionTrait>(
    db: &C,
    scope: Condition,
) -> Result<HashMap<Uuid, DateTime<Utc>>, AppError> {
    let rows: Vec<(Option<Uuid>, Option<DateTime<Utc>>)> = activities::Entity::find()
        .select_only()
        .column(activities::Column::LeadId)
        .column_as(activities::Column::CreatedAt.max(), "last")
        .filter(scope)
        .group_by(activities::Column::LeadId)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().filter_map(|(id, at)| Some((id?, at?))).collect())
}

/// Which leads a view needs counts for: a page's ids, or a whole campaign (as a subquery, so no id list grows with
/// the call list).
enum Scope<'a> {
    Ids(&'a [Uuid]),
    Campaign(Uuid),
}

impl Scope<'_> {
    fn condition(&self, lead_column: impl ColumnTrait) -> Condition {
        match self {
            Self::Ids(ids) => Condition::all().add(lead_column.is_in(ids.iter().copied())),
            Self::Campaign(campaign_id) => Condition::all().add(
                lead_column.in_subquery(
                    Query::select()
                        .column(leads::Column::Id)
                        .from(leads::Entity)
                        .and_where(leads::Column::CampaignId.eq(*campaign_id))
                        .to_owned(),
                ),
            ),
        }
    }
}

/// Leads (with their customers) as views: assignees, note counts and last activities in one query each.
async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<(leads::Model, Option<customers::Model>)>,
    scope: Scope<'_>,
) -> Result<Vec<LeadView>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let assignees = members(db, &rows.iter().filter_map(|(l, _)| l.assignee_id).collect::<HashSet<_>>()).await?;
    let counts = notes_counts(db, scope.condition(notes::Column::LeadId)).await?;
    let last = last_activities(db, scope.condition(activities::Column::LeadId)).await?;
    rows.into_iter()
        .map(|(lead, customer)| {
            // The inner join guarantees a customer; its absence would be a bug in the query, not in the data.
            let customer: Customer =
                customer_to_domain(customer.ok_or_else(|| corrupt("lead customer", &lead.customer_id.to_string()))?)?;
            let lead = to_domain(lead)?;
            Ok(LeadView {
                assignee: lead.assignee_id.and_then(|id| assignees.get(&id).cloned()),
                notes_count: counts.get(&lead.id).copied().unwrap_or(0),
                last_activity_at: last.get(&lead.id).copied(),
                customer,
                lead,
            })
        })
        .collect()
}

/// A foreign-key violation while changing a lead: the assignee, author or customer is gone.
fn missing_reference(err: DbErr) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound("A user or lead of this change was not found".into());
    }
    db_err(err)
}

async fn write_change<C: ConnectionTrait>(
    db: &C,
    previous: &Lead,
    lead: &Lead,
    note: &Note,
    outcome: Option<OutcomeChange>,
) -> Result<(), AppError> {
    let assignee_was = match previous.assignee_id {
        Some(id) => leads::Column::AssigneeId.eq(id),
        None => leads::Column::AssigneeId.is_null(),
    };
    let result = leads::Entity::update_many()
        .col_expr(leads::Column::Status, Expr::value(lead.status.as_str()))
        .col_expr(leads::Column::AssigneeId, Expr::value(lead.assignee_id))
        .col_expr(leads::Column::UpdatedAt, Expr::value(lead.updated_at))
        .col_expr(leads::Column::ClosedAt, Expr::value(lead.closed_at))
        .filter(leads::Column::Id.eq(lead.id))
        .filter(leads::Column::Status.eq(previous.status.as_str()))
        .filter(assignee_was)
        .exec(db)
        .await
        .map_err(missing_reference)?;
    if result.rows_affected == 0 {
        let exists = leads::Entity::find_by_id(lead.id).count(db).await.map_err(db_err)? > 0;
        return Err(if exists {
            AppError::Conflict("The lead was changed by someone else since it was read; reload it and try again".into())
        } else {
            AppError::NotFound("Lead not found".into())
        });
    }
    notes::Entity::insert(note_to_active(note)).exec_without_returning(db).await.map_err(missing_reference)?;
    if let Some(change) = outcome {
        // `updated_at` is left alone: a call's outcome is an observation, not an edit of the customer's record.
        let result = customers::Entity::update_many()
            .col_expr(customers::Column::Outcome, Expr::value(change.outcome.map(|o| o.as_str().to_owned())))
            .col_expr(customers::Column::OutcomeAt, Expr::value(change.outcome.and(change.at)))
            .filter(customers::Column::Id.eq(change.customer_id))
            .exec(db)
            .await
            .map_err(db_err)?;
        if result.rows_affected == 0 {
            return Err(AppError::NotFound("Customer not found".into()));
        }
    }
    Ok(())
}

#[async_trait]
impl LeadRepository for SqlLeadRepository {
    async fn list(
        &self,
        campaign_id: Uuid,
        filter: &LeadFilter,
        sort: LeadSort,
        page: PageRequest,
    ) -> Result<Page<LeadView>, AppError> {
        let select = filtered(campaign_id, filter);
        let total_items = select.clone().count(&self.db).await.map_err(db_err)?;
        let rows = sorted(select, sort)
            .select_also(customers::Entity)
            .offset(page.offset())
            .limit(u64::from(page.limit()))
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let ids: Vec<Uuid> = rows.iter().map(|(l, _)| l.id).collect();
        let items = views(&self.db, rows, Scope::Ids(&ids)).await?;
        Ok(Page { items, total_items, request: page })
    }

    async fn find(&self, campaign_id: Uuid, lead_id: Uuid) -> Result<Option<LeadView>, AppError> {
        let rows = filtered(campaign_id, &LeadFilter::default())
            .filter(leads::Column::Id.eq(lead_id))
            .select_also(customers::Entity)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        Ok(views(&self.db, rows, Scope::Ids(&[lead_id])).await?.pop())
    }

    async fn all(&self, campaign_id: Uuid) -> Result<Vec<LeadView>, AppError> {
        let rows = filtered(campaign_id, &LeadFilter::default())
            .order_by_asc(leads::Column::Rank)
            .order_by_asc(leads::Column::Id)
            .select_also(customers::Entity)
            .all(&self.db)
            .await
            .map_err(db_err)?;
        views(&self.db, rows, Scope::Campaign(campaign_id)).await
    }

    async fn change(
        &self,
        previous: &Lead,
        lead: &Lead,
        note: &Note,
        outcome: Option<OutcomeChange>,
        audit: &Activity,
    ) -> Result<(), AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // On error the transaction is dropped uncommitted, which rolls every statement back.
        write_change(&txn, previous, lead, note, outcome).await?;
        insert_activity(&txn, audit).await?;
        txn.commit().await.map_err(db_err)
    }

    async fn close_with_known_outcomes(
        &self,
        campaign_id: Uuid,
        at: DateTime<Utc>,
        note: &str,
    ) -> Result<KnownOutcomes, AppError> {
        let txn = begin_write(&self.db).await.map_err(db_err)?;
        // On error the transaction is dropped uncommitted, which rolls every statement back.
        let known: Vec<(Uuid, Uuid, String)> = leads::Entity::find()
            .select_only()
            .columns([leads::Column::Id, leads::Column::CustomerId])
            .column(customers::Column::Outcome)
            .join(JoinType::InnerJoin, leads::Relation::Customer.def())
            .filter(leads::Column::CampaignId.eq(campaign_id))
            .filter(leads::Column::Status.eq(LeadStatus::Pending.as_str()))
            .filter(customers::Column::Outcome.is_not_null())
            .into_tuple()
            .all(&txn)
            .await
            .map_err(db_err)?;
        if let Some((_, _, other)) = known.iter().find(|(_, _, o)| o.parse::<Outcome>().is_err()) {
            return Err(corrupt("customer outcome", other));
        }
        let mut counts = KnownOutcomes::default();
        let mut closed = Vec::with_capacity(known.len());
        for (status, outcome) in [(LeadStatus::Converted, Outcome::Yes), (LeadStatus::Failed, Outcome::No)] {
            let (leads_of, customers_of): (Vec<Uuid>, Vec<Uuid>) =
                known.iter().filter(|(_, _, o)| *o == outcome.as_str()).map(|(l, c, _)| (*l, *c)).unzip();
            for (lead_ids, customer_ids) in
                leads_of.chunks(IDS_PER_STATEMENT).zip(customers_of.chunks(IDS_PER_STATEMENT))
            {
                leads::Entity::update_many()
                    .col_expr(leads::Column::Status, Expr::value(status.as_str()))
                    .col_expr(leads::Column::UpdatedAt, Expr::value(at))
                    .col_expr(leads::Column::ClosedAt, Expr::value(Some(at)))
                    .filter(leads::Column::Id.is_in(lead_ids.iter().copied()))
                    .exec(&txn)
                    .await
                    .map_err(db_err)?;
                customers::Entity::update_many()
                    .col_expr(customers::Column::OutcomeAt, Expr::value(Some(at)))
                    .filter(customers::Column::Id.is_in(customer_ids.iter().copied()))
                    .exec(&txn)
                    .await
                    .map_err(db_err)?;
            }
            let n = leads_of.len() as u64;
            match status {
                LeadStatus::Converted => counts.converted = n,
                _ => counts.failed = n,
            }
            closed.extend(leads_of.into_iter().map(|lead_id| Note {
                id: Uuid::now_v7(),
                campaign_id,
                lead_id,
                author_id: None,
                note_type: NoteType::System,
                text: format!("status Pending → {status}: {note}"),
                created_at: at,
            }));
        }
        for chunk in closed.chunks(IDS_PER_STATEMENT) {
            notes::Entity::insert_many(chunk.iter().map(note_to_active))
                .exec_without_returning(&txn)
                .await
                .map_err(db_err)?;
        }
        txn.commit().await.map_err(db_err)?;
        Ok(counts)
    }

    async fn stats(&self, campaign_id: Uuid) -> Result<LeadStats, AppError> {
        let groups: Vec<(String, String, i64)> = leads::Entity::find()
            .select_only()
            .columns([leads::Column::Status, leads::Column::Tier])
            .column_as(leads::Column::Id.count(), "n")
            .filter(leads::Column::CampaignId.eq(campaign_id))
            .group_by(leads::Column::Status)
            .group_by(leads::Column::Tier)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_err)?;
        let mut stats = LeadStats::default();
        for (status, tier, n) in groups {
            let n = u64::try_from(n).map_err(|_| corrupt("lead count", &n.to_string()))?;
            stats.total += n;
            if parse::<Tier>(&tier, "tier")? == Tier::Hot {
                stats.hot += n;
            }
            match parse::<LeadStatus>(&status, "lead status")? {
                LeadStatus::Pending => stats.pending += n,
                LeadStatus::Contacted => stats.contacted += n,
                LeadStatus::Converted => stats.converted += n,
                LeadStatus::Failed => stats.failed += n,
            }
        }
        Ok(stats)
    }
}
