#!/usr/bin/env bash
# Load test (issue 8, "Load"): the release server on loopback under a realistic mix for a bounded time, with wrk.
#
#     bash tests/load/run.sh                  # SQLite (a fresh file)
#     LOAD_PG=1 bash tests/load/run.sh        # PostgreSQL: a fresh database on TEST_POSTGRES_URL's server, dropped after
#     DURATION=20s bash tests/load/run.sh     # a quick check (the recorded figures use the default, 5m)
#
# Steps: build the release binary; create an Admin (`leadscore admin create`) and load the customers with
# `leadscore seed --demo DATA` (the UCI rows plus generated names, e-mails and cities, scored: `q` searches need the
# names); serve; seed.py creates a Manager and SALES_USERS Sales users through the API, a campaign whose leads are
# assigned to the Sales users, and writes their tokens to a Lua file; a warm-up (WARMUP, default 20s) with the same
# mix; then the measured run (mix.lua, weights there). The server's VmRSS (split into anon, file and shmem) is read
# from /proc after the warm-up ("before"), every RSS_EVERY seconds during the run and at the end ("after"), with the
# load average and, on SQLite, the size of the write-ahead log.
#
# Both phases always run to the end. The script fails (non-zero exit) if any request of the warm-up or the run
# answered non-2xx or hit a socket error or timeout (it then prints the server's error messages), and at once if the
# server dies. The latencies it prints are per request, as measured; wrk's own percentiles (the "wrk:" line) include
# wrk 4's coordinated-omission correction (synthetic samples), so their tail is higher. Environment: DURATION (5m), WARMUP (20s), CONNECTIONS (16), THREADS (2), TIMEOUT (10s,
# wrk's per-request timeout), DATA (../shared/data/bank-marketing/bank-full.csv, else model/data/bank.csv),
# SALES_USERS (3), LEADS_PER_SALES (1000), RSS_EVERY (DURATION/10), BCRYPT_COST (the server's default, 12),
# TEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432/postgres), CARGO_TARGET_DIR (/tmp/leadscore-target),
# KEEP_TMP=1 keeps the temporary directory (database, server log, wrk output), LOAD_WEIGHTS (another mix, for
# diagnosis: see mix.lua).
# Needs wrk (`apt-get install -y wrk`), curl, python3, and psql for LOAD_PG=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/load"
cd "$ROOT"

DURATION="${DURATION:-5m}"
WARMUP="${WARMUP:-20s}"
CONNECTIONS="${CONNECTIONS:-16}"
THREADS="${THREADS:-2}"
TIMEOUT="${TIMEOUT:-10s}"
export SALES_USERS="${SALES_USERS:-3}" LEADS_PER_SALES="${LEADS_PER_SALES:-1000}"
if [ -z "${DATA:-}" ]; then
  DATA=../shared/data/bank-marketing/bank-full.csv
  [ -f "$DATA" ] || DATA=model/data/bank.csv
fi
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/tmp/leadscore-target}"

log() { printf '\n\033[1m== load: %s\033[0m\n' "$*"; }
seconds_of() { # 20s | 5m | 1h | 30 → seconds
  local v="$1"
  case "$v" in
    *s) echo "${v%s}" ;;
    *m) echo $((${v%m} * 60)) ;;
    *h) echo $((${v%h} * 3600)) ;;
    *) echo "$v" ;;
  esac
}
command -v wrk >/dev/null || { echo "load: wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
[ -f "$DATA" ] || { echo "load: $DATA not found" >&2; exit 1; }
RUN_SECONDS="$(seconds_of "$DURATION")"
RSS_EVERY="${RSS_EVERY:-$((RUN_SECONDS / 10 > 0 ? RUN_SECONDS / 10 : 1))}"

log "cargo build --release --workspace --bin leadscore (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
cargo build --release --quiet --workspace --bin leadscore
BIN="$CARGO_TARGET_DIR/release/leadscore"
[ -x "$BIN" ] || { echo "load: $BIN not found after cargo build" >&2; exit 1; }

TMP="$(mktemp -d /tmp/leadscore-load.XXXXXX)"
SERVER_PID=""
SAMPLER_PID=""
PG_DB=""
cleanup() {
  local rc=$?
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$PG_DB" ]; then
    psql "$PG_URL" -q -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 ||
      echo "load: could not drop database $PG_DB" >&2
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
export BASE_URL="http://127.0.0.1:$PORT"
if [ "${LOAD_PG:-0}" = 1 ]; then
  PG_DB="leadscore_load_$$"
  psql "$PG_URL" -q -c "CREATE DATABASE $PG_DB" >/dev/null
  export DATABASE_URL="${PG_URL%/*}/$PG_DB"
  ENGINE=PostgreSQL
else
  export DATABASE_URL="sqlite://$TMP/load.db?mode=rwc"
  ENGINE=SQLite
fi
export STORAGE_DIR="$TMP/storage" BIND="127.0.0.1:$PORT" RUST_LOG=warn LOG_FORMAT=json
export JWT_SECRET="load-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" JWT_ACCESS_TTL=2h
export ADMIN_EMAIL=load.admin@bank.example ADMIN_PASSWORD=Load-Admin-pw1
# BCRYPT_COST is left to the server's default (12) unless the caller sets it: logins are meant to cost what they
# cost in production. Successful logins do not count towards LOGIN_MAX_FAILURES, so the throttle stays as it is.

log "$ENGINE database; customers from $DATA"
"$BIN" admin create --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" --name "Load Admin" >"$TMP/admin.log" 2>&1 ||
  { cat "$TMP/admin.log" >&2; exit 1; }
"$BIN" seed --demo "$DATA" >"$TMP/seed.log" 2>&1 || { cat "$TMP/seed.log" >&2; exit 1; }
grep -v '"level"' "$TMP/seed.log" | tail -2

"$BIN" serve >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
ready=""
for _ in $(seq 1 150); do
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "load: the server exited" >&2; cat "$TMP/server.log" >&2; exit 1; }
  if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/ready" 2>/dev/null; then ready=1; break; fi
  sleep 0.2
done
[ -n "$ready" ] || { echo "load: $BASE_URL/ready never answered 200" >&2; tail -50 "$TMP/server.log" >&2; exit 1; }

log "seeding accounts, campaign and leads through the API"
STATE_FILE="$TMP/state.lua" python3 "$HERE/seed.py"

rss_parts() { # VmRSS RssAnon RssFile RssShmem (KiB)
  awk '/^(VmRSS|RssAnon|RssFile|RssShmem):/ {v[$1] = $2} END {print v["VmRSS:"], v["RssAnon:"], v["RssFile:"], v["RssShmem:"]}' \
    "/proc/$SERVER_PID/status"
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
wal_mib() { # size of SQLite's write-ahead log ("-" on PostgreSQL)
  if [ -f "$TMP/load.db-wal" ]; then du -k "$TMP/load.db-wal" | awk '{printf "%.1f", $1 / 1024}'; else echo -; fi
}
run_wrk() { # PHASE DURATION OUTPUT
  LOAD_STATE="$TMP/state.lua" LOAD_PHASE="$1" LOAD_THREADS="$THREADS" LOAD_REPORT="$TMP/$1.report" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --timeout "$TIMEOUT" --latency -s "$HERE/mix.lua" "$BASE_URL" >"$3" 2>&1 ||
    { cat "$3" >&2; echo "load: wrk failed" >&2; return 1; }
}
FAILURES=()
check() { # PHASE: records a failure for any non-2xx or socket error; stops at once if the server died
  local report="$TMP/$1.report" non2xx socket
  [ -f "$report" ] || { echo "load: $1 wrote no report" >&2; exit 1; }
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "load: the server died during the $1" >&2; tail -40 "$TMP/server.log" >&2; exit 1; }
  non2xx="$(awk -F= '$1=="non2xx" {print $2}' "$report")"
  socket="$(awk -F= '$1=="socket_errors" {print $2}' "$report")"
  if [ "$non2xx" != 0 ] || [ "$socket" != 0 ]; then
    FAILURES+=("$1: $non2xx non-2xx responses, $socket socket errors")
  fi
}

log "warm-up: $WARMUP, same mix, its own leads"
run_wrk warmup "$WARMUP" "$TMP/warmup.txt"
sed -n '/^kind/,$p' "$TMP/warmup.txt"
check warmup

RSS_BEFORE_PARTS="$(rss_parts)"
LOAD_BEFORE="$(loadavg)"
: >"$TMP/rss.txt"
(
  start=$SECONDS
  while sleep "$RSS_EVERY"; do
    kill -0 "$SERVER_PID" 2>/dev/null || break
    echo "$((SECONDS - start)) $(rss_parts) $(loadavg) $(wal_mib)" >>"$TMP/rss.txt"
  done
) &
SAMPLER_PID=$!

log "run: $DURATION, $CONNECTIONS connections, $THREADS threads, against $ENGINE; load average $LOAD_BEFORE"
STARTED="$(date -u +'%Y-%m-%d %H:%M UTC')"
run_wrk main "$DURATION" "$TMP/main.txt"
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
RSS_AFTER_PARTS="$(rss_parts)"
LOAD_AFTER="$(loadavg)"
sed -n '/^kind/,$p' "$TMP/main.txt"

log "summary ($ENGINE)"
echo "started $STARTED; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "git: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates migration Cargo.lock 2>/dev/null || echo ' + uncommitted changes in crates/migration')"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT, mix tests/load/mix.lua; bcrypt cost ${BCRYPT_COST:-12 (default)}"
echo "load average: before $LOAD_BEFORE, after $LOAD_AFTER; $(uptime)"
mib() { awk '{printf "%.1f MiB (anon %.1f, file %.1f, shmem %.1f)", $1 / 1024, $2 / 1024, $3 / 1024, $4 / 1024}'; }
echo "RSS: before $(echo "$RSS_BEFORE_PARTS" | mib) after the $WARMUP warm-up; after $(echo "$RSS_AFTER_PARTS" | mib)"
echo "RSS samples (s into the run: VmRSS = anon + file + shmem, MiB; load average; SQLite WAL file, MiB):"
awk '{printf "  %4ds %6.1f = %6.1f + %5.1f + %5.1f   load %s %s %s   WAL %s\n", $1, $2 / 1024, $3 / 1024, $4 / 1024, $5 / 1024, $6, $7, $8, $9}' \
  "$TMP/rss.txt"
if [ "$ENGINE" = SQLite ]; then
  echo "database files: $(du -k "$TMP"/load.db* | awk '{printf "%s %.1f MiB  ", $2, $1 / 1024}' | sed "s#$TMP/##g")"
fi
echo "report: $(tr '\n' ' ' <"$TMP/main.report")"
check main
if [ "${#FAILURES[@]}" -gt 0 ]; then
  echo "server errors logged (first 5 distinct messages, with counts):"
  grep '"level":"ERROR"' "$TMP/server.log" | sed -E 's/^.*"error":"([^"]*)".*$/\1/' | sort | uniq -c | sort -rn | head -5 || true
  echo "load: FAILED ($ENGINE) — $(IFS=';'; echo "${FAILURES[*]}")" >&2
  exit 1
fi
echo "load: OK — no non-2xx responses, no socket errors ($ENGINE)"
