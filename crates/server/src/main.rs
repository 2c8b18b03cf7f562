//! The `leadscore` command. Everything lives in the library so tests can start the very same server.

fn main() -> std::process::ExitCode {
    leadscore::cli::main()
}
