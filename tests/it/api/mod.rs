//! Black-box tests: the real server on port 0, driven over HTTP.

/// A black-box test run on both databases: `body(app)` against a server on SQLite and one on PostgreSQL, each
/// configured by `tweak`. The runtime has several threads, so requests a test sends at once are truly parallel.
macro_rules! on_both_databases {
    ($name:ident, $tweak:expr, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let app = leadscore_tests::TestApp::spawn_with($tweak).await;
                super::$body(app).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(db) = leadscore_tests::TestDb::postgres().await else { return };
                let app = leadscore_tests::TestApp::spawn_on(db, $tweak).await;
                super::$body(app).await;
            }
        }
    };
}

mod analytics;
mod auth;
mod campaigns;
mod constraints;
mod customers;
mod errors;
mod hostile;
mod openapi;
mod rbac;
mod scoring;
mod security;
mod segmentation;
mod users;
mod world;
