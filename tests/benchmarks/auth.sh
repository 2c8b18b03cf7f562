#!/usr/bin/env bash
# The per-request cost of authentication (issue 19), side by side in one run against the release server on a fresh
# SQLite file: wrk on GET /health (no auth, no database: the HTTP floor) and on GET /api/v1/me (authentication
# only, plus the handler's own read of the account it answers) and GET /api/v1/model (authentication and the model
# card: no database beyond authentication), with the account cache on (AUTH_CACHE_TTL=1s, the default) and off (0s: the account read on every
# request, as before). Prints requests/s, p50 and p99, and /me as a share of /health.
#
#     tests/benchmarks/auth.sh            # DURATION=10s CONNECTIONS=32 by default
#
# Needs wrk (`apt-get install wrk`), curl and python3.
set -euo pipefail

# shellcheck source=release.sh
. "$(dirname "${BASH_SOURCE[0]}")/release.sh"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"

TMP="$(mktemp -d /tmp/leadscore-bench-auth.XXXXXX)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$TMP/bench.db?mode=rwc" STORAGE_DIR="$TMP/storage" BIND="127.0.0.1:$PORT"
export JWT_SECRET="bench-secret-bench-secret-bench-secret-0" BCRYPT_COST=4 RUST_LOG=warn LOG_FORMAT=json
"$BIN" admin create --email bench@bank.example --password 'Bench-pass-1' >/dev/null

wrk_line() { # label url [token]
  local out
  if [ -n "${3:-}" ]; then
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $3" "$2")
  else
    out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '%-34s %10s req/s  p50 %-8s p99 %-8s non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}"
  echo "$rps"
}

for ttl in 1s 0s; do
  AUTH_CACHE_TTL="$ttl" "$BIN" serve >"$TMP/server-$ttl.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$BASE/ready" 2>/dev/null && break; sleep 0.1; done
  TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"identifier":"bench@bank.example","password":"Bench-pass-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["accessToken"])')
  echo "== AUTH_CACHE_TTL=$ttl (wrk -t2 -c$CONNECTIONS -d$DURATION)"
  health=$(wrk_line "GET /health" "$BASE/health" | tee /dev/stderr | tail -1)
  me=$(wrk_line "GET /api/v1/me" "$BASE/api/v1/me" "$TOKEN" | tee /dev/stderr | tail -1)
  model=$(wrk_line "GET /api/v1/model" "$BASE/api/v1/model" "$TOKEN" | tee /dev/stderr | tail -1)
  python3 -c "print(f'/me is {100 * $me / $health:.1f} % of /health, /model {100 * $model / $health:.1f} %')"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
done 2>&1 | grep -v '^[0-9.]*$'
