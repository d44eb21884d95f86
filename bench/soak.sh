#!/usr/bin/env bash
# Soak test of the release server (see BENCHMARKS.md): on the register bench/load.sh seeds
# (10,000 requests, about 100,000 events), USERS signed-in users each view pages at a fixed
# rate while API clients write requests, events and documents at a fixed rate, for DURATION.
# Reports p50 and p99 per route and every error (there must be none), and every minute the
# server's own memory (RssAnon) and the database's size.
#
#   bash bench/soak.sh [postgres://…]        # default: SQLite in target/bench/
#
# DURATION (default 10m, in minutes), USERS (default 50), PORT (default 18182) and WRITES (0:
# views only) may be set; two runs on different ports (one per backend) can share the machine.
#
# Needs oha (`cargo install oha`): wrk cannot hold a rate, oha's -q does. A PostgreSQL database
# must have been seeded by bench/load.sh (SEED=1) first.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/sign_in.sh
url="${1:-sqlite://target/bench/register.db}"
today=2026-06-01
duration="${DURATION:-10m}"
users="${USERS:-50}"
port="${PORT:-18182}"
base="http://127.0.0.1:$port"
# The same, as a pattern for oha's --rand-regex-url (which takes its dots as they are).
pattern="$base"
work="target/bench/soak-$port"
rm -rf "$work"
mkdir -p "$work"
command -v oha >/dev/null || { echo "needs oha: cargo install oha"; exit 1; }

cargo build --release --quiet --example seed --bin foi-tracker
if [ "$url" = "sqlite://target/bench/register.db" ] && [ ! -f target/bench/register.db ]; then
  ./target/release/examples/seed "$url" 10000 "$today"
fi
foi() { FOI_DATABASE_URL="$url" FOI_TODAY="$today" ./target/release/foi-tracker "$@"; }

# WRAP runs the server under a tool, e.g. WRAP="heaptrack -o target/bench/heap" to see what
# holds its memory (the memory reported is still the server's own process).
FOI_DATABASE_URL="$url" FOI_TODAY="$today" RUST_LOG=warn \
  ${WRAP:-} ./target/release/foi-tracker serve --bind "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $(jobs -p) 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf "$base/livez" >/dev/null && break; sleep 0.2; done
pid=$(pgrep -nf "foi-tracker serve --bind 127.0.0.1:$port")

for n in $(seq 1 "$users"); do
  email="soak$n@example.org"
  echo soak-password-long | foi user add --email "$email" --name "Soak $n" --org "Benchmark NGO" \
    --role researcher --password-stdin > /dev/null 2>&1 || true
  sign_in "$base" "$email" soak-password-long "$work/jar-$n" > "$work/cookie-$n"
  [ -s "$work/cookie-$n" ] || { echo "could not sign in as $email"; exit 1; }
done
token=$(foi token create --email soak1@example.org --name soak)

# One multipart body, sent again and again: the register keeps a document once per content.
boundary=soakboundary
printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="reply.txt"\r\nContent-Type: text/plain\r\n\r\nThe figures you asked for are attached.\r\n--%s--\r\n' \
  "$boundary" "$boundary" > "$work/document.body"

run() {
  local name=$1; shift
  oha --no-tui --output-format json -z "$duration" "$@" > "$work/$name.json" 2> "$work/$name.err" &
}
# Each user: a random request's page every second, the dashboard and the list every 4 s.
# Not every 5 s: that is the server's keep-alive timeout, and a request sent exactly as the
# server closes the idle connection fails in the client (a browser would send it again).
for n in $(seq 1 "$users"); do
  cookie=$(cat "$work/cookie-$n")
  run "page-$n" -q 1 -c 1 -H "Cookie: $cookie" --rand-regex-url "$pattern/requests/[1-9][0-9]{0,3}"
  run "dashboard-$n" -q 0.25 -c 1 -H "Cookie: $cookie" "$base/"
  run "list-$n" -q 0.25 -c 1 -H "Cookie: $cookie" --rand-regex-url "$pattern/requests\\?page=[1-9]"
done
# Writers through the API: 2 new requests, 5 events and 1 document a second. WRITES=0 leaves
# them out, to tell memory that follows the register's growth from memory that follows time
# (with FOI_PAGE_CACHE=false every view is still rendered afresh).
if [ "${WRITES:-1}" != 0 ]; then
  run api-requests -q 2 -c 2 -m POST -H "Authorization: Bearer $token" -T application/json \
    -d '{"title":"Soak: detention figures","body":"Please provide the figures.","authority_id":1,"sent_on":"2026-05-01"}' \
    "$base/api/v1/requests"
  run api-events -q 5 -c 2 -m POST -H "Authorization: Bearer $token" -T application/json \
    -d '{"kind":"note","occurred_on":"2026-05-20"}' --rand-regex-url "$pattern/api/v1/requests/[1-9][0-9]{0,3}/events"
  run api-documents -q 1 -c 1 -m POST -H "Authorization: Bearer $token" \
    -T "multipart/form-data; boundary=$boundary" -D "$work/document.body" \
    --rand-regex-url "$pattern/api/v1/requests/[1-9][0-9]{0,3}/documents"
fi

size() {
  case "$url" in
    postgres*) psql "$url" -Atc "SELECT pg_database_size(current_database()) / 1024" ;;
    *) du -k "${url#sqlite://}" | cut -f1 ;;
  esac
}
minutes=${duration%m}
echo "minute  RssAnon     database"
for minute in $(seq 0 "$minutes"); do
  printf '%6s  %-10s  %s kB\n' "$minute" "$(awk '/RssAnon/ {print $2 " " $3}' /proc/$pid/status)" "$(size)"
  [ "$minute" = "$minutes" ] || sleep 60
done
wait $(jobs -p | grep -v "^$server$") 2>/dev/null || true

# Per route: all users' runs together (oha reports percentiles per run: the worst is shown).
python3 - "$work" <<'EOF'
import glob, json, os, sys
work = sys.argv[1]
routes = {}
for path in glob.glob(os.path.join(work, "*.json")):
    name = os.path.basename(path)[: -len(".json")]
    head, _, tail = name.rpartition("-")
    route = head if tail.isdigit() else name
    try:
        run = json.load(open(path))
    except ValueError:
        print(f"{path}: no report ({open(path[:-5] + '.err').read().strip()})")
        continue
    r = routes.setdefault(route, {"requests": 0, "p50": [], "p99": [], "codes": {}, "errors": {}})
    r["requests"] += sum(run["statusCodeDistribution"].values())
    r["p50"].append(run["latencyPercentiles"]["p50"] or 0)
    r["p99"].append(run["latencyPercentiles"]["p99"] or 0)
    for code, count in run["statusCodeDistribution"].items():
        r["codes"][code] = r["codes"].get(code, 0) + count
    for error, count in run.get("errorDistribution", {}).items():
        # What was still in flight when the duration ran out: oha's end, not the server's.
        if error != "aborted due to deadline":
            r["errors"][error] = r["errors"].get(error, 0) + count
print(f"{'route':16} {'requests':>9} {'p50 ms':>8} {'p99 ms (worst run)':>19}  status codes; errors")
for route, r in sorted(routes.items()):
    p50 = sorted(r["p50"])[len(r["p50"]) // 2] * 1000
    p99 = max(r["p99"]) * 1000
    print(f"{route:16} {r['requests']:>9} {p50:>8.1f} {p99:>19.1f}  {r['codes']}; {r['errors'] or 'none'}")
EOF
