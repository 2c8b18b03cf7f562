//! Which campaigns a user sees, and the list filter, as conditions.

use leadscore_application::campaigns::CampaignFilter;
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use super::super::query::contains_ci;
use crate::entities::{campaign_collaborators as collaborators, campaigns};

/// `owner = user OR user collaborates`.
fn visible(user: Uuid) -> Condition {
    let collaborating = Query::select()
        .column(collaborators::Column::CampaignId)
        .from(collaborators::Entity)
        .and_where(collaborators::Column::UserId.eq(user))
        .to_owned();
    Condition::any().add(campaigns::Column::OwnerId.eq(user)).add(campaigns::Column::Id.in_subquery(collaborating))
}

pub(super) fn visible_to(select: Select<campaigns::Entity>, user: Option<Uuid>) -> Select<campaigns::Entity> {
    match user {
        Some(user) => select.filter(visible(user)),
        None => select,
    }
}

pub(super) fn filtered(f: &CampaignFilter) -> Select<campaigns::Entity> {
    let mut select = visible_to(campaigns::Entity::find(), f.visible_to);
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        select = select.filter(contains_ci(campaigns::Column::NameLower, q));
    }
    if let Some(status) = f.status {
        select = select.filter(campaigns::Column::Status.eq(status.as_str()));
    }
    if let Some(day) = f.start_date {
        select = select.filter(campaigns::Column::StartDate.gte(day));
    }
    if let Some(day) = f.end_date {
        select = select.filter(campaigns::Column::EndDate.lte(day));
    }
    select
}
