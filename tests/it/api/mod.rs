//! Black-box tests: the real server on port 0, driven over HTTP.

mod auth;
pub mod customers;
mod errors;
mod openapi;
mod rbac;
mod segmentation;
mod users;
