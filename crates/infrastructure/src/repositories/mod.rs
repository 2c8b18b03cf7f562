//! SeaORM implementations of the repository ports. Each works unchanged on SQLite and PostgreSQL.

mod activities;
mod analytics;
mod campaigns;
mod customers;
mod group_commit;
mod leads;
mod login_attempts;
mod model_deployments;
mod notes;
mod predictions;
mod query;
mod refresh_tokens;
mod segmentation;
mod users;

pub use activities::SqlActivityRepository;
pub use analytics::SqlAnalyticsRepository;
pub use campaigns::SqlCampaignRepository;
pub use customers::SqlCustomerRepository;
pub use group_commit::GroupCommitPredictions;
pub use leads::SqlLeadRepository;
pub use login_attempts::SqlLoginAttemptRepository;
pub use model_deployments::SqlModelDeploymentRepository;
pub use notes::SqlNoteRepository;
pub use predictions::SqlPredictionRepository;
pub use refresh_tokens::SqlRefreshTokenRepository;
pub use segmentation::SqlSegmentationRepository;
pub use users::SqlUserRepository;
