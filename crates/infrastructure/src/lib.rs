//! Adapters behind the application's ports: SeaORM repositories (SQLite and PostgreSQL), bcrypt, JWT, local-disk
//! storage and the system clock.

pub mod clock;
pub mod db;
mod entities;
pub mod error;
pub mod repositories;
pub mod security;
pub mod storage;

pub use error::InfraError;
