#!/usr/bin/env bash
# REST throughput: wrk on GET /v1/bars from the hot store against a bare
# handler returning the same bytes on the same server, in the same run,
# in five pairs, each side first in turn; the median of the five pairs' ratios printed
# (a pair runs back to back, so both sides meet the same load from the rest
# of the machine), with each side's median, and the comparison added to
# build/bench/summary.json (goal: at least 0.8).
#   scripts/rest_bench.sh [BUILD_DIR]     (default build/bench)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/bench}
command -v wrk >/dev/null || { echo "rest_bench: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
server=$build/benchmarks/bin/rtm_api_rest_bench_server
exec 3< <(tail -f /dev/null)  # the server's standard input: it serves until this closes
coproc SERVER { exec "$server" <&3; }
read -r port bytes <&"${SERVER[0]}"
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
query="/v1/bars?symbol=BTC-USD&interval=1m&limit=100"
echo "rest_bench: server on port $port; /v1/bars answers $bytes bytes"

rate() {
  wrk -t1 -c32 -d4s "http://127.0.0.1:$port$1" | awk '/Requests\/sec/ {print $2}'
}
ours=(); bare=()
for pair in 1 2 3 4 5; do
  # Each side goes first in turn: neither always meets a warmer machine.
  if ((pair % 2)); then
    ours+=("$(rate "$query")")
    bare+=("$(rate /bare)")
  else
    bare+=("$(rate /bare)")
    ours+=("$(rate "$query")")
  fi
done
python3 - "$build/summary.json" "${ours[@]}" "${bare[@]}" <<'PY'
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
ours_runs = list(map(float, sys.argv[2:7]))
bare_runs = list(map(float, sys.argv[7:12]))
ours = statistics.median(ours_runs)
bare = statistics.median(bare_runs)
ratios = [o / b for o, b in zip(ours_runs, bare_runs)]
ratio = statistics.median(ratios)
print("pairs (ours/bare requests/s):", ", ".join(f"{o:.0f}/{b:.0f}={r:.2f}" for o, b, r in zip(ours_runs, bare_runs, ratios)))
print(f"GET /v1/bars from the hot store: {ours:.0f} requests/s; bare handler, same bytes: {bare:.0f} requests/s; "
      f"ratio {ratio:.2f} (goal 0.80) {'met' if ratio >= 0.8 else 'MISSED'}")
summary = json.loads(out.read_text()) if out.exists() else []
summary = [s for s in summary if s["name"] != "rest_bars_vs_bare_handler"]
summary.append({"name": "rest_bars_vs_bare_handler", "ours": ours, "baseline": bare,
                "baseline_name": "a bare handler returning the same bytes on the same server (wrk -t1 -c32)",
                "unit": "requests/s", "ratio": round(ratio, 3), "goal": 0.8, "met": ratio >= 0.8})
out.parent.mkdir(parents=True, exist_ok=True)
out.write_text(json.dumps(summary, indent=2) + "\n")
PY
