//! The `leadscore` command. Everything lives in the library so tests can start the very same server.

/// mimalloc instead of glibc's malloc: under sustained load glibc kept growing the server's resident memory (one
/// arena per thread that allocates: HTTP workers, the blocking pool and one SQLite thread per pooled connection),
/// which a 5-minute load run showed as steady growth that stopped only with `MALLOC_ARENA_MAX=2`
/// (docs/benchmarks.md, "Load").
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    leadscore::cli::main()
}
