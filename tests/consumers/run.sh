#!/usr/bin/env bash
# Spec consumers (issues 9 and 21): the checks that real clients of docs/openapi.json work, against a live server.
#
#   bash tests/consumers/run.sh        (or `just consumers`; .ci/run calls it after the Rust suite)
#
# 1. spec-lint      docs/openapi.json passes `redocly lint` (recommended ruleset): 0 errors and 0 warnings
# 2. spectral       docs/openapi.json passes Spectral's `spectral:oas` ruleset (.spectral.yaml): 0 errors, 0 warnings
# 3. swagger-ui     /docs in Debian's Chromium (playwright-core): own-origin assets, Authorize, Try it out on GET /me
# 4. typescript     examples/typescript: regenerate the types, `tsc --noEmit`, run the demo story against the server
# 5. postman        regenerate docs/postman/leadscore.postman_collection.json, newman runs its happy path
# 6. python-client  openapi-python-client generates a client (0 generator warnings); python/story.py tells the
#                   sales-ops story with it against the server
# 7. prism          Prism's validating proxy in front of the server: the same story through `prism proxy --errors`
#                   and python/error_paths.py (400…429) through a second proxy; 0 violations
#
# Installs what is missing, idempotently: Debian's chromium (apt), the two npm trees (`npm ci` from the committed
# lockfiles, only when a lockfile changed) and a Python virtualenv outside the clone from python/requirements.txt
# (only when that file changed). Nothing else is downloaded. Exits non-zero if any check failed.
# ONLY=spec-lint,typescript runs a subset; KEEP_TMP=1 keeps the server's temp dir and log. OPENAPI_SPEC=path tries
# another spec file in spec-lint, spectral, typescript, python-client and prism (e.g. a changed spec before it is
# committed; postman and swagger-ui always use the committed / served one).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/consumers"
TS="$ROOT/examples/typescript"
OUT="$HERE/output"
SPEC="$(realpath "${OPENAPI_SPEC:-$ROOT/docs/openapi.json}")"
export OPENAPI_SPEC="$SPEC" # examples/typescript/scripts/generate.mjs reads it too
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

# The Python client's generator and the generated code's dependencies, pinned, in a virtualenv outside the clone.
PYVENV="${PYCLIENT_VENV:-/tmp/leadscore-pyclient-venv}"
pyvenv_sha="$(sha256sum "$HERE/python/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$PYVENV/.requirements-sha" 2>/dev/null)" != "$pyvenv_sha" ]; then
  log "installing openapi-python-client into $PYVENV"
  rm -rf "$PYVENV"
  python3 -m venv "$PYVENV"
  "$PYVENV/bin/pip" install -q --disable-pip-version-check -r "$HERE/python/requirements.txt"
  echo "$pyvenv_sha" >"$PYVENV/.requirements-sha"
fi

# No telemetry or update checks from the tools at run time.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 CI="${CI:-1}"

# ── The server: debug build, fresh SQLite file and storage dir, an Admin created before serving ─────────────
SERVE_NAME=consumers
# shellcheck source=../support/serve.sh
. "$ROOT/tests/support/serve.sh"
serve_start
# The Prism proxies (check prism) stop with the server, also on Ctrl-C or a failed check.
trap 'rc=$?; set +e; prism_stop; (exit "$rc"); serve_cleanup' EXIT

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

spec_lint() { # redocly has no "fail on warnings" switch: its JSON report is read by spec-report.mjs
  (
    cd "$HERE" &&
      { node_modules/.bin/redocly lint "$SPEC" --config redocly.yaml --format=json \
        >"$OUT/redocly.json" 2>"$OUT/redocly.stderr" || true; } &&
      node spec-report.mjs redocly "$OUT/redocly.json"
  )
}
spectral() {
  (
    cd "$HERE" &&
      { node_modules/.bin/spectral lint "$SPEC" --ruleset .spectral.yaml --format json \
        --output "$OUT/spectral.json" --quiet --fail-severity=hint || true; } &&
      node spec-report.mjs spectral "$OUT/spectral.json"
  )
}
swagger_ui() {
  (cd "$HERE" && OUTPUT_DIR="$OUT" node swagger-ui.test.mjs)
}
typescript() { # tsc and the demo both run (tsx does not type-check), so a type error does not hide a runtime one
  (
    cd "$TS" && node scripts/generate.mjs || exit 1
    rc=0
    node_modules/.bin/tsc --noEmit -p . || { rc=1; echo "typescript: tsc failed (above)"; }
    LEADSCORE_URL="$BASE_URL" LEADSCORE_EMAIL="$ADMIN_EMAIL" LEADSCORE_PASSWORD="$ADMIN_PASSWORD" \
      BANK_CSV="$ROOT/model/data/bank.csv" node_modules/.bin/tsx src/demo.ts || rc=1
    exit "$rc"
  )
}
postman() {
  (cd "$HERE" && node postman.mjs generate && node postman.mjs run)
}

# The generated Python package: $OUT/python/leadscore_client (not committed; regenerated by every run).
PYCLIENT_DIR="$OUT/python"
PYCLIENT_GENERATED=""
generate_python_client() { # once per run; fails on any generator warning
  [ -n "$PYCLIENT_GENERATED" ] && return "$PYCLIENT_GENERATED"
  rm -rf "$PYCLIENT_DIR" && mkdir -p "$PYCLIENT_DIR"
  local rc=0
  # ruff (a pinned dependency of the generator) formats the code: its bin dir on PATH, so no "ruff is not in PATH".
  (cd "$PYCLIENT_DIR" && PATH="$PYVENV/bin:$PATH" COLUMNS=160 "$PYVENV/bin/openapi-python-client" generate \
    --path "$SPEC" --config "$HERE/python/generator.yaml" --meta none \
    --output-path "$PYCLIENT_DIR/leadscore_client" --overwrite --fail-on-warning) >"$OUT/python-generate.log" 2>&1 || rc=1
  cat "$OUT/python-generate.log"
  # --fail-on-warning covers the parser's warnings; anything else the generator prints as a warning fails too.
  if grep -Eqi 'warning|skipping integration|not in PATH' "$OUT/python-generate.log"; then rc=1; fi
  [ -f "$PYCLIENT_DIR/leadscore_client/__init__.py" ] || rc=1
  if [ "$rc" -ne 0 ]; then echo "python-client: the generator reported problems (above); the client is used as generated"; fi
  PYCLIENT_GENERATED="$rc"
  return "$rc"
}
python_story() { # $1: base URL the story talks to; $2: the server itself
  LEADSCORE_CLIENT_DIR="$PYCLIENT_DIR" LEADSCORE_URL="$1" LEADSCORE_DIRECT_URL="$2" LEADSCORE_EMAIL="$ADMIN_EMAIL" \
    LEADSCORE_PASSWORD="$ADMIN_PASSWORD" BANK_CSV="$ROOT/model/data/bank.csv" STORY_LABEL="${3:-python story}" \
    "$PYVENV/bin/python" "$HERE/python/story.py"
}
python_client() {
  local rc=0
  generate_python_client || rc=1
  if [ -f "$PYCLIENT_DIR/leadscore_client/__init__.py" ]; then python_story "$BASE_URL" "$BASE_URL" || rc=1; fi
  return "$rc"
}

PRISM_PIDS=()
prism_stop() {
  local pid
  for pid in "${PRISM_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PRISM_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PRISM_PIDS=()
}
prism_start() { # $1: port, $2: log file, rest: extra flags. Waits until Prism listens (at most ~30 s).
  local port="$1" logf="$2"; shift 2
  (cd "$HERE" && exec node_modules/.bin/prism proxy "$SPEC" "$BASE_URL" -h 127.0.0.1 -p "$port" "$@") \
    >"$logf" 2>&1 &
  PRISM_PIDS+=("$!")
  for _ in $(seq 1 150); do
    grep -q 'Prism is listening' "$logf" 2>/dev/null && return 0
    kill -0 "${PRISM_PIDS[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  echo "prism on port $port did not start:" >&2; cat "$logf" >&2; return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
prism() {
  local rc=0 strict_port errors_port
  generate_python_client || true # its warnings are python-client's finding; the story needs only the code
  [ -f "$PYCLIENT_DIR/leadscore_client/__init__.py" ] || { echo "prism: no generated client"; return 1; }
  strict_port="$(free_port)"; errors_port="$(free_port)"
  # The story: valid requests only, so --errors (a response violation becomes Prism's own 500).
  prism_start "$strict_port" "$OUT/prism-story.log" --errors || { prism_stop; return 1; }
  # The error paths: without --errors, or Prism would answer the invalid requests itself instead of the server.
  prism_start "$errors_port" "$OUT/prism-errors.log" || { prism_stop; return 1; }
  python_story "http://127.0.0.1:$strict_port" "$BASE_URL" "python story via Prism" || rc=1
  PRISM_URL="http://127.0.0.1:$errors_port" LEADSCORE_EMAIL="$ADMIN_EMAIL" LEADSCORE_PASSWORD="$ADMIN_PASSWORD" \
    "$PYVENV/bin/python" "$HERE/python/error_paths.py" || rc=1
  prism_stop
  # Prism's own log of the story proxy: every violation it saw (the story reads the same from sl-violations).
  local n
  # (with --errors, a response violation is logged as the request "terminated with error … VIOLATIONS" instead)
  n="$(grep -Ec 'Violation:|errors#VIOLATIONS' "$OUT/prism-story.log" || true)"
  if [ "$n" -gt 0 ]; then
    echo "prism: $n violation(s) in the story proxy's log (output/prism-story.log):"
    grep -E 'Violation:|errors#VIOLATIONS' "$OUT/prism-story.log" | sed -E 's/^.*(Violation: |\[HTTP SERVER\] )/  /' |
      sort | uniq -c | sort -rn
    rc=1
  fi
  return "$rc"
}

check spec-lint spec_lint
check spectral spectral
check swagger-ui swagger_ui
check typescript typescript
check postman postman
check python-client python_client
check prism prism

log "summary"
printf '  %s\n' "${RESULTS[@]}"
echo "  output: ${OUT#"$ROOT"/}/ (screenshots, newman.json, redocly.json, spectral.json, python/, prism-*.log, server.log)"
exit "$FAILED"
