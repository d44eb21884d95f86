#!/usr/bin/env bash
# Search benchmark (see BENCHMARKS.md): 10,000 requests with about 100,000 events and 20,000
# documents of generated text (about 3 kB each, a response letter's length). Times indexing
# everything from scratch (`foi-tracker index --from-scratch`), then runs wrk against searches,
# each rendered afresh (FOI_PAGE_CACHE=false), one after another: with one connection, for the
# time a person waits for a search, and with 32, for how many searches the machine answers
# when everyone searches at once (then p99 is mostly the queue).
#
#   bash bench/search.sh [postgres://…]     # default: SQLite in target/bench/search.db
#
# Needs wrk (apt-get install wrk), and psql for PostgreSQL (SEED=1 to seed an empty database).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/sign_in.sh
url="${1:-sqlite://target/bench/search.db}"
today=2026-06-01
connections="${CONNECTIONS:-32}"
duration="${DURATION:-10s}"
mkdir -p target/bench

cargo build --release --quiet --example seed --bin foi-tracker
if [ "$url" = "sqlite://target/bench/search.db" ] && [ ! -f target/bench/search.db ]; then
  ./target/release/examples/seed "$url" 10000 "$today" 20000
elif [ "${SEED:-}" = 1 ]; then
  ./target/release/examples/seed "$url" 10000 "$today" 20000
  case "$url" in postgres*) psql -q "$url" -c "VACUUM ANALYZE" ;; esac
fi

# INDEX=0 skips it, to measure the searches again on the index already built.
if [ "${INDEX:-1}" = 1 ]; then
  echo "-- indexing everything from scratch"
  /usr/bin/time -f "%e s wall, %M kB peak" env FOI_DATABASE_URL="$url" RUST_LOG=warn \
    ./target/release/foi-tracker index --from-scratch
  case "$url" in postgres*) psql -q "$url" -c "VACUUM ANALYZE search_entries" ;; esac
fi

# A server opening the file the moment the indexer let go of it may find it still locked.
for _ in 1 2 3; do
  FOI_DATABASE_URL="$url" FOI_TODAY="$today" FOI_PAGE_CACHE=false RUST_LOG=warn \
    ./target/release/foi-tracker serve --bind 127.0.0.1:18182 > target/bench/search-serve.log 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:18182/livez >/dev/null && break 2; sleep 0.2; done
  sleep 2
done
trap 'kill $server 2>/dev/null' EXIT
cookie=$(sign_in http://127.0.0.1:18182 bench@example.org bench-password target/bench/search-cookies.txt)
[ -n "$cookie" ] || { echo "could not sign in as bench@example.org: seed a fresh database"; exit 1; }

# wrk_line CONNECTIONS PATH: "req/s p50 p99 errors" of one wrk run.
wrk_line() {
  local out
  out=$(wrk -t"$(( $1 < 2 ? 1 : 2 ))" -c"$1" -d"$duration" --latency -H "Cookie: $cookie" "http://127.0.0.1:18182$2")
  printf '%10s %9s %9s %s' "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1 == "50%" {print $2}' <<<"$out")" "$(awk '$1 == "99%" {print $2}' <<<"$out")" \
    "$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr '\n' ' ' || true)"
}

run() {
  local name=$1 path=$2 found
  found=$(curl -sf -H "Cookie: $cookie" "http://127.0.0.1:18182$path" | grep -o '<p class="count-line">[^<]*' | sed 's/.*>//' || true)
  printf '%-34s | 1: %s | %s: %s | %s\n' "$name" "$(wrk_line 1 "$path")" "$connections" "$(wrk_line "$connections" "$path")" "$found"
}

echo "1 and $connections connections (req/s p50 p99), $duration each, database $url, every search rendered afresh"
run "bare route" /livez
run "a rare word (Kuwait)" "/search?q=Kuwait"
run "a common word (Albania)" "/search?q=Albania"
run "a phrase (\"safe house\")" "/search?q=%22safe+house%22"
run "words, one left out" "/search?q=detention+-Eritrea"
run "a word in every request" "/search?q=potential+victims"
run "nothing found" "/search?q=zyzzyva"
run "a common word, one law (FOIA)" "/search?q=Albania&regime=foia"
echo "peak memory (VmHWM): $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status)"
