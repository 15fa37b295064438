#!/usr/bin/env bash
# The distributed stack on one machine: a development Kafka cluster
# (rtm kafka-mock), then rtm-stream, rtm-api and rtm-ingest as separate
# processes joined by it. Ctrl-C stops them all.
#
#   scripts/run-distributed.sh [BUILD_DIR] [rtm-ingest options...]
#
# The dashboard is at http://localhost:8080; rtm-stream's health and metrics
# on port 9102, rtm-ingest's on 9101; Kafka bootstraps from 127.0.0.1:9092.
set -euo pipefail

build=${1:-build/release}
shift || true
logs=$(mktemp -d -t rtm-distributed-XXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "logs in $logs"
}
trap cleanup EXIT INT TERM

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
echo "rtm: kafka-mock, rtm-stream, rtm-api and rtm-ingest running; dashboard at http://localhost:8080"
echo "logs in $logs; Ctrl-C stops."
wait -n "${pids[@]}"
