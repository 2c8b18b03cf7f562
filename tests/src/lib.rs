//! Test support: fresh databases (a SQLite file or a PostgreSQL database named by a UUID, dropped afterwards) and
//! `TestApp`, the real server started on port 0 against such a database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod app;
pub mod db;
pub mod model;
pub mod private_pg;
pub mod process;

pub use app::{TestApp, TestUser};
pub use db::TestDb;
pub use private_pg::PrivatePostgres;
pub use process::{ProcessConfig, ServerProcess};
