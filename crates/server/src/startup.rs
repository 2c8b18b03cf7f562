//! Building the application from configuration: connect, migrate, make the adapters, hand them to the services,
//! start the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;
use leadscore_application::activities::{ActivityLog, ActivityService};
use leadscore_application::analytics::AnalyticsService;
use leadscore_application::auth::{AccountCache, AuthPolicy, AuthService, InvalidatingUsers, ThrottlePolicy};
use leadscore_application::campaigns::{
    CampaignPorts, CampaignRepository, CampaignService, CampaignSettings, LeadService, RunService,
};
use leadscore_application::customers::{CustomerService, ImportLimits};
use leadscore_application::imports::ImportService;
use leadscore_application::media::MediaService;
use leadscore_application::scoring::{
    ModelFleet, ModelLoader, ModelProbe, ModelRegistry, PredictionRepository, ScoringService, ScoringSettings,
    SyncOutcome,
};
use leadscore_application::segmentation::{SegmentationService, SegmentationSettings};
use leadscore_application::system::{Clock, HealthProbe};
use leadscore_application::users::{UserRepository, UserService};
use leadscore_http::Server;
use leadscore_http::{AppState, HttpSettings, Metrics, batch_json_limit, build_server_with_metrics};
use leadscore_infrastructure::clock::SystemClock;
use leadscore_infrastructure::db::{self, DatabaseProbe};
use leadscore_infrastructure::files::{FileReader, FileWriter, ImageHeaders};
use leadscore_infrastructure::repositories::{
    GroupCommitPredictions, SqlActivityRepository, SqlAnalyticsRepository, SqlCampaignRepository,
    SqlCustomerRepository, SqlLeadRepository, SqlLoginAttemptRepository, SqlModelDeploymentRepository,
    SqlNoteRepository, SqlPredictionRepository, SqlRefreshTokenRepository, SqlSegmentationRepository,
    SqlUserRepository,
};
use leadscore_infrastructure::scoring::OnnxModelLoader;
use leadscore_infrastructure::security::{BcryptHasher, JwtIssuer};
use leadscore_infrastructure::storage::LocalDiskStorage;
use leadscore_infrastructure::wal::WalCheckpointer;
use sea_orm::DatabaseConnection;

use crate::config::{AppEnv, Config};
use crate::observability::{TimedModelLoader, pool_stats_source};

/// The application services, wired to their adapters. Used by the server and by CLI commands alike.
#[derive(Clone)]
pub struct Services {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Sign-in and tokens.
    pub auth: AuthService,
    /// Accounts.
    pub users: UserService,
    /// Audit trail.
    pub activities: ActivityService,
    /// The customer base.
    pub customers: CustomerService,
    /// Importing customer files.
    pub imports: ImportService,
    /// Images.
    pub media: MediaService,
    /// RFM segmentation.
    pub segmentation: SegmentationService,
    /// The model in service (shared with the readiness probe).
    pub models: Arc<ModelRegistry>,
    /// This replica's model against the one the fleet serves.
    pub fleet: Arc<ModelFleet>,
    /// Scoring and predictions.
    pub scoring: Arc<ScoringService>,
    /// Campaigns, leads and notes.
    pub campaigns: CampaignService,
    /// Campaign runs and known outcomes.
    pub runs: RunService,
    /// Leads, notes and the call-list export.
    pub leads: LeadService,
    /// Dashboards, lift and the leaderboard.
    pub analytics: AnalyticsService,
    /// Metrics fed from outside the HTTP layer (model inference, database pool), served at `/metrics`.
    pub metrics: Metrics,
}

fn chrono(duration: std::time::Duration) -> anyhow::Result<chrono::Duration> {
    chrono::Duration::from_std(duration).context("duration out of range")
}

impl Services {
    /// Connects to the database, applies migrations and builds every service.
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let db = db::connect(&config.db_settings()).await.context("connecting to the database")?;
        db::migrate(&db).await.context("applying migrations")?;

        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let accounts = Arc::new(AccountCache::new(chrono(config.auth_cache_ttl)?));
        let plain_users: Arc<dyn UserRepository> = Arc::new(SqlUserRepository::new(db.clone()));
        // Every use case that changes accounts writes through this, so authentication's cache hears of it.
        let users: Arc<dyn UserRepository> = Arc::new(InvalidatingUsers::new(plain_users, accounts.clone()));
        let tokens = Arc::new(SqlRefreshTokenRepository::new(db.clone()));
        let attempts = Arc::new(SqlLoginAttemptRepository::new(db.clone()));
        let activity_repo = Arc::new(SqlActivityRepository::new(db.clone()));
        let hasher = Arc::new(BcryptHasher::new(config.bcrypt_cost)?);
        let issuer = Arc::new(JwtIssuer::new(config.jwt_secret_bytes(), chrono(config.jwt_access_ttl)?)?);
        let storage = Arc::new(LocalDiskStorage::new(config.storage_dir.clone()));

        let activity_log = ActivityLog::new(activity_repo.clone(), clock.clone());
        let media =
            MediaService::new(storage.clone(), Arc::new(ImageHeaders), config.max_image_bytes, config.max_image_pixels);
        let policy = AuthPolicy {
            refresh_ttl: chrono(config.jwt_refresh_ttl)?,
            refresh_reuse_window: chrono(config.jwt_refresh_reuse_window)?,
            allow_signup: config.allow_signup,
            throttle: ThrottlePolicy {
                max_failures_per_account: config.login_max_failures,
                max_failures_per_ip: config.login_max_failures_per_ip,
                max_signups_per_ip: config.signup_max_per_ip,
                window: chrono(config.login_window)?,
            },
        };
        let auth = AuthService::new(
            users.clone(),
            tokens.clone(),
            attempts,
            hasher.clone(),
            issuer,
            clock.clone(),
            activity_log.clone(),
            policy,
            accounts,
        );
        let metrics = Metrics::new().context("creating metrics")?.with_pool_stats(pool_stats_source(db.clone()));
        let loader: Arc<dyn ModelLoader> =
            Arc::new(TimedModelLoader::new(Arc::new(OnnxModelLoader::new(config.model_dir.clone())), metrics.clone()));
        let model = loader.load().await.map_err(|e| {
            anyhow::anyhow!("cannot start without a valid model (MODEL_DIR={}): {e}", config.model_dir.display())
        })?;
        tracing::info!(version = %model.card().model_version, dir = %config.model_dir.display(), "model loaded");
        let models = Arc::new(ModelRegistry::new(model));
        let fleet = Arc::new(ModelFleet::new(
            models.clone(),
            loader,
            Arc::new(SqlModelDeploymentRepository::new(db.clone())),
            clock.clone(),
        ));
        let customer_repo = Arc::new(SqlCustomerRepository::new(db.clone()));
        let prediction_repo = Arc::new(SqlPredictionRepository::new(db.clone()));
        let campaign_repo: Arc<dyn CampaignRepository> = Arc::new(SqlCampaignRepository::new(db.clone()));
        let campaign_ports = CampaignPorts {
            campaigns: campaign_repo.clone(),
            leads: Arc::new(SqlLeadRepository::new(db.clone())),
            notes: Arc::new(SqlNoteRepository::new(db.clone())),
            users: users.clone(),
            customers: customer_repo.clone(),
            predictions: prediction_repo.clone(),
            activity_repo: activity_repo.clone(),
            writer: Arc::new(FileWriter),
        };
        let campaigns = CampaignService::new(&campaign_ports, activity_log.clone(), clock.clone());
        let runs = RunService::new(
            campaigns.clone(),
            &campaign_ports,
            models.clone(),
            CampaignSettings { explain_top: config.explain_top_factors, ..CampaignSettings::default() },
        );
        let leads = LeadService::new(campaigns.clone(), &campaign_ports);
        let single_predictions: Arc<dyn PredictionRepository> = if config.prediction_group_commit {
            Arc::new(GroupCommitPredictions::new(prediction_repo))
        } else {
            prediction_repo
        };
        let scoring = Arc::new(ScoringService::new(
            models.clone(),
            fleet.clone(),
            single_predictions,
            customer_repo.clone(),
            campaign_repo,
            activity_log.clone(),
            clock.clone(),
            ScoringSettings {
                max_batch: config.max_batch_predictions,
                explain_top: config.explain_top_factors,
                ..ScoringSettings::default()
            },
        ));
        let customers = CustomerService::new(
            customer_repo,
            Arc::new(FileReader),
            Arc::new(FileWriter),
            clock.clone(),
            activity_log.clone(),
            ImportLimits { max_rows: config.max_import_rows, files: config.file_limits },
        );
        let segmentation = SegmentationService::new(
            Arc::new(SqlSegmentationRepository::new(db.clone())),
            storage,
            Arc::new(FileReader),
            Arc::new(FileWriter),
            clock.clone(),
            activity_log.clone(),
            SegmentationSettings {
                max_dataset_bytes: config.max_dataset_bytes,
                files: config.file_limits,
                ..SegmentationSettings::default()
            },
        );
        let analytics = AnalyticsService::new(
            Arc::new(SqlAnalyticsRepository::new(db.clone())),
            campaigns.clone(),
            models.clone(),
            clock.clone(),
        );
        let user_service = UserService::new(users, tokens, hasher, clock, activity_log, media.clone());
        Ok(Self {
            db,
            auth,
            users: user_service,
            activities: ActivityService::new(activity_repo),
            imports: ImportService::new(customers.clone(), scoring.clone()),
            customers,
            media,
            segmentation,
            models,
            fleet,
            scoring,
            campaigns,
            runs,
            leads,
            analytics,
            metrics,
        })
    }
}

/// A running server and the port it bound (zero2prod's `Application`).
pub struct Application {
    port: u16,
    server: Server,
    fleet: Arc<ModelFleet>,
    model_sync_interval: std::time::Duration,
    wal: Option<(WalCheckpointer, std::time::Duration)>,
}

impl Application {
    /// Builds everything and binds the listener; the server starts serving when awaited.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let services = Services::build(&config).await?;
        Self::with_services(config, services).await
    }

    /// Binds the listener over services already built (a test harness that provisioned accounts through them, so
    /// the database is migrated and the model loaded once).
    pub async fn with_services(config: Config, services: Services) -> anyhow::Result<Self> {
        services.fleet.announce().await.context("recording the model this replica serves")?;
        let fleet = services.fleet.clone();
        let wal = match config.sqlite_checkpoint_interval {
            interval if interval.is_zero() => None,
            interval => WalCheckpointer::for_pool(&services.db)
                .await
                .context("opening the SQLite checkpoint connection")?
                .map(|checkpointer| (checkpointer, interval)),
        };
        let listener = TcpListener::bind(config.bind).with_context(|| format!("binding {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let probes: Vec<Arc<dyn HealthProbe>> =
            vec![Arc::new(DatabaseProbe::new(services.db.clone())), Arc::new(ModelProbe(services.models.clone()))];
        let state = AppState {
            auth: services.auth,
            users: services.users,
            activities: services.activities,
            customers: services.customers,
            imports: services.imports,
            media: services.media,
            segmentation: services.segmentation,
            scoring: services.scoring,
            campaigns: services.campaigns,
            runs: services.runs,
            leads: services.leads,
            analytics: services.analytics,
            probes,
            settings: HttpSettings {
                cors_origins: config.cors_origins.clone(),
                json_limit: config.max_json_bytes,
                batch_json_limit: batch_json_limit(config.max_json_bytes, config.max_batch_predictions),
                max_image_bytes: config.max_image_bytes,
                max_import_bytes: config.max_import_bytes,
                secure_cookies: config.app_env == AppEnv::Production,
                refresh_ttl: config.jwt_refresh_ttl,
                shutdown_timeout: config.shutdown_timeout,
                workers: config.http_workers,
                head_timeout: config.http_head_timeout,
                body_timeout: config.http_body_timeout,
                keep_alive: config.http_keep_alive,
                disconnect_timeout: config.http_disconnect_timeout,
            },
        };
        let server = build_server_with_metrics(listener, state, services.metrics)?;
        Ok(Self { port, server, fleet, model_sync_interval: config.model_sync_interval, wal })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is signalled: SIGTERM stops accepting, drains in-flight requests (up to
    /// `SHUTDOWN_TIMEOUT`) and exits; SIGINT stops at once.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let sync = (!self.model_sync_interval.is_zero())
            .then(|| tokio::spawn(follow_deployed_model(self.fleet, self.model_sync_interval)));
        let wal = self.wal.map(|(checkpointer, interval)| tokio::spawn(keep_wal_bounded(checkpointer, interval)));
        let result = self.server.await;
        for task in [sync, wal].into_iter().flatten() {
            task.abort();
        }
        result
    }
}

/// Checkpoints and truncates the SQLite write-ahead log every `interval` (see `WalCheckpointer`). A checkpoint that
/// finds readers holding on is simply tried again at the next tick.
async fn keep_wal_bounded(mut checkpointer: WalCheckpointer, interval: std::time::Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        match checkpointer.checkpoint().await {
            Ok(done) if done.busy => tracing::debug!(frames = done.log_frames, "WAL checkpoint busy; will retry"),
            Ok(done) => tracing::debug!(frames = done.checkpointed_frames, "WAL checkpointed and truncated"),
            Err(err) => tracing::warn!(error = %err, "WAL checkpoint failed; will retry"),
        }
    }
}

/// Keeps this replica on the model the fleet serves (see `ModelFleet`), checking every `interval`.
async fn follow_deployed_model(fleet: Arc<ModelFleet>, interval: std::time::Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match fleet.sync().await {
            Ok(SyncOutcome::Swapped { from, to }) => {
                tracing::info!(from = %from, to = %to, "model reloaded to follow the deployed model");
            }
            Ok(SyncOutcome::Mismatch { wanted, found }) => tracing::warn!(
                wanted = %wanted,
                found = %found,
                "the model directory does not hold the deployed model; this replica keeps serving its own"
            ),
            Ok(SyncOutcome::NothingDeployed | SyncOutcome::InSync | SyncOutcome::StillMismatched) => {}
            Err(err) => tracing::warn!(error = %err, "cannot check which model is deployed; will retry"),
        }
    }
}
