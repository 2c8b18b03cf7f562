//! Adapters behind the application's ports: SeaORM repositories (SQLite and PostgreSQL), bcrypt, JWT, local-disk
//! storage, the system clock, and the scoring model (an ONNX network run in-process by tract).

pub mod clock;
pub mod db;
mod entities;
pub mod error;
pub mod files;
pub mod repositories;
pub mod scoring;
pub mod security;
pub mod storage;
pub mod wal;

pub use error::InfraError;
