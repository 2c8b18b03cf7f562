//! Black-box tests: the real server on port 0, driven over HTTP.

mod analytics;
mod auth;
mod campaigns;
pub mod customers;
mod errors;
mod openapi;
mod rbac;
pub mod scoring;
mod security;
mod segmentation;
pub mod users;
