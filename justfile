# leadscore tasks. `just --list` shows them.

pg_url := env_var_or_default("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")

# Start the server on the embedded SQLite database (migrations run at start-up).
run:
    cargo run --release -- serve

# The whole test suite (SQLite; PostgreSQL too when TEST_POSTGRES_URL is set).
test:
    cargo test --workspace --no-fail-fast

# The whole suite with the PostgreSQL tests enabled and required.
test-pg:
    TEST_POSTGRES_URL={{pg_url}} LEADSCORE_REQUIRE_PG=1 cargo test --workspace --no-fail-fast

# Formatting and lints, as CI expects them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Regenerate docs/openapi.json from the code.
openapi:
    LEADSCORE_WRITE_SPEC=1 cargo test -q --workspace --test it -- api::openapi::committed_spec_is_current

# Benchmarks (figures go to docs/benchmarks.md).
bench:
    cargo bench -p leadscore --bench customers
    tests/benchmarks/segmentation.sh
    cargo bench -p leadscore-infrastructure --bench kmeans
    cargo bench -p leadscore-infrastructure --bench files
    cargo bench -p leadscore-infrastructure --bench scorer
    cargo bench -p leadscore-infrastructure --bench analytics
    tests/benchmarks/api.sh
    BENCH_PG=1 tests/benchmarks/api.sh
    tests/benchmarks/auth.sh

# Spec consumers (issues 9, 21): Redocly and Spectral lint, Swagger UI in Chromium, the TypeScript client, the Postman
# collection with newman, a generated Python client's story, Prism's validating proxy — all against a fresh debug
# server. See docs/spec-consumers.md.
consumers:
    bash tests/consumers/run.sh

# Contract fuzzing (issue 8): schemathesis against a fresh debug server, as Admin, Manager and Sales.
# See docs/fuzzing.md.
fuzz:
    bash tests/schemathesis/run.sh

# Load test (issue 8): the release server under a realistic mix (logins, customer lists, single predictions, lead
# status changes) with wrk for DURATION (default 5m), on a fresh SQLite file and then a fresh PostgreSQL database
# (TEST_POSTGRES_URL's server). Fails on any non-2xx or socket error; prints p50/p90/p99, requests/s and the
# server's RSS. Needs wrk (apt-get install -y wrk). Figures in docs/benchmarks.md. Not part of .ci/run.
# Both databases always run; the recipe fails if either did.
load:
    rc=0; bash tests/load/run.sh || rc=1; TEST_POSTGRES_URL={{pg_url}} LOAD_PG=1 bash tests/load/run.sh || rc=1; exit $rc
