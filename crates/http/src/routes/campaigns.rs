//! `/api/v1/campaigns`, their leads and notes, `/api/v1/notes/{noteId}` and the audit trail `/api/v1/activities`.
//! Who may see and change what is decided in the application layer (see `CampaignService`).

use actix_web::{HttpRequest, web};
use uuid::Uuid;

use crate::dto::activities::{ActivityDto, ActivityListParams, AuditListParams};
use crate::dto::campaigns::{
    CampaignDto, CampaignListParams, CampaignOptionDto, CampaignStatsDto, CreateCampaignRequest, CreateNoteRequest,
    LeadDto, LeadExportParams, LeadListParams, LeadStatsDto, NoteDto, RunReportDto, UpdateCampaignRequest,
    UpdateLeadRequest,
};
use crate::dto::common::{PageParams, Paginated};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{AuthUser, ClientIp, ValidJson, ValidQuery};
use crate::response::{Envelope, MessageEnvelope, attachment, created, done, export_format, ok, ok_with};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // Literal segments before `{id}` so `options` and `stats` are never read as ids.
    cfg.service(web::resource("/campaigns/options").route(web::get().to(campaign_options)))
        .service(web::resource("/campaigns/stats").route(web::get().to(campaign_stats)))
        .service(
            web::resource("/campaigns").route(web::get().to(list_campaigns)).route(web::post().to(create_campaign)),
        )
        .service(
            web::resource("/campaigns/{id}")
                .route(web::get().to(get_campaign))
                .route(web::patch().to(update_campaign))
                .route(web::delete().to(delete_campaign)),
        )
        .service(web::resource("/campaigns/{id}/run").route(web::post().to(run_campaign)))
        .service(web::resource("/campaigns/{id}/activities").route(web::get().to(campaign_activities)))
        .service(web::resource("/campaigns/{id}/leads/stats").route(web::get().to(lead_stats)))
        .service(web::resource("/campaigns/{id}/leads/export").route(web::get().to(export_leads)))
        .service(web::resource("/campaigns/{id}/leads").route(web::get().to(list_leads)))
        .service(
            web::resource("/campaigns/{id}/leads/{leadId}")
                .route(web::get().to(get_lead))
                .route(web::patch().to(update_lead)),
        )
        .service(
            web::resource("/campaigns/{id}/leads/{leadId}/notes")
                .route(web::get().to(list_notes))
                .route(web::post().to(create_note)),
        )
        .service(web::resource("/notes/{noteId}").route(web::delete().to(delete_note)))
        .service(web::resource("/activities").route(web::get().to(list_activities)));
}

/// Create a campaign
///
/// Create a campaign owned by the caller (Manager, Admin). `criteria` is the customer filter; every collaborator
/// e-mail must belong to an active user.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "Campaigns", security(("bearerAuth" = [])),
    request_body = CreateCampaignRequest,
    responses(
        (status = 201, description = "Created", body = Envelope<CampaignDto>),
        (status = 400, description = "Invalid fields, criteria or collaborator e-mails", body = ErrorBody,
            example = json!({"status": "fail", "message": "Validation failed", "errors": [{"field": "collaboratorEmails",
                "message": "unknown or inactive users: ghost@bank.example (no such user)"}]})),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Sales cannot create campaigns", body = ErrorBody),
    ))]
pub async fn create_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    body: ValidJson<CreateCampaignRequest>,
) -> ApiResult {
    let campaign = state.campaigns.create(&user.0, body.0.into(), ip.as_deref()).await?;
    Ok(created("Campaign created", CampaignDto::from(campaign)))
}

/// List campaigns
///
/// Campaigns the caller may see (Admin: all; others: owned or collaborated on), newest first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "Campaigns", security(("bearerAuth" = [])),
    params(CampaignListParams),
    responses(
        (status = 200, description = "One page of campaigns", body = Envelope<Paginated<CampaignDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<CampaignListParams>,
) -> ApiResult {
    let (filter, page) = params.0.into_query()?;
    let page = state.campaigns.list(&user.0, filter, page).await?;
    Ok(ok(Paginated::from_page(page, CampaignDto::from)))
}

/// List campaign options for dropdowns
///
/// Id and name of every campaign the caller may see, by name (for dropdowns).
#[utoipa::path(get, path = "/api/v1/campaigns/options", tag = "Campaigns", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Campaign options", body = Envelope<Vec<CampaignOptionDto>>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn campaign_options(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    let options = state.campaigns.options(&user.0).await?;
    Ok(ok(options.into_iter().map(|(id, name)| CampaignOptionDto { id, name }).collect::<Vec<_>>()))
}

/// Count campaigns by status
///
/// Campaign counts by status within the caller's visibility. Any signed-in user may call it: an Admin counts every
/// campaign, others the campaigns they own or collaborate on.
#[utoipa::path(get, path = "/api/v1/campaigns/stats", tag = "Campaigns", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Counts", body = Envelope<CampaignStatsDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn campaign_stats(state: web::Data<AppState>, user: AuthUser) -> ApiResult {
    Ok(ok(CampaignStatsDto::from(state.campaigns.stats(&user.0).await?)))
}

/// Get a campaign
///
/// One campaign with its owner and collaborators. Admins see every campaign, others the ones they own or collaborate
/// on; a campaign outside the caller's visibility is a 404.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "Campaigns", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign", body = Envelope<CampaignDto>),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible to the caller", body = ErrorBody),
    ))]
pub async fn get_campaign(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(CampaignDto::from(state.campaigns.visible(&user.0, id.into_inner()).await?)))
}

/// Update a campaign
///
/// Change a campaign (owner, Admin). Collaborators and criteria, when given, replace the old ones.
#[utoipa::path(patch, path = "/api/v1/campaigns/{id}", tag = "Campaigns", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id")), request_body = UpdateCampaignRequest,
    responses(
        (status = 200, description = "Updated", body = Envelope<CampaignDto>),
        (status = 400, description = "Invalid fields", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Visible but not the caller's (or a Sales user)", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
    ))]
pub async fn update_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    id: web::Path<Uuid>,
    body: ValidJson<UpdateCampaignRequest>,
) -> ApiResult {
    let campaign = state.campaigns.update(&user.0, id.into_inner(), body.0.into(), ip.as_deref()).await?;
    Ok(ok_with("Campaign updated", CampaignDto::from(campaign)))
}

/// Delete a campaign
///
/// Delete a campaign with its leads, notes and campaign-sourced predictions, in one transaction (owner, Admin).
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}", tag = "Campaigns", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Visible but not the caller's (or a Sales user)", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
    ))]
pub async fn delete_campaign(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    id: web::Path<Uuid>,
) -> ApiResult {
    state.campaigns.delete(&user.0, id.into_inner(), ip.as_deref()).await?;
    Ok(done("Campaign deleted"))
}

/// Run a campaign
///
/// Score every customer matching the criteria with the model in service and rebuild the ranked call list, capped
/// at targetLeads, best first. Leads still listed keep their status, assignee and notes; new ones start Pending;
/// the others are removed. One transaction: a failure changes nothing (owner, Admin).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/run", tag = "Campaigns", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The run's counts", body = Envelope<RunReportDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Visible but not the caller's (or a Sales user)", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
        (status = 409, description = "The campaign is Completed, or a run of it is already in progress", body = ErrorBody),
    ))]
pub async fn run_campaign(state: web::Data<AppState>, user: AuthUser, ip: ClientIp, id: web::Path<Uuid>) -> ApiResult {
    let report = state.runs.run(&user.0, id.into_inner(), ip.as_deref()).await?;
    Ok(ok_with("Campaign run", RunReportDto::from(report)))
}

/// List a campaign's leads
///
/// A campaign's leads, highest probability first by default (members). Members are the campaign's owner and
/// collaborators; Admins see every campaign, and anyone else gets a 404.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/leads", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), LeadListParams),
    responses(
        (status = 200, description = "One page of leads", body = Envelope<Paginated<LeadDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
    ))]
pub async fn list_leads(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    params: ValidQuery<LeadListParams>,
) -> ApiResult {
    let (filter, sort, page) = params.0.into_query()?;
    let page = state.leads.leads(&user.0, id.into_inner(), filter, sort, page).await?;
    Ok(ok(Paginated::from_page(page, LeadDto::from)))
}

/// Count a campaign's leads by status
///
/// Lead counts of a campaign: total, Hot, each status, conversion rate of the closed leads (members).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/leads/stats", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "Counts", body = Envelope<LeadStatsDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
    ))]
pub async fn lead_stats(state: web::Data<AppState>, user: AuthUser, id: web::Path<Uuid>) -> ApiResult {
    Ok(ok(LeadStatsDto::from(state.leads.lead_stats(&user.0, id.into_inner()).await?)))
}

/// Export leads as CSV or XLSX
///
/// The call list as CSV or XLSX, in call order (members). The `format` parameter picks the file type; without it the
/// `Accept` header decides, and CSV is the default.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/leads/export", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), LeadExportParams),
    responses(
        (status = 200, description = "The file, as an attachment", content(
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
    ))]
pub async fn export_leads(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    id: web::Path<Uuid>,
    params: ValidQuery<LeadExportParams>,
    req: HttpRequest,
) -> ApiResult {
    let format = export_format(&req, params.0.format)?;
    let file = state.leads.export_leads(&user.0, id.into_inner(), format, ip.as_deref()).await?;
    Ok(attachment(file))
}

/// Get a lead
///
/// One lead: the customer's attributes, score, probability, tier, the top factors of its last scoring, status,
/// assignee, notes count and last activity (members).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/leads/{leadId}", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), ("leadId" = Uuid, Path, description = "Lead id")),
    responses(
        (status = 200, description = "The lead", body = Envelope<LeadDto>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign or lead, or not visible", body = ErrorBody),
    ))]
pub async fn get_lead(state: web::Data<AppState>, user: AuthUser, path: web::Path<(Uuid, Uuid)>) -> ApiResult {
    let (id, lead_id) = path.into_inner();
    Ok(ok(LeadDto::from(state.leads.lead(&user.0, id, lead_id).await?)))
}

/// Update a lead's status or assignee
///
/// Change a lead's status and/or assignee. Transitions: Pending → Contacted → Converted | Failed, Pending → Failed;
/// reopening a closed lead is for the owner or an Admin. Every change writes a System note and an activity;
/// Converted/Failed record the customer's observed outcome.
#[utoipa::path(patch, path = "/api/v1/campaigns/{id}/leads/{leadId}", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), ("leadId" = Uuid, Path, description = "Lead id")),
    request_body = UpdateLeadRequest,
    responses(
        (status = 200, description = "Updated", body = Envelope<LeadDto>),
        (status = 400, description = "Invalid body, or an assignee who is not a member", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "A lead assigned to someone else, or assigning another user", body = ErrorBody),
        (status = 404, description = "No such campaign or lead, or not visible", body = ErrorBody),
        (status = 409, description = "A transition the workflow does not allow, or the lead changed since it was read (another change landed first; reload and retry)", body = ErrorBody,
            example = json!({"status": "fail", "message": "a lead cannot go from Pending to Converted; allowed from Pending: Contacted, Failed", "errors": []})),
    ))]
pub async fn update_lead(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<UpdateLeadRequest>,
) -> ApiResult {
    let (id, lead_id) = path.into_inner();
    let lead = state.leads.update_lead(&user.0, id, lead_id, body.0.into(), ip.as_deref()).await?;
    Ok(ok_with("Lead updated", LeadDto::from(lead)))
}

/// List a lead's notes
///
/// A lead's notes, newest first, one page at a time (members: the campaign's owner and collaborators, or an Admin). A
/// campaign or lead the caller cannot see is a 404.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/leads/{leadId}/notes", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), ("leadId" = Uuid, Path, description = "Lead id"), PageParams),
    responses(
        (status = 200, description = "One page of notes", body = Envelope<Paginated<NoteDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign or lead, or not visible", body = ErrorBody),
    ))]
pub async fn list_notes(
    state: web::Data<AppState>,
    user: AuthUser,
    path: web::Path<(Uuid, Uuid)>,
    params: ValidQuery<PageParams>,
) -> ApiResult {
    let (id, lead_id) = path.into_inner();
    let page = state.leads.notes(&user.0, id, lead_id, params.0.request()?).await?;
    Ok(ok(Paginated::from_page(page, NoteDto::from)))
}

/// Add a note to a lead
///
/// Write a `Feedback` or `Internal` note on a lead (members: the campaign's owner and collaborators, or an Admin). An
/// empty or too long text, or the type `System`, is refused with 400.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/leads/{leadId}/notes", tag = "Leads", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), ("leadId" = Uuid, Path, description = "Lead id")),
    request_body = CreateNoteRequest,
    responses(
        (status = 201, description = "Created", body = Envelope<NoteDto>),
        (status = 400, description = "Empty or too long text, or type System", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign or lead, or not visible", body = ErrorBody),
    ))]
pub async fn create_note(
    state: web::Data<AppState>,
    user: AuthUser,
    ip: ClientIp,
    path: web::Path<(Uuid, Uuid)>,
    body: ValidJson<CreateNoteRequest>,
) -> ApiResult {
    let (id, lead_id) = path.into_inner();
    let body = body.0;
    let note = state.leads.add_note(&user.0, id, lead_id, body.note_type.into(), &body.text, ip.as_deref()).await?;
    Ok(created("Note created", NoteDto::from(note)))
}

/// Delete a note
///
/// Delete a note (its author or an Admin). System notes cannot be deleted.
#[utoipa::path(delete, path = "/api/v1/notes/{noteId}", tag = "Leads", security(("bearerAuth" = [])),
    params(("noteId" = Uuid, Path, description = "Note id")),
    responses(
        (status = 200, description = "Deleted", body = MessageEnvelope),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the author or an Admin", body = ErrorBody),
        (status = 404, description = "No such note, or in a campaign the caller cannot see", body = ErrorBody),
        (status = 409, description = "A System note", body = ErrorBody),
    ))]
pub async fn delete_note(state: web::Data<AppState>, user: AuthUser, ip: ClientIp, id: web::Path<Uuid>) -> ApiResult {
    state.leads.delete_note(&user.0, id.into_inner(), ip.as_deref()).await?;
    Ok(done("Note deleted"))
}

/// List the audit trail
///
/// The audit trail (Admin: everything; Manager: the campaigns they own), newest first. Sales users get 403.
#[utoipa::path(get, path = "/api/v1/activities", tag = "Activities", security(("bearerAuth" = [])),
    params(AuditListParams),
    responses(
        (status = 200, description = "One page of activities", body = Envelope<Paginated<ActivityDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Sales", body = ErrorBody),
    ))]
pub async fn list_activities(
    state: web::Data<AppState>,
    user: AuthUser,
    params: ValidQuery<AuditListParams>,
) -> ApiResult {
    let page = state.activities.list(&user.0, params.0.into_query()?).await?;
    Ok(ok(Paginated::from_page(page, ActivityDto::from)))
}

/// List a campaign's activities
///
/// The audit trail of one campaign, newest first (members: the campaign's owner and collaborators, or an Admin). A
/// campaign the caller cannot see is a 404.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/activities", tag = "Activities", security(("bearerAuth" = [])),
    params(("id" = Uuid, Path, description = "Campaign id"), ActivityListParams),
    responses(
        (status = 200, description = "One page of activities", body = Envelope<Paginated<ActivityDto>>),
        (status = 400, description = "Invalid parameters", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such campaign, or not visible", body = ErrorBody),
    ))]
pub async fn campaign_activities(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
    params: ValidQuery<ActivityListParams>,
) -> ApiResult {
    let page = state.campaigns.campaign_activities(&user.0, id.into_inner(), params.0.into_query()?).await?;
    Ok(ok(Paginated::from_page(page, ActivityDto::from)))
}
