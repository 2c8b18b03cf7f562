//! Test support: fresh databases (a SQLite file or a PostgreSQL database named by a UUID, dropped afterwards),
//! `TestApp`, the real server started on port 0 against such a database, the server as a process, and the test data
//! the suites share (`fixtures`, `model`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod client;
pub mod db;
pub mod fixtures;
pub mod model;
pub mod private_pg;
pub mod process;

pub use app::TestApp;
pub use client::{Api, TestUser};
pub use db::TestDb;
pub use private_pg::PrivatePostgres;
pub use process::{ProcessConfig, ServerProcess};
