//! A PostgreSQL server of the test's own, for tests that stop the database: stopping the shared server would break
//! every other test running in parallel. Made with the machine's `initdb` and `pg_ctl` in a temporary directory, on
//! a free port, and removed afterwards. As root, the tools run as the `postgres` account (PostgreSQL refuses root).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;

use tempfile::TempDir;

use crate::db::REQUIRE_PG_VAR;

/// A stopped-or-running private server.
pub struct PrivatePostgres {
    bin: PathBuf,
    dir: TempDir,
    port: u16,
}

impl PrivatePostgres {
    /// Creates and starts a server, or `None` (with a note) when the PostgreSQL server tools are not installed.
    /// Panics when they are missing but `LEADSCORE_REQUIRE_PG` is set.
    pub fn start() -> Option<Self> {
        let Some(bin) = server_tools() else {
            assert!(
                std::env::var_os(REQUIRE_PG_VAR).is_none(),
                "no initdb under /usr/lib/postgresql/*/bin but {REQUIRE_PG_VAR} is set"
            );
            eprintln!("SKIPPED: the PostgreSQL server tools are not installed");
            return None;
        };
        let dir = tempfile::Builder::new().prefix("leadscore-pg-").tempdir().expect("temp dir");
        if is_root() {
            run(Command::new("chown").args(["postgres:postgres"]).arg(dir.path()));
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port").port();
        let server = Self { bin, dir, port };
        run(server
            .tool("initdb")
            .args(["--auth=trust", "--username=postgres", "--no-sync", "--encoding=UTF8", "-D"])
            .arg(server.data()));
        server.resume();
        Some(server)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server the way an operator's `pg_ctl stop` does: sessions are terminated, new connections refused.
    pub fn stop(&self) {
        run(self.tool("pg_ctl").args(["-m", "fast", "-w", "-D"]).arg(self.data()).arg("stop"));
    }

    /// Starts the (stopped) server again on the same port, waiting until it accepts connections.
    pub fn resume(&self) {
        let options =
            format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.dir.path().display());
        run(self
            .tool("pg_ctl")
            .args(["-w", "-t", "60", "-D"])
            .arg(self.data())
            .args(["-l"])
            .arg(self.dir.path().join("server.log"))
            .args(["-o", &options, "start"]));
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self.tool("pg_ctl").args(["-m", "immediate", "-w", "-D"]).arg(self.data()).arg("stop").output();
    }
}

fn server_tools() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn run(command: &mut Command) {
    let output = command.output().expect("run a PostgreSQL tool");
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
