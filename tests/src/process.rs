//! The server as an operating-system process, for what an in-process `TestApp` cannot show: signals, a crash in
//! the middle of a write, several replicas with nothing shared but the database.
//!
//! The binary is the tests package's `leadscore-server`, whose `main` is the shipped binary's `main`
//! (`leadscore::cli::main`); Cargo builds it before the tests and hands its path to them as
//! `CARGO_BIN_EXE_leadscore-server`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use crate::app::{ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::client::Api;
use crate::model::bundled_model_dir;

/// How long a process may take to start or stop before the test fails.
const PATIENCE: Duration = Duration::from_secs(120);

/// The settings every process of one test shares: the database, the signing secret (so a token from one replica is
/// good on another), the model directory.
#[derive(Debug, Clone)]
pub struct ProcessConfig {
    /// Path of the server binary.
    pub binary: PathBuf,
    /// `DATABASE_URL`.
    pub database_url: String,
    /// `MODEL_DIR`.
    pub model_dir: PathBuf,
    /// `STORAGE_DIR`.
    pub storage_dir: PathBuf,
    /// Further variables (`NAME`, `value`), applied last.
    pub env: Vec<(String, String)>,
}

impl ProcessConfig {
    /// Test defaults: cheap bcrypt, JSON logs at `info`, a random secret, the bundled model.
    pub fn new(binary: impl Into<PathBuf>, database_url: impl Into<String>, storage_dir: &Path) -> Self {
        Self {
            binary: binary.into(),
            database_url: database_url.into(),
            model_dir: bundled_model_dir(),
            storage_dir: storage_dir.to_owned(),
            env: vec![("JWT_SECRET".into(), format!("process-test-{}", uuid::Uuid::new_v4().simple()))],
        }
    }

    /// Adds or replaces a variable.
    pub fn with(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.retain(|(n, _)| n != name);
        self.env.push((name.into(), value.into()));
        self
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATABASE_URL", &self.database_url)
            .env("MODEL_DIR", &self.model_dir)
            .env("STORAGE_DIR", &self.storage_dir)
            .env("BIND", "127.0.0.1:0")
            .env("BCRYPT_COST", "4")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "info")
            .env("SHUTDOWN_TIMEOUT", "30s")
            .stdin(Stdio::null());
        for (name, value) in &self.env {
            command.env(name, value);
        }
        command
    }

    /// Runs a CLI command to completion (e.g. `admin create`); panics with its output unless it succeeds.
    pub fn run(&self, args: &[&str]) -> String {
        let output = self.command(args).output().expect("run the server binary");
        let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "`{}` failed: {text}", args.join(" "));
        text
    }

    /// Creates the Admin `TestApp` also uses (`ADMIN_EMAIL` / `ADMIN_PASSWORD`), migrating the database first.
    pub fn create_admin(&self) {
        self.run(&["admin", "create", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD, "--name", "Admin"]);
    }
}

/// A running `leadscore serve`; killed when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    logs: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts `serve` and waits until it listens (it logs its address once migrations ran and the model loaded).
    pub fn start(config: &ProcessConfig) -> Self {
        let mut child = config
            .command(&["serve"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the server binary");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = mpsc::channel();
        // The logs go to stderr; stdout is drained too so a full pipe can never block the server.
        for stream in [
            child.stderr.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child.stdout.take().map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let (logs, found) = (logs.clone(), found.clone());
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if let Some(address) = listening_address(&line) {
                        let _ = found.send(address);
                    }
                    logs.lock().expect("log buffer").push(line);
                }
            });
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            match address.recv_timeout(Duration::from_millis(100)) {
                Ok(address) => return Self { child, address: format!("http://{address}"), logs },
                Err(mpsc::RecvTimeoutError::Timeout) if Instant::now() < deadline => {
                    if let Ok(Some(status)) = child.try_wait() {
                        panic!("the server exited with {status} before listening: {}", logs.lock().unwrap().join("\n"));
                    }
                }
                Err(_) => panic!("the server did not start listening: {}", logs.lock().unwrap().join("\n")),
            }
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal by name (`TERM`, `INT`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill").args(["-s", name, &self.pid().to_string()]).status().expect("run kill");
        assert!(status.success(), "kill -s {name} failed");
    }

    /// Kills the process at once (SIGKILL: no clean-up of any kind, like a power cut for the process) and reaps it.
    pub fn crash(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the process to exit, failing the test if it takes longer than two minutes.
    pub fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit: {}", self.logs().join("\n"));
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Every log line so far.
    pub fn logs(&self) -> Vec<String> {
        self.logs.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// A client for this process.
    pub fn api(&self) -> Api {
        Api::new(self.address.clone())
    }

    /// `host:port` without the scheme.
    pub fn socket_address(&self) -> &str {
        self.address.trim_start_matches("http://")
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.crash();
    }
}

/// The address in the server's "listening" log line, e.g. `{"address":"127.0.0.1:41234",…,"message":"leadscore
/// listening; …"}`.
fn listening_address(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let message = value.get("message")?.as_str()?;
    if !message.starts_with("leadscore listening") {
        return None;
    }
    value.get("address")?.as_str().map(str::to_owned)
}
