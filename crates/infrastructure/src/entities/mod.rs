//! SeaORM entities: the table shapes. They never leave this crate; repositories convert them to domain types.

pub mod activities;
pub mod customers;
pub mod login_attempts;
pub mod refresh_tokens;
pub mod segmentation;
pub mod users;
