//! The one integration-test binary: repository contract tests (SQLite and PostgreSQL), black-box API tests against
//! the real server, and architecture checks. One binary keeps CI to a single link step.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod architecture;
mod cli;
mod contract;
mod faults;
mod ops;
mod replicas;
mod scoring_model;
