//! Contract tests: each port's documented contract, run against every adapter (SQLite and PostgreSQL).
//!
//! `contract!(name, body)` expands to a module with a `sqlite` and a `postgres` test that run the same async
//! `body(&DatabaseConnection)`; the PostgreSQL one creates its own database (see `TestDb`).

macro_rules! contract {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let db = leadscore_tests::TestDb::sqlite().await;
                super::$body(db.conn()).await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = leadscore_tests::TestDb::postgres().await else { return };
                super::$body(db.conn()).await;
            }
        }
    };
}

pub(crate) use contract;

mod activities;
mod analytics;
mod campaigns;
mod customers;
mod fixtures;
mod leads;
mod login_attempts;
mod migrations;
mod model_deployments;
mod notes;
mod predictions;
mod refresh_tokens;
mod segmentation;
mod storage;
mod users;
