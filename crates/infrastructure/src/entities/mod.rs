//! SeaORM entities: the table shapes. They never leave this crate; repositories convert them to domain types.

pub mod activities;
pub mod campaign_collaborators;
pub mod campaigns;
pub mod customers;
pub mod leads;
pub mod login_attempts;
pub mod model_deployments;
pub mod notes;
pub mod predictions;
pub mod refresh_tokens;
pub mod segmentation;
pub mod users;
