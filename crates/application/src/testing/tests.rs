//! The fakes hold the parts of their ports' contracts that the services cannot show: the guards the SQL adapters
//! keep for concurrent requests, and all-or-nothing writes. (`tests/it/contract` checks the same cases on SQLite
//! and PostgreSQL.)

use std::sync::Arc;

use chrono::Duration;
use leadscore_domain::activity::{ActivityAction, EntityType};
use leadscore_domain::campaigns::{Lead, LeadStatus, Note, NoteType};
use leadscore_domain::users::{Role, User};
use uuid::Uuid;

use super::*;
use crate::AppError;
use crate::activities::NewActivity;
use crate::auth::{AttemptLimit, LoginAttemptRepository, RefreshTokenRepository, Reservation};
use crate::campaigns::{CampaignRepository, LeadRepository, RankedLead, RunPlan};
use crate::system::Clock;
use crate::users::UserRepository;

#[tokio::test]
async fn the_user_repository_keeps_an_active_admin_whatever_the_service_checked() {
    let fakes = Fakes::new();
    let repo = FakeUserRepository::new(fakes.db.clone());
    let admin = fakes.user(Role::Admin).unwrap();
    let last = Err(AppError::Conflict("Cannot remove the last active Admin".into()));
    assert_eq!(repo.update(&User { role: Role::Manager, ..admin.clone() }).await, last);
    assert_eq!(repo.update(&User { is_active: false, ..admin.clone() }).await, last);
    assert_eq!(repo.delete(admin.id).await.map(|_| ()), last);
    assert_eq!(fakes.db.with(|s| s.users[&admin.id].clone()), admin);
    // Password and token version change only through `set_password`.
    repo.update(&User { password_hash: "x".into(), token_version: 9, ..admin.clone() }).await.unwrap();
    assert_eq!(
        fakes.db.with(|s| (s.users[&admin.id].password_hash.clone(), s.users[&admin.id].token_version)),
        (admin.password_hash.clone(), 0)
    );
    assert_eq!(repo.set_password(admin.id, "y", fakes.clock.now()).await, Ok(1));
}

#[tokio::test]
async fn a_lead_change_from_a_stale_read_writes_nothing() {
    let fakes = Fakes::new();
    let repo = FakeLeadRepository::new(fakes.db.clone());
    let owner = fakes.user(Role::Manager).unwrap();
    let campaign = fakes.campaign(&owner, &[]);
    let read = fakes.lead(campaign, LeadStatus::Pending, None).unwrap();
    let now = fakes.clock.now();
    let note = Note {
        id: Uuid::now_v7(),
        campaign_id: campaign,
        lead_id: read.id,
        author_id: None,
        note_type: NoteType::System,
        text: "status Pending → Contacted".into(),
        created_at: now,
    };
    let log = crate::activities::ActivityLog::new(
        Arc::new(FakeActivityRepository::new(fakes.db.clone())),
        fakes.clock.clone(),
    );
    let audit =
        log.stamp(NewActivity::about(None, ActivityAction::LeadStatusChanged, EntityType::Lead, Some(read.id), "x"));
    // Someone else assigned the lead since it was read.
    fakes.db.with(|s| s.leads.get_mut(&read.id).map(|l| l.assignee_id = Some(owner.id)));
    let before = fakes.db.snapshot();
    let change = Lead { status: LeadStatus::Contacted, ..read.clone() };
    let Err(AppError::Conflict(_)) = repo.change(&read, &change, &note, None, &audit).await else {
        panic!("a change from a stale read must be refused");
    };
    assert_eq!(fakes.db.snapshot(), before, "neither the lead, the note nor the audit entry was written");
    let gone = Lead { id: Uuid::now_v7(), ..change };
    assert!(matches!(repo.change(&gone, &gone, &note, None, &audit).await, Err(AppError::NotFound(_))));
}

#[tokio::test]
async fn a_refresh_token_rotates_once() {
    let fakes = Fakes::new();
    let repo = FakeRefreshTokenRepository::new(fakes.db.clone());
    let now = fakes.clock.now();
    let user = fakes.user(Role::Sales).unwrap();
    let token = |hash: &str| crate::auth::RefreshTokenRecord {
        id: Uuid::now_v7(),
        user_id: user.id,
        family_id: user.id,
        token_hash: hash.into(),
        created_at: now,
        expires_at: now + Duration::days(7),
        rotated_at: None,
        revoked_at: None,
    };
    let first = token("a");
    repo.insert(&first).await.unwrap();
    assert_eq!(repo.rotate(first.id, now, &token("b")).await, Ok(true));
    assert_eq!(repo.rotate(first.id, now, &token("c")).await, Ok(false), "the second exchange loses");
    assert_eq!(repo.find_by_hash("c").await, Ok(None), "and stores nothing");
    assert_eq!(repo.revoke_family(user.id, now).await, Ok(2));
    assert_eq!(repo.revoke_family(user.id, now).await, Ok(0), "only tokens not yet revoked count");
}

#[tokio::test]
async fn a_reservation_records_for_every_limit_or_for_none() {
    let fakes = Fakes::new();
    let repo = FakeLoginAttemptRepository::new(fakes.db.clone());
    let now = fakes.clock.now();
    let since = now - Duration::minutes(15);
    let account = AttemptLimit { scope: crate::auth::ThrottleScope::Account, key: "ana", max: 5 };
    let ip = AttemptLimit { scope: crate::auth::ThrottleScope::Ip, key: "10.0.0.1", max: 1 };
    let Reservation::Granted(ids) = repo.reserve(&[account, ip], since, now).await.unwrap() else {
        panic!("the first attempt has room");
    };
    assert_eq!(ids.len(), 2);
    let refused = repo.reserve(&[account, ip], since, now).await.unwrap();
    assert_eq!(refused, Reservation::Refused { oldest: Some(now) });
    assert_eq!(fakes.db.with(|s| s.login_attempts.len()), 2, "the account's limit had room, yet nothing was recorded");
    repo.release(&ids).await.unwrap();
    assert!(fakes.db.with(|s| s.login_attempts.is_empty()));
}

#[tokio::test]
async fn a_run_naming_a_missing_customer_writes_nothing() {
    let fakes = Fakes::new();
    let repo = FakeCampaignRepository::new(fakes.db.clone());
    let owner = fakes.user(Role::Manager).unwrap();
    let campaign = fakes.campaign(&owner, &[]);
    fakes.lead(campaign, LeadStatus::Contacted, None).unwrap();
    let customer = fakes.customer(60).unwrap();
    let model = FakeScoringModel::new();
    let now = fakes.clock.now();
    let ranked = |customer_id, rank| RankedLead {
        customer_id,
        rank,
        prediction: leadscore_domain::scoring::Prediction {
            id: Uuid::now_v7(),
            customer_id: Some(customer_id),
            campaign_id: Some(campaign),
            source: leadscore_domain::scoring::PredictionSource::Campaign,
            features: Default::default(),
            outcome: crate::scoring::ScoringModel::card(&model).outcome(0.8),
            factors: Default::default(),
            model_version: "fake-1".into(),
            requested_by: None,
            created_at: now,
            overridden: None,
        },
    };
    let log = crate::activities::ActivityLog::new(
        Arc::new(FakeActivityRepository::new(fakes.db.clone())),
        fakes.clock.clone(),
    );
    let audit =
        log.stamp(NewActivity::about(None, ActivityAction::CampaignRun, EntityType::Campaign, Some(campaign), "ran"));
    let summary = crate::campaigns::RunSummary { at: now, model_version: "fake-1".into(), matched: 2, leads: 2 };
    let plan = RunPlan {
        campaign_id: campaign,
        leads: vec![ranked(customer.id, 1), ranked(Uuid::now_v7(), 2)],
        summary,
        audit,
    };
    let before = fakes.db.snapshot();
    assert!(matches!(repo.apply_run(&plan).await, Err(AppError::NotFound(_))));
    assert_eq!(fakes.db.snapshot(), before);
    let plan = RunPlan { leads: vec![ranked(customer.id, 1)], ..plan };
    let counts = repo.apply_run(&plan).await.unwrap();
    assert_eq!((counts.added, counts.kept, counts.removed), (1, 0, 1));
    let description = fakes.db.with(|s| s.activities.last().map(|a| a.description.clone()));
    assert_eq!(description.as_deref(), Some("ran (1 added, 0 kept, 1 removed)"));
}
