//! `ModelDeploymentRepository` on every adapter, and `ModelFleet` over it: what lets several replicas serve one
//! model.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use leadscore_application::scoring::{
    ModelDeployment, ModelDeploymentRepository, ModelFleet, ModelLoader, ModelRegistry, SyncOutcome,
};
use leadscore_application::system::Clock;
use leadscore_application::users::UserRepository;
use leadscore_infrastructure::repositories::{SqlModelDeploymentRepository, SqlUserRepository};
use leadscore_infrastructure::scoring::OnnxModelLoader;
use leadscore_tests::model::write_model_copy as write_model;
use sea_orm::DatabaseConnection;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 30, 0).unwrap() + Duration::microseconds(654_321)
}

fn deployment(version: &str, at: DateTime<Utc>) -> ModelDeployment {
    ModelDeployment {
        model_version: version.into(),
        fingerprint: format!("sha256:{version}"),
        deployed_at: at,
        deployed_by: None,
    }
}

async fn the_newest_deployment_is_current(db: &DatabaseConnection) {
    let repo = SqlModelDeploymentRepository::new(db.clone());
    assert_eq!(repo.current().await.unwrap(), None);
    repo.record(&deployment("v2", t0() + Duration::minutes(1))).await.unwrap();
    // Recorded later but deployed earlier (a replica whose clock lags): the deployment time decides.
    repo.record(&deployment("v1", t0())).await.unwrap();
    assert_eq!(repo.current().await.unwrap(), Some(deployment("v2", t0() + Duration::minutes(1))));
    // Same instant: the later record wins.
    repo.record(&deployment("v3", t0() + Duration::minutes(1))).await.unwrap();
    assert_eq!(repo.current().await.unwrap().unwrap().model_version, "v3");
}
super::contract!(the_newest_deployment_is_current, the_newest_deployment_is_current);

async fn a_deployment_keeps_its_admin_until_the_account_goes(db: &DatabaseConnection) {
    let admin = super::fixtures::stored_user(db, "ops", None).await.id;
    let repo = SqlModelDeploymentRepository::new(db.clone());
    let mut by_admin = deployment("v1", t0());
    by_admin.deployed_by = Some(admin);
    repo.record(&by_admin).await.unwrap();
    assert_eq!(repo.current().await.unwrap().unwrap().deployed_by, Some(admin));
    assert!(SqlUserRepository::new(db.clone()).delete(admin).await.unwrap());
    let after = repo.current().await.unwrap().unwrap();
    assert_eq!((after.model_version.as_str(), after.deployed_by), ("v1", None), "history outlives the account");
}
super::contract!(
    a_deployment_keeps_its_admin_until_the_account_goes,
    a_deployment_keeps_its_admin_until_the_account_goes
);

/// A clock that moves one second per reading, so each deployment has its own time.
struct TickingClock(std::sync::atomic::AtomicI64);

impl Clock for TickingClock {
    fn now(&self) -> DateTime<Utc> {
        t0() + Duration::seconds(self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

/// A copy of the bundled model.
fn model_copy(version: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_model(dir.path(), version);
    dir
}

async fn replica(db: &DatabaseConnection, dir: &Path) -> (Arc<ModelRegistry>, ModelFleet) {
    let loader = Arc::new(OnnxModelLoader::new(dir));
    let registry = Arc::new(ModelRegistry::new(loader.load().await.unwrap()));
    let fleet = ModelFleet::new(
        registry.clone(),
        loader,
        Arc::new(SqlModelDeploymentRepository::new(db.clone())),
        Arc::new(TickingClock(0.into())),
    );
    (registry, fleet)
}

async fn replicas_follow_a_reload_on_another_replica(db: &DatabaseConnection) {
    let (dir_a, dir_b) = (model_copy(None), model_copy(None));
    let (registry_a, a) = replica(db, dir_a.path()).await;
    let (registry_b, b) = replica(db, dir_b.path()).await;
    let original = registry_a.current().card().model_version.clone();
    assert_eq!(b.sync().await.unwrap(), SyncOutcome::NothingDeployed);
    a.announce().await.unwrap();
    b.announce().await.unwrap();
    let repo = SqlModelDeploymentRepository::new(db.clone());
    assert_eq!(repo.current().await.unwrap().unwrap().model_version, original);
    assert_eq!(b.sync().await.unwrap(), SyncOutcome::InSync);

    // A new model lands in both directories; the Admin reloads replica A only.
    write_model(dir_a.path(), Some("fleet-v2"));
    write_model(dir_b.path(), Some("fleet-v2"));
    let admin = super::fixtures::stored_user(db, "reloader", None).await.id;
    let (previous, now) = a.reload(admin).await.unwrap();
    assert_eq!(
        (previous.card().model_version.as_str(), now.card().model_version.as_str()),
        (original.as_str(), "fleet-v2")
    );
    assert_eq!(registry_b.current().card().model_version, original, "B has not synced yet");
    assert_eq!(b.sync().await.unwrap(), SyncOutcome::Swapped { from: original.clone(), to: "fleet-v2".into() });
    assert_eq!(registry_b.current().fingerprint(), registry_a.current().fingerprint());
    assert_eq!(b.sync().await.unwrap(), SyncOutcome::InSync);
    let current = repo.current().await.unwrap().unwrap();
    assert_eq!((current.model_version.as_str(), current.deployed_by), ("fleet-v2", Some(admin)));

    // A replica whose directory holds something else keeps its model, says so once, and then waits.
    write_model(dir_a.path(), Some("fleet-v3"));
    a.reload(admin).await.unwrap();
    match b.sync().await.unwrap() {
        SyncOutcome::Mismatch { wanted, found } => {
            assert!(wanted.starts_with("fleet-v3 (sha256:"), "{wanted}");
            assert!(found.starts_with("fleet-v2 (sha256:"), "{found}");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert_eq!(b.sync().await.unwrap(), SyncOutcome::StillMismatched);
    assert_eq!(registry_b.current().card().model_version, "fleet-v2");
    // Once its directory catches up, a changed deployment is followed again.
    write_model(dir_b.path(), Some("fleet-v3"));
    a.reload(admin).await.unwrap();
    assert_eq!(b.sync().await.unwrap(), SyncOutcome::Swapped { from: "fleet-v2".into(), to: "fleet-v3".into() });

    // A model that fails its checks is refused with nothing recorded.
    std::fs::write(dir_a.path().join("model.onnx"), b"not a network").unwrap();
    assert!(a.reload(admin).await.is_err());
    assert_eq!(repo.current().await.unwrap().unwrap().model_version, "fleet-v3");
    assert_eq!(registry_a.current().card().model_version, "fleet-v3");
}
super::contract!(replicas_follow_a_reload_on_another_replica, replicas_follow_a_reload_on_another_replica);
