# Sourced by the scripts that test a live server (tests/consumers/run.sh, tests/schemathesis/run.sh): builds the
# debug binary, creates an Admin on a fresh SQLite file, serves on a free loopback port and waits for /ready. The
# caller sets ROOT and OUT; afterwards BASE_URL, ADMIN_EMAIL, ADMIN_PASSWORD, BIN, TMP and SERVER_PID are set, and an
# EXIT trap stops the server and copies its log to $OUT/server.log (KEEP_TMP=1 keeps the temp dir).

serve_log() { printf '\n\033[1m== %s: %s\033[0m\n' "${SERVE_NAME:-server}" "$*"; }

serve_cleanup() {
  local rc=$?
  if [ -n "${SERVER_PID:-}" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  mkdir -p "$OUT" && cp "$TMP/server.log" "$OUT/server.log" 2>/dev/null || true
  if [ "${KEEP_TMP:-0}" = 1 ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$rc"
}

serve_start() {
  serve_log "cargo build (debug)"
  # --workspace: the same feature set as the test build, so nothing is compiled twice.
  cargo build -q --workspace --bin leadscore
  local target_dir="${CARGO_TARGET_DIR:-target}"
  case "$target_dir" in /*) ;; *) target_dir="$ROOT/$target_dir" ;; esac
  BIN="$target_dir/debug/leadscore"
  [ -x "$BIN" ] || { echo "$BIN not found after cargo build" >&2; exit 1; }

  TMP="$(mktemp -d /tmp/leadscore-live.XXXXXX)"
  SERVER_PID=""
  trap serve_cleanup EXIT
  trap 'exit 130' INT TERM

  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
  export BASE_URL="http://127.0.0.1:$port"
  # The README's first Admin, which is also the login example in the spec, so examples work as documented.
  export ADMIN_EMAIL="admin@bank.example"
  export ADMIN_PASSWORD="Choose-a-good-one-1"
  export DATABASE_URL="sqlite://$TMP/db.sqlite?mode=rwc"
  export STORAGE_DIR="$TMP/storage"
  export BIND="127.0.0.1:$port"
  export JWT_SECRET="live-check-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  export BCRYPT_COST=4 LOG_FORMAT=json RUST_LOG="${RUST_LOG:-warn}"
  mkdir -p "$STORAGE_DIR" "$OUT"

  serve_log "server on $BASE_URL (database $TMP/db.sqlite)"
  "$BIN" --database-url "$DATABASE_URL" admin create --email "$ADMIN_EMAIL" --password "$ADMIN_PASSWORD" \
    --name "Live Admin" >"$TMP/admin.log" 2>&1 || { cat "$TMP/admin.log" >&2; exit 1; }
  "$BIN" serve >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  local ready=""
  for _ in $(seq 1 150); do # at most ~30 s
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "the server exited" >&2; cat "$TMP/server.log" >&2; exit 1; fi
    if curl -fsS -o /dev/null --max-time 2 "$BASE_URL/ready"; then ready=1; break; fi
    sleep 0.2
  done
  [ -n "$ready" ] || { echo "$BASE_URL/ready never answered 200" >&2; tail -50 "$TMP/server.log" >&2; exit 1; }
}
