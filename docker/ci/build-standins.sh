#!/usr/bin/env bash
# Builds the stand-ins for the official images a machine without a registry
# cannot pull (docker/standins/): PostgreSQL and Prometheus from Debian's
# packages. The compose test profile takes them through RTM_POSTGRES_IMAGE
# and RTM_PROMETHEUS_IMAGE; prints those two assignments.
#   docker/ci/build-standins.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
engine=${CONTAINER_ENGINE:-podman}
for name in postgres prometheus; do
  image="localhost/rtm-standin-$name:latest"
  echo "build-standins: $image" >&2
  "$engine" build -q -t "$image" "docker/standins/$name" >/dev/null
  echo "RTM_${name^^}_IMAGE=$image"
done
