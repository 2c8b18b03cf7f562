//! Rows into campaigns and back: the owner and collaborators as members, and the columns a Manager sets.

use std::collections::{HashMap, HashSet};

use leadscore_application::AppError;
use leadscore_application::campaigns::{Campaign, Member, NewCampaign, RunSummary};
use leadscore_application::customers::CustomerFilter;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use super::super::query::{corrupt, parse};
use super::ID_CHUNK;
use crate::entities::{campaign_collaborators as collaborators, campaigns, users};
use crate::error::{db_err, is_foreign_key_violation};

/// A user as a campaign shows them.
fn member((id, email, full_name): (Uuid, String, Option<String>)) -> Member {
    Member { id, email, full_name }
}

/// The members with these ids, by id (unknown ids are left out).
pub(crate) async fn members<C: ConnectionTrait>(
    db: &C,
    ids: &HashSet<Uuid>,
) -> Result<HashMap<Uuid, Member>, AppError> {
    let ids: Vec<Uuid> = ids.iter().copied().collect();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(ID_CHUNK) {
        let rows: Vec<(Uuid, String, Option<String>)> = users::Entity::find()
            .select_only()
            .columns([users::Column::Id, users::Column::Email, users::Column::FullName])
            .filter(users::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await
            .map_err(db_err)?;
        for row in rows {
            found.insert(row.0, member(row));
        }
    }
    Ok(found)
}

/// The collaborators of these campaigns, each list by e-mail, in one query.
async fn collaborators_of<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Member>>, AppError> {
    let mut found: HashMap<Uuid, Vec<Member>> = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let rows: Vec<(Uuid, Uuid, String, Option<String>)> = collaborators::Entity::find()
        .select_only()
        .column(collaborators::Column::CampaignId)
        .columns([users::Column::Id, users::Column::Email, users::Column::FullName])
        .join(JoinType::InnerJoin, collaborators::Relation::User.def())
        .filter(collaborators::Column::CampaignId.is_in(ids.iter().copied()))
        .order_by_asc(users::Column::Email)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    for (campaign_id, id, email, full_name) in rows {
        found.entry(campaign_id).or_default().push(member((id, email, full_name)));
    }
    Ok(found)
}

pub(super) fn count(value: i64, what: &str) -> Result<u64, AppError> {
    u64::try_from(value).map_err(|_| corrupt(what, &value.to_string()))
}

fn to_domain(m: campaigns::Model, owner: Member, collaborators: Vec<Member>) -> Result<Campaign, AppError> {
    let criteria: CustomerFilter =
        serde_json::from_str(&m.criteria).map_err(|_| corrupt("campaign criteria", &m.criteria))?;
    let last_run = match (m.last_run_at, m.last_run_model_version, m.last_run_matched, m.last_run_leads) {
        (Some(at), Some(model_version), Some(matched), Some(leads)) => Some(RunSummary {
            at,
            model_version,
            matched: count(matched, "run match count")?,
            leads: count(leads, "run lead count")?,
        }),
        _ => None,
    };
    Ok(Campaign {
        id: m.id,
        info: CampaignInfo {
            name: m.name,
            description: m.description,
            target_leads: u32::try_from(m.target_leads)
                .map_err(|_| corrupt("target leads", &m.target_leads.to_string()))?,
            start_date: m.start_date,
            end_date: m.end_date,
            status: parse::<CampaignStatus>(&m.status, "campaign status")?,
        },
        criteria,
        owner,
        collaborators,
        last_run,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

/// Campaigns with their owners and collaborators, in two queries however many there are.
pub(super) async fn with_members<C: ConnectionTrait>(
    db: &C,
    models: Vec<campaigns::Model>,
) -> Result<Vec<Campaign>, AppError> {
    let owners = members(db, &models.iter().map(|m| m.owner_id).collect()).await?;
    let mut collaborators = collaborators_of(db, &models.iter().map(|m| m.id).collect::<Vec<_>>()).await?;
    models
        .into_iter()
        .map(|m| {
            // The owner's foreign key is RESTRICT, so a missing owner means the database was changed behind our back.
            let owner =
                owners.get(&m.owner_id).cloned().ok_or_else(|| corrupt("campaign owner", &m.owner_id.to_string()))?;
            let people = collaborators.remove(&m.id).unwrap_or_default();
            to_domain(m, owner, people)
        })
        .collect()
}

/// The attribute columns a Manager sets (insert and update).
pub(super) fn attributes(c: &NewCampaign, model: &mut campaigns::ActiveModel) -> Result<(), AppError> {
    let criteria = serde_json::to_string(&c.criteria)
        .map_err(|err| AppError::Internal(format!("campaign criteria as JSON: {err}")))?;
    model.name = Set(c.info.name.clone());
    model.name_lower = Set(c.info.name.to_lowercase());
    model.description = Set(c.info.description.clone());
    model.target_leads = Set(i32::try_from(c.info.target_leads).unwrap_or(i32::MAX));
    model.start_date = Set(c.info.start_date);
    model.end_date = Set(c.info.end_date);
    model.status = Set(c.info.status.as_str().to_owned());
    model.criteria = Set(criteria);
    model.updated_at = Set(c.now);
    Ok(())
}

fn collaborator_rows(c: &NewCampaign) -> Vec<collaborators::ActiveModel> {
    let unique: HashSet<Uuid> = c.collaborator_ids.iter().copied().collect();
    unique
        .into_iter()
        .map(|user_id| collaborators::ActiveModel { campaign_id: Set(c.id), user_id: Set(user_id) })
        .collect()
}

/// A foreign-key violation while storing a campaign: its owner or a collaborator is not (or no longer) a user.
pub(super) fn missing_user(err: DbErr) -> AppError {
    if is_foreign_key_violation(&err) {
        return AppError::NotFound("A user of this campaign was not found".into());
    }
    db_err(err)
}

pub(super) async fn insert_collaborators<C: ConnectionTrait>(db: &C, c: &NewCampaign) -> Result<(), AppError> {
    let rows = collaborator_rows(c);
    if !rows.is_empty() {
        collaborators::Entity::insert_many(rows).exec_without_returning(db).await.map_err(missing_user)?;
    }
    Ok(())
}
