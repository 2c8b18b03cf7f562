//! What every handler can reach: the application services and the HTTP settings.

use std::sync::Arc;

use leadscore_application::activities::ActivityService;
use leadscore_application::analytics::AnalyticsService;
use leadscore_application::auth::AuthService;
use leadscore_application::campaigns::{CampaignService, LeadService, RunService};
use leadscore_application::customers::CustomerService;
use leadscore_application::imports::ImportService;
use leadscore_application::media::MediaService;
use leadscore_application::scoring::ScoringService;
use leadscore_application::segmentation::SegmentationService;
use leadscore_application::system::HealthProbe;
use leadscore_application::users::UserService;

use crate::settings::HttpSettings;

/// The services behind the routes, built by the bin crate.
#[derive(Clone)]
pub struct AppState {
    /// Sign-in and tokens.
    pub auth: AuthService,
    /// Profiles and user management.
    pub users: UserService,
    /// The customer base.
    pub customers: CustomerService,
    /// Importing customer files (read, optional scoring, write).
    pub imports: ImportService,
    /// The audit trail.
    pub activities: ActivityService,
    /// Uploaded images.
    pub media: MediaService,
    /// Campaigns, who sees and manages them, and their audit trail.
    pub campaigns: CampaignService,
    /// Campaign runs and known outcomes.
    pub runs: RunService,
    /// Leads, notes and the call-list export.
    pub leads: LeadService,
    /// Dashboards, lift and the sales leaderboard.
    pub analytics: AnalyticsService,
    /// The model, predictions and re-scoring.
    pub scoring: Arc<ScoringService>,
    /// RFM segmentation of transaction files.
    pub segmentation: SegmentationService,
    /// Dependencies checked by `/ready`.
    pub probes: Vec<Arc<dyn HealthProbe>>,
    /// HTTP-level settings.
    pub settings: HttpSettings,
}
