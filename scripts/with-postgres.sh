#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL: started before it (its URL in
# RTM_BENCH_DATABASE), stopped and removed after. make bench runs the
# benchmarks this way, for the history writer's.
#
#   scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."
directory=$(mktemp -d -t rtm-bench-pg-XXXX)
chmod 755 "$directory"  # the server runs as the postgres user
trap 'python3 scripts/pg_server.py stop "$directory/pg" >/dev/null 2>&1 || true; rm -rf "$directory"' EXIT
RTM_BENCH_DATABASE=$(python3 scripts/pg_server.py start "$directory/pg" 55452)
export RTM_BENCH_DATABASE
"$@"
