//! `LeadRepository`: call lists, their views and the lead workflow's writes, on every adapter.

use chrono::{DateTime, Duration, Utc};
use leadscore_application::AppError;
use leadscore_application::activities::ActivityRepository;
use leadscore_application::campaigns::{
    KnownOutcomes, LeadFilter, LeadRepository, LeadSort, LeadStats, LeadView, NoteRepository, OutcomeChange,
};
use leadscore_application::customers::CustomerRepository;
use leadscore_domain::activity::{Activity, ActivityAction, EntityType};
use leadscore_domain::campaigns::{Lead, LeadStatus, Note};
use leadscore_domain::customers::{Customer, Outcome};
use leadscore_domain::scoring::Tier;
use leadscore_domain::users::User;
use leadscore_infrastructure::repositories::{
    SqlActivityRepository, SqlCustomerRepository, SqlLeadRepository, SqlNoteRepository,
};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::fixtures::{
    as_member, assert_not_found, base_time, changed, lead_audit, lead_of, leads_of, note, noted, page, run,
    stored_campaign, stored_customers, stored_user,
};

/// A campaign of eight leads r1..r8 (rank order), worked a little:
///
/// | lead | customer | probability | tier | status    | assignee | updated | notes |
/// |------|----------|-------------|------|-----------|----------|---------|-------|
/// | r1   | c0 Madrid| 0.9         | Hot  | Pending   | —        | t       | 2     |
/// | r2   | c1 Porto | 0.5         | Hot  | Failed    | carl     | t+2h    | 1     |
/// | r3   | c2 Madrid| 0.5         | Hot  | Pending   | —        | t       | 0     |
/// | r4   | c3 Porto | 0.2         | Warm | Contacted | bob      | t+1h    | 2     |
/// | r5   | c4 Madrid| 0.05        | Cold | Pending   | —        | t       | 0     |
/// | r6   | c5 Porto | 0.5         | Hot  | Contacted | bob      | t+2h    | 1     |
/// | r7   | c6 Madrid| 0.35        | Hot  | Pending   | —        | t       | 0     |
/// | r8   | c7 Porto | 0.01        | Cold | Pending   | —        | t       | 0     |
///
/// r1 has activities at t+3h and t+5h, r4 one at t+4h. Another campaign lists c0 and c1 too.
struct World {
    owner: User,
    bob: User,
    carl: User,
    campaign: Uuid,
    other: Uuid,
    customers: Vec<Customer>,
    /// Lead ids r1..r8 at index 0..7.
    r: Vec<Uuid>,
    t: DateTime<Utc>,
}

async fn world(db: &DatabaseConnection) -> World {
    let owner = stored_user(db, "owner", Some("Olga")).await;
    let bob = stored_user(db, "bob", Some("Bob")).await;
    let carl = stored_user(db, "carl", None).await;
    let campaign = stored_campaign(db, &owner, "Workflow", &[&bob, &carl]).await;
    let other = stored_campaign(db, &owner, "Other", &[]).await;
    let customers = stored_customers(db, 8).await;
    let t = base_time() + Duration::days(1);
    let probabilities = [0.9, 0.5, 0.5, 0.2, 0.05, 0.5, 0.35, 0.01];
    let listed: Vec<(&Customer, f64)> = customers.iter().zip(probabilities).collect();
    run(db, campaign, &listed, t).await;
    run(db, other, &listed[..2], t).await;
    let r: Vec<Uuid> = leads_of(db, campaign).await.iter().map(|v| v.lead.id).collect();

    let lead = |i: usize| lead_of(db, campaign, &customers[i]);
    changed(db, &lead(3).await, LeadStatus::Contacted, Some(&bob), t + Duration::hours(1)).await;
    changed(db, &lead(1).await, LeadStatus::Failed, Some(&carl), t + Duration::hours(2)).await;
    changed(db, &lead(5).await, LeadStatus::Contacted, Some(&bob), t + Duration::hours(2)).await;
    let r1 = lead(0).await;
    noted(db, &r1, Some(&bob), t + Duration::minutes(10)).await;
    noted(db, &r1, Some(&carl), t + Duration::minutes(20)).await;
    noted(db, &lead(3).await, Some(&bob), t + Duration::minutes(30)).await;
    // A note on the other campaign's lead of the same customer is not r1's.
    noted(db, &lead_of(db, other, &customers[0]).await, None, t).await;

    let activities = SqlActivityRepository::new(db.clone());
    for (lead_id, hours) in [(Some(r[0]), 3), (Some(r[0]), 5), (Some(r[3]), 4), (None, 9)] {
        let activity = Activity {
            id: Uuid::now_v7(),
            actor_id: Some(bob.id),
            action: ActivityAction::LeadStatusChanged,
            entity_type: EntityType::Lead,
            entity_id: lead_id,
            campaign_id: Some(campaign),
            lead_id,
            description: "worked".into(),
            ip: None,
            created_at: t + Duration::hours(hours) + Duration::microseconds(7),
        };
        activities.record(&activity).await.unwrap();
    }
    World { owner, bob, carl, campaign, other, customers, r, t }
}

fn ids(views: &[LeadView]) -> Vec<Uuid> {
    views.iter().map(|v| v.lead.id).collect()
}

async fn list_filters_by_status_tier_assignee_and_text(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let w = world(db).await;
    let r = &w.r;
    let list = |filter: LeadFilter| {
        let repo = repo.clone();
        async move {
            let got = repo.list(w.campaign, &filter, LeadSort::default(), page(1, 100)).await.unwrap();
            assert_eq!(got.total_items, got.items.len() as u64);
            ids(&got.items)
        }
    };

    assert_eq!(list(LeadFilter::default()).await, [r[0], r[1], r[2], r[5], r[6], r[3], r[4], r[7]]);
    let status = |s| LeadFilter { status: Some(s), ..LeadFilter::default() };
    assert_eq!(list(status(LeadStatus::Pending)).await, [r[0], r[2], r[6], r[4], r[7]]);
    assert_eq!(list(status(LeadStatus::Contacted)).await, [r[5], r[3]]);
    assert_eq!(list(status(LeadStatus::Failed)).await, [r[1]]);
    assert!(list(status(LeadStatus::Converted)).await.is_empty());

    let tier = |t| LeadFilter { tier: Some(t), ..LeadFilter::default() };
    assert_eq!(list(tier(Tier::Hot)).await, [r[0], r[1], r[2], r[5], r[6]]);
    assert_eq!(list(tier(Tier::Warm)).await, [r[3]]);
    assert_eq!(list(tier(Tier::Cold)).await, [r[4], r[7]]);

    let assignee = |u: &User| LeadFilter { assignee: Some(u.id), ..LeadFilter::default() };
    assert_eq!(list(assignee(&w.bob)).await, [r[5], r[3]]);
    assert_eq!(list(assignee(&w.carl)).await, [r[1]]);
    assert!(list(assignee(&w.owner)).await.is_empty());

    let q = |text: &str| LeadFilter { q: Some(text.into()), ..LeadFilter::default() };
    assert_eq!(list(q("PORTO")).await, [r[1], r[5], r[3], r[7]], "the customer's city, any case");
    assert_eq!(list(q("customer3@MAIL")).await, [r[3]], "the customer's e-mail");
    assert_eq!(list(q("camp-0000")).await.len(), 8, "the customer's external id");
    assert_eq!(list(q("Customer 00006")).await, [r[6]], "the customer's name");
    assert!(list(q("%")).await.is_empty(), "wildcards are literal");
    assert_eq!(list(q("  ")).await.len(), 8, "a blank query is no filter");

    assert_eq!(
        list(LeadFilter { q: Some("porto".into()), ..assignee(&w.bob) }).await,
        [r[5], r[3]],
        "filters combine with AND"
    );
    assert_eq!(list(LeadFilter { q: Some("porto".into()), ..tier(Tier::Hot) }).await, [r[1], r[5]]);
    assert!(list(LeadFilter { status: Some(LeadStatus::Failed), ..assignee(&w.bob) }).await.is_empty());

    let other = repo.list(w.other, &LeadFilter::default(), LeadSort::default(), page(1, 100)).await.unwrap();
    assert_eq!(other.total_items, 2, "only the campaign's own leads");
    let none = repo.list(Uuid::now_v7(), &LeadFilter::default(), LeadSort::default(), page(1, 10)).await.unwrap();
    assert_eq!((none.items.len(), none.total_items), (0, 0));
}
super::contract!(list_filters_by_status_tier_assignee_and_text, list_filters_by_status_tier_assignee_and_text);

async fn list_sorts_with_ties_broken_by_rank_and_pages(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let w = world(db).await;
    let r = &w.r;
    let sorted = |sort: LeadSort| {
        let repo = repo.clone();
        async move { ids(&repo.list(w.campaign, &LeadFilter::default(), sort, page(1, 100)).await.unwrap().items) }
    };
    assert_eq!(sorted(LeadSort::ProbabilityDesc).await, [r[0], r[1], r[2], r[5], r[6], r[3], r[4], r[7]]);
    assert_eq!(sorted(LeadSort::ProbabilityAsc).await, [r[7], r[4], r[3], r[6], r[1], r[2], r[5], r[0]]);
    assert_eq!(sorted(LeadSort::UpdatedDesc).await, [r[1], r[5], r[3], r[0], r[2], r[4], r[6], r[7]]);

    let second = repo.list(w.campaign, &LeadFilter::default(), LeadSort::default(), page(2, 3)).await.unwrap();
    assert_eq!(ids(&second.items), [r[5], r[6], r[3]]);
    assert_eq!((second.total_items, second.total_pages()), (8, 3));
    let last = repo.list(w.campaign, &LeadFilter::default(), LeadSort::ProbabilityAsc, page(3, 3)).await.unwrap();
    assert_eq!(ids(&last.items), [r[5], r[0]]);
    let past = repo.list(w.campaign, &LeadFilter::default(), LeadSort::default(), page(4, 3)).await.unwrap();
    assert!(past.items.is_empty());
    let filtered = repo
        .list(
            w.campaign,
            &LeadFilter { tier: Some(Tier::Hot), ..LeadFilter::default() },
            LeadSort::default(),
            page(2, 3),
        )
        .await
        .unwrap();
    assert_eq!((ids(&filtered.items), filtered.total_items), (vec![r[5], r[6]], 5));
}
super::contract!(list_sorts_with_ties_broken_by_rank_and_pages, list_sorts_with_ties_broken_by_rank_and_pages);

async fn views_carry_customer_assignee_note_counts_and_last_activity(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let customers = SqlCustomerRepository::new(db.clone());
    let w = world(db).await;
    let r = &w.r;
    let all = repo.list(w.campaign, &LeadFilter::default(), LeadSort::default(), page(1, 100)).await.unwrap().items;
    let view = |id: Uuid| all.iter().find(|v| v.lead.id == id).unwrap();

    let counts: Vec<u64> = r.iter().map(|id| view(*id).notes_count).collect();
    assert_eq!(counts, [2, 1, 0, 2, 0, 1, 0, 0], "System notes of changes count too; other campaigns' do not");
    let activity_at = |hours| Some(w.t + Duration::hours(hours) + Duration::microseconds(7));
    assert_eq!(view(r[0]).last_activity_at, activity_at(5), "the latest of the lead's activities");
    assert_eq!(view(r[3]).last_activity_at, activity_at(4));
    assert_eq!(view(r[1]).last_activity_at, Some(w.t + Duration::hours(2)), "the audit entry its change wrote");
    assert_eq!(view(r[2]).last_activity_at, None);

    assert_eq!(view(r[3]).assignee, Some(as_member(&w.bob)));
    assert_eq!(view(r[1]).assignee, Some(as_member(&w.carl)));
    assert_eq!(view(r[0]).assignee, None);
    for v in &all {
        let stored = customers.find_by_id(v.lead.customer_id).await.unwrap().unwrap();
        assert_eq!(v.customer, stored, "the whole customer, as its repository returns it");
        assert_eq!(v.lead.campaign_id, w.campaign);
        // The same view, whichever way it is read.
        assert_eq!(repo.find(w.campaign, v.lead.id).await.unwrap().as_ref(), Some(v));
    }

    let by_rank = repo.all(w.campaign).await.unwrap();
    assert_eq!(ids(&by_rank), *r, "all() is by rank");
    for v in &by_rank {
        assert_eq!(Some(v), all.iter().find(|x| x.lead.id == v.lead.id), "all() gives the same views as list()");
    }
    assert_eq!(repo.all(w.other).await.unwrap().len(), 2);
    assert!(repo.all(Uuid::now_v7()).await.unwrap().is_empty());
    assert_eq!(w.customers.len(), 8);
}
super::contract!(
    views_carry_customer_assignee_note_counts_and_last_activity,
    views_carry_customer_assignee_note_counts_and_last_activity
);

async fn find_only_within_the_campaign(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let w = world(db).await;
    assert!(repo.find(w.campaign, w.r[0]).await.unwrap().is_some());
    assert_eq!(repo.find(w.other, w.r[0]).await.unwrap(), None, "a lead of another campaign");
    assert_eq!(repo.find(Uuid::now_v7(), w.r[0]).await.unwrap(), None);
    assert_eq!(repo.find(w.campaign, Uuid::now_v7()).await.unwrap(), None);
}
super::contract!(find_only_within_the_campaign, find_only_within_the_campaign);

async fn change_writes_lead_note_and_outcome_together(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let notes = SqlNoteRepository::new(db.clone());
    let customers = SqlCustomerRepository::new(db.clone());
    let w = world(db).await;
    let customer = w.customers[0].clone();
    let lead = lead_of(db, w.campaign, &customer).await;
    let scored = customers.find_by_id(customer.id).await.unwrap().unwrap();

    // Pending → Contacted, assigned: no outcome.
    let t1 = w.t + Duration::days(1);
    let contacted =
        Lead { status: LeadStatus::Contacted, assignee_id: Some(w.carl.id), updated_at: t1, ..lead.clone() };
    let n1 = note(&contacted, None, "Pending → Contacted", t1);
    repo.change(&lead, &contacted, &n1, None, &lead_audit(&contacted)).await.unwrap();
    let view = repo.find(w.campaign, lead.id).await.unwrap().unwrap();
    assert_eq!(view.lead, contacted);
    assert_eq!((view.assignee, view.notes_count), (Some(as_member(&w.carl)), 3));
    assert_eq!(
        notes.list(lead.id, page(1, 1)).await.unwrap().items,
        std::slice::from_ref(&n1),
        "the note is the newest"
    );
    assert_eq!(view.customer, scored, "no outcome given, none written");

    // Contacted → Converted records the outcome.
    let t2 = t1 + Duration::hours(1);
    let converted = Lead { status: LeadStatus::Converted, updated_at: t2, closed_at: Some(t2), ..contacted.clone() };
    let outcome = OutcomeChange { customer_id: customer.id, outcome: Some(Outcome::Yes), at: Some(t2) };
    repo.change(
        &contacted,
        &converted,
        &note(&converted, None, "converted", t2),
        Some(outcome),
        &lead_audit(&converted),
    )
    .await
    .unwrap();
    let view = repo.find(w.campaign, lead.id).await.unwrap().unwrap();
    assert_eq!(view.lead, converted);
    assert_eq!(
        view.customer,
        Customer { outcome: Some(Outcome::Yes), outcome_at: Some(t2), ..scored.clone() },
        "only the outcome changes; the customer's updated_at stays"
    );

    // Reopened and unassigned: the outcome recorded by the call is cleared.
    let t3 = t2 + Duration::hours(1);
    let reopened =
        Lead { status: LeadStatus::Contacted, assignee_id: None, updated_at: t3, closed_at: None, ..converted.clone() };
    let clear = OutcomeChange { customer_id: customer.id, outcome: None, at: None };
    repo.change(
        &converted,
        &reopened,
        &note(&reopened, Some(&w.owner), "reopened", t3),
        Some(clear),
        &lead_audit(&reopened),
    )
    .await
    .unwrap();
    let view = repo.find(w.campaign, lead.id).await.unwrap().unwrap();
    assert_eq!((view.lead, view.assignee, view.notes_count), (reopened.clone(), None, 5));
    assert_eq!(view.customer, scored);

    // A failure anywhere leaves the lead, its notes and the customer as they were.
    let before = repo.find(w.campaign, lead.id).await.unwrap().unwrap();
    let t4 = t3 + Duration::hours(1);
    let failed = Lead { status: LeadStatus::Failed, updated_at: t4, ..reopened.clone() };
    let ghost_author = note(&failed, Some(&w.owner), "by nobody", t4);
    let ghost_author = Note { author_id: Some(Uuid::now_v7()), ..ghost_author };
    let no = OutcomeChange { customer_id: customer.id, outcome: Some(Outcome::No), at: Some(t4) };
    assert!(
        repo.change(&reopened, &failed, &ghost_author, Some(no), &lead_audit(&failed)).await.is_err(),
        "a note by an unknown author"
    );
    assert_eq!(repo.find(w.campaign, lead.id).await.unwrap(), Some(before.clone()));

    let ghost_customer = OutcomeChange { customer_id: Uuid::now_v7(), ..no };
    let result = repo
        .change(&reopened, &failed, &note(&failed, None, "x", t4), Some(ghost_customer), &lead_audit(&failed))
        .await;
    assert_not_found(result, "an outcome of an unknown customer");
    assert_eq!(repo.find(w.campaign, lead.id).await.unwrap(), Some(before.clone()));

    let ghost_lead = Lead { id: Uuid::now_v7(), ..failed.clone() };
    let orphan = note(&ghost_lead, None, "orphan", t4);
    assert_not_found(
        repo.change(&ghost_lead, &ghost_lead, &orphan, Some(no), &lead_audit(&ghost_lead)).await,
        "an unknown lead",
    );
    assert_eq!(notes.find(orphan.id).await.unwrap(), None);
    assert_eq!(customers.find_by_id(customer.id).await.unwrap(), Some(scored));
    assert_eq!(repo.find(w.campaign, lead.id).await.unwrap(), Some(before.clone()));

    // A change made from a state the lead is no longer in is a conflict, and writes nothing.
    let stale = note(&failed, None, "from a stale read", t4);
    let result = repo.change(&converted, &failed, &stale, Some(no), &lead_audit(&failed)).await;
    assert!(matches!(result, Err(AppError::Conflict(_))), "{result:?}");
    assert_eq!(notes.find(stale.id).await.unwrap(), None);
    assert_eq!(repo.find(w.campaign, lead.id).await.unwrap(), Some(before));
}
super::contract!(change_writes_lead_note_and_outcome_together, change_writes_lead_note_and_outcome_together);

async fn stats_count_a_campaigns_leads(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let w = world(db).await;
    assert_eq!(
        repo.stats(w.campaign).await.unwrap(),
        LeadStats { total: 8, hot: 5, pending: 5, contacted: 2, converted: 0, failed: 1 }
    );
    let converted = lead_of(db, w.campaign, &w.customers[3]).await;
    changed(db, &converted, LeadStatus::Converted, None, w.t + Duration::days(1)).await;
    assert_eq!(
        repo.stats(w.campaign).await.unwrap(),
        LeadStats { total: 8, hot: 5, pending: 5, contacted: 1, converted: 1, failed: 1 }
    );
    assert_eq!(
        repo.stats(w.other).await.unwrap(),
        LeadStats { total: 2, hot: 2, pending: 2, contacted: 0, converted: 0, failed: 0 }
    );
    assert_eq!(repo.stats(Uuid::now_v7()).await.unwrap(), LeadStats::default());
}
super::contract!(stats_count_a_campaigns_leads, stats_count_a_campaigns_leads);

async fn known_outcomes_close_pending_leads_only(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let customers = SqlCustomerRepository::new(db.clone());
    let w = world(db).await;
    // c1's lead is already Failed and c3's Contacted: worked leads keep their status. c4 has no known outcome.
    let known = [
        (0, Outcome::Yes),
        (1, Outcome::Yes),
        (2, Outcome::No),
        (3, Outcome::Yes),
        (6, Outcome::Yes),
        (7, Outcome::No),
    ];
    for (i, outcome) in known {
        let customer = Customer { outcome: Some(outcome), ..w.customers[i].clone() };
        customers.update(&customer).await.unwrap();
    }
    let notes_before: Vec<u64> = leads_of(db, w.campaign).await.iter().map(|v| v.notes_count).collect();
    let at = w.t + Duration::days(2);

    let counts = repo.close_with_known_outcomes(w.campaign, at, "from the data").await.unwrap();
    assert_eq!(counts, KnownOutcomes { converted: 2, failed: 2 });
    let views = leads_of(db, w.campaign).await;
    let expected = [
        (LeadStatus::Converted, Some(at)),
        (LeadStatus::Failed, Some(w.t + Duration::hours(2))),
        (LeadStatus::Failed, Some(at)),
        (LeadStatus::Contacted, None),
        (LeadStatus::Pending, None),
        (LeadStatus::Contacted, None),
        (LeadStatus::Converted, Some(at)),
        (LeadStatus::Failed, Some(at)),
    ];
    for (i, (view, (status, closed_at))) in views.iter().zip(expected).enumerate() {
        assert_eq!((view.lead.status, view.lead.closed_at), (status, closed_at), "r{}", i + 1);
        let closed_now = closed_at == Some(at);
        assert_eq!(view.notes_count, notes_before[i] + u64::from(closed_now), "r{}: one System note", i + 1);
        let outcome_at = customers.find_by_id(view.lead.customer_id).await.unwrap().unwrap().outcome_at;
        assert_eq!(outcome_at, closed_now.then_some(at), "r{}: the outcome is dated when recorded", i + 1);
        if closed_now {
            let newest = SqlNoteRepository::new(db.clone()).list(view.lead.id, page(1, 1)).await.unwrap().items;
            assert_eq!(newest[0].note_type, leadscore_domain::campaigns::NoteType::System);
            assert_eq!(newest[0].text, format!("status Pending → {status}: from the data"));
        }
    }
    let other: Vec<LeadStatus> = leads_of(db, w.other).await.iter().map(|v| v.lead.status).collect();
    assert_eq!(other, [LeadStatus::Pending, LeadStatus::Pending], "another campaign's leads are left alone");

    // Nothing left to close; an unknown campaign has nothing either.
    assert_eq!(repo.close_with_known_outcomes(w.campaign, at, "again").await.unwrap(), KnownOutcomes::default());
    assert_eq!(repo.close_with_known_outcomes(Uuid::now_v7(), at, "x").await.unwrap(), KnownOutcomes::default());
}
super::contract!(known_outcomes_close_pending_leads_only, known_outcomes_close_pending_leads_only);

/// Converted and Failed sent at once, or two collaborators claiming one lead at once: both changes start from the
/// same state, so exactly one lands (with its System note and outcome) and the other is a conflict.
async fn concurrent_changes_from_one_state_land_once(db: &DatabaseConnection) {
    let repo = SqlLeadRepository::new(db.clone());
    let notes = SqlNoteRepository::new(db.clone());
    let customers = SqlCustomerRepository::new(db.clone());
    let w = world(db).await;
    for (round, customer) in w.customers.iter().take(4).enumerate() {
        let lead = lead_of(db, w.campaign, customer).await;
        let t = w.t + Duration::days(1);
        let (a, b) = if round % 2 == 0 {
            (
                Lead { status: LeadStatus::Converted, updated_at: t, closed_at: Some(t), ..lead.clone() },
                Lead { status: LeadStatus::Failed, updated_at: t, closed_at: Some(t), ..lead.clone() },
            )
        } else {
            // Two assignees, neither the current one.
            let mut others = [&w.owner, &w.bob, &w.carl].into_iter().filter(|u| Some(u.id) != lead.assignee_id);
            let (first, second) = (others.next().unwrap(), others.next().unwrap());
            (
                Lead { assignee_id: Some(first.id), updated_at: t, ..lead.clone() },
                Lead { assignee_id: Some(second.id), updated_at: t, ..lead.clone() },
            )
        };
        let outcome = |l: &Lead| {
            l.status.outcome().map(|o| OutcomeChange { customer_id: customer.id, outcome: Some(o), at: Some(t) })
        };
        let (na, nb) = (note(&a, None, "a", t), note(&b, None, "b", t));
        let (audit_a, audit_b) = (lead_audit(&a), lead_audit(&b));
        let (ra, rb) = tokio::join!(
            repo.change(&lead, &a, &na, outcome(&a), &audit_a),
            repo.change(&lead, &b, &nb, outcome(&b), &audit_b)
        );
        assert_eq!([&ra, &rb].iter().filter(|r| r.is_ok()).count(), 1, "round {round}: {ra:?} / {rb:?}");
        let (winner, winner_note, loser_note) = if ra.is_ok() { (&a, &na, &nb) } else { (&b, &nb, &na) };
        assert!(matches!(if ra.is_ok() { &rb } else { &ra }, Err(AppError::Conflict(_))));
        assert_eq!(repo.find(w.campaign, lead.id).await.unwrap().unwrap().lead, *winner);
        assert!(notes.find(winner_note.id).await.unwrap().is_some());
        assert_eq!(notes.find(loser_note.id).await.unwrap(), None, "the loser's System note is not written");
        let stored = customers.find_by_id(customer.id).await.unwrap().unwrap();
        assert_eq!(stored.outcome, winner.status.outcome(), "round {round}");
    }
}
super::contract!(concurrent_changes_from_one_state_land_once, concurrent_changes_from_one_state_land_once);
