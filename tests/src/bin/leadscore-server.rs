//! The shipped `leadscore` binary, built again inside the tests package so the process tests (`tests/it/faults.rs`,
//! `tests/it/replicas.rs`) receive its path from Cargo. It is the same `main`, on the default allocator (the shipped
//! binary's mimalloc is a performance choice these tests do not depend on).

fn main() -> std::process::ExitCode {
    leadscore::cli::main()
}
