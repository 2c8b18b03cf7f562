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
SERVE_NAME=consumers
# shellcheck source=../support/serve.sh
. "$ROOT/tests/support/serve.sh"
serve_start

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
