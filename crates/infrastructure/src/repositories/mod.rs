//! SeaORM implementations of the repository ports. Each works unchanged on SQLite and PostgreSQL.

mod activities;
mod analytics;
mod campaigns;
mod customers;
mod leads;
mod login_attempts;
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
pub use leads::SqlLeadRepository;
pub use login_attempts::SqlLoginAttemptRepository;
pub use notes::SqlNoteRepository;
pub use predictions::SqlPredictionRepository;
pub use refresh_tokens::SqlRefreshTokenRepository;
pub use segmentation::SqlSegmentationRepository;
pub use users::SqlUserRepository;
