#!/usr/bin/env bash
# podman runs containers' healthchecks on a systemd timer, and these hosts
# have no systemd: this loop runs them instead, every 2 s, so that health
# states change as on Docker and compose's depends_on: service_healthy
# gates start-up. setup-engine.sh starts it in the background.
#   docker/ci/podman-healthchecks.sh
set -uo pipefail
while true; do
  for id in $(podman ps -q --filter health=starting) $(podman ps -q --filter health=healthy) \
            $(podman ps -q --filter health=unhealthy); do
    podman healthcheck run "$id" >/dev/null 2>&1
  done
  sleep 2
done
