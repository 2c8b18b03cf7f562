#!/usr/bin/env bash
# Spec consumers (issue 9): the four checks that real clients of docs/openapi.json work, against a live server.
#
#   bash tests/consumers/run.sh        (or `just consumers`; .ci/run calls it after the Rust suite)
#
# 1. spec-lint    docs/openapi.json passes `redocly lint` (an OpenAPI 3.1 validator that is not utoipa): 0 errors
# 2. swagger-ui   /docs in Debian's Chromium (playwright-core): own-origin assets, Authorize, Try it out on GET /me
# 3. typescript   examples/typescript: regenerate the types, `tsc --noEmit`, run the demo against the server
# 4. postman      regenerate docs/postman/leadscore.postman_collection.json, newman runs its happy path
#
# Installs what is missing, idempotently: Debian's chromium (apt) and the two npm trees (`npm ci` from the committed
# lockfiles, only when a lockfile changed). Nothing else is downloaded. Exits non-zero if any check failed.
# ONLY=spec-lint,typescript runs a subset; KEEP_TMP=1 keeps the server's temp dir and log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/consumers"
TS="$ROOT/examples/typescript"
OUT="$HERE/output"
cd "$ROOT"

log() { printf '\n\033[1m== consumers: %s\033[0m\n' "$*"; }

# ── Tools ─────────────────────────────────────────────────────────────────────────────────────────────────
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

npm_tree() { # npm ci, skipped when node_modules was installed from this exact lockfile
  local dir="$1" stamp="$1/node_modules/.consumers-lock-sha" sha
  sha="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$sha" ]; then
    log "npm ci in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$sha" >"$stamp"
  fi
}
npm_tree "$HERE"
npm_tree "$TS"

# No telemetry or update checks from the tools at run time.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 CI="${CI:-1}"

# ── The server: debug build, fresh SQLite file and storage dir, an Admin created before serving ─────────────
log "cargo build (debug)"
cargo build -q --bin leadscore
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
BIN="$TARGET_DIR/debug/leadscore"
[ -x "$BIN" ] || { echo "consumers: $BIN not found after cargo build" >&2; exit 1; }

TMP="$(mktemp -d /tmp/leadscore-consumers.XXXXXX)"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  mkdir -p "$OUT" && cp "$TMP/server.log" "$OUT/server.log" 2>/dev/null || true
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "consumers: kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export BASE_URL="http://127.0.0.1:$PORT"
export ADMIN_EMAIL="consumers.admin@bank.example"
export ADMIN_PASSWORD="Consumers-Check-$RANDOM-pw1"
export DATABASE_URL="sqlite://$TMP/db.sqlite?mode=rwc"
export STORAGE_DIR="$TMP/storage"
export BIND="127.0.0.1:$PORT"
export JWT_SECRET="consumers-check-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export BCRYPT_COST=4 LOG_FORMAT=json RUST_LOG="${RUST_LOG:-warn}"
mkdir -p "$STORAGE_DIR" "$OUT"

log "server on $BASE_URL (database $TMP/db.sqlite)"
"$BIN" --database-url "$DATABASE_URL" admin create --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
  --name "Consumers Admin" >"$TMP/admin.log" 2>&1 || { cat "$TMP/admin.log" >&2; exit 1; }
"$BIN" serve >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
ready=""
for _ in $(seq 1 150); do # at most ~30 s
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "consumers: the server exited" >&2; cat "$TMP/server.log" >&2; exit 1; fi
  if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/ready"; then ready=1; break; fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "consumers: $BASE_URL/ready never answered 200" >&2; tail -50 "$TMP/server.log" >&2; exit 1; }

# ── The checks: each runs even if an earlier one failed ─────────────────────────────────────────────────────
declare -a RESULTS=()
FAILED=0
check() {
  local name="$1"; shift
  if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",$name,"* ]]; then return 0; fi
  log "$name"
  local start=$SECONDS
  if "$@"; then
    RESULTS+=("PASS  $name ($((SECONDS - start))s)")
  else
    RESULTS+=("FAIL  $name ($((SECONDS - start))s)")
    FAILED=1
  fi
}

spec_lint() {
  (cd "$HERE" && node_modules/.bin/redocly lint "$ROOT/docs/openapi.json" --config redocly.yaml --format=stylish)
}
swagger_ui() {
  (cd "$HERE" && OUTPUT_DIR="$OUT" node swagger-ui.test.mjs)
}
typescript() {
  (
    cd "$TS" &&
      node scripts/generate.mjs &&
      node_modules/.bin/tsc --noEmit -p . &&
      LEADSCORE_URL="$BASE_URL" LEADSCORE_EMAIL="$ADMIN_EMAIL" LEADSCORE_PASSWORD="$ADMIN_PASSWORD" \
        BANK_CSV="$ROOT/model/data/bank.csv" node_modules/.bin/tsx src/demo.ts
  )
}
postman() {
  (cd "$HERE" && node postman.mjs generate && node postman.mjs run)
}

check spec-lint spec_lint
check swagger-ui swagger_ui
check typescript typescript
check postman postman

log "summary"
printf '  %s\n' "${RESULTS[@]}"
echo "  output: ${OUT#"$ROOT"/}/ (screenshots, newman.json, server.log)"
exit "$FAILED"
