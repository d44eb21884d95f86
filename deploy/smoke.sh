#!/usr/bin/env bash
# Proves the Dockerfile and docker-compose.yml on a machine with podman and no Docker engine:
# builds the image, brings `app` and `db` up with podman-compose, and checks over HTTP that
# the app answers, that its migrations ran on PostgreSQL, that a request created before
# `down` and `up` is there after them, and that `stop` ends the app with exit status 0, not
# a kill. Run it as root after changing the Dockerfile, docker-compose.yml or how `serve`
# starts and stops, and paste its last lines into the README's "Deployment" section. The
# first run takes long (base images, a release build); later runs reuse the cached images
# and cargo's build cache.
#
# Where it cannot do as Docker would, it works around, and says so as it goes:
# - No image can be pulled here: the Debian base is made with debootstrap and `podman
#   import`; the Rust build image is that base with this machine's Rust toolchain; the
#   PostgreSQL image is a stand-in made from Debian's package with the official image's
#   environment interface (deploy/stand-ins/). They are kept between runs.
# - crun refuses this kernel's cgroup layout, and podman's default ulimits fail here: podman
#   runs with its own containers.conf (runtime runc, no default ulimits).
# - podman builds OCI images by default, which have no HEALTHCHECK: the image is built with
#   `--format docker`.
# - podman-compose 1.0.3 reads .env over the environment, ignores `profiles` and `depends_on`
#   conditions, stops with a 1 s grace by default and has no `config` command; podman runs
#   no healthchecks without systemd.
#
# Environment: SMOKE_PORT (default 18080) is where the app is published on 127.0.0.1;
# SMOKE_KEEP=1 leaves the stack running at the end; DEBIAN_MIRROR overrides the mirror that
# debootstrap uses (default: this machine's apt source).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
port=${SMOKE_PORT:-18080}
url=http://127.0.0.1:$port
project=foi-smoke
app=${project}_app_1
db=${project}_db_1
image=localhost/foi-tracker:smoke

step() { printf '\n== %s (%ds)\n' "$*" "$(( $(date +%s) - started ))"; }
workaround() { printf '   workaround: %s\n' "$*"; }
passed=()
pass() { passed+=("$*"); printf '   ok: %s\n' "$*"; }
fail() {
    printf '\nFAIL: %s\n' "$*" >&2
    exit 1
}

if [ "$(id -u)" != 0 ]; then
    fail "run as root: podman builds and runs rootful containers here"
fi

work=$(mktemp -d /tmp/foi-smoke.XXXXXX)
compose_dir=$work/compose
pc() { podman-compose -p "$project" -f "$compose_dir/docker-compose.yml" "$@" >>"$work/compose.log" 2>&1; }

cleanup() {
    local status=$?
    if [ "$status" != 0 ]; then
        echo "--- the last of podman-compose's output:" >&2
        tail -n 20 "$work/compose.log" 2>/dev/null >&2 || true
        echo "--- the app's last log lines:" >&2
        podman logs --tail 20 "$app" 2>&1 >&2 || true
    fi
    if [ "${SMOKE_KEEP:-}" = 1 ] && [ -f "$compose_dir/docker-compose.yml" ]; then
        echo "SMOKE_KEEP=1: left running; stop with: podman-compose -p $project -f $compose_dir/docker-compose.yml down -v -t 45"
        return
    fi
    podman rm -f "${project}_alone" >/dev/null 2>&1 || true
    podman volume rm -f "${project}_alone_data" >/dev/null 2>&1 || true
    if [ -f "$compose_dir/docker-compose.yml" ]; then
        podman-compose -p "$project" -f "$compose_dir/docker-compose.yml" down -v -t 45 >/dev/null 2>&1 || true
    fi
    # podman-compose 1.0.3 leaves the project's network behind.
    podman network rm -f "${project}_default" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

step "tools"
missing=()
for tool in podman podman-compose runc debootstrap curl; do
    command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman podman-compose runc debootstrap curl >/dev/null
fi
cat >"$work/containers.conf" <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF=$work/containers.conf
workaround "podman runs with runtime = runc and default_ulimits = [] (crun refuses this kernel's cgroups)"
echo "   $(podman --version), podman-compose $(podman-compose version 2>/dev/null | awk '/podman-compose/ {print $NF; exit}')"

# Images are tagged with a hash of what they are made from, so that a change rebuilds them
# and an unchanged one is reused.
digest() { cat "$@" | sha256sum | cut -c1-12; }

step "base image (stands in for debian:bookworm-slim)"
base=localhost/foi-smoke/debian:bookworm-minbase
if podman image exists "$base"; then
    echo "   $base: kept from an earlier run"
else
    mirror=${DEBIAN_MIRROR:-$(
        { awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null
          awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null; } | head -n 1
    )}
    [ -n "$mirror" ] || fail "no Debian mirror in this machine's apt sources: set DEBIAN_MIRROR"
    echo "   debootstrap --variant=minbase bookworm from $mirror"
    debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 5 "$work/debootstrap.log"; fail "debootstrap failed"; }
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
    tar -C "$work/rootfs" --numeric-owner -c . \
        | podman import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
    rm -rf "$work/rootfs"
    echo "   $base: made with debootstrap and podman import"
fi

step "Rust build image (stands in for rust:1-bookworm)"
sysroot=$(rustc --print sysroot)
rust=localhost/foi-smoke/rust:$(rustc --version | awk '{print $2}')-$(digest deploy/stand-ins/rust.Containerfile /usr/local/share/ca-certificates/*.crt)
if podman image exists "$rust"; then
    echo "   $rust: kept from an earlier run"
else
    ctx=$work/rust
    mkdir -p "$ctx/toolchain" "$ctx/ca-certificates"
    # The toolchain without its documentation; hard links where the file system allows.
    for part in bin lib libexec etc; do
        cp -al "$sysroot/$part" "$ctx/toolchain/" 2>/dev/null || cp -a "$sysroot/$part" "$ctx/toolchain/"
    done
    cp /usr/local/share/ca-certificates/*.crt "$ctx/ca-certificates/" 2>/dev/null || true
    podman build --format docker --build-arg BASE="$base" -t "$rust" \
        -f deploy/stand-ins/rust.Containerfile "$ctx" >"$work/rust-build.log" 2>&1 \
        || { tail -n 20 "$work/rust-build.log"; fail "the Rust build image did not build"; }
    rm -rf "$ctx"
    echo "   $rust: $base with $(rustc --version)"
fi

step "PostgreSQL image (a stand-in for the official postgres image)"
postgres=localhost/foi-smoke/postgres:15-$(digest deploy/stand-ins/postgres.Containerfile deploy/stand-ins/postgres-entrypoint.sh)
if podman image exists "$postgres"; then
    echo "   $postgres: kept from an earlier run"
else
    podman build --format docker --build-arg BASE="$base" -t "$postgres" \
        -f deploy/stand-ins/postgres.Containerfile deploy/stand-ins >"$work/postgres-build.log" 2>&1 \
        || { tail -n 20 "$work/postgres-build.log"; fail "the PostgreSQL stand-in did not build"; }
    echo "   $postgres: Debian's postgresql-15 with the official image's environment interface"
fi

step "app image (the Dockerfile)"
workaround "podman build --format docker, since an OCI image drops HEALTHCHECK"
build_started=$(date +%s)
podman build --format docker --build-arg RUST_IMAGE="$rust" --build-arg DEBIAN_IMAGE="$base" \
    -t "$image" . >"$work/app-build.log" 2>&1 \
    || { tail -n 30 "$work/app-build.log"; fail "the Dockerfile did not build"; }
build_seconds=$(( $(date +%s) - build_started ))
built="built in ${build_seconds}s"
if grep -q -- '--> Using cache' "$work/app-build.log"; then
    built="$built (unchanged sources: layers from cache)"
fi
user=$(podman image inspect --format '{{.Config.User}}' "$image")
healthcheck=$(podman image inspect --format '{{join .Config.Healthcheck.Test " "}}' "$image" 2>/dev/null || true)
size=$(podman image inspect --format '{{.Size}}' "$image")
libraries=$(podman run --rm --entrypoint ldd "$image" /usr/local/bin/foi-tracker 2>>"$work/podman.log" \
    | awk '$1 !~ /^(linux-vdso|\/lib64\/ld-linux)/ {sub(/\.so.*/, "", $1); print $1}' | sort | paste -sd, -)
echo "   $built: $((size / 1000000)) MB, user $user, links $libraries"
echo "   HEALTHCHECK: $healthcheck"
case "$user" in "" | root | 0 | 0:*) fail "the image runs as root" ;; esac
[[ $healthcheck == *"foi-tracker healthcheck"* ]] || fail "the image has no HEALTHCHECK running foi-tracker healthcheck"
[[ $libraries != *libpq* && $libraries != *libssl* && $libraries != *libsqlite* ]] \
    || fail "the binary links a library the runtime image lacks: $libraries"
pass "image $built: $((size / 1000000)) MB, runs as $user, HEALTHCHECK foi-tracker healthcheck, links $libraries only"

step "the image alone, on SQLite in its volume"
alone=${project}_alone
podman rm -f "$alone" >/dev/null 2>&1 || true
podman volume rm -f "${alone}_data" >/dev/null 2>&1 || true
podman run -d --name "$alone" --read-only -v "${alone}_data:/data" -p "127.0.0.1:$((port + 1)):8080" \
    -e FOI_SESSION_KEY="$(head -c 64 /dev/urandom | base64 -w 0)" "$image" >/dev/null 2>>"$work/podman.log"
for _ in $(seq 1 60); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((port + 1))/healthz")" = 200 ] && break
    sleep 1
done
database=$(podman exec "$alone" stat -c '%A %U %n' /data/foi-tracker.db 2>&1 || true)
podman stop -t 45 "$alone" >/dev/null 2>>"$work/podman.log"
alone_exit=$(podman inspect --format '{{.State.ExitCode}}' "$alone")
podman rm "$alone" >/dev/null 2>>"$work/podman.log"
podman volume rm "${alone}_data" >/dev/null
[[ $database == "-rw------- foi-tracker /data/foi-tracker.db" ]] \
    || fail "the image alone did not keep its SQLite database in /data, owner-only: $database"
[ "$alone_exit" = 0 ] || fail "the image alone exited $alone_exit on stop"
pass "the image alone, root file system read-only, answers on SQLite kept in its volume ($database)"

step "compose up: app and db"
# podman-compose reads .env over the environment: it gets a folder of its own with a copy of
# docker-compose.yml beside an .env of the test's, and yours is left alone.
mkdir -p "$compose_dir"
cp docker-compose.yml "$compose_dir/"
cat >"$compose_dir/.env" <<EOF
FOI_SESSION_KEY=$(head -c 64 /dev/urandom | base64 -w 0)
POSTGRES_PASSWORD=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
FOI_PUBLIC_URL=$url
FOI_PUBLISH=127.0.0.1:$port
FOI_IMAGE=$image
POSTGRES_IMAGE=$postgres
EOF
workaround "podman-compose reads .env over the environment: it runs a copy of docker-compose.yml beside an .env of its own"
podman-compose -p "$project" -f "$compose_dir/docker-compose.yml" down -v -t 45 >/dev/null 2>&1 || true

# podman runs a container's healthcheck only when asked (systemd timers would ask).
healthy() { podman healthcheck run "$1" >/dev/null 2>&1; }
wait_healthy() {
    for _ in $(seq 1 60); do
        healthy "$1" && return 0
        sleep 1
    done
    fail "$1 did not become healthy within a minute"
}
answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$url$1")" = 200 ]; }
wait_answers() {
    for _ in $(seq 1 90); do
        answers "$1" && return 0
        sleep 1
    done
    fail "$url$1 did not answer 200 within 90 s"
}

pc up -d --no-build db || fail "podman-compose up db failed"
workaround "podman-compose ignores depends_on conditions: the script waits for db to be healthy, then starts app"
workaround "podman runs no healthchecks without systemd: the script runs them with podman healthcheck run"
wait_healthy "$db"
pc up -d --no-build app || fail "podman-compose up app failed"
workaround "podman-compose ignores profiles: it names app and db, so mailpit (dev) is not started"
wait_answers /healthz
pass "compose up with PostgreSQL: $url/healthz answers 200"
wait_healthy "$app"
pass "the app container is healthy: its HEALTHCHECK (foi-tracker healthcheck) passes"

step "migrations on PostgreSQL"
psql_db() { podman exec "$db" psql -U foi -d foi -v ON_ERROR_STOP=1 -tAc "$1"; }
applied=$(psql_db 'select count(*) from __diesel_schema_migrations')
expected=$(find migrations/postgres -mindepth 1 -maxdepth 1 -type d | wc -l)
tables=$(psql_db "select count(*) from information_schema.tables where table_schema = 'public'")
[ "$applied" = "$expected" ] || fail "$applied of $expected migrations applied on PostgreSQL"
readyz=$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")
[ "$readyz" = 200 ] || fail "$url/readyz answered $readyz"
pass "migrations ran on PostgreSQL: $applied of $expected applied, $tables tables; /readyz answers 200"

step "a request, before down and up"
# The first administrator, as the README says; administrators file no requests, so a
# researcher of the same organisation files one.
add_user() {
    head -c 18 /dev/urandom | base64 -w 0 | podman-compose -p "$project" \
        -f "$compose_dir/docker-compose.yml" exec -T app foi-tracker user add --email "$1" \
        --name "Smoke $2" --org "Smoke test" --role "$2" --password-stdin >>"$work/compose.log" 2>&1 \
        || fail "docker compose exec app foi-tracker user add --role $2 failed"
}
add_user admin@example.org admin
add_user researcher@example.org researcher
# podman-compose prints the commands it runs on the same standard output: the token is the
# line that has the form of one.
token=$(podman-compose -p "$project" -f "$compose_dir/docker-compose.yml" \
    exec -T app foi-tracker token create --email researcher@example.org 2>>"$work/compose.log" \
    | tr -d '\r' | grep -E '^foi_[A-Za-z0-9_-]+$' | tail -n 1 || true)
[ -n "$token" ] || fail "foi-tracker token create printed no token"
api() { curl -s -H "Authorization: Bearer $token" "$@"; }
authority=$(api "$url/api/v1/authorities" | python3 -c '
import json, sys
answer = json.load(sys.stdin)
rows = answer if isinstance(answer, list) else answer.get("authorities", answer.get("items", []))
print(next(a["id"] for a in rows if a["name"] == "Home Office"))')
title="Smoke test $(date -u +%FT%TZ)"
created=$(api -o "$work/created.json" -w '%{http_code}' -X POST "$url/api/v1/requests" \
    -H 'content-type: application/json' \
    -d "{\"title\": \"$title\", \"body\": \"Please send the figures.\", \"authority_id\": $authority, \"sent_on\": \"$(date -u +%F)\"}")
[ "$created" = 201 ] || fail "POST /api/v1/requests answered $created: $(cat "$work/created.json")"
id=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["id"])' "$work/created.json")
pass "an administrator and a researcher added with compose exec; request $id created through the API"

step "stop"
stop_started=$(date +%s%N)
pc stop -t 45 app || fail "podman-compose stop app failed"
workaround "podman-compose stops with a 1 s grace by default: stop and down get -t 45, the stop_grace_period of docker-compose.yml"
stop_ms=$(( ($(date +%s%N) - stop_started) / 1000000 ))
stop_seconds=$((stop_ms / 1000)).$(( (stop_ms % 1000) / 100 ))
exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$app")
oom=$(podman inspect --format '{{.State.OOMKilled}}' "$app")
# With FOI_LOG_FORMAT=json (the image's default) every line is one JSON object.
podman logs "$app" >"$work/app.log" 2>&1
log_lines=$(python3 -c '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for number, line in enumerate(lines, 1):
    try:
        json.loads(line)
    except ValueError:
        sys.exit(f"line {number} of the log is not JSON: {line[:200]}")
print(len(lines))' "$work/app.log") || fail "the app's log is not JSON throughout"
last_message=$(tail -n 1 "$work/app.log" | python3 -c 'import json, sys; print(json.load(sys.stdin)["fields"]["message"])')
echo "   the app's log: $log_lines lines, each a JSON object; the last: \"$last_message\""
[ "$exit_code" = 0 ] || fail "the app exited with status $exit_code on stop (137 is a kill after the grace period)"
[ "$oom" = false ] || fail "the app was killed for memory"
[ "$last_message" = "foi-tracker stopped" ] || fail "the app's last log line is \"$last_message\", not \"foi-tracker stopped\""
pass "stop: the app exited 0 on SIGTERM in ${stop_seconds}s, not killed; its log ($log_lines lines) is JSON throughout and ends \"foi-tracker stopped\""

step "down and up"
pc down -t 45 || fail "podman-compose down failed"
volumes=$(podman volume ls --format '{{.Name}}' | grep -c "^${project}_" || true)
echo "   after down: $volumes named volumes kept"
# The app first and the database after it: start order does not matter, since serve waits,
# saying so in its log, until its database answers.
# (Without -d: podman-compose 1.0.3 passes -d on to `podman create`, which refuses it.)
pc up --no-build --no-start db app || fail "podman-compose up --no-start failed"
podman start "$app" >/dev/null 2>>"$work/podman.log"
for _ in $(seq 1 30); do
    podman logs "$app" 2>&1 | grep -q 'does not answer yet' && break
    sleep 1
done
podman start "$db" >/dev/null 2>>"$work/podman.log"
wait_answers /healthz
waits=$(podman logs "$app" 2>&1 | grep -c 'does not answer yet' || true)
[ "$waits" -gt 0 ] || fail "the app, started before its database, logged no wait for it"
echo "   up again, the app started before db: serve logged $waits wait(s) for its database, then answered"
status=$(api -o "$work/after.json" -w '%{http_code}' "$url/api/v1/requests/$id")
[ "$status" = 200 ] || fail "GET /api/v1/requests/$id after down and up answered $status"
kept=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["title"])' "$work/after.json")
[ "$kept" = "$title" ] || fail "request $id came back as \"$kept\", not \"$title\""
pass "data kept across down and up: request $id \"$title\" read back with the same token; the app started before db waited for it"

step "PASS"
for line in "${passed[@]}"; do
    printf 'PASS  %s\n' "$line"
done
