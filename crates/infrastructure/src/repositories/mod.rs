//! SeaORM implementations of the repository ports. Each works unchanged on SQLite and PostgreSQL.

mod activities;
mod customers;
mod login_attempts;
mod query;
mod refresh_tokens;
mod segmentation;
mod users;

pub use activities::SqlActivityRepository;
pub use customers::SqlCustomerRepository;
pub use login_attempts::SqlLoginAttemptRepository;
pub use refresh_tokens::SqlRefreshTokenRepository;
pub use segmentation::SqlSegmentationRepository;
pub use users::SqlUserRepository;
