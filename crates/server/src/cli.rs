//! The command line: `serve` (default), `migrate`, `admin create`, `openapi`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use leadscore_application::users::CreateUser;
use leadscore_domain::users::Role;
use leadscore_infrastructure::db::{self, DbSettings};

use crate::config::{ConfigArgs, redact_url};
use crate::startup::{Application, Services};
use crate::telemetry;

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
    let config = cli.config.into_config()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
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
            let mut settings = DbSettings::new(config.database_url.clone());
            settings.max_connections = 1;
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
        Command::Openapi => {
            print!("{}", leadscore_http::openapi::spec_json());
            Ok(())
        }
    }
}

fn describe(err: &leadscore_application::AppError) -> String {
    match err {
        leadscore_application::AppError::Validation(fields) => {
            fields.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}
