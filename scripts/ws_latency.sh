#!/usr/bin/env bash
# Tick-to-client latency of rtm run under load: the synthetic market at
# RATE events a second (default 100,000) through the whole stack in one
# process, and CLIENTS WebSocket clients (default 100), each watching one
# instrument's trades; rtm_ws_latency prints p50/p99/p99.9 from rtm
# receiving a frame (ts_recv) to a client receiving the trade.
#   scripts/ws_latency.sh [BUILD_DIR] [RATE] [CLIENTS] [SECONDS]   (default build/bench 100000 100 20)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
rate=${2:-100000}
clients=${3:-100}
seconds=${4:-20}
log=$(mktemp)
trap 'kill -INT "$rtm_pid" 2>/dev/null || true; wait "$rtm_pid" 2>/dev/null || true; rm -f "$log"' EXIT
"$build/services/rtm/rtm" run --rate "$rate" --listen 127.0.0.1:0 --summary-every 5 > "$log" 2>&1 &
rtm_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*Dashboard at http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "ws_latency: rtm run did not start" >&2; cat "$log" >&2; exit 1; }
echo "ws_latency: rtm run on port $port, synthetic market at $rate events/s"
"$build/benchmarks/bin/rtm_ws_latency" --url "ws://127.0.0.1:$port/ws" --clients "$clients" --seconds "$seconds"
kill -INT "$rtm_pid"
wait "$rtm_pid" || true
grep -E "^bus:" "$log" | tail -1
