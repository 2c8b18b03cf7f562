//! Working the call list: leads, their workflow, notes and the call-list export.

use super::*;

/// Working a campaign's call list: its leads and their workflow, notes and the call-list export. Who sees a
/// campaign is [`CampaignService`]'s rule.
#[derive(Clone)]
pub struct LeadService {
    campaigns: CampaignService,
    leads: Arc<dyn LeadRepository>,
    notes: Arc<dyn NoteRepository>,
    predictions: Arc<dyn PredictionRepository>,
    writer: Arc<dyn TableWriter>,
    activities: ActivityLog,
    clock: Arc<dyn Clock>,
}

impl LeadService {
    /// Wires the use cases to the ports they use.
    pub fn new(campaigns: CampaignService, ports: &CampaignPorts) -> Self {
        Self {
            activities: campaigns.activities.clone(),
            clock: campaigns.clock.clone(),
            campaigns,
            leads: ports.leads.clone(),
            notes: ports.notes.clone(),
            predictions: ports.predictions.clone(),
            writer: ports.writer.clone(),
        }
    }

    /// One page of a campaign's leads (members).
    pub async fn leads(
        &self,
        caller: &Caller,
        id: Uuid,
        filter: LeadFilter,
        sort: LeadSort,
        page: PageRequest,
    ) -> Result<Page<LeadView>, AppError> {
        self.campaigns.visible(caller, id).await?;
        self.leads.list(id, &filter, sort, page).await
    }

    /// One lead with its customer and the factors of its last scoring (members).
    pub async fn lead(&self, caller: &Caller, id: Uuid, lead_id: Uuid) -> Result<LeadDetail, AppError> {
        self.campaigns.visible(caller, id).await?;
        let view = self.leads.find(id, lead_id).await?.ok_or_else(|| lead_not_found(lead_id))?;
        let prediction = match view.lead.prediction_id {
            Some(pid) => self.predictions.find(pid).await?,
            None => None,
        };
        Ok(LeadDetail { view, prediction })
    }

    /// Changes a lead's status and/or assignee; each change writes a System note and an activity, and a closing or
    /// reopening status records or clears the customer's observed outcome.
    pub async fn update_lead(
        &self,
        caller: &Caller,
        id: Uuid,
        lead_id: Uuid,
        patch: LeadPatch,
        ip: Option<&str>,
    ) -> Result<LeadView, AppError> {
        let campaign = self.campaigns.visible(caller, id).await?;
        let view = self.leads.find(id, lead_id).await?.ok_or_else(|| lead_not_found(lead_id))?;
        let manager = may_manage(caller, &campaign);
        let mine_or_free = view.lead.assignee_id.is_none_or(|a| a == caller.id);
        if !manager && !mine_or_free {
            return Err(AppError::Forbidden("this lead is assigned to another collaborator".into()));
        }
        let mut lead = view.lead.clone();
        let mut changes = Vec::new();
        let mut outcome = None;
        let now = self.clock.now();
        let mut action = ActivityAction::LeadAssigned;
        if let Some(status) = patch.status.filter(|s| *s != lead.status) {
            let transition = LeadTransition::check(lead.status, status, manager)?;
            changes.push(format!("status {} → {}", transition.from, transition.to));
            if let Some(result) = status.outcome() {
                outcome = Some(OutcomeChange { customer_id: lead.customer_id, outcome: Some(result), at: Some(now) });
            } else if transition.reopens() {
                outcome = Some(OutcomeChange { customer_id: lead.customer_id, outcome: None, at: None });
            }
            lead.status = status;
            lead.closed_at = status.is_closed().then_some(now);
            action = ActivityAction::LeadStatusChanged;
        }
        if let Some(assignee) = patch.assignee.filter(|a| *a != lead.assignee_id) {
            if let Some(user) = assignee {
                if !campaign.is_member(user) {
                    return Err(AppError::field(
                        "assignee",
                        "must be the campaign's owner or one of its collaborators",
                    ));
                }
                if !manager && user != caller.id {
                    return Err(AppError::Forbidden("collaborators may only assign leads to themselves".into()));
                }
            }
            let who = |user: Option<Uuid>| {
                user.and_then(|u| {
                    std::iter::once(&campaign.owner)
                        .chain(&campaign.collaborators)
                        .find(|m| m.id == u)
                        .map(|m| m.email.clone())
                })
                .unwrap_or_else(|| "nobody".into())
            };
            changes.push(format!("assignee {} → {}", who(lead.assignee_id), who(assignee)));
            lead.assignee_id = assignee;
        }
        if changes.is_empty() {
            return Ok(view);
        }
        lead.updated_at = now;
        let text = format!("{} ({})", changes.join("; "), caller_label(caller, &campaign));
        let note = Note {
            id: Uuid::now_v7(),
            campaign_id: id,
            lead_id,
            author_id: None,
            note_type: NoteType::System,
            text: text.clone(),
            created_at: now,
        };
        let audit = self.activities.stamp(activity(
            caller,
            action,
            (EntityType::Lead, lead_id),
            id,
            Some(lead_id),
            format!("lead {lead_id}: {text}"),
            ip,
        ));
        self.leads.change(&view.lead, &lead, &note, outcome, &audit).await?;
        self.leads.find(id, lead_id).await?.ok_or_else(|| lead_not_found(lead_id))
    }

    /// Lead counts of a campaign (members).
    pub async fn lead_stats(&self, caller: &Caller, id: Uuid) -> Result<LeadStats, AppError> {
        self.campaigns.visible(caller, id).await?;
        self.leads.stats(id).await
    }

    /// Every lead of a campaign in call order, for the call-list export (members).
    pub async fn export_leads(
        &self,
        caller: &Caller,
        id: Uuid,
        format: ExportFormat,
        ip: Option<&str>,
    ) -> Result<ExportFile, AppError> {
        let campaign = self.campaigns.visible(caller, id).await?;
        let leads = self.leads.all(id).await?;
        let bytes = self.writer.write(format, &[leads_sheet(&leads)])?;
        let ext = format.extension();
        let description = format!("exported the call list of {} ({} leads, {ext})", campaign.info.name, leads.len());
        self.activities
            .record(activity(
                caller,
                ActivityAction::LeadsExported,
                (EntityType::Campaign, id),
                id,
                None,
                description,
                ip,
            ))
            .await?;
        let date = self.clock.now().format("%Y-%m-%d");
        Ok(ExportFile::bytes(format!("call-list-{}-{date}.{ext}", campaign.id), format, bytes))
    }

    /// Writes a Feedback or Internal note on a lead (members).
    pub async fn add_note(
        &self,
        caller: &Caller,
        id: Uuid,
        lead_id: Uuid,
        note_type: NoteType,
        text: &str,
        ip: Option<&str>,
    ) -> Result<Note, AppError> {
        self.campaigns.visible(caller, id).await?;
        if note_type == NoteType::System {
            return Err(AppError::field("type", "System notes are written by the system; use Feedback or Internal"));
        }
        let text = Note::text(text)?;
        self.leads.find(id, lead_id).await?.ok_or_else(|| lead_not_found(lead_id))?;
        let note = Note {
            id: Uuid::now_v7(),
            campaign_id: id,
            lead_id,
            author_id: Some(caller.id),
            note_type,
            text,
            created_at: self.clock.now(),
        };
        self.notes.insert(&note).await?;
        self.activities
            .record(activity(
                caller,
                ActivityAction::NoteCreated,
                (EntityType::Note, note.id),
                id,
                Some(lead_id),
                format!("wrote a {note_type} note on lead {lead_id}"),
                ip,
            ))
            .await?;
        Ok(note)
    }

    /// A lead's notes, newest first (members).
    pub async fn notes(
        &self,
        caller: &Caller,
        id: Uuid,
        lead_id: Uuid,
        page: PageRequest,
    ) -> Result<Page<Note>, AppError> {
        self.campaigns.visible(caller, id).await?;
        self.leads.find(id, lead_id).await?.ok_or_else(|| lead_not_found(lead_id))?;
        self.notes.list(lead_id, page).await
    }

    /// Deletes a note (its author or an Admin). System notes are the lead's history and stay.
    pub async fn delete_note(&self, caller: &Caller, note_id: Uuid, ip: Option<&str>) -> Result<(), AppError> {
        let missing = || AppError::NotFound(format!("note {note_id} not found"));
        let note = self.notes.find(note_id).await?.ok_or_else(missing)?;
        // A note in a campaign the caller cannot see does not exist for them.
        self.campaigns.visible(caller, note.campaign_id).await.map_err(|_| missing())?;
        if note.note_type == NoteType::System {
            return Err(AppError::Conflict("System notes record the lead's history and cannot be deleted".into()));
        }
        if !caller.is_admin() && note.author_id != Some(caller.id) {
            return Err(AppError::Forbidden("only the note's author or an Admin may delete it".into()));
        }
        if !self.notes.delete(note_id).await? {
            return Err(missing());
        }
        self.activities
            .record(activity(
                caller,
                ActivityAction::NoteDeleted,
                (EntityType::Note, note_id),
                note.campaign_id,
                Some(note.lead_id),
                format!("deleted a {} note on lead {}", note.note_type, note.lead_id),
                ip,
            ))
            .await
    }
}
