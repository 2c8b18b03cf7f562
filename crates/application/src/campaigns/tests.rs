//! The campaign rules at the application level, over in-memory fakes: every kind of caller against every operation
//! that has a rule, and the lead workflow's state rules. The same rules go through HTTP on SQLite in
//! `tests/it/api/campaigns.rs`; these take milliseconds, so every cell of each table is checked.

use leadscore_domain::activity::ActivityAction;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, LeadStatus, NoteType};
use leadscore_domain::customers::Outcome;
use leadscore_domain::pagination::PageRequest;
use leadscore_domain::users::{Role, User};
use uuid::Uuid;

use super::{
    CampaignDraft, CampaignFilter, CampaignPatch, CampaignService, LeadFilter, LeadPatch, LeadService, LeadSort,
    RunService,
};
use crate::activities::ActivityQuery;
use crate::customers::CustomerFilter;
use crate::exports::ExportFormat;
use crate::testing::{Answer, Fakes, answer, caller};
use crate::{AppError, Caller};

const OK: Answer = Answer::Ok;
use Answer::{Conflict, Forbidden, Invalid, NotFound};

/// Everyone who may ask about one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    /// An Admin who is not a member.
    Admin,
    /// The Manager who owns it.
    Owner,
    /// A Manager who collaborates on it.
    ManagerMember,
    /// A Manager who has nothing to do with it.
    OtherManager,
    /// A Sales user who collaborates on it.
    SalesMember,
    /// A Sales user who has nothing to do with it.
    Outsider,
}

const EVERYONE: [Who; 6] =
    [Who::Admin, Who::Owner, Who::ManagerMember, Who::OtherManager, Who::SalesMember, Who::Outsider];

impl Who {
    fn sees(self) -> bool {
        matches!(self, Who::Admin | Who::Owner | Who::ManagerMember | Who::SalesMember)
    }

    /// Whether the caller may manage the campaign and its leads (owner or Admin).
    fn manages(self) -> bool {
        matches!(self, Who::Admin | Who::Owner)
    }
}

struct World {
    fakes: Fakes,
    service: CampaignService,
    runs: RunService,
    leads: LeadService,
    admin: User,
    owner: User,
    manager_member: User,
    other_manager: User,
    sales_member: User,
    /// A second Sales collaborator, to hold leads the caller does not.
    colleague: User,
    outsider: User,
    campaign: Uuid,
}

impl World {
    fn new() -> Self {
        let fakes = Fakes::new();
        let user = |role| fakes.user(role).unwrap();
        let (admin, owner, manager_member, other_manager) =
            (user(Role::Admin), user(Role::Manager), user(Role::Manager), user(Role::Manager));
        let (sales_member, colleague, outsider) = (user(Role::Sales), user(Role::Sales), user(Role::Sales));
        let campaign = fakes.campaign(&owner, &[&manager_member, &sales_member, &colleague]);
        let (service, runs, leads) = fakes.campaign_services();
        Self {
            fakes,
            service,
            runs,
            leads,
            admin,
            owner,
            manager_member,
            other_manager,
            sales_member,
            colleague,
            outsider,
            campaign,
        }
    }

    fn user(&self, who: Who) -> &User {
        match who {
            Who::Admin => &self.admin,
            Who::Owner => &self.owner,
            Who::ManagerMember => &self.manager_member,
            Who::OtherManager => &self.other_manager,
            Who::SalesMember => &self.sales_member,
            Who::Outsider => &self.outsider,
        }
    }

    fn caller(&self, who: Who) -> Caller {
        caller(self.user(who))
    }

    fn lead_status(&self, lead: Uuid) -> LeadStatus {
        self.fakes.db.with(|s| s.leads[&lead].status)
    }
}

#[tokio::test]
async fn members_and_admins_see_a_campaign_and_its_leads_everyone_else_gets_404() {
    let w = World::new();
    let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
    let (s, id, page) = (&w.service, w.campaign, PageRequest::default());
    for who in EVERYONE {
        let c = w.caller(who);
        let expected = if who.sees() { OK } else { NotFound };
        let answers = [
            ("campaign", answer(&s.visible(&c, id).await)),
            ("leads", answer(&w.leads.leads(&c, id, LeadFilter::default(), LeadSort::default(), page).await)),
            ("lead", answer(&w.leads.lead(&c, id, lead.id).await)),
            ("lead stats", answer(&w.leads.lead_stats(&c, id).await)),
            ("notes", answer(&w.leads.notes(&c, id, lead.id, page).await)),
            ("activities", answer(&s.campaign_activities(&c, id, ActivityQuery::default()).await)),
            ("export", answer(&w.leads.export_leads(&c, id, ExportFormat::Csv, None).await)),
        ];
        for (what, got) in answers {
            assert_eq!(got, expected, "{what} as {who:?}");
        }
    }
    // A campaign that does not exist answers the same as one outside the caller's view.
    for who in EVERYONE {
        assert_eq!(answer(&s.visible(&w.caller(who), Uuid::now_v7()).await), NotFound, "{who:?}");
    }
}

#[tokio::test]
async fn a_lead_is_reached_only_through_its_own_campaign() {
    let w = World::new();
    // The member sees this campaign, not the other one, whose lead they name through this campaign's path.
    let elsewhere = w.fakes.campaign(&w.other_manager, &[]);
    let foreign = w.fakes.lead(elsewhere, LeadStatus::Pending, None).unwrap();
    let before = w.fakes.db.snapshot();
    for who in [Who::Admin, Who::Owner, Who::SalesMember] {
        let (c, id) = (w.caller(who), w.campaign);
        let patch = LeadPatch { status: Some(LeadStatus::Failed), ..LeadPatch::default() };
        let answers = [
            ("lead", answer(&w.leads.lead(&c, id, foreign.id).await)),
            ("change", answer(&w.leads.update_lead(&c, id, foreign.id, patch, None).await)),
            ("notes", answer(&w.leads.notes(&c, id, foreign.id, PageRequest::default()).await)),
        ];
        for (what, got) in answers {
            assert_eq!(got, NotFound, "{what} as {who:?}");
        }
    }
    assert_eq!(w.fakes.db.snapshot(), before);
}

#[tokio::test]
async fn lists_options_and_counts_hold_only_the_campaigns_a_caller_sees() {
    let w = World::new();
    let theirs = w.fakes.campaign(&w.other_manager, &[]);
    for who in EVERYONE {
        let mut expected = match who {
            Who::Admin => vec![w.campaign, theirs],
            Who::OtherManager => vec![theirs],
            Who::Outsider => vec![],
            Who::Owner | Who::ManagerMember | Who::SalesMember => vec![w.campaign],
        };
        expected.sort();
        let c = w.caller(who);
        // A filter naming someone else is overridden by the caller's own view.
        let filter = CampaignFilter { visible_to: Some(w.owner.id), ..CampaignFilter::default() };
        let page = w.service.list(&c, filter, PageRequest::default()).await.unwrap();
        let mut listed: Vec<Uuid> = page.items.iter().map(|c| c.id).collect();
        listed.sort();
        assert_eq!(listed, expected, "list as {who:?}");
        assert_eq!(page.total_items, expected.len() as u64, "total as {who:?}");
        let mut options: Vec<Uuid> = w.service.options(&c).await.unwrap().into_iter().map(|(id, _)| id).collect();
        options.sort();
        assert_eq!(options, expected, "options as {who:?}");
        assert_eq!(w.service.stats(&c).await.unwrap().total, expected.len() as u64, "stats as {who:?}");
    }
}

#[derive(Debug, Clone, Copy)]
enum Manage {
    Update,
    Delete,
    Run,
    RecordOutcomes,
}

async fn manage(w: &World, op: Manage, caller: &Caller, id: Uuid) -> Answer {
    let s = &w.service;
    match op {
        Manage::Update => {
            let patch = CampaignPatch { status: Some(CampaignStatus::Paused), ..CampaignPatch::default() };
            answer(&s.update(caller, id, patch, None).await)
        }
        Manage::Delete => answer(&s.delete(caller, id, None).await),
        Manage::Run => answer(&w.runs.run(caller, id, None).await),
        Manage::RecordOutcomes => answer(&w.runs.record_known_outcomes(caller, id, None).await),
    }
}

#[tokio::test]
async fn only_the_owner_or_an_admin_changes_deletes_or_runs_a_campaign() {
    for op in [Manage::Update, Manage::Delete, Manage::Run, Manage::RecordOutcomes] {
        for who in EVERYONE {
            let expected = match who {
                Who::Admin | Who::Owner => OK,
                // Outside the Manager's view: the campaign's existence is not revealed.
                Who::OtherManager => NotFound,
                // Sales are refused before the campaign is looked up.
                Who::ManagerMember | Who::SalesMember | Who::Outsider => Forbidden,
            };
            let w = World::new();
            w.fakes.customer(45).unwrap();
            w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
            let before = w.fakes.db.snapshot();
            let got = manage(&w, op, &w.caller(who), w.campaign).await;
            assert_eq!(got, expected, "{op:?} as {who:?}");
            if expected != OK {
                assert_eq!(w.fakes.db.snapshot(), before, "a refused {op:?} as {who:?} changed something");
            }
        }
    }
}

#[tokio::test]
async fn managing_a_campaign_that_does_not_exist_is_404_except_for_sales() {
    let w = World::new();
    for op in [Manage::Update, Manage::Delete, Manage::Run, Manage::RecordOutcomes] {
        for (who, expected) in [(Who::Admin, NotFound), (Who::Owner, NotFound), (Who::SalesMember, Forbidden)] {
            assert_eq!(manage(&w, op, &w.caller(who), Uuid::now_v7()).await, expected, "{op:?} as {who:?}");
        }
    }
}

fn draft(collaborators: &[&str]) -> CampaignDraft {
    CampaignDraft {
        info: CampaignInfo {
            name: " Spring deposits ".into(),
            description: None,
            target_leads: 5,
            start_date: None,
            end_date: None,
            status: CampaignStatus::Active,
        },
        criteria: CustomerFilter::default(),
        collaborator_emails: collaborators.iter().map(|e| (*e).to_owned()).collect(),
    }
}

#[tokio::test]
async fn managers_and_admins_create_campaigns_that_they_own() {
    let w = World::new();
    for who in EVERYONE {
        let c = w.caller(who);
        let result = w.service.create(&c, draft(&[]), None).await;
        let expected = if w.user(who).role == Role::Sales { Forbidden } else { OK };
        assert_eq!(answer(&result), expected, "{who:?}");
        if let Ok(campaign) = result {
            assert_eq!(campaign.owner.id, c.id, "{who:?}");
            assert_eq!(campaign.info.name, "Spring deposits");
        }
    }
}

#[tokio::test]
async fn collaborators_must_be_active_accounts_and_the_owner_is_not_one_of_them() {
    let w = World::new();
    let owner = w.caller(Who::Owner);
    w.fakes.db.with(|s| s.users.get_mut(&w.colleague.id).map(|u| u.is_active = false));
    let shouting = w.sales_member.email.as_str().to_uppercase();
    let created = w.service.create(&owner, draft(&[&shouting, w.owner.email.as_str(), &shouting]), None).await.unwrap();
    let ids: Vec<Uuid> = created.collaborators.iter().map(|m| m.id).collect();
    assert_eq!(ids, [w.sales_member.id], "e-mails are case-insensitive, the owner and repeats are dropped");

    let before = w.fakes.db.snapshot();
    let refused = w.service.create(&owner, draft(&["ghost@nowhere.example", w.colleague.email.as_str(), "x"]), None);
    let Err(AppError::Validation(errors)) = refused.await else { panic!("unknown collaborators must be refused") };
    let message = &errors[0].message;
    for problem in ["ghost@nowhere.example (no such user)", "(inactive)", "x (not an e-mail address)"] {
        assert!(message.contains(problem), "{problem} missing from {message}");
    }
    assert_eq!(w.fakes.db.snapshot(), before);
}

#[tokio::test]
async fn changing_the_collaborators_changes_who_sees_the_campaign() {
    let w = World::new();
    let patch = CampaignPatch {
        collaborator_emails: Some(vec![w.outsider.email.as_str().to_owned()]),
        ..CampaignPatch::default()
    };
    w.service.update(&w.caller(Who::Owner), w.campaign, patch, None).await.unwrap();
    assert_eq!(answer(&w.service.visible(&w.caller(Who::Outsider), w.campaign).await), OK);
    assert_eq!(answer(&w.service.visible(&w.caller(Who::SalesMember), w.campaign).await), NotFound);
    assert_eq!(answer(&w.service.visible(&w.caller(Who::Owner), w.campaign).await), OK, "the owner stays");
}

#[tokio::test]
async fn a_run_lists_the_most_probable_matching_customers_and_a_rerun_keeps_the_work_done() {
    let w = World::new();
    let owner = w.caller(Who::Owner);
    let ages = [30, 70, 50, 60];
    let customers: Vec<Uuid> = ages.iter().map(|age| w.fakes.customer(*age).unwrap().id).collect();
    let target = |n| CampaignPatch { target_leads: Some(n), ..CampaignPatch::default() };
    w.service.update(&owner, w.campaign, target(2), None).await.unwrap();

    let report = w.runs.run(&owner, w.campaign, None).await.unwrap();
    assert_eq!((report.matched, report.leads, report.counts.added), (4, 2, 2));
    let page = PageRequest::default();
    let list = w.leads.leads(&owner, w.campaign, LeadFilter::default(), LeadSort::default(), page).await.unwrap();
    let ranked: Vec<(u32, Uuid)> = list.items.iter().map(|v| (v.lead.rank, v.customer.id)).collect();
    assert_eq!(ranked, [(1, customers[1]), (2, customers[3])], "the oldest score highest under the fake model");
    assert!(list.items.iter().all(|v| v.lead.status == LeadStatus::Pending && v.customer.latest_score.is_some()));

    // The best lead is worked, then the list grows: it keeps its status.
    let best = list.items[0].lead.id;
    let contacted = LeadPatch { status: Some(LeadStatus::Contacted), ..LeadPatch::default() };
    w.leads.update_lead(&w.caller(Who::SalesMember), w.campaign, best, contacted, None).await.unwrap();
    w.service.update(&owner, w.campaign, target(3), None).await.unwrap();
    let report = w.runs.run(&owner, w.campaign, None).await.unwrap();
    assert_eq!((report.counts.added, report.counts.kept, report.counts.removed), (1, 2, 0));
    assert_eq!(w.lead_status(best), LeadStatus::Contacted);

    // Narrower criteria drop leads, with their notes.
    let older = CampaignPatch {
        criteria: Some(CustomerFilter { age_min: Some(65), ..CustomerFilter::default() }),
        ..CampaignPatch::default()
    };
    w.service.update(&owner, w.campaign, older, None).await.unwrap();
    let report = w.runs.run(&owner, w.campaign, None).await.unwrap();
    assert_eq!((report.matched, report.counts.kept, report.counts.removed), (1, 1, 2));
    assert_eq!(w.fakes.db.with(|s| s.notes.len()), 1, "only the kept lead's System note is left");

    // A Completed campaign cannot run, even for its owner.
    let done = CampaignPatch { status: Some(CampaignStatus::Completed), ..CampaignPatch::default() };
    w.service.update(&owner, w.campaign, done, None).await.unwrap();
    assert_eq!(answer(&w.runs.run(&owner, w.campaign, None).await), Conflict);
    assert_eq!(answer(&w.runs.run(&w.caller(Who::Admin), w.campaign, None).await), Conflict);
}

/// Who holds the lead a caller tries to change.
#[derive(Debug, Clone, Copy)]
enum Holder {
    Nobody,
    TheCaller,
    AnotherCollaborator,
}

#[tokio::test]
async fn collaborators_work_free_leads_and_their_own_owners_and_admins_any() {
    for who in EVERYONE {
        for holder in [Holder::Nobody, Holder::TheCaller, Holder::AnotherCollaborator] {
            let expected = match (who, holder) {
                (Who::OtherManager | Who::Outsider, _) => NotFound,
                (Who::Admin | Who::Owner, _) => OK,
                (Who::ManagerMember | Who::SalesMember, Holder::AnotherCollaborator) => Forbidden,
                (Who::ManagerMember | Who::SalesMember, Holder::Nobody | Holder::TheCaller) => OK,
            };
            let w = World::new();
            let assignee = match holder {
                Holder::Nobody => None,
                Holder::TheCaller => Some(w.user(who)),
                Holder::AnotherCollaborator => Some(&w.colleague),
            };
            let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, assignee).unwrap();
            let before = w.fakes.db.snapshot();
            let patch = LeadPatch { status: Some(LeadStatus::Contacted), ..LeadPatch::default() };
            let got = w.leads.update_lead(&w.caller(who), w.campaign, lead.id, patch, None).await;
            assert_eq!(answer(&got), expected, "{who:?} changing a lead held by {holder:?}");
            if expected == OK {
                assert_eq!(w.lead_status(lead.id), LeadStatus::Contacted);
                let (notes, action) = w.fakes.db.with(|s| {
                    let notes: Vec<NoteType> = s.notes.values().map(|n| n.note_type).collect();
                    (notes, s.activities.last().map(|a| a.action))
                });
                assert_eq!(notes, [NoteType::System], "every change writes a System note");
                assert_eq!(action, Some(ActivityAction::LeadStatusChanged));
            } else {
                assert_eq!(w.fakes.db.snapshot(), before, "a refused change as {who:?} changed something");
            }
        }
    }
}

/// Whom a caller assigns a free lead to.
#[derive(Debug, Clone, Copy)]
enum Target {
    Themselves,
    AnotherCollaborator,
    NotAMember,
}

#[tokio::test]
async fn collaborators_assign_only_themselves_and_only_members_can_be_assignees() {
    for who in EVERYONE {
        for target in [Target::Themselves, Target::AnotherCollaborator, Target::NotAMember] {
            let expected = match (who, target) {
                (Who::OtherManager | Who::Outsider, _) => NotFound,
                (_, Target::NotAMember) => Invalid,
                // An Admin who is not a member cannot hold a lead either.
                (Who::Admin, Target::Themselves) => Invalid,
                (Who::Admin | Who::Owner, _) => OK,
                (Who::ManagerMember | Who::SalesMember, Target::Themselves) => OK,
                (Who::ManagerMember | Who::SalesMember, Target::AnotherCollaborator) => Forbidden,
            };
            let w = World::new();
            let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
            let to = match target {
                Target::Themselves => w.user(who).id,
                Target::AnotherCollaborator => w.colleague.id,
                Target::NotAMember => w.other_manager.id,
            };
            let patch = LeadPatch { assignee: Some(Some(to)), ..LeadPatch::default() };
            let got = w.leads.update_lead(&w.caller(who), w.campaign, lead.id, patch, None).await;
            assert_eq!(answer(&got), expected, "{who:?} assigning {target:?}");
            let stored = w.fakes.db.with(|s| s.leads[&lead.id].assignee_id);
            assert_eq!(stored, (expected == OK).then_some(to), "{who:?} assigning {target:?}");
        }
    }
}

#[tokio::test]
async fn the_lead_workflow_allows_its_transitions_and_only_owners_and_admins_reopen() {
    use LeadStatus::{Contacted, Converted, Failed, Pending};
    let forward = [(Pending, Contacted), (Pending, Failed), (Contacted, Converted), (Contacted, Failed)];
    let reopening = [(Converted, Pending), (Converted, Contacted), (Failed, Pending), (Failed, Contacted)];
    for who in EVERYONE.into_iter().filter(|w| w.sees()) {
        for from in LeadStatus::ALL.iter().copied() {
            for to in LeadStatus::ALL.iter().copied().filter(|to| *to != from) {
                let allowed = forward.contains(&(from, to)) || (who.manages() && reopening.contains(&(from, to)));
                let w = World::new();
                let lead = w.fakes.lead(w.campaign, from, None).unwrap();
                let patch = LeadPatch { status: Some(to), ..LeadPatch::default() };
                let got = w.leads.update_lead(&w.caller(who), w.campaign, lead.id, patch, None).await;
                assert_eq!(answer(&got), if allowed { OK } else { Conflict }, "{from} → {to} as {who:?}");
                assert_eq!(w.lead_status(lead.id), if allowed { to } else { from }, "{from} → {to} as {who:?}");
            }
        }
    }
}

#[tokio::test]
async fn closing_a_lead_records_the_customers_outcome_and_reopening_clears_it() {
    let w = World::new();
    let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
    let owner = w.caller(Who::Owner);
    let outcome =
        || w.fakes.db.with(|s| (s.customers[&lead.customer_id].outcome, s.customers[&lead.customer_id].outcome_at));
    let closed_at = || w.fakes.db.with(|s| s.leads[&lead.id].closed_at);
    let to = |status| LeadPatch { status: Some(status), ..LeadPatch::default() };
    let now = crate::system::Clock::now(w.fakes.clock.as_ref());

    w.leads.update_lead(&owner, w.campaign, lead.id, to(LeadStatus::Contacted), None).await.unwrap();
    assert_eq!((outcome(), closed_at()), ((None, None), None));
    w.leads.update_lead(&owner, w.campaign, lead.id, to(LeadStatus::Converted), None).await.unwrap();
    assert_eq!((outcome(), closed_at()), ((Some(Outcome::Yes), Some(now)), Some(now)));
    w.leads.update_lead(&owner, w.campaign, lead.id, to(LeadStatus::Contacted), None).await.unwrap();
    assert_eq!((outcome(), closed_at()), ((None, None), None), "reopening clears what the call recorded");
    w.leads.update_lead(&owner, w.campaign, lead.id, to(LeadStatus::Failed), None).await.unwrap();
    assert_eq!((outcome(), closed_at()), ((Some(Outcome::No), Some(now)), Some(now)));

    // Asking for the status the lead already has changes nothing and writes no note.
    let notes = w.fakes.db.with(|s| s.notes.len());
    w.leads.update_lead(&owner, w.campaign, lead.id, to(LeadStatus::Failed), None).await.unwrap();
    assert_eq!(w.fakes.db.with(|s| s.notes.len()), notes);
    assert_eq!(notes, 4, "one System note per change");
}

#[tokio::test]
async fn members_write_notes_on_the_campaigns_leads_and_never_system_ones() {
    for who in EVERYONE {
        let w = World::new();
        let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
        let c = w.caller(who);
        let got = w.leads.add_note(&c, w.campaign, lead.id, NoteType::Feedback, " Call back ", None).await;
        assert_eq!(answer(&got), if who.sees() { OK } else { NotFound }, "{who:?}");
        if let Ok(note) = got {
            assert_eq!((note.author_id, note.text.as_str()), (Some(w.user(who).id), "Call back"));
        }
    }
    let w = World::new();
    let c = w.caller(Who::SalesMember);
    let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
    let elsewhere = w.fakes.campaign(&w.owner, &[&w.sales_member]);
    let foreign = w.fakes.lead(elsewhere, LeadStatus::Pending, None).unwrap();
    let before = w.fakes.db.snapshot();
    for (note_type, text, lead_id, expected) in [
        (NoteType::System, "x", lead.id, Invalid),
        (NoteType::Internal, "   ", lead.id, Invalid),
        (NoteType::Internal, &"x".repeat(5_001), lead.id, Invalid),
        (NoteType::Internal, "x", Uuid::now_v7(), NotFound),
        (NoteType::Internal, "x", foreign.id, NotFound),
    ] {
        let got = w.leads.add_note(&c, w.campaign, lead_id, note_type, text, None).await;
        assert_eq!(answer(&got), expected, "{note_type} note of {} chars", text.len());
    }
    assert_eq!(w.fakes.db.snapshot(), before);
}

#[tokio::test]
async fn a_note_is_deleted_by_its_author_or_an_admin_and_system_notes_stay() {
    for who in EVERYONE {
        let w = World::new();
        let lead = w.fakes.lead(w.campaign, LeadStatus::Pending, None).unwrap();
        let note = w.fakes.note(&lead, Some(&w.sales_member), NoteType::Feedback);
        let expected = match who {
            Who::SalesMember | Who::Admin => OK,
            // The owner manages the campaign, not its members' words.
            Who::Owner | Who::ManagerMember => Forbidden,
            Who::OtherManager | Who::Outsider => NotFound,
        };
        assert_eq!(answer(&w.leads.delete_note(&w.caller(who), note.id, None).await), expected, "{who:?}");
        assert_eq!(w.fakes.db.with(|s| s.notes.contains_key(&note.id)), expected != OK, "{who:?}");

        let system = w.fakes.note(&lead, None, NoteType::System);
        let expected = if who.sees() { Conflict } else { NotFound };
        assert_eq!(answer(&w.leads.delete_note(&w.caller(who), system.id, None).await), expected, "{who:?}");
        assert!(w.fakes.db.with(|s| s.notes.contains_key(&system.id)));
    }
    let w = World::new();
    assert_eq!(answer(&w.leads.delete_note(&w.caller(Who::Admin), Uuid::now_v7(), None).await), NotFound);
}

#[tokio::test]
async fn the_audit_trail_is_everything_for_admins_their_campaigns_for_managers_and_closed_to_sales() {
    let w = World::new();
    let theirs = w.fakes.campaign(&w.other_manager, &[]);
    let rename = |name: &str| CampaignPatch { name: Some(name.into()), ..CampaignPatch::default() };
    w.service.update(&w.caller(Who::Owner), w.campaign, rename("ours"), None).await.unwrap();
    w.service.update(&w.caller(Who::OtherManager), theirs, rename("theirs"), None).await.unwrap();
    let activities = w.fakes.activity_service();
    let campaigns_in = |page: leadscore_domain::pagination::Page<leadscore_domain::activity::Activity>| {
        let mut ids: Vec<Uuid> = page.items.iter().filter_map(|a| a.campaign_id).collect();
        ids.sort();
        ids
    };
    for who in EVERYONE {
        let got = activities.list(&w.caller(who), ActivityQuery::default()).await;
        let expected = match who {
            Who::Admin => Some(vec![w.campaign, theirs]),
            // Managers see the trail of the campaigns they own, not of those they work on.
            Who::Owner => Some(vec![w.campaign]),
            Who::OtherManager => Some(vec![theirs]),
            Who::ManagerMember => Some(vec![]),
            Who::SalesMember | Who::Outsider => None,
        };
        match expected {
            Some(mut ids) => {
                ids.sort();
                assert_eq!(campaigns_in(got.unwrap()), ids, "{who:?}");
            }
            None => assert_eq!(answer(&got), Forbidden, "{who:?}"),
        }
        let per_user = activities.for_user(&w.caller(who), w.owner.id, ActivityQuery::default()).await;
        assert_eq!(answer(&per_user), if who == Who::Admin { OK } else { Forbidden }, "{who:?}");
    }
}
