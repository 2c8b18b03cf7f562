//! `ActivityRepository`: the append-only audit trail, on every adapter.

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use leadscore_application::activities::{ActivityQuery, ActivityRepository};
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::pagination::PageRequest;
use leadscore_infrastructure::repositories::SqlActivityRepository;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

/// A fixed instant with a microsecond part.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 10, 9, 0, 0).unwrap() + Duration::microseconds(250_001)
}

/// A minimal entry: `actor` did `action` to an entity of `entity_type`, `minutes` after `t0()`.
fn activity(actor: Option<Uuid>, action: ActivityAction, entity_type: EntityType, minutes: i64) -> Activity {
    Activity {
        id: Uuid::now_v7(),
        actor_id: actor,
        action,
        entity_type,
        entity_id: None,
        campaign_id: None,
        lead_id: None,
        description: format!("{} at +{minutes}m", action.as_str()),
        ip: None,
        created_at: t0() + Duration::minutes(minutes),
    }
}

fn all() -> ActivityQuery {
    ActivityQuery { page: PageRequest::new(1, 100).unwrap(), ..ActivityQuery::default() }
}

fn ids(items: &[Activity]) -> Vec<Uuid> {
    items.iter().map(|a| a.id).collect()
}

async fn record_all(repo: &SqlActivityRepository, activities: &[&Activity]) {
    for activity in activities {
        repo.record(activity).await.unwrap();
    }
}

async fn record_then_list_round_trips_every_field(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let full = Activity {
        id: Uuid::now_v7(),
        actor_id: Some(Uuid::now_v7()),
        action: ActivityAction::UserUpdated,
        entity_type: EntityType::User,
        entity_id: Some(Uuid::now_v7()),
        campaign_id: Some(Uuid::now_v7()),
        lead_id: Some(Uuid::now_v7()),
        description: "Ana changed Bob's role from Sales to Manager — «ñ» 'quoted' \"twice\"".into(),
        ip: Some("2001:db8::1".into()),
        created_at: Utc::now().trunc_subsecs(6),
    };
    let bare = activity(None, ActivityAction::LoginFailed, EntityType::User, 0);
    record_all(&repo, &[&full, &bare]).await;

    let page = repo.list(&all()).await.unwrap();
    assert_eq!(page.items, [full, bare], "every field comes back exactly, newest first");
    assert_eq!(page.total_items, 2);
}
super::contract!(record_then_list_round_trips_every_field, record_then_list_round_trips_every_field);

async fn list_is_newest_first(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let middle = activity(None, ActivityAction::Login, EntityType::User, 5);
    let oldest = activity(None, ActivityAction::Login, EntityType::User, 0);
    let newest = activity(None, ActivityAction::Login, EntityType::User, 10);
    let just_after_oldest = Activity {
        created_at: oldest.created_at + Duration::microseconds(1),
        ..activity(None, ActivityAction::Logout, EntityType::User, 0)
    };
    record_all(&repo, &[&middle, &oldest, &newest, &just_after_oldest]).await;

    let page = repo.list(&ActivityQuery::default()).await.unwrap();
    assert_eq!(ids(&page.items), [newest.id, middle.id, just_after_oldest.id, oldest.id]);
}
super::contract!(list_is_newest_first, list_is_newest_first);

async fn order_and_bounds_hold_for_whole_seconds_and_fractions(db: &DatabaseConnection) {
    // Instants whose fractional part has 0, 3 or 6 digits must compare as instants, however the adapter stores them.
    let repo = SqlActivityRepository::new(db.clone());
    let whole = Utc.with_ymd_and_hms(2026, 2, 10, 9, 0, 0).unwrap();
    let at = |instant| Activity { created_at: instant, ..activity(None, ActivityAction::Login, EntityType::User, 0) };
    let (w, milli, micro) =
        (at(whole), at(whole + Duration::milliseconds(100)), at(whole + Duration::microseconds(100_001)));
    record_all(&repo, &[&milli, &w, &micro]).await;

    let page = repo.list(&all()).await.unwrap();
    assert_eq!(ids(&page.items), [micro.id, milli.id, w.id]);
    let page = repo.list(&ActivityQuery { from: Some(whole + Duration::microseconds(1)), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [micro.id, milli.id]);
    let page = repo.list(&ActivityQuery { to: Some(milli.created_at), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [milli.id, w.id]);
    let page = repo.list(&ActivityQuery { to: Some(whole), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [w.id]);
}
super::contract!(
    order_and_bounds_hold_for_whole_seconds_and_fractions,
    order_and_bounds_hold_for_whole_seconds_and_fractions
);

async fn list_filters_by_actor_action_and_entity(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let (ana, bob) = (Uuid::now_v7(), Uuid::now_v7());
    let customer = Uuid::now_v7();
    let anas_login =
        Activity { entity_id: Some(ana), ..activity(Some(ana), ActivityAction::Login, EntityType::User, 0) };
    let bobs_login =
        Activity { entity_id: Some(bob), ..activity(Some(bob), ActivityAction::Login, EntityType::User, 1) };
    let ana_updates_customer = Activity {
        entity_id: Some(customer),
        ..activity(Some(ana), ActivityAction::UserUpdated, EntityType::Customer, 2)
    };
    let anonymous = activity(None, ActivityAction::LoginFailed, EntityType::User, 3);
    record_all(&repo, &[&anas_login, &bobs_login, &ana_updates_customer, &anonymous]).await;
    let list = |query: ActivityQuery| {
        let repo = repo.clone();
        async move {
            let page = repo.list(&query).await.unwrap();
            assert_eq!(page.total_items, page.items.len() as u64);
            ids(&page.items)
        }
    };

    assert_eq!(list(ActivityQuery { actor_id: Some(ana), ..all() }).await, [ana_updates_customer.id, anas_login.id]);
    assert_eq!(list(ActivityQuery { actor_id: Some(bob), ..all() }).await, [bobs_login.id]);
    assert!(list(ActivityQuery { actor_id: Some(Uuid::now_v7()), ..all() }).await.is_empty());

    assert_eq!(
        list(ActivityQuery { action: Some(ActivityAction::Login), ..all() }).await,
        [bobs_login.id, anas_login.id]
    );
    assert_eq!(list(ActivityQuery { action: Some(ActivityAction::LoginFailed), ..all() }).await, [anonymous.id]);
    assert!(list(ActivityQuery { action: Some(ActivityAction::UserDeleted), ..all() }).await.is_empty());

    assert_eq!(
        list(ActivityQuery { entity_type: Some(EntityType::User), ..all() }).await,
        [anonymous.id, bobs_login.id, anas_login.id]
    );
    assert_eq!(
        list(ActivityQuery { entity_type: Some(EntityType::Customer), ..all() }).await,
        [ana_updates_customer.id]
    );
    assert_eq!(list(ActivityQuery { entity_id: Some(customer), ..all() }).await, [ana_updates_customer.id]);
    assert_eq!(list(ActivityQuery { entity_id: Some(bob), ..all() }).await, [bobs_login.id]);

    // Filters combine with AND.
    assert_eq!(
        list(ActivityQuery { actor_id: Some(ana), action: Some(ActivityAction::Login), ..all() }).await,
        [anas_login.id]
    );
    assert!(
        list(ActivityQuery { actor_id: Some(ana), entity_type: Some(EntityType::Campaign), ..all() }).await.is_empty()
    );
}
super::contract!(list_filters_by_actor_action_and_entity, list_filters_by_actor_action_and_entity);

async fn list_involving_a_user_means_by_them_or_about_their_account(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let (ana, admin) = (Uuid::now_v7(), Uuid::now_v7());
    let by_ana = activity(Some(ana), ActivityAction::Logout, EntityType::User, 0);
    let failed_login_on_ana =
        Activity { entity_id: Some(ana), ..activity(None, ActivityAction::LoginFailed, EntityType::User, 1) };
    let admin_changed_ana =
        Activity { entity_id: Some(ana), ..activity(Some(admin), ActivityAction::UserUpdated, EntityType::User, 2) };
    // The same id on an entity that is not a User account is not about Ana.
    let same_id_other_type = Activity {
        entity_id: Some(ana),
        ..activity(Some(admin), ActivityAction::UserUpdated, EntityType::Customer, 3)
    };
    let admin_alone = activity(Some(admin), ActivityAction::Login, EntityType::User, 4);
    record_all(&repo, &[&by_ana, &failed_login_on_ana, &admin_changed_ana, &same_id_other_type, &admin_alone]).await;

    let page = repo.list(&ActivityQuery { involving_user: Some(ana), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [admin_changed_ana.id, failed_login_on_ana.id, by_ana.id]);
    assert_eq!(page.total_items, 3);

    // Combined with another filter, the OR stays inside its own parentheses.
    let page = repo
        .list(&ActivityQuery { involving_user: Some(ana), action: Some(ActivityAction::UserUpdated), ..all() })
        .await
        .unwrap();
    assert_eq!(ids(&page.items), [admin_changed_ana.id]);
    let page = repo.list(&ActivityQuery { involving_user: Some(ana), actor_id: Some(admin), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [admin_changed_ana.id]);
}
super::contract!(
    list_involving_a_user_means_by_them_or_about_their_account,
    list_involving_a_user_means_by_them_or_about_their_account
);

async fn list_filters_by_campaign(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let (campaign, other) = (Uuid::now_v7(), Uuid::now_v7());
    let first = Activity { campaign_id: Some(campaign), ..activity(None, ActivityAction::Login, EntityType::Lead, 0) };
    let second = Activity { campaign_id: Some(campaign), ..activity(None, ActivityAction::Login, EntityType::Note, 1) };
    let elsewhere = Activity { campaign_id: Some(other), ..activity(None, ActivityAction::Login, EntityType::Lead, 2) };
    let nowhere = activity(None, ActivityAction::Login, EntityType::Lead, 3);
    record_all(&repo, &[&first, &second, &elsewhere, &nowhere]).await;

    let page = repo.list(&ActivityQuery { campaign_id: Some(campaign), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [second.id, first.id]);
    assert_eq!(page.total_items, 2);
}
super::contract!(list_filters_by_campaign, list_filters_by_campaign);

async fn list_filters_by_time_inclusively(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let entries: Vec<Activity> =
        (0..4).map(|m| activity(None, ActivityAction::Login, EntityType::User, m * 60)).collect();
    record_all(&repo, &entries.iter().collect::<Vec<_>>()).await;
    let at = |i: usize| entries[i].created_at;
    let between = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
        let repo = repo.clone();
        async move {
            let page = repo.list(&ActivityQuery { from, to, ..all() }).await.unwrap();
            assert_eq!(page.total_items, page.items.len() as u64);
            ids(&page.items)
        }
    };

    assert_eq!(between(Some(at(1)), Some(at(2))).await, [entries[2].id, entries[1].id], "bounds are inclusive");
    let one_micro = Duration::microseconds(1);
    assert!(between(Some(at(1) + one_micro), Some(at(2) - one_micro)).await.is_empty());
    assert_eq!(between(Some(at(2)), None).await, [entries[3].id, entries[2].id]);
    assert_eq!(between(None, Some(at(1))).await, [entries[1].id, entries[0].id]);
    assert_eq!(between(None, None).await.len(), 4);
}
super::contract!(list_filters_by_time_inclusively, list_filters_by_time_inclusively);

async fn list_pages(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let entries: Vec<Activity> = (0..5).map(|m| activity(None, ActivityAction::Login, EntityType::User, m)).collect();
    record_all(&repo, &entries.iter().collect::<Vec<_>>()).await;
    let page = |number: u32| {
        let repo = repo.clone();
        async move {
            repo.list(&ActivityQuery { page: PageRequest::new(number, 2).unwrap(), ..ActivityQuery::default() })
                .await
                .unwrap()
        }
    };

    let first = page(1).await;
    assert_eq!(ids(&first.items), [entries[4].id, entries[3].id]);
    let second = page(2).await;
    assert_eq!(ids(&second.items), [entries[2].id, entries[1].id]);
    assert_eq!((second.total_items, second.total_pages()), (5, 3));
    assert_eq!(second.request, PageRequest::new(2, 2).unwrap());
    assert_eq!(ids(&page(3).await.items), [entries[0].id]);
    let past_the_end = page(4).await;
    assert!(past_the_end.items.is_empty());
    assert_eq!(past_the_end.total_items, 5);

    let filtered = repo
        .list(&ActivityQuery {
            to: Some(entries[2].created_at),
            page: PageRequest::new(2, 2).unwrap(),
            ..ActivityQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(ids(&filtered.items), [entries[0].id], "paging applies to the filtered rows");
    assert_eq!((filtered.total_items, filtered.total_pages()), (3, 2));
}
super::contract!(list_pages, list_pages);

async fn list_of_an_empty_trail_is_an_empty_page(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let page = repo.list(&ActivityQuery::default()).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!((page.total_items, page.total_pages()), (0, 0));
}
super::contract!(list_of_an_empty_trail_is_an_empty_page, list_of_an_empty_trail_is_an_empty_page);

async fn list_filters_by_campaign_owner(db: &DatabaseConnection) {
    use super::fixtures::{stored_campaign, stored_user};
    let repo = SqlActivityRepository::new(db.clone());
    let (ana, bob, dan) =
        (stored_user(db, "ana", None).await, stored_user(db, "bob", None).await, stored_user(db, "dan", None).await);
    let anas = stored_campaign(db, &ana, "Ana's", &[&bob]).await;
    let anas_other = stored_campaign(db, &ana, "Ana's other", &[]).await;
    let bobs = stored_campaign(db, &bob, "Bob's", &[]).await;
    let in_campaign = |campaign: Option<Uuid>, minutes| Activity {
        campaign_id: campaign,
        ..activity(Some(bob.id), ActivityAction::LeadStatusChanged, EntityType::Lead, minutes)
    };
    let a1 = in_campaign(Some(anas), 0);
    let b1 = in_campaign(Some(bobs), 1);
    let a2 = in_campaign(Some(anas_other), 2);
    let nowhere = in_campaign(None, 3);
    // A campaign that no longer exists belongs to nobody.
    let gone = in_campaign(Some(Uuid::now_v7()), 4);
    record_all(&repo, &[&a1, &b1, &a2, &nowhere, &gone]).await;

    let owned_by = |user: Uuid| ActivityQuery { campaigns_owned_by: Some(user), ..all() };
    let page = repo.list(&owned_by(ana.id)).await.unwrap();
    assert_eq!(ids(&page.items), [a2.id, a1.id]);
    assert_eq!(page.total_items, 2);
    assert_eq!(ids(&repo.list(&owned_by(bob.id)).await.unwrap().items), [b1.id], "collaborating is not owning");
    assert!(repo.list(&owned_by(dan.id)).await.unwrap().items.is_empty());
    let narrowed = ActivityQuery { campaign_id: Some(anas), ..owned_by(ana.id) };
    assert_eq!(ids(&repo.list(&narrowed).await.unwrap().items), [a1.id]);
    let disjoint = ActivityQuery { campaign_id: Some(bobs), ..owned_by(ana.id) };
    assert!(repo.list(&disjoint).await.unwrap().items.is_empty());
    let by_someone_else = ActivityQuery { actor_id: Some(ana.id), ..owned_by(ana.id) };
    assert!(repo.list(&by_someone_else).await.unwrap().items.is_empty(), "combined with AND");
}
super::contract!(list_filters_by_campaign_owner, list_filters_by_campaign_owner);

async fn list_filters_by_lead(db: &DatabaseConnection) {
    let repo = SqlActivityRepository::new(db.clone());
    let (lead, other_lead, campaign) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let about = |lead_id: Option<Uuid>, action, minutes| Activity {
        lead_id,
        campaign_id: Some(campaign),
        ..activity(None, action, EntityType::Lead, minutes)
    };
    let assigned = about(Some(lead), ActivityAction::LeadAssigned, 0);
    let elsewhere = about(Some(other_lead), ActivityAction::LeadAssigned, 1);
    let changed = about(Some(lead), ActivityAction::LeadStatusChanged, 2);
    let campaign_wide = about(None, ActivityAction::CampaignRun, 3);
    record_all(&repo, &[&assigned, &elsewhere, &changed, &campaign_wide]).await;

    let page = repo.list(&ActivityQuery { lead_id: Some(lead), ..all() }).await.unwrap();
    assert_eq!(ids(&page.items), [changed.id, assigned.id]);
    assert_eq!(page.total_items, 2);
    let narrowed = ActivityQuery { lead_id: Some(lead), action: Some(ActivityAction::LeadAssigned), ..all() };
    assert_eq!(ids(&repo.list(&narrowed).await.unwrap().items), [assigned.id]);
    assert!(repo.list(&ActivityQuery { lead_id: Some(Uuid::now_v7()), ..all() }).await.unwrap().items.is_empty());
    assert_eq!(repo.list(&ActivityQuery { campaign_id: Some(campaign), ..all() }).await.unwrap().total_items, 4);
}
super::contract!(list_filters_by_lead, list_filters_by_lead);
