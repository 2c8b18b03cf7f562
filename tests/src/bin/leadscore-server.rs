//! The shipped `leadscore` binary, built again inside the tests package so the process tests (`tests/it/faults.rs`,
//! `tests/it/replicas.rs`) receive its path from Cargo. It is the same `main`.

fn main() -> std::process::ExitCode {
    leadscore::cli::main()
}
