//! Request and response bodies of the API. They are separate from domain types and database rows, so a client can
//! never set a field the API does not list (every request body denies unknown fields).

pub mod activities;
pub mod analytics;
pub mod auth;
pub mod campaigns;
pub mod common;
pub mod criteria;
pub mod customers;
pub mod media;
pub mod scoring;
pub mod segmentation;
pub mod users;
