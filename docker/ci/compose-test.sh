#!/usr/bin/env bash
# Brings up the compose test profile (docker/compose/compose.test.yaml) with
# the images tagged TAG, waits for it to be healthy, runs the end-to-end
# check through the gateway and the dashboard in Chromium, stops it (every
# container must exit 0: the stop signal reached the service), and removes
# the stack with its volumes, whatever happened. On a failure the services' logs
# are printed.
#   docker/ci/compose-test.sh TAG      (RTM_POSTGRES_IMAGE and RTM_PROMETHEUS_IMAGE set for stand-ins)
set -euo pipefail
cd "$(dirname "$0")/../.."
export RTM_TAG=${1:?usage: compose-test.sh TAG}
export POSTGRES_PASSWORD
POSTGRES_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export RTM_GATEWAY_PORT RTM_PROMETHEUS_PORT
RTM_GATEWAY_PORT=$(free_port)
RTM_PROMETHEUS_PORT=$(free_port)
compose=(scripts/compose.sh test)
gateway=http://127.0.0.1:$RTM_GATEWAY_PORT

status=1
finish() {
  if [ "$status" -ne 0 ]; then
    "${compose[@]}" ps || true
    "${compose[@]}" logs --no-color --tail 60 || true
  fi
  "${compose[@]}" down --volumes --remove-orphans --timeout 20 >/dev/null 2>&1 || true
}
trap finish EXIT

"${compose[@]}" down --volumes --remove-orphans >/dev/null 2>&1 || true
timeout 300 "${compose[@]}" up -d
/usr/bin/python3 docker/ci/e2e_check.py "$gateway" --prometheus "http://127.0.0.1:$RTM_PROMETHEUS_PORT" \
  --dashboard docker/compose/grafana/dashboards/rtm.json
# The history, seen from PostgreSQL itself.
rows=$("${compose[@]}" exec -T postgres psql -U rtm -d rtm -tAc "SELECT count(*) FROM trades")
echo "PostgreSQL holds $rows trades"
[ "$rows" -gt 0 ]
scripts/install-deps.sh browser
node tests/integration/dashboard_test.cjs "$gateway/" build/npm build/compose-dashboard.png

# A stop is a clean one: each container's entrypoint gets the stop signal
# and exits 0 within the grace period, rather than being killed (137).
ids=$("${compose[@]}" ps -q)
"${compose[@]}" stop --timeout 20
unclean=0
for id in $ids; do
  read -r name code < <("${CONTAINER_ENGINE:-podman}" inspect --format '{{.Name}} {{.State.ExitCode}}' "$id")
  echo "stopped: $name, exit status $code"
  [ "$code" = 0 ] || unclean=1
done
[ "$unclean" = 0 ]
status=0
