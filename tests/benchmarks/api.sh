#!/usr/bin/env bash
# The end-to-end benchmarks of docs/benchmarks.md, through HTTP against the release server:
#   1. POST /api/v1/predictions ({features}) under load: wrk, 32 connections, requests/s and p50/p99;
#   2. POST /api/v1/customers/score re-scoring all 45,211 customers of bank-full.csv;
#   3. POST /api/v1/campaigns/{id}/run over the whole base, targetLeads 1,000 and 45,211 (first run and re-run).
#
#     tests/benchmarks/api.sh                 # SQLite (a fresh file)
#     BENCH_PG=1 tests/benchmarks/api.sh      # PostgreSQL: a fresh database on TEST_POSTGRES_URL's server, dropped after
#
# Needs wrk (`apt-get install wrk`), curl, python3 and ../shared/data/bank-marketing/bank-full.csv.
set -euo pipefail

# shellcheck source=release.sh
. "$(dirname "${BASH_SOURCE[0]}")/release.sh"
DATA="${DATA:-../shared/data/bank-marketing/bank-full.csv}"
DURATION="${DURATION:-15s}"

TMP="$(mktemp -d /tmp/leadscore-bench.XXXXXX)"
SERVER_PID=""
PG_DB=""
PG_URL="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  if [ -n "$PG_DB" ]; then psql "$PG_URL" -q -c "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

if [ "${BENCH_PG:-0}" = 1 ]; then
  PG_DB="leadscore_bench_$$"
  psql "$PG_URL" -q -c "CREATE DATABASE $PG_DB" >/dev/null
  export DATABASE_URL="${PG_URL%/*}/$PG_DB"
  ENGINE=PostgreSQL
else
  export DATABASE_URL="sqlite://$TMP/bench.db?mode=rwc"
  ENGINE=SQLite
fi
export STORAGE_DIR="$TMP/storage" BIND="127.0.0.1:$PORT" BCRYPT_COST=4 RUST_LOG=warn LOG_FORMAT=json
export JWT_SECRET="bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')" JWT_ACCESS_TTL=2h
export LOGIN_MAX_FAILURES=1000 LOGIN_MAX_FAILURES_PER_IP=1000

"$BIN" admin create --email bench@bank.example --password 'Bench-pass-123' >/dev/null
"$BIN" import "$DATA" >/dev/null
"$BIN" serve >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -fsS -o /dev/null "$BASE/ready" 2>/dev/null && break; sleep 0.2; done

TOKEN=$(curl -fsS "$BASE/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"identifier":"bench@bank.example","password":"Bench-pass-123"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["accessToken"])')
api() { # METHOD PATH [BODY] → body
  curl -fsS -X "$1" "$BASE$2" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' ${3:+-d "$3"}
}
field() { python3 -c "import json,sys; d=json.load(sys.stdin)['data']; print($1)"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); database: $ENGINE; load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Single predictions under load.
cat >"$TMP/predict.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.body = '{"features":{"age":41,"job":"management","marital":"married","education":"tertiary","default":"no","balance":1850,"housing":"no","loan":"no","contact":"cellular","month":"apr","campaign":1,"pdays":92,"previous":2,"poutcome":"success"}}'
LUA
wrk -t2 -c32 -d"$DURATION" --latency -s "$TMP/predict.lua" "$BASE/api/v1/predictions" >"$TMP/wrk.txt"
RPS=$(awk '/Requests\/sec/ {print $2}' "$TMP/wrk.txt")
P50=$(awk '$1=="50%" {print $2}' "$TMP/wrk.txt")
P99=$(awk '$1=="99%" {print $2}' "$TMP/wrk.txt")
NON2XX=$(awk '/Non-2xx/ {print $NF}' "$TMP/wrk.txt")
STORED=$(api GET "/api/v1/predictions?limit=1" | field "d['pagination']['totalItems']")
echo
echo "| benchmark ($ENGINE) | result |"
echo "|---|---|"
echo "| POST /api/v1/predictions, wrk -t2 -c32 -d$DURATION | ${RPS} req/s, p50 ${P50}, p99 ${P99}, non-2xx ${NON2XX:-0}, stored ${STORED} |"

# 2. Re-score the whole base (three times; server-side duration and wall time seen by the client).
for i in 1 2 3; do
  START=$(date +%s%N)
  OUT=$(api POST /api/v1/customers/score '{}')
  END=$(date +%s%N)
  echo "| POST /api/v1/customers/score, run $i | $(echo "$OUT" | field "f\"{d['scored']} scored in {d['durationMs']} ms (server)\"") , $(( (END - START) / 1000000 )) ms (client) |"
done

# 3. Campaign runs over the whole base.
for TARGET in 1000 45211; do
  ID=$(api POST /api/v1/campaigns "{\"name\":\"bench $TARGET\",\"targetLeads\":$TARGET}" | field "d['id']")
  for i in 1 2 3; do
    START=$(date +%s%N)
    OUT=$(api POST "/api/v1/campaigns/$ID/run")
    END=$(date +%s%N)
    echo "| campaign run, targetLeads $TARGET, run $i | $(echo "$OUT" | field "f\"{d['matched']} matched, {d['leads']} leads (+{d['added']} ={d['kept']} -{d['removed']}) in {d['durationMs']} ms (server)\""), $(( (END - START) / 1000000 )) ms (client) |"
  done
done
