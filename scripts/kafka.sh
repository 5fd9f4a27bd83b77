#!/usr/bin/env bash
# Starts a local Kafka-compatible broker (tansu, installed from crates.io and
# reused when already installed) for running kem on kafka:// and for CI.
#   scripts/kafka.sh start [PORT]   # default 19092; prints the bus URL
#   scripts/kafka.sh stop  [PORT]
# State lives in .tansu/PORT (SQLite storage, so topics survive a restart).
set -euo pipefail

cmd="${1:-start}"
port="${2:-19092}"
root="$(cd "$(dirname "$0")/.." && pwd)"
state="$root/.tansu/$port"
export PATH="$HOME/.cargo/bin:$PATH"

install_tansu() {
    if ! command -v tansu >/dev/null 2>&1; then
        echo "installing tansu from crates.io (about 11 minutes on 2 cores; done once)" >&2
        cargo install tansu --features dynostore,libsql >&2
    fi
}

port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
start)
    install_tansu
    mkdir -p "$state"
    if port_open "$port"; then
        echo "port $port already answers; reusing it" >&2
    else
        # `exec` makes the background job the broker itself, so the pid file
        # names the broker (for `stop`) and no shell keeps this script's
        # stdout open (a caller's `$(scripts/kafka.sh start)` would wait forever).
        (cd "$state" && exec nohup tansu broker \
            --listener-url "tcp://127.0.0.1:$port" \
            --advertised-listener-url "tcp://127.0.0.1:$port" \
            --storage-engine "sqlite://broker.db" >"$state/broker.log" 2>&1 </dev/null) &
        echo $! >"$state/pid"
        for _ in $(seq 1 100); do
            port_open "$port" && break
            sleep 0.1
        done
        port_open "$port" || { cat "$state/broker.log" >&2; exit 1; }
    fi
    echo "kafka://127.0.0.1:$port"
    ;;
stop)
    if [ -f "$state/pid" ]; then
        kill "$(cat "$state/pid")" 2>/dev/null || true
        rm -f "$state/pid"
    fi
    ;;
*)
    echo "usage: $0 start|stop [PORT]" >&2
    exit 2
    ;;
esac
