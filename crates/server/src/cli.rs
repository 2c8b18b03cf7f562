//! The command line: `serve` (default), `migrate`, `admin create`, `openapi`.

use std::process::ExitCode;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use leadscore_application::Caller;
use leadscore_application::campaigns::{CampaignDraft, CampaignFilter};
use leadscore_application::customers::{CustomerFilter, DemoIdentity, ImportOptions, ImportReport, OnConflict};
use leadscore_application::imports::ImportRequest;
use leadscore_application::users::CreateUser;
use leadscore_domain::campaigns::{CampaignInfo, CampaignStatus, MAX_TARGET_LEADS};
use leadscore_domain::customers::CustomerDraft;
use leadscore_domain::pagination::PageRequest;
use leadscore_domain::users::Role;
use leadscore_infrastructure::db;

use crate::config::{ConfigArgs, redact_url};
use crate::startup::{Application, Services};
use crate::telemetry;

mod segment;

/// Predictive lead scoring for a bank's term-deposit campaigns.
#[derive(Parser)]
#[command(name = "leadscore", version, about)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage accounts from the shell.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI spec (JSON) to standard output.
    Openapi,
    /// RFM-segment a local transaction file (CSV or XLSX) and print the segments: the same pipeline as
    /// POST /api/v1/segmentation/datasets/{id}/analyses, without a database.
    Segment(segment::SegmentArgs),
    /// Import customers from a CSV or XLSX file: the same use case as POST /api/v1/customers/import.
    Import {
        /// The file (UCI Bank Marketing format or this API's export format).
        file: PathBuf,
        /// `strict`: any invalid row rejects the file; `skip`: import the valid rows.
        #[arg(long, value_enum, default_value = "strict")]
        mode: ImportMode,
        /// What to do with rows matching an existing customer (by externalId, then email).
        #[arg(long, value_enum, default_value = "skip")]
        on_conflict: ConflictMode,
        /// Validate and count without writing.
        #[arg(long)]
        dry_run: bool,
        /// Score every valid row with the model before writing it.
        #[arg(long)]
        score: bool,
    },
    /// Load demo data: a bank-full.csv-format file with generated names, e-mails, phones and cities, scored by the
    /// bundled model.
    Seed {
        /// Required: makes it explicit that demo data is wanted.
        #[arg(long)]
        demo: bool,
        /// The file; by default the bundled 4,521-row UCI sample, `data/bank.csv` in `MODEL_DIR`, so the command works
        /// from any directory the server does.
        file: Option<PathBuf>,
        /// Also create a demo campaign over the base, run it, and close its leads with the known `y` of the data
        /// (yes → Converted, no → Failed), so analytics (lift, tiers, leaderboard) show real numbers.
        #[arg(long)]
        outcomes: bool,
        /// Owner of the demo campaign (e-mail or username of a Manager or Admin); defaults to the oldest active
        /// Admin.
        #[arg(long, requires = "outcomes")]
        owner: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportMode {
    Strict,
    Skip,
}

#[derive(Clone, Copy, ValueEnum)]
enum ConflictMode {
    Skip,
    Update,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an Admin account (use it to bootstrap the first one).
    Create {
        /// E-mail of the new Admin.
        #[arg(long)]
        email: String,
        /// Password (8+ characters with a letter and a digit).
        #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
    },
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("warning: ignoring .env: {err}");
    }
    let cli = Cli::parse();
    if matches!(cli.command, Some(Command::Openapi)) {
        print!("{}", leadscore_http::openapi::spec_json());
        return ExitCode::SUCCESS;
    }
    telemetry::init(cli.config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs a command line as the binary would (after `.env` and logging set-up), for tests and embedding.
pub async fn execute<I, T>(args: I) -> anyhow::Result<()>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run(Cli::try_parse_from(args)?).await
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    // Needs no configuration (no database, no secret), so it does not read or check any.
    if let Some(Command::Segment(args)) = cli.command {
        return segment::run(args).await;
    }
    let config = cli.config.into_config()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if config.uses_development_secret() {
                tracing::warn!("JWT_SECRET is not set: using the development secret; never do this in production");
            }
            let app = Application::build(config.clone()).await?;
            tracing::info!(
                address = %format!("{}:{}", config.bind.ip(), app.port()),
                database = %redact_url(&config.database_url),
                "leadscore listening; Swagger UI at /docs"
            );
            app.run_until_stopped().await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            let mut settings = config.db_settings();
            settings.max_connections = 1;
            settings.min_connections = 0;
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            tracing::info!(database = %redact_url(&config.database_url), "migrations applied");
            Ok(())
        }
        Command::Admin { command: AdminCommand::Create { email, password, name } } => {
            let services = Services::build(&config).await?;
            let user = services
                .users
                .provision(CreateUser {
                    email,
                    username: None,
                    password,
                    full_name: name,
                    phone: None,
                    address: None,
                    role: Role::Admin,
                })
                .await
                .map_err(|e| anyhow::anyhow!(describe(&e)))?;
            println!("Created Admin {} ({})", user.email, user.id);
            Ok(())
        }
        Command::Import { file, mode, on_conflict, dry_run, score } => {
            let options = ImportOptions {
                strict: matches!(mode, ImportMode::Strict),
                on_conflict: match on_conflict {
                    ConflictMode::Skip => OnConflict::Skip,
                    ConflictMode::Update => OnConflict::Update,
                },
                dry_run,
            };
            let report = import_file(&config, &file, options, false, score).await?;
            print_report(&report);
            Ok(())
        }
        Command::Seed { demo, file, outcomes, owner } => {
            anyhow::ensure!(demo, "say --demo to load demo data");
            let options = ImportOptions { strict: true, on_conflict: OnConflict::Skip, dry_run: false };
            let file = file.unwrap_or_else(|| config.model_dir.join("data").join("bank.csv"));
            let report = import_file(&config, &file, options, true, true).await?;
            print_report(&report);
            if outcomes {
                demo_campaign(&config, owner.as_deref(), report.total_rows).await?;
            }
            Ok(())
        }
        Command::Openapi => {
            print!("{}", leadscore_http::openapi::spec_json());
            Ok(())
        }
        Command::Segment(args) => segment::run(args).await,
    }
}

/// Parses and imports a file through the customer use case, with a progress bar on a terminal. `demo` fills in
/// generated identities; `score` scores the rows before writing them.
async fn import_file(
    config: &crate::Config,
    file: &std::path::Path,
    options: ImportOptions,
    demo: bool,
    score: bool,
) -> anyhow::Result<ImportReport> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let services = Services::build(config).await?;
    let adjust = move |row: u64, draft: &mut CustomerDraft| {
        if demo {
            let identity = DemoIdentity::nth(row.saturating_sub(2));
            draft.external_id = Some(identity.external_id);
            draft.name = Some(identity.name);
            draft.email = Some(identity.email);
            draft.phone = Some(identity.phone);
            draft.city = Some(identity.city);
        }
    };
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} writing {pos} rows {elapsed}") {
        bar.set_style(style);
    }
    let progress_bar = bar.clone();
    let progress = Arc::new(move |written: u64| progress_bar.set_position(written));
    let outcome = services
        .imports
        .import(&Caller::operator(), bytes, ImportRequest { options, score }, adjust, Some(progress))
        .await
        .map_err(|e| anyhow::anyhow!(describe(&e)))?;
    bar.finish_and_clear();
    if let Some(scoring) = &outcome.scoring {
        println!("scored {} rows with model {}", scoring.scored, scoring.model_version);
    }
    Ok(outcome.report)
}

/// Name of the demo campaign; a second seed finds its campaign by it.
const DEMO_CAMPAIGN: &str = "Demo: term deposits with known outcomes";

/// The demo campaign over the whole base, run, with its leads closed from the data's known outcomes. Seeding again
/// reuses the owner's demo campaign (found by name) instead of creating a second one: the run refreshes its call
/// list, which keeps worked leads, and only leads still Pending are closed.
async fn demo_campaign(config: &crate::Config, owner: Option<&str>, rows: u64) -> anyhow::Result<()> {
    let services = Services::build(config).await?;
    let fail = |e: leadscore_application::AppError| anyhow::anyhow!(describe(&e));
    let owner = services.users.operator(owner).await.map_err(fail)?;
    let caller = Caller { id: owner.id, role: owner.role };
    let existing = services
        .campaigns
        .list(
            &caller,
            CampaignFilter { q: Some(DEMO_CAMPAIGN.into()), ..CampaignFilter::default() },
            PageRequest::default(),
        )
        .await
        .map_err(fail)?
        .items
        .into_iter()
        .find(|c| c.info.name == DEMO_CAMPAIGN && c.owner.id == owner.id);
    let campaign = match existing {
        Some(campaign) => campaign,
        None => services.campaigns.create(&caller, demo_draft(rows), None).await.map_err(fail)?,
    };
    let run = services.runs.run(&caller, campaign.id, None).await.map_err(fail)?;
    let closed = services.runs.record_known_outcomes(&caller, campaign.id, None).await.map_err(fail)?;
    println!(
        "demo campaign {} (owner {}): {} leads, model {}; known outcomes recorded: {} converted, {} failed",
        campaign.id, owner.email, run.leads, run.model_version, closed.converted, closed.failed
    );
    Ok(())
}

fn demo_draft(rows: u64) -> CampaignDraft {
    let target_leads = u32::try_from(rows).unwrap_or(MAX_TARGET_LEADS).clamp(1, MAX_TARGET_LEADS);
    CampaignDraft {
        info: CampaignInfo {
            name: DEMO_CAMPAIGN.into(),
            description: Some(
                "Created by `leadscore seed --demo --outcomes`: every customer of the demo file, ranked by the model, \
                 with each lead closed by the outcome the data recorded (y)."
                    .into(),
            ),
            target_leads,
            start_date: None,
            end_date: None,
            status: CampaignStatus::Active,
        },
        criteria: CustomerFilter::default(),
        collaborator_emails: Vec::new(),
    }
}

fn print_report(report: &ImportReport) {
    println!(
        "{}{} rows: {} created, {} updated, {} skipped, {} rejected in {} ms",
        if report.dry_run { "dry run: " } else { "" },
        report.total_rows,
        report.created,
        report.updated,
        report.skipped,
        report.rejected,
        report.duration_ms
    );
    for error in &report.errors {
        println!("  row {}: {} {}", error.row, error.field, error.message);
    }
    if !report.unknown_columns.is_empty() {
        println!("  unknown columns ignored: {}", report.unknown_columns.join(", "));
    }
}

fn describe(err: &leadscore_application::AppError) -> String {
    match err {
        leadscore_application::AppError::Validation(fields) => {
            fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        }
        leadscore_application::AppError::Unprocessable { message, errors, total_errors } => {
            let rows: Vec<String> =
                errors.iter().take(10).map(|e| format!("row {}: {} {}", e.row, e.field, e.message)).collect();
            format!("{message} ({total_errors} errors)\n  {}", rows.join("\n  "))
        }
        other => other.to_string(),
    }
}
