#!/usr/bin/env bash
# End-to-end browser suite (issue 6 item 4): installs Debian's chromium and
# chromium-driver when missing, builds kem, starts `kem serve` on a free port
# with a temporary data dir plus chromedriver, runs crates/web/tests/browser.rs,
# and stops both. Screenshots land in target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "browser-tests: installing chromium and chromium-driver" >&2
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  # Exit code 3 means "no browser on this machine", which callers may treat
  # as a skipped suite rather than a failed one (see .ci/run).
  $SUDO apt-get update -qq || exit 3
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-noto-cjk >/dev/null || exit 3
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The test build (as in CI's test step) also builds target/debug/kem, with the
# same features, so nothing is compiled twice; `cargo build` would leave out
# dev-dependency features and compile tokio and its dependents again.
cargo test --workspace --no-run

work=$(mktemp -d)
app_port=$(free_port)
driver_port=$(free_port)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One machine plays every owner and customer of the walk: the sign-up and
# login limits per address (5 and 10) would stop the walk, not a script.
KEM_RATE_LIMITS__REGISTER__COUNT=100 KEM_RATE_LIMITS__LOGIN__COUNT=200 \
"${CARGO_TARGET_DIR:-target}/debug/kem" serve --listen "127.0.0.1:$app_port" --data-dir "$work/data" >"$work/kem.log" 2>&1 &
pids+=($!)
chromedriver --port="$driver_port" >"$work/chromedriver.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$app_port/readyz" >/dev/null 2>&1 \
    && curl -fsS "http://127.0.0.1:$driver_port/status" >/dev/null 2>&1; then
    break
  fi
  sleep 0.2
done

rm -rf target/screenshots
status=0
KEM_BROWSER_TESTS=1 \
KEM_BROWSER_BASE_URL="http://127.0.0.1:$app_port" \
KEM_WEBDRIVER_URL="http://127.0.0.1:$driver_port" \
  cargo test --workspace --test browser -- --nocapture || status=$?
if [ "$status" != 0 ]; then
  echo "browser-tests: failed; last lines of the server log:" >&2
  tail -n 40 "$work/kem.log" >&2 || true
fi
echo "browser-tests: screenshots in target/screenshots/ ($(ls target/screenshots 2>/dev/null | wc -l) files)"
exit "$status"
