//! Domain values into rows: the active models of an insert, an update and an import, and the existing customers an
//! import's rows match.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use leadscore_application::AppError;
use leadscore_domain::customers::{BankProfile, ContactDetails, Customer, LatestScore, NewCustomer};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::super::query::search_text;
use crate::entities::customers::{ActiveModel, Column, Entity};
use crate::error::db_err;

/// The attribute columns of a customer (everything but id, score and creation time).
pub(super) fn attributes(details: &ContactDetails, p: &BankProfile, outcome: Option<&str>, model: &mut ActiveModel) {
    model.external_id = Set(details.external_id.clone());
    model.name = Set(details.name.clone());
    model.email = Set(details.email.as_ref().map(|e| e.as_str().to_owned()));
    model.phone = Set(details.phone.clone());
    model.city = Set(details.city.clone());
    model.age = Set(i16::from(p.age.years()));
    model.job = Set(p.job.as_str().to_owned());
    model.marital = Set(p.marital.as_str().to_owned());
    model.education = Set(p.education.as_str().to_owned());
    model.default = Set(p.default);
    model.balance = Set(p.balance);
    model.housing = Set(p.housing);
    model.loan = Set(p.loan);
    model.contact = Set(p.contact.as_str().to_owned());
    model.day = Set(i16::from(p.day));
    model.month = Set(p.month.as_str().to_owned());
    model.duration = Set(p.duration.map(|d| i32::try_from(d).unwrap_or(i32::MAX)));
    model.campaign = Set(i32::try_from(p.campaign).unwrap_or(i32::MAX));
    model.pdays = Set(p.pdays);
    model.previous = Set(i32::try_from(p.previous).unwrap_or(i32::MAX));
    model.poutcome = Set(p.poutcome.as_str().to_owned());
    model.outcome = Set(outcome.map(str::to_owned));
    model.search_text = Set(search_text([
        details.name.as_deref(),
        details.email.as_ref().map(|e| e.as_str()),
        details.phone.as_deref(),
        details.city.as_deref(),
        details.external_id.as_deref(),
    ]));
}

pub(super) fn empty_active() -> ActiveModel {
    ActiveModel {
        id: NotSet,
        external_id: NotSet,
        name: NotSet,
        email: NotSet,
        phone: NotSet,
        city: NotSet,
        age: NotSet,
        job: NotSet,
        marital: NotSet,
        education: NotSet,
        default: NotSet,
        balance: NotSet,
        housing: NotSet,
        loan: NotSet,
        contact: NotSet,
        day: NotSet,
        month: NotSet,
        duration: NotSet,
        campaign: NotSet,
        pdays: NotSet,
        previous: NotSet,
        poutcome: NotSet,
        outcome: NotSet,
        outcome_at: NotSet,
        probability: NotSet,
        score: NotSet,
        tier: NotSet,
        model_version: NotSet,
        scored_at: NotSet,
        search_text: NotSet,
        created_at: NotSet,
        updated_at: NotSet,
    }
}

/// The score columns; `None` writes NULLs (unscored).
pub(super) fn score_columns(score: Option<&LatestScore>, model: &mut ActiveModel) {
    model.probability = Set(score.map(|s| s.probability));
    model.score = Set(score.map(|s| i16::from(s.score)));
    model.tier = Set(score.map(|s| s.tier.as_str().to_owned()));
    model.model_version = Set(score.map(|s| s.model_version.clone()));
    model.scored_at = Set(score.map(|s| s.scored_at));
}

pub(super) fn to_active(c: &Customer) -> ActiveModel {
    let mut model = empty_active();
    attributes(&c.details, &c.profile, c.outcome.map(|o| o.as_str()), &mut model);
    model.id = Set(c.id);
    model.outcome_at = Set(c.outcome_at);
    score_columns(c.latest_score.as_ref(), &mut model);
    model.created_at = Set(c.created_at);
    model.updated_at = Set(c.updated_at);
    model
}

pub(super) fn new_active(c: &NewCustomer, now: DateTime<Utc>) -> ActiveModel {
    let mut model = empty_active();
    attributes(&c.details, &c.profile, c.outcome.map(|o| o.as_str()), &mut model);
    model.id = Set(Uuid::now_v7());
    model.outcome_at = Set(None);
    score_columns(c.score.as_ref(), &mut model);
    model.created_at = Set(now);
    model.updated_at = Set(now);
    model
}

/// Existing customers that a chunk of rows may match, by external id and by e-mail.
pub(super) async fn existing_keys<C: ConnectionTrait>(
    db: &C,
    rows: &[NewCustomer],
) -> Result<(HashMap<String, Uuid>, HashMap<String, Uuid>), AppError> {
    let ids: Vec<String> = rows.iter().filter_map(|r| r.details.external_id.clone()).collect();
    let emails: Vec<String> =
        rows.iter().filter_map(|r| r.details.email.as_ref().map(|e| e.as_str().to_owned())).collect();
    let mut by_id = HashMap::new();
    let mut by_email = HashMap::new();
    if ids.is_empty() && emails.is_empty() {
        return Ok((by_id, by_email));
    }
    let found: Vec<(Uuid, Option<String>, Option<String>)> = Entity::find()
        .select_only()
        .columns([Column::Id, Column::ExternalId, Column::Email])
        .filter(Condition::any().add(Column::ExternalId.is_in(ids)).add(Column::Email.is_in(emails)))
        .into_tuple()
        .all(db)
        .await
        .map_err(db_err)?;
    for (id, external_id, email) in found {
        if let Some(key) = external_id {
            by_id.insert(key, id);
        }
        if let Some(key) = email {
            by_email.insert(key, id);
        }
    }
    Ok((by_id, by_email))
}
