//! `CampaignRepository`: campaigns, their people and their runs, on every adapter. Everything goes through the ports
//! (users, customers, leads, notes and predictions through theirs).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use leadscore_application::AppError;
use leadscore_application::campaigns::{
    Campaign, CampaignFilter, CampaignRepository, CampaignStats, LeadRepository, LeadView, NewCampaign, NoteRepository,
    RankedLead, RunCounts,
};
use leadscore_application::customers::{CustomerFilter, CustomerRepository};
use leadscore_application::scoring::{PredictionFilter, PredictionRepository, PredictionSort};
use leadscore_application::users::UserRepository;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, Lead, LeadStatus, Note};
use leadscore_domain::customers::{Customer, Job, LatestScore, Marital};
use leadscore_domain::scoring::{Prediction, PredictionSource, Tier};
use leadscore_domain::users::User;
use leadscore_infrastructure::repositories::{
    SqlCampaignRepository, SqlCustomerRepository, SqlLeadRepository, SqlNoteRepository, SqlPredictionRepository,
    SqlUserRepository,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{
    MODEL, as_member, assert_not_found, base_time, changed, imported_customers, lead_of, leads_of, new_campaign,
    new_customer, noted, now, page, plan, plan_with_model, prediction, run, stored_campaign, stored_customers,
    stored_user, tier_of,
};

async fn campaign_predictions(db: &DatabaseConnection, campaign_id: Option<Uuid>) -> Vec<Prediction> {
    let filter = PredictionFilter { campaign_id, ..PredictionFilter::default() };
    let repo = SqlPredictionRepository::new(db.clone());
    let mut all = Vec::new();
    for number in 1.. {
        let got = repo.list(&filter, PredictionSort::default(), page(number, 100)).await.unwrap();
        if got.items.is_empty() {
            break;
        }
        all.extend(got.items);
    }
    all
}

fn ids(campaigns: &[Campaign]) -> Vec<Uuid> {
    campaigns.iter().map(|c| c.id).collect()
}

// ---------------------------------------------------------------------------------------------------------------
// insert, find, update

async fn insert_then_find_round_trips_criteria_and_members(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let owner = stored_user(db, "owner", Some("Olga Owner")).await;
    let zoe = stored_user(db, "zoe", None).await;
    let amy = stored_user(db, "amy", Some("Amy Ávila")).await;
    let criteria = CustomerFilter {
        job: vec![Job::Admin, Job::BlueCollar],
        marital: vec![Marital::Married],
        tier: vec![Tier::Hot, Tier::Warm],
        age_min: Some(25),
        age_max: Some(60),
        balance_min: Some(-100),
        housing: Some(true),
        score_min: Some(40),
        q: Some("madrid".into()),
        from: Some(base_time()),
        ..CustomerFilter::default()
    };
    let full = NewCampaign {
        id: Uuid::now_v7(),
        info: CampaignInfo {
            name: "Spring deposits — «ñ»".into(),
            description: Some("Call 'em all. \"Twice\".\n".repeat(100)),
            target_leads: 45_211,
            start_date: NaiveDate::from_ymd_opt(2026, 3, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 3, 31),
            status: CampaignStatus::Paused,
        },
        criteria: criteria.clone(),
        owner_id: owner.id,
        // Inserted out of e-mail order: they come back sorted by e-mail.
        collaborator_ids: vec![zoe.id, amy.id],
        now: base_time(),
    };
    repo.insert(&full).await.unwrap();
    let bare = new_campaign(&owner, "Bare", &[]);
    repo.insert(&bare).await.unwrap();

    let expected = Campaign {
        id: full.id,
        info: full.info.clone(),
        criteria,
        owner: as_member(&owner),
        collaborators: vec![as_member(&amy), as_member(&zoe)],
        last_run: None,
        created_at: base_time(),
        updated_at: base_time(),
    };
    assert_eq!(repo.find(full.id).await.unwrap(), Some(expected));
    let expected_bare = Campaign {
        id: bare.id,
        info: bare.info.clone(),
        criteria: CustomerFilter::default(),
        owner: as_member(&owner),
        collaborators: vec![],
        last_run: None,
        created_at: bare.now,
        updated_at: bare.now,
    };
    assert_eq!(repo.find(bare.id).await.unwrap(), Some(expected_bare));
    assert_eq!(repo.find(Uuid::now_v7()).await.unwrap(), None);
}
super::contract!(insert_then_find_round_trips_criteria_and_members, insert_then_find_round_trips_criteria_and_members);

async fn insert_naming_an_unknown_user_stores_nothing(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let amy = stored_user(db, "amy", None).await;
    let mut with_ghost = new_campaign(&owner, "Ghostly", &[&amy]);
    with_ghost.collaborator_ids.push(Uuid::now_v7());
    assert!(repo.insert(&with_ghost).await.is_err(), "an unknown collaborator is refused");
    assert_eq!(repo.find(with_ghost.id).await.unwrap(), None, "the campaign row is rolled back with it");

    let orphan = NewCampaign { owner_id: Uuid::now_v7(), ..new_campaign(&owner, "Orphan", &[]) };
    assert!(repo.insert(&orphan).await.is_err(), "an unknown owner is refused");
    assert_eq!(repo.find(orphan.id).await.unwrap(), None);
}
super::contract!(insert_naming_an_unknown_user_stores_nothing, insert_naming_an_unknown_user_stores_nothing);

async fn update_replaces_attributes_criteria_and_collaborators(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let (amy, zoe, dan) =
        (stored_user(db, "amy", None).await, stored_user(db, "zoe", None).await, stored_user(db, "dan", None).await);
    let original = NewCampaign { now: base_time(), ..new_campaign(&owner, "Before", &[&amy, &zoe]) };
    repo.insert(&original).await.unwrap();
    let customers = stored_customers(db, 1).await;
    let at = base_time() + Duration::hours(1);
    run(db, original.id, &[(&customers[0], 0.5)], at).await;
    let last_run = repo.find(original.id).await.unwrap().unwrap().last_run;
    assert!(last_run.is_some());

    let later = base_time() + Duration::days(2);
    let changed = NewCampaign {
        id: original.id,
        info: CampaignInfo {
            name: "After".into(),
            description: Some("now with a description".into()),
            target_leads: 7,
            start_date: NaiveDate::from_ymd_opt(2026, 5, 1),
            end_date: None,
            status: CampaignStatus::Completed,
        },
        criteria: CustomerFilter { loan: Some(false), ..CustomerFilter::default() },
        // The owner never changes through an update.
        owner_id: dan.id,
        collaborator_ids: vec![dan.id, zoe.id],
        now: later,
    };
    repo.update(&changed).await.unwrap();
    let stored = repo.find(original.id).await.unwrap().unwrap();
    assert_eq!(
        stored,
        Campaign {
            id: original.id,
            info: changed.info.clone(),
            criteria: changed.criteria.clone(),
            owner: as_member(&owner),
            collaborators: vec![as_member(&dan), as_member(&zoe)],
            last_run,
            created_at: base_time(),
            updated_at: later,
        }
    );
    assert_eq!(leads_of(db, original.id).await.len(), 1, "an update leaves the call list alone");

    repo.update(&NewCampaign { collaborator_ids: vec![], ..changed.clone() }).await.unwrap();
    assert_eq!(repo.find(original.id).await.unwrap().unwrap().collaborators, vec![]);

    assert_not_found(repo.update(&NewCampaign { id: Uuid::now_v7(), ..changed }).await, "update of an unknown id");
}
super::contract!(
    update_replaces_attributes_criteria_and_collaborators,
    update_replaces_attributes_criteria_and_collaborators
);

// ---------------------------------------------------------------------------------------------------------------
// list, options, stats

struct Listed {
    ana: User,
    bob: User,
    carl: User,
    dan: User,
    /// k0..k4 (see `seed_list`).
    k: Vec<Uuid>,
}

/// Five campaigns of two owners, with `carl` collaborating on k0 and k2 and `dan` on nothing:
///
/// | k  | owner | name            | status    | start      | end        | created |
/// |----|-------|-----------------|-----------|------------|------------|---------|
/// | k0 | ana   | Spring Deposits | Active    | 2026-03-01 | 2026-03-31 | +0      |
/// | k1 | ana   | Autumn ÑANDÚ    | Paused    | 2026-09-01 | 2026-11-30 | +1m     |
/// | k2 | bob   | Summer push     | Active    | —          | —          | +2m     |
/// | k3 | bob   | spring loans    | Completed | 2026-04-01 | 2026-04-30 | +2m     |
/// | k4 | ana   | Winter          | Active    | 2025-12-01 | 2026-02-28 | +3m     |
async fn seed_list(db: &DatabaseConnection) -> Listed {
    let repo = SqlCampaignRepository::new(db.clone());
    let ana = stored_user(db, "ana", Some("Ana")).await;
    let bob = stored_user(db, "bob", None).await;
    let carl = stored_user(db, "carl", Some("Carl")).await;
    let dan = stored_user(db, "dan", None).await;
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    let rows = [
        (&ana, "Spring Deposits", CampaignStatus::Active, day(3, 1), day(3, 31), 0, vec![&carl]),
        (&ana, "Autumn ÑANDÚ", CampaignStatus::Paused, day(9, 1), day(11, 30), 1, vec![]),
        (&bob, "Summer push", CampaignStatus::Active, None, None, 2, vec![&carl]),
        (&bob, "spring loans", CampaignStatus::Completed, day(4, 1), day(4, 30), 2, vec![]),
        (&ana, "Winter", CampaignStatus::Active, NaiveDate::from_ymd_opt(2025, 12, 1), day(2, 28), 3, vec![]),
    ];
    let campaigns: Vec<NewCampaign> = rows
        .into_iter()
        .map(|(owner, name, status, start_date, end_date, minutes, collaborators)| {
            let c = new_campaign(owner, name, &collaborators);
            NewCampaign {
                info: CampaignInfo { status, start_date, end_date, ..c.info },
                now: base_time() + Duration::minutes(minutes),
                ..c
            }
        })
        .collect();
    // Inserted in reverse so storage order is not creation order.
    for c in campaigns.iter().rev() {
        repo.insert(c).await.unwrap();
    }
    Listed { ana, bob, carl, dan, k: campaigns.iter().map(|c| c.id).collect() }
}

async fn list_filters_orders_and_pages(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let Listed { ana, bob, carl, dan, k } = seed_list(db).await;
    let list = |filter: CampaignFilter| {
        let repo = repo.clone();
        async move {
            let got = repo.list(&filter, page(1, 100)).await.unwrap();
            assert_eq!(got.total_items, got.items.len() as u64);
            ids(&got.items)
        }
    };
    let all = CampaignFilter::default();

    // Newest first; k2 and k3 share a creation time, so the larger id (k3, created later) comes first.
    assert_eq!(list(all.clone()).await, [k[4], k[3], k[2], k[1], k[0]]);

    let q = |text: &str| CampaignFilter { q: Some(text.into()), ..CampaignFilter::default() };
    assert_eq!(list(q("SPRING")).await, [k[3], k[0]], "case-insensitive substring of the name");
    assert_eq!(list(q("ñandú")).await, [k[1]], "non-ASCII letters fold too");
    assert_eq!(list(q("  push ")).await, [k[2]], "trimmed");
    assert_eq!(list(q("%")).await, Vec::<Uuid>::new(), "wildcards are literal");
    assert_eq!(list(q("   ")).await.len(), 5, "a blank query is no filter");

    let status = |s| CampaignFilter { status: Some(s), ..CampaignFilter::default() };
    assert_eq!(list(status(CampaignStatus::Active)).await, [k[4], k[2], k[0]]);
    assert_eq!(list(status(CampaignStatus::Paused)).await, [k[1]]);
    assert_eq!(list(status(CampaignStatus::Completed)).await, [k[3]]);

    let starting = |d| CampaignFilter { start_date: NaiveDate::from_ymd_opt(2026, 3, d), ..CampaignFilter::default() };
    assert_eq!(list(starting(1)).await, [k[3], k[1], k[0]], "start on or after, undated left out");
    assert_eq!(list(starting(2)).await, [k[3], k[1]]);
    let ending = |m, d| CampaignFilter { end_date: NaiveDate::from_ymd_opt(2026, m, d), ..CampaignFilter::default() };
    assert_eq!(list(ending(3, 31)).await, [k[4], k[0]], "end on or before, undated left out");
    assert_eq!(list(ending(3, 30)).await, [k[4]]);

    let visible = |u: &User| CampaignFilter { visible_to: Some(u.id), ..CampaignFilter::default() };
    assert_eq!(list(visible(&ana)).await, [k[4], k[1], k[0]], "an owner sees their own");
    assert_eq!(list(visible(&bob)).await, [k[3], k[2]]);
    assert_eq!(list(visible(&carl)).await, [k[2], k[0]], "a collaborator sees the ones they work on");
    assert_eq!(list(visible(&dan)).await, Vec::<Uuid>::new());

    // Filters combine with AND; the visibility OR stays in its parentheses.
    assert_eq!(list(CampaignFilter { q: Some("spring".into()), ..visible(&carl) }).await, [k[0]]);
    assert_eq!(list(CampaignFilter { status: Some(CampaignStatus::Active), ..visible(&ana) }).await, [k[4], k[0]]);
    assert_eq!(
        list(CampaignFilter {
            start_date: NaiveDate::from_ymd_opt(2026, 1, 1),
            end_date: NaiveDate::from_ymd_opt(2026, 4, 30),
            ..CampaignFilter::default()
        })
        .await,
        [k[3], k[0]]
    );

    let second = repo.list(&all, page(2, 2)).await.unwrap();
    assert_eq!(ids(&second.items), [k[2], k[1]]);
    assert_eq!((second.total_items, second.total_pages()), (5, 3));
    let last = repo.list(&all, page(3, 2)).await.unwrap();
    assert_eq!(ids(&last.items), [k[0]]);
    assert!(repo.list(&all, page(4, 2)).await.unwrap().items.is_empty());
    let filtered = repo.list(&visible(&ana), page(2, 2)).await.unwrap();
    assert_eq!((ids(&filtered.items), filtered.total_items), (vec![k[0]], 3), "paging applies to the filtered rows");

    // Items carry their people, exactly as `find` does.
    let page_one = repo.list(&all, page(1, 100)).await.unwrap();
    for item in &page_one.items {
        assert_eq!(Some(item), repo.find(item.id).await.unwrap().as_ref());
    }
    let k0 = page_one.items.iter().find(|c| c.id == k[0]).unwrap();
    assert_eq!((&k0.owner, &k0.collaborators), (&as_member(&ana), &vec![as_member(&carl)]));
}
super::contract!(list_filters_orders_and_pages, list_filters_orders_and_pages);

async fn options_and_stats_follow_visibility(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let Listed { ana, bob, carl, dan, k } = seed_list(db).await;
    assert_eq!(
        repo.options(None).await.unwrap(),
        [
            (k[1], "Autumn ÑANDÚ".to_owned()),
            (k[0], "Spring Deposits".to_owned()),
            (k[3], "spring loans".to_owned()),
            (k[2], "Summer push".to_owned()),
            (k[4], "Winter".to_owned()),
        ],
        "by name, whatever the case"
    );
    assert_eq!(
        repo.options(Some(carl.id)).await.unwrap(),
        [(k[0], "Spring Deposits".to_owned()), (k[2], "Summer push".to_owned())]
    );
    assert_eq!(repo.options(Some(bob.id)).await.unwrap().len(), 2);
    assert!(repo.options(Some(dan.id)).await.unwrap().is_empty());

    assert_eq!(repo.stats(None).await.unwrap(), CampaignStats { total: 5, active: 3, paused: 1, completed: 1 });
    assert_eq!(repo.stats(Some(ana.id)).await.unwrap(), CampaignStats { total: 3, active: 2, paused: 1, completed: 0 });
    assert_eq!(repo.stats(Some(bob.id)).await.unwrap(), CampaignStats { total: 2, active: 1, paused: 0, completed: 1 });
    assert_eq!(
        repo.stats(Some(carl.id)).await.unwrap(),
        CampaignStats { total: 2, active: 2, paused: 0, completed: 0 }
    );
    assert_eq!(repo.stats(Some(dan.id)).await.unwrap(), CampaignStats::default());
}
super::contract!(options_and_stats_follow_visibility, options_and_stats_follow_visibility);

async fn empty_lists_are_empty(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let got = repo.list(&CampaignFilter::default(), page(1, 10)).await.unwrap();
    assert!(got.items.is_empty());
    assert_eq!((got.total_items, got.total_pages()), (0, 0));
    assert!(repo.options(None).await.unwrap().is_empty());
    assert_eq!(repo.stats(None).await.unwrap(), CampaignStats::default());
}
super::contract!(empty_lists_are_empty, empty_lists_are_empty);

// ---------------------------------------------------------------------------------------------------------------
// delete

async fn delete_takes_leads_notes_and_campaign_predictions_along(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let amy = stored_user(db, "amy", None).await;
    let doomed = stored_campaign(db, &owner, "Doomed", &[&amy]).await;
    let kept = stored_campaign(db, &owner, "Kept", &[&amy]).await;
    let customers = stored_customers(db, 3).await;
    let listed: Vec<(&Customer, f64)> = customers.iter().zip([0.7, 0.4, 0.05]).collect();
    run(db, doomed, &listed, now()).await;
    run(db, kept, &listed, now()).await;
    let doomed_note = noted(db, &lead_of(db, doomed, &customers[0]).await, Some(&amy), now()).await;
    let kept_note = noted(db, &lead_of(db, kept, &customers[0]).await, Some(&amy), now()).await;
    // A prediction that belongs to no campaign.
    let standalone = Prediction {
        campaign_id: None,
        source: PredictionSource::Single,
        ..prediction(&customers[1], doomed, 0.3, now())
    };
    SqlPredictionRepository::new(db.clone()).record(std::slice::from_ref(&standalone), &[]).await.unwrap();
    let kept_leads = leads_of(db, kept).await;
    let kept_predictions = campaign_predictions(db, Some(kept)).await;
    let scored = SqlCustomerRepository::new(db.clone()).find_by_id(customers[0].id).await.unwrap();
    assert_eq!(campaign_predictions(db, Some(doomed)).await.len(), 3);

    assert!(repo.delete(doomed).await.unwrap());
    assert_eq!(repo.find(doomed).await.unwrap(), None);
    assert!(leads_of(db, doomed).await.is_empty());
    let notes = SqlNoteRepository::new(db.clone());
    assert_eq!(notes.find(doomed_note.id).await.unwrap(), None);
    assert!(campaign_predictions(db, Some(doomed)).await.is_empty());

    assert_eq!(leads_of(db, kept).await, kept_leads, "another campaign's leads are untouched");
    assert_eq!(notes.find(kept_note.id).await.unwrap(), Some(kept_note));
    assert_eq!(campaign_predictions(db, Some(kept)).await, kept_predictions);
    assert_eq!(SqlPredictionRepository::new(db.clone()).find(standalone.id).await.unwrap(), Some(standalone));
    assert_eq!(repo.find(kept).await.unwrap().unwrap().collaborators, [as_member(&amy)]);
    let customers_repo = SqlCustomerRepository::new(db.clone());
    assert_eq!(customers_repo.find_by_id(customers[0].id).await.unwrap(), scored, "customers stay, with their score");

    assert!(!repo.delete(doomed).await.unwrap(), "nothing left to delete");
    assert!(!repo.delete(Uuid::now_v7()).await.unwrap());
}
super::contract!(
    delete_takes_leads_notes_and_campaign_predictions_along,
    delete_takes_leads_notes_and_campaign_predictions_along
);

async fn people_leaving_campaigns(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let users = SqlUserRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let (amy, zoe) = (stored_user(db, "amy", None).await, stored_user(db, "zoe", None).await);
    let id = stored_campaign(db, &owner, "People", &[&amy, &zoe]).await;
    let customers = stored_customers(db, 1).await;
    run(db, id, &[(&customers[0], 0.5)], now()).await;
    let lead = changed(db, &lead_of(db, id, &customers[0]).await, LeadStatus::Contacted, Some(&zoe), now()).await;
    let by_zoe = noted(db, &lead, Some(&zoe), now()).await;

    // A user who owns campaigns cannot be deleted (the owner's foreign key is RESTRICT).
    let refused = users.delete(owner.id).await;
    assert!(matches!(&refused, Err(AppError::Conflict(m)) if m.contains("owns campaigns")), "{refused:?}");
    assert!(users.find_by_id(owner.id).await.unwrap().is_some());
    assert_eq!(repo.find(id).await.unwrap().unwrap().owner, as_member(&owner));

    // A deleted collaborator leaves the campaign, their assignments and their notes' authorship.
    assert!(users.delete(zoe.id).await.unwrap());
    assert_eq!(repo.find(id).await.unwrap().unwrap().collaborators, [as_member(&amy)]);
    let view = leads_of(db, id).await.pop().unwrap();
    assert_eq!((view.lead.id, view.lead.assignee_id, view.assignee), (lead.id, None, None));
    assert_eq!(view.lead.status, LeadStatus::Contacted);
    let note = SqlNoteRepository::new(db.clone()).find(by_zoe.id).await.unwrap().unwrap();
    assert_eq!(note, Note { author_id: None, ..by_zoe });
}
super::contract!(people_leaving_campaigns, people_leaving_campaigns);

// ---------------------------------------------------------------------------------------------------------------
// apply_run

fn latest(probability: f64, at: DateTime<Utc>, model: &str) -> LatestScore {
    LatestScore {
        probability,
        score: (probability * 100.0).round() as u8,
        tier: tier_of(probability),
        model_version: model.into(),
        scored_at: at,
    }
}

async fn first_run_adds_every_listed_customer(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let customers_repo = SqlCustomerRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let id = stored_campaign(db, &owner, "First", &[]).await;
    let before = repo.find(id).await.unwrap().unwrap();
    let customers = stored_customers(db, 5).await;
    let at = base_time() + Duration::days(1);
    let probabilities = [0.912_345_678_901_234_5, 0.5, 0.2, 0.05, 0.000_1];
    // Listed in an order that is neither id nor insertion order.
    let order = [3usize, 0, 4, 1];
    let listed: Vec<(&Customer, f64)> = order.iter().map(|&i| (&customers[i], probabilities[i])).collect();
    let plan = plan(id, &listed, at);

    let counts = repo.apply_run(&plan).await.unwrap();
    assert_eq!(counts, RunCounts { added: 4, kept: 0, removed: 0 });

    let views = leads_of(db, id).await;
    assert_eq!(views.len(), 4);
    for (view, ranked) in views.iter().zip(&plan.leads) {
        let p = &ranked.prediction;
        let lead = &view.lead;
        assert_eq!(
            *lead,
            Lead {
                id: lead.id,
                campaign_id: id,
                customer_id: ranked.customer_id,
                rank: ranked.rank,
                probability: p.outcome.probability,
                score: p.outcome.score,
                tier: p.outcome.tier,
                model_version: MODEL.into(),
                prediction_id: Some(p.id),
                status: LeadStatus::Pending,
                assignee_id: None,
                created_at: at,
                updated_at: at,
                closed_at: None,
            }
        );
        assert_eq!(lead.id.get_version_num(), 7, "lead ids are UUID v7");
        assert_eq!((view.notes_count, view.last_activity_at, &view.assignee), (0, None, &None));
        let customer = customers_repo.find_by_id(ranked.customer_id).await.unwrap().unwrap();
        assert_eq!(customer.latest_score, Some(latest(p.outcome.probability, at, MODEL)));
        assert_eq!(view.customer, customer, "the view carries the whole customer");
        assert_eq!(SqlPredictionRepository::new(db.clone()).find(p.id).await.unwrap().as_ref(), Some(p));
    }
    let unlisted = customers_repo.find_by_id(customers[2].id).await.unwrap().unwrap();
    assert_eq!(unlisted, customers[2], "customers not listed are left alone");
    assert_eq!(campaign_predictions(db, Some(id)).await.len(), 4);

    let after = repo.find(id).await.unwrap().unwrap();
    assert_eq!(after, Campaign { last_run: Some(plan.summary.clone()), ..before }, "only the run summary changes");
}
super::contract!(first_run_adds_every_listed_customer, first_run_adds_every_listed_customer);

async fn a_rerun_keeps_worked_leads_adds_new_ones_and_drops_the_rest(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let customers_repo = SqlCustomerRepository::new(db.clone());
    let notes = SqlNoteRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let amy = stored_user(db, "amy", Some("Amy")).await;
    let id = stored_campaign(db, &owner, "Rerun", &[&amy]).await;
    let other = stored_campaign(db, &owner, "Other", &[]).await;
    let c = stored_customers(db, 6).await;
    let first_at = base_time() + Duration::days(1);
    let first = [(&c[0], 0.9), (&c[1], 0.5), (&c[2], 0.2), (&c[3], 0.05)];
    assert_eq!(run(db, id, &first, first_at).await, RunCounts { added: 4, kept: 0, removed: 0 });
    // The same customers on another campaign's list are not touched by this campaign's runs.
    run(db, other, &[(&c[0], 0.9), (&c[3], 0.05)], first_at).await;
    let other_leads = leads_of(db, other).await;

    // Work on the list: c1 is contacted and assigned, c0 and c3 get notes.
    let worked_at = first_at + Duration::hours(2);
    let worked = changed(db, &lead_of(db, id, &c[1]).await, LeadStatus::Contacted, Some(&amy), worked_at).await;
    let worked_note = noted(db, &worked, Some(&amy), worked_at).await;
    let note_on_c0 = noted(db, &lead_of(db, id, &c[0]).await, Some(&amy), worked_at).await;
    let note_on_c3 = noted(db, &lead_of(db, id, &c[3]).await, None, worked_at).await;
    let c2_before = lead_of(db, id, &c[2]).await;
    // A person overrode c0's first-run prediction: a decision kept for the record when the run is superseded.
    let predictions = SqlPredictionRepository::new(db.clone());
    let c0_prediction = lead_of(db, id, &c[0]).await.prediction_id.unwrap();
    let mut overridden = predictions.find(c0_prediction).await.unwrap().unwrap();
    let outcome = overridden.outcome;
    overridden.apply_override(outcome, "called already".into(), amy.id, worked_at);
    predictions.save_override(&overridden).await.unwrap();

    // Second run: c4 is new, c1 and c2 stay (re-ranked, re-scored by a new model), c0 and c3 drop out.
    let second_at = first_at + Duration::days(1);
    let model = "bank-marketing-2026.02";
    let second = plan_with_model(id, &[(&c[4], 0.8), (&c[1], 0.712_345_678_9), (&c[2], 0.1)], second_at, model);
    let counts = repo.apply_run(&second).await.unwrap();
    assert_eq!(counts, RunCounts { added: 1, kept: 2, removed: 2 });

    let views = leads_of(db, id).await;
    let customers_in_order: Vec<Uuid> = views.iter().map(|v| v.lead.customer_id).collect();
    assert_eq!(customers_in_order, [c[4].id, c[1].id, c[2].id], "by the new rank");
    let refreshed = |before: &Lead, ranked: &RankedLead| Lead {
        rank: ranked.rank,
        probability: ranked.prediction.outcome.probability,
        score: ranked.prediction.outcome.score,
        tier: ranked.prediction.outcome.tier,
        model_version: model.into(),
        prediction_id: Some(ranked.prediction.id),
        updated_at: second_at,
        ..before.clone()
    };
    assert_eq!(views[1].lead, refreshed(&worked, &second.leads[1]), "status, assignee, id, creation time kept");
    assert_eq!(views[1].lead.status, LeadStatus::Contacted);
    assert_eq!(views[1].assignee, Some(as_member(&amy)));
    assert_eq!(views[1].notes_count, 2, "its System note and Amy's note stay");
    assert_eq!(notes.find(worked_note.id).await.unwrap(), Some(worked_note));
    assert_eq!(views[2].lead, refreshed(&c2_before, &second.leads[2]));
    let new = &views[0].lead;
    assert_eq!(
        (new.status, new.assignee_id, new.created_at, new.updated_at, new.rank),
        (LeadStatus::Pending, None, second_at, second_at, 1)
    );

    assert_eq!(notes.find(note_on_c0.id).await.unwrap(), None, "dropped leads go with their notes");
    assert_eq!(notes.find(note_on_c3.id).await.unwrap(), None);

    for (i, probability, at, version) in
        [(4, 0.8, second_at, model), (1, 0.712_345_678_9, second_at, model), (2, 0.1, second_at, model)]
            .into_iter()
            .chain([(0, 0.9, first_at, MODEL), (3, 0.05, first_at, MODEL)])
    {
        let stored = customers_repo.find_by_id(c[i].id).await.unwrap().unwrap();
        assert_eq!(stored.latest_score, Some(latest(probability, at, version)), "customer {i}");
    }
    assert_eq!(customers_repo.find_by_id(c[5].id).await.unwrap().unwrap(), c[5]);
    // Retention: the earlier run's predictions are superseded and removed, but for the overridden one.
    let mut kept: Vec<Uuid> = campaign_predictions(db, Some(id)).await.iter().map(|p| p.id).collect();
    kept.sort();
    let mut expected: Vec<Uuid> = second.leads.iter().map(|l| l.prediction.id).chain([c0_prediction]).collect();
    expected.sort();
    assert_eq!(kept, expected);
    assert_eq!(repo.find(id).await.unwrap().unwrap().last_run, Some(second.summary.clone()));
    assert_eq!(leads_of(db, other).await, other_leads);

    // A run that lists nobody empties the list.
    let empty = plan(id, &[], second_at + Duration::days(1));
    assert_eq!(repo.apply_run(&empty).await.unwrap(), RunCounts { added: 0, kept: 0, removed: 3 });
    assert!(leads_of(db, id).await.is_empty());
    assert_eq!(repo.find(id).await.unwrap().unwrap().last_run, Some(empty.summary));
    assert_eq!(leads_of(db, other).await, other_leads);
}
super::contract!(
    a_rerun_keeps_worked_leads_adds_new_ones_and_drops_the_rest,
    a_rerun_keeps_worked_leads_adds_new_ones_and_drops_the_rest
);

/// Everything a run may touch.
async fn snapshot(
    db: &DatabaseConnection,
    id: Uuid,
) -> (Option<Campaign>, Vec<LeadView>, Vec<Prediction>, Vec<Customer>) {
    let customers = SqlCustomerRepository::new(db.clone());
    (
        SqlCampaignRepository::new(db.clone()).find(id).await.unwrap(),
        leads_of(db, id).await,
        campaign_predictions(db, None).await,
        customers.list_after(&CustomerFilter::default(), None, 100_000).await.unwrap(),
    )
}

async fn a_failing_run_leaves_everything_as_it_was(db: &DatabaseConnection) {
    let repo = SqlCampaignRepository::new(db.clone());
    let owner = stored_user(db, "owner", None).await;
    let id = stored_campaign(db, &owner, "Fragile", &[]).await;
    // More customers than one INSERT chunk, so a failure in a later chunk follows statements that succeeded.
    let customers = imported_customers(db, 520).await;
    let first: Vec<(&Customer, f64)> =
        customers.iter().enumerate().map(|(i, c)| (c, 0.9 - i as f64 / 1_000.0)).collect();
    run(db, id, &first[..510], base_time() + Duration::days(1)).await;
    let lead = lead_of(db, id, &customers[3]).await;
    changed(db, &lead, LeadStatus::Contacted, None, base_time() + Duration::days(2)).await;
    let before = snapshot(db, id).await;
    assert_eq!(before.1.len(), 510);

    let at = base_time() + Duration::days(3);
    let ghost = new_customer(9_999).into_customer(Uuid::now_v7(), now());
    // Re-scored, with the first ten dropped and ten added, then a customer that does not exist.
    let mut listed: Vec<(&Customer, f64)> = customers[10..].iter().map(|c| (c, 0.42)).collect();
    listed.push((&ghost, 0.5));

    // The ghost's prediction names no customer, so the predictions are all written and the leads fail.
    let mut bad = plan(id, &listed, at);
    bad.leads.last_mut().unwrap().prediction.customer_id = None;
    assert!(repo.apply_run(&bad).await.is_err(), "a lead of an unknown customer fails the run");
    assert!(snapshot(db, id).await == before, "nothing of the failed run remains");

    // The ghost's prediction names it: the predictions' insert fails after a chunk went in.
    let bad = plan(id, &listed, at);
    assert!(repo.apply_run(&bad).await.is_err(), "a prediction of an unknown customer fails the run");
    assert!(snapshot(db, id).await == before, "nothing of the failed run remains");

    // An unknown campaign.
    let unknown = plan(Uuid::now_v7(), &listed[..20], at);
    assert_not_found(repo.apply_run(&unknown).await, "a run of an unknown campaign");
    assert_not_found(repo.apply_run(&plan(Uuid::now_v7(), &[], at)).await, "an empty run of an unknown campaign");
    assert!(snapshot(db, id).await == before);

    // The same run without the ghost goes through.
    listed.pop();
    let good = plan(id, &listed, at);
    assert_eq!(repo.apply_run(&good).await.unwrap(), RunCounts { added: 10, kept: 500, removed: 10 });
    let listed_now: Vec<Uuid> = leads_of(db, id).await.iter().map(|v| v.lead.customer_id).collect();
    assert_eq!(listed_now, customers[10..].iter().map(|c| c.id).collect::<Vec<_>>());
}
super::contract!(a_failing_run_leaves_everything_as_it_was, a_failing_run_leaves_everything_as_it_was);

// ---------------------------------------------------------------------------------------------------------------
// speed

/// A first run (all 45,211 leads new) and a re-run (all kept, re-ranked) on a fresh database; their durations.
async fn time_runs(db: &DatabaseConnection, trial: u32) -> (std::time::Duration, std::time::Duration) {
    const N: u32 = 45_211;
    let owner = stored_user(db, "owner", None).await;
    let id = stored_campaign(db, &owner, "Everyone", &[]).await;
    let customers = imported_customers(db, N).await;
    let repo = SqlCampaignRepository::new(db.clone());
    let mut took = Vec::new();
    for round in 0..2u32 {
        let listed: Vec<(&Customer, f64)> = customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c, ((i * (round as usize * 2 + 1)) % N as usize) as f64 / f64::from(N)))
            .collect();
        let mut plan = plan(id, &listed, now());
        // Best first, as the service ranks them.
        plan.leads.sort_by(|a, b| b.prediction.outcome.probability.total_cmp(&a.prediction.outcome.probability));
        for (i, lead) in plan.leads.iter_mut().enumerate() {
            lead.rank = i as u32 + 1;
        }
        let started = std::time::Instant::now();
        let counts = repo.apply_run(&plan).await.unwrap();
        took.push(started.elapsed());
        eprintln!("trial {trial} round {round}: apply_run of {N} leads took {:?} ({counts:?})", took[took.len() - 1]);
    }
    let started = std::time::Instant::now();
    assert_eq!(leads_of(db, id).await.len(), N as usize);
    assert_eq!(SqlLeadRepository::new(db.clone()).stats(id).await.unwrap().total, u64::from(N));
    eprintln!("all() of {N} leads and stats took {:?}", started.elapsed());
    (took[0], took[1])
}

/// A run over the whole UCI base (45,211 customers, all listed) on SQLite, best of three fresh databases:
/// `cargo test --release -p leadscore-tests --test it -- --ignored --nocapture contract::campaigns::a_run_of`.
#[tokio::test]
#[ignore = "timing, run by hand"]
async fn a_run_of_45211_leads_is_quick() {
    let (mut first, mut rerun) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for trial in 0..3 {
        let db = leadscore_tests::TestDb::sqlite().await;
        let (a, b) = time_runs(db.conn(), trial).await;
        (first, rerun) = (first.min(a), rerun.min(b));
    }
    eprintln!("SQLite, best of 3: first run {first:?}, re-run {rerun:?}");
}

/// The same on PostgreSQL (`TEST_POSTGRES_URL`), for comparison.
#[tokio::test]
#[ignore = "timing, run by hand"]
async fn a_run_of_45211_leads_on_postgres() {
    let (mut first, mut rerun) = (std::time::Duration::MAX, std::time::Duration::MAX);
    for trial in 0..3 {
        let Some(db) = leadscore_tests::TestDb::postgres().await else { return };
        let (a, b) = time_runs(db.conn(), trial).await;
        (first, rerun) = (first.min(a), rerun.min(b));
    }
    eprintln!("PostgreSQL, best of 3: first run {first:?}, re-run {rerun:?}");
}
