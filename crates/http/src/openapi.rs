//! The OpenAPI 3.1 document, generated from the handlers and DTOs. `docs/openapi.json` is this, pretty-printed;
//! a test fails when the two differ.

mod links;
mod payloads;
mod responses;

use serde_json::Value;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use self::links::CreateLinks;
use self::payloads::NamedPayloads;
use self::responses::StandardResponses;

use crate::dto::activities::{ActivityActionDto, ActivityDto, EntityTypeDto};
use crate::dto::analytics::{
    BreakdownDto, BreakdownGroupDto, CustomerFiguresDto, DecileDto, DimensionDto, GroupByDto, LeadCountsDto,
    LeaderboardRowDto, LiftDto, MetricDto, OverviewDto, PredictionCountsDto, TierRowDto, TrendDto, TrendPointDto,
};
use crate::dto::attributes::{
    ContactDto, EducationDto, JobDto, MaritalDto, MonthDto, OutcomeDto, PoutcomeDto, TierDto,
};
use crate::dto::auth::{LoginRequest, RefreshRequest, RegisterRequest, TokenResponse};
use crate::dto::campaigns::{
    CampaignDto, CampaignOptionDto, CampaignStatsDto, CampaignStatusDto, CreateCampaignRequest, CreateNoteRequest,
    LastRunDto, LeadDto, LeadSortBy, LeadStatsDto, LeadStatusDto, MemberDto, NoteDto, NoteTypeDto, RunReportDto,
    UpdateCampaignRequest, UpdateLeadRequest,
};
use crate::dto::common::{ExportFormatParam, Pagination, SortDirParam};
use crate::dto::criteria::CustomerCriteriaDto;
use crate::dto::customers::{
    CreateCustomerRequest, CustomerDto, CustomerSortBy, ImportModeParam, ImportReportDto, OnConflictParam,
    UpdateCustomerRequest,
};
use crate::dto::media::UploadDto;
use crate::dto::scoring::{
    BatchPredictionDto, BatchPredictionRequest, FactorDto, FactorsDto, FeaturesDto, ImportScoringDto, ModelDto,
    OverrideDto, OverridePredictionRequest, PredictedClassDto, PredictionDto, PredictionRequest, PredictionSortBy,
    PredictionSourceDto, ReloadDto, RescoreReportDto, ScoreCustomersRequest, TierThresholdsDto, YesNoDto,
};
use crate::dto::segmentation::{
    AnalysisDto, CentroidDto, CreateAnalysisRequest, DatasetDetailDto, DatasetDto, DatasetFormatDto, DatasetSortBy,
    DroppedRowsDto, KAuto, KCandidateDto, KModeDto, KParam, RowIssueDto, SegmentCustomerDto, SegmentCustomerSortBy,
    SegmentDto, StatDto,
};
use crate::dto::users::{
    AdminUpdateUserRequest, ChangePasswordRequest, CreateUserRequest, DeleteAccountRequest, RoleDto,
    UpdateProfileRequest, UserDto, UserSortBy, UserStatsDto,
};
use crate::error::{ErrorBody, ErrorItem};
use crate::extract::FileUpload;
use crate::response::MessageEnvelope;
use crate::routes::{analytics, auth, campaigns, customers, health, me, media, scoring, segmentation, users};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Access token from POST /api/v1/auth/login"))
                    .build(),
            ),
        );
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "leadscore API",
        description = "Predictive lead scoring for a bank's term-deposit campaigns: customers, scores, campaigns, \
leads, analytics and RFM segmentation.\n\nEvery answer uses the JSend envelope: `{status, message, data}` on \
success, `{status: \"fail\"|\"error\", message, errors}` on failure. Lists take `page` and `limit` (at most 100) \
and answer `{items, pagination}`.",
        license(name = "MIT", identifier = "MIT"),
        contact(name = "leadscore maintainers")
    ),
    servers((url = "/", description = "This server")),
    paths(
        auth::register, auth::login, auth::refresh, auth::logout,
        me::get_me, me::update_me, me::delete_me, me::change_password, me::set_avatar,
        users::create_user, users::list_users, users::user_stats, users::get_user, users::update_user,
        users::delete_user, users::set_user_avatar, users::user_activities,
        media::upload_image, media::serve_media,
        customers::list_customers, customers::create_customer, customers::get_customer, customers::update_customer,
        customers::delete_customer, customers::import_customers, customers::export_customers,
        scoring::get_model, scoring::reload_model, scoring::predict, scoring::predict_batch,
        scoring::list_predictions, scoring::get_prediction, scoring::override_prediction,
        scoring::delete_prediction, scoring::score_customers,
        campaigns::create_campaign, campaigns::list_campaigns, campaigns::campaign_options, campaigns::campaign_stats,
        campaigns::get_campaign, campaigns::update_campaign, campaigns::delete_campaign, campaigns::run_campaign,
        campaigns::list_leads, campaigns::lead_stats, campaigns::export_leads, campaigns::get_lead,
        campaigns::update_lead, campaigns::list_notes, campaigns::create_note, campaigns::delete_note,
        campaigns::list_activities, campaigns::campaign_activities,
        analytics::overview, analytics::trend, analytics::breakdown, analytics::by_job, analytics::tiers,
        analytics::lift, analytics::leaderboard,
        segmentation::upload_dataset, segmentation::list_datasets, segmentation::get_dataset,
        segmentation::delete_dataset, segmentation::create_analysis, segmentation::get_analysis,
        segmentation::delete_analysis, segmentation::list_analysis_customers, segmentation::export_analysis_customers,
        health::health, health::ready, health::metrics,
    ),
    components(schemas(
        ErrorBody, ErrorItem, MessageEnvelope, Pagination, SortDirParam,
        RegisterRequest, LoginRequest, RefreshRequest, TokenResponse,
        UserDto, RoleDto, UserSortBy, UserStatsDto, UpdateProfileRequest, ChangePasswordRequest, DeleteAccountRequest,
        CreateUserRequest, AdminUpdateUserRequest, ActivityDto, ActivityActionDto, EntityTypeDto, UploadDto, FileUpload,
        CustomerDto, CreateCustomerRequest, UpdateCustomerRequest, CustomerSortBy, ExportFormatParam, ImportModeParam,
        OnConflictParam, ImportReportDto, JobDto, MaritalDto, EducationDto, ContactDto, MonthDto, PoutcomeDto,
        OutcomeDto, TierDto, CustomerCriteriaDto,
        ModelDto, TierThresholdsDto, ReloadDto, FeaturesDto, YesNoDto, PredictionRequest, BatchPredictionRequest,
        PredictionDto, BatchPredictionDto, FactorDto, FactorsDto, OverrideDto, PredictedClassDto, PredictionSourceDto,
        PredictionSortBy, OverridePredictionRequest, ScoreCustomersRequest, RescoreReportDto, ImportScoringDto,
        CampaignDto, CampaignOptionDto, CampaignStatsDto, CampaignStatusDto, CreateCampaignRequest, UpdateCampaignRequest,
        MemberDto, LastRunDto, RunReportDto, LeadDto, LeadSortBy, LeadStatsDto, LeadStatusDto, UpdateLeadRequest,
        NoteDto, NoteTypeDto, CreateNoteRequest,
        OverviewDto, CustomerFiguresDto, PredictionCountsDto, LeadCountsDto, TrendDto, TrendPointDto, GroupByDto,
        MetricDto, BreakdownDto, BreakdownGroupDto, DimensionDto, TierRowDto, LiftDto, DecileDto, LeaderboardRowDto,
        DatasetDto, DatasetDetailDto, DatasetFormatDto, DatasetSortBy, DroppedRowsDto, RowIssueDto, AnalysisDto,
        CreateAnalysisRequest, KParam, KAuto, KModeDto, KCandidateDto, SegmentDto, StatDto, CentroidDto,
        SegmentCustomerDto, SegmentCustomerSortBy,
    )),
    modifiers(&BearerAuth, &NamedPayloads, &StandardResponses, &CreateLinks),
    tags(
        (name = "Auth", description = "Sign-up, sign-in, token refresh and sign-out"),
        (name = "Me", description = "The signed-in user's own account"),
        (name = "Users", description = "User management (Admin)"),
        (name = "Customers", description = "The customer base: search, import, export"),
        (name = "Scoring", description = "The model and its card, predictions with explanations, re-scoring"),
        (name = "Campaigns", description = "Campaigns: criteria, collaborators, runs into ranked call lists"),
        (name = "Leads", description = "A campaign's call list: lead workflow, notes, stats, export"),
        (name = "Activities", description = "The audit trail"),
        (name = "Analytics", description = "Dashboard figures, trends, breakdowns, tiers, lift of the scores against \
recorded outcomes, and the sales leaderboard, within the caller's visibility"),
        (name = "Uploads", description = "Images"),
        (name = "Segmentation", description = "RFM analysis of transaction files: datasets, analyses, segments, exports"),
        (name = "Operations", description = "Health, readiness and metrics"),
    )
)]
pub struct ApiDoc;

/// Runs `edit` on the document as JSON, where a schema or a response is one value to compare and replace (the typed
/// model needs a walk per kind of node). Serialising our own spec cannot fail; if it ever did, the document stays
/// as it was and the freshness test of docs/openapi.json shows the difference.
fn rewrite_as_json(openapi: &mut utoipa::openapi::OpenApi, edit: impl FnOnce(&mut Value)) {
    let Ok(mut document) = serde_json::to_value(&*openapi) else { return };
    edit(&mut document);
    if let Ok(rewritten) = serde_json::from_value(document) {
        *openapi = rewritten;
    }
}

/// The spec as pretty JSON with a trailing newline, exactly as committed in `docs/openapi.json`.
pub fn spec_json() -> String {
    let mut json = ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}
