#!/usr/bin/env bash
# Load benchmark of the register's pages (see BENCHMARKS.md). Seeds 10,000 requests with
# about 100,000 events once, starts the release server, and runs wrk against the dashboard,
# the list, a request page and the bare /livez route of the same server, one after another.
#
#   bash bench/load.sh [postgres://…]        # default: SQLite in target/bench/
#
# Needs wrk (apt-get install wrk), and psql for PostgreSQL. Prints requests/s, p50, p99 and
# the server's peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/sign_in.sh
url="${1:-sqlite://target/bench/register.db}"
today=2026-06-01
connections="${CONNECTIONS:-32}"
duration="${DURATION:-20s}"
mkdir -p target/bench

cargo build --release --quiet --example seed --bin foi-tracker
if [ "$url" = "sqlite://target/bench/register.db" ] && [ ! -f target/bench/register.db ]; then
  ./target/release/examples/seed "$url" 10000 "$today"
elif [ "${SEED:-}" = 1 ]; then
  ./target/release/examples/seed "$url" 10000 "$today"
  # Seeding rewrites every request's index rows, leaving dead rows and no statistics; a
  # server's autovacuum would clean and analyse them, but this machine's runs with it off.
  case "$url" in postgres*) psql -q "$url" -c "VACUUM ANALYZE" ;; esac
fi

start() {
  FOI_DATABASE_URL="$url" FOI_TODAY="$today" FOI_PAGE_CACHE="$1" RUST_LOG=warn \
    ./target/release/foi-tracker serve --bind 127.0.0.1:18181 > target/bench/serve.log 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18181/livez >/dev/null && break; sleep 0.2; done
  sign_in_as_coordinator
}

# As the seeded coordinator, with the session cookie kept for wrk.
sign_in_as_coordinator() {
  cookie=$(sign_in http://127.0.0.1:18181 bench@example.org bench-password target/bench/cookies.txt)
  [ -n "$cookie" ] || { echo "could not sign in as bench@example.org: seed a fresh database (rm -r target/bench)"; exit 1; }
}
trap 'kill $server 2>/dev/null' EXIT

run() {
  local name=$1 path=$2
  local out
  out=$(wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:18181$path")
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<<"$out" || true)
  printf '%-28s %10s req/s   p50 %8s   p99 %8s  %s\n' "$name ($path)" "$rps" "$p50" "$p99" "$errors"
}

pages() {
  run "bare route" /livez
  run "dashboard" /
  run "request list" /requests
  run "request list, filtered" "/requests?status=responded&tag=detention"
  run "request page" /requests/5000
  run "bare route again" /livez
  # VmHWM counts the memory-mapped database once per pooled connection (the operating
  # system's shared page cache); Anonymous is the server's own memory.
  echo "peak memory (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)," \
    "own memory now (Anonymous): $(awk '/^Anonymous:/ {print $2, $3}' /proc/$server/smaps_rollup)"
}

echo "$connections connections, $duration each, database $url"
echo "-- pages cached until a write (the default)"
start true
pages
kill $server; wait $server 2>/dev/null || true
echo "-- every view rendered afresh (FOI_PAGE_CACHE=false): the cost after each write"
start false
pages
