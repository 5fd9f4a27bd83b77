#!/usr/bin/env bash
# The split topology on one machine: every service in its own process on
# PostgreSQL + Redis + Kafka, two replicas each of event, participation,
# distribution and analytics, and nginx (deploy/nginx.conf) in front on
# 127.0.0.1:8090.
#   scripts/cluster.sh up       # start everything (backing services too when local and down)
#   scripts/cluster.sh status   # each process's /readyz, and the proxy's
#   scripts/cluster.sh down     # SIGTERM to every process (they drain), nginx quits
# Settings (environment):
#   KEM_BIN                  the kem binary (default target/release/kem, else target/debug/kem)
#   KEM_CLUSTER_DATABASE_URL default postgres://postgres@127.0.0.1:5432/kem_cluster (created if missing)
#   KEM_CLUSTER_CACHE_URL    default redis://127.0.0.1:6379/3
#   KEM_CLUSTER_BUS_URL      default: a tansu broker started by scripts/kafka.sh on port 19092
# State (pids, data dirs, logs, nginx's files) lives in .cluster/.
set -euo pipefail

cmd="${1:-status}"
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.cluster"
proxy="http://127.0.0.1:8090"
export PATH="$HOME/.cargo/bin:$PATH"

# name:service:port — ports match the upstreams in deploy/nginx.conf.
PROCESSES=(
    user-1:user:18101
    event-1:event:18111 event-2:event:18112
    ai-1:ai:18121
    content-1:content:18131
    distribution-1:distribution:18141 distribution-2:distribution:18142
    sandbox-1:sandbox,messaging_sandbox:18151
    participation-1:participation:18161 participation-2:participation:18162
    analytics-1:analytics:18171 analytics-2:analytics:18172
)

kem_bin() {
    local target="${CARGO_TARGET_DIR:-$root/target}"
    if [ -n "${KEM_BIN:-}" ]; then
        echo "$KEM_BIN"
    elif [ -x "$target/release/kem" ]; then
        echo "$target/release/kem"
    elif [ -x "$target/debug/kem" ]; then
        echo "$target/debug/kem"
    else
        (cd "$root" && cargo build --release -p kem >&2)
        echo "$target/release/kem"
    fi
}

ensure_nginx() {
    if ! command -v nginx >/dev/null 2>&1; then
        echo "installing nginx from Debian's packages" >&2
        apt-get install -y nginx-light >&2 || { apt-get update >&2 && apt-get install -y nginx-light >&2; }
    fi
}

ensure_backing_services() {
    if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    fi
    if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
            --dir /tmp --logfile "$state/redis.log"
    fi
}

create_database() {
    local url="$1" name="${1##*/}"
    name="${name%%\?*}"
    local admin="${url%/*}/postgres"
    if ! psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
        psql "$admin" -qc "CREATE DATABASE \"$name\""
        # A new database: whatever the cache holds belongs to an older one
        # (ids start again at 1, so old entries would answer for new rows).
        redis-cli -u "$CACHE_URL" flushdb >/dev/null
    fi
}

# The environment every process shares: backends, the token secret, and the
# proxy as the address services reach each other (and the sandbox) through.
common_env() {
    local secret
    secret="$(cat "$state/jwt-secret")"
    export KEM_DATABASE_URL="$DATABASE_URL" KEM_CACHE_URL="$CACHE_URL" KEM_BUS_URL="$BUS_URL"
    export KEM_JWT_SECRET="$secret" KEM_LOG_FORMAT=json
    # nginx, in front on this machine, is the one proxy whose X-Forwarded-For is believed.
    export KEM_RATE_LIMITS__TRUSTED_PROXIES='["127.0.0.1"]'
    export KEM_EVENT__DISTRIBUTION_URL="$proxy" KEM_EVENT__PUBLIC_URL="$proxy"
    export KEM_WEB__PUBLIC_BASE_URL="$proxy"
    # Services reach each other through the proxy: participation asks the event
    # service for entry states, the event service closes entries at once.
    export KEM_PARTICIPATION__EVENT_URL="$proxy" KEM_PARTICIPATION__PUBLIC_URL="$proxy"
    export KEM_EVENT__PARTICIPATION_URL="$proxy"
    export KEM_MESSAGING__SMS__BASE_URL="$proxy" KEM_MESSAGING__ALIMTALK__BASE_URL="$proxy"
    # The channel sandbox runs in sandbox-1; the channels keep their development credentials.
    export KEM_DISTRIBUTION__SANDBOX_URL="$proxy"
}

wait_ready() {
    local url="$1" _
    for _ in $(seq 1 150); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] && return 0
        sleep 0.2
    done
    return 1
}

up() {
    mkdir -p "$state/logs"
    ensure_nginx
    DATABASE_URL="${KEM_CLUSTER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kem_cluster}"
    CACHE_URL="${KEM_CLUSTER_CACHE_URL:-redis://127.0.0.1:6379/3}"
    ensure_backing_services
    create_database "$DATABASE_URL"
    BUS_URL="${KEM_CLUSTER_BUS_URL:-$("$root/scripts/kafka.sh" start 19092)}"
    [ -f "$state/jwt-secret" ] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$state/jwt-secret"
    common_env
    local bin entry name service port
    bin="$(kem_bin)"
    # Once, before the replicas start, so they do not race to migrate.
    "$bin" migrate --data-dir "$state/migrate" 2>>"$state/logs/migrate.log"
    for entry in "${PROCESSES[@]}"; do
        IFS=: read -r name service port <<<"$entry"
        if [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
            continue
        fi
        nohup "$bin" serve --services "$service" --listen "127.0.0.1:$port" \
            --data-dir "$state/data/$name" >/dev/null 2>"$state/logs/$name.log" </dev/null &
        echo $! >"$state/$name.pid"
    done
    for entry in "${PROCESSES[@]}"; do
        IFS=: read -r name service port <<<"$entry"
        wait_ready "http://127.0.0.1:$port" || { echo "$name did not become ready; see $state/logs/$name.log" >&2; exit 1; }
    done
    if [ -f "$state/nginx.pid" ] && kill -0 "$(cat "$state/nginx.pid")" 2>/dev/null; then
        nginx -p "$state" -c "$root/deploy/nginx.conf" -s reload
    else
        nginx -p "$state" -c "$root/deploy/nginx.conf"
    fi
    echo "cluster up: $proxy (bus $BUS_URL)"
}

status() {
    local entry name service port code pid
    printf '%-16s %-14s %-6s %-8s %s\n' process service port pid readyz
    for entry in "${PROCESSES[@]}"; do
        IFS=: read -r name service port <<<"$entry"
        pid="$(cat "$state/$name.pid" 2>/dev/null || echo -)"
        code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$port/readyz" || true)"
        printf '%-16s %-14s %-6s %-8s %s\n' "$name" "$service" "$port" "$pid" "${code:-000}"
    done
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$proxy/" || true)"
    printf '%-16s %-14s %-6s %-8s %s\n' nginx proxy 8090 "$(cat "$state/nginx.pid" 2>/dev/null || echo -)" "${code:-000}"
}

down() {
    local entry name pids=()
    for entry in "${PROCESSES[@]}"; do
        name="${entry%%:*}"
        if [ -f "$state/$name.pid" ]; then
            pids+=("$(cat "$state/$name.pid")")
            rm -f "$state/$name.pid"
        fi
    done
    # SIGTERM: each process drains within its shutdown_timeout_secs (20 s).
    [ "${#pids[@]}" -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 250); do
        local alive=0 pid
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.2
    done
    if [ -f "$state/nginx.pid" ]; then
        nginx -p "$state" -c "$root/deploy/nginx.conf" -s quit || true
    fi
    echo "cluster down (the broker, PostgreSQL and Redis keep running; scripts/kafka.sh stop 19092 stops the broker)"
}

case "$cmd" in
up) up ;;
status) status ;;
down) down ;;
*)
    echo "usage: $0 up|status|down" >&2
    exit 2
    ;;
esac
