#!/usr/bin/env bash
# The distributed stack on one machine: a development Kafka cluster
# (rtm kafka-mock), a throwaway PostgreSQL (unless RTM_DATABASE names one),
# then rtm-stream, rtm-api and rtm-ingest as separate processes joined by
# Kafka. Ctrl-C stops them all.
#
#   scripts/run-distributed.sh [BUILD_DIR] [rtm-ingest options...]
#
# The dashboard is at http://localhost:8080; rtm-stream's health and metrics
# on port 9102, rtm-ingest's on 9101; Kafka bootstraps from 127.0.0.1:9092.
set -euo pipefail

build=$(realpath -m "${1:-build/release}")
shift || true
logs=$(mktemp -d -t rtm-distributed-XXXX)
pids=()
own_database=
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "$own_database" ] || python3 scripts/pg_server.py stop "$logs/pg" >/dev/null 2>&1 || true
  echo "logs in $logs"
}
trap cleanup EXIT INT TERM

cd "$(dirname "$0")/.."
if [ -z "${RTM_DATABASE:-}" ]; then
  chmod 755 "$logs"  # the server runs as the postgres user
  RTM_DATABASE=$(python3 scripts/pg_server.py start "$logs/pg" 55462)
  own_database=1
fi
export RTM_DATABASE
"$build/services/rtm/rtm" migrate

export RTM_KAFKA_BROKERS=127.0.0.1:9092
"$build/services/rtm/rtm" kafka-mock --port 9092 >"$logs/kafka-mock.log" 2>&1 </dev/null &
pids+=($!)
sleep 1
"$build/services/stream/rtm-stream" --journal "$logs/journal" >"$logs/rtm-stream.log" 2>&1 &
pids+=($!)
"$build/services/api/rtm-api" >"$logs/rtm-api.log" 2>&1 &
pids+=($!)
"$build/services/ingest/rtm-ingest" "$@" >"$logs/rtm-ingest.log" 2>&1 &
pids+=($!)
echo "rtm: kafka-mock, rtm-stream (history in $RTM_DATABASE), rtm-api and rtm-ingest running; dashboard at http://localhost:8080"
echo "logs in $logs; Ctrl-C stops."
wait -n "${pids[@]}"
