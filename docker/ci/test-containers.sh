#!/usr/bin/env bash
# make test-containers: everything about rtm's deployment that can be run on
# a machine without a Docker daemon, a registry or a cluster.
#  1. the container engine (podman behind Docker's API), set up idempotently;
#  2. the quick checks first: both Kubernetes overlays rendered and
#     validated, the workflows checked against GitHub's schema, the shell
#     scripts through shellcheck;
#  3. the four images built from this checkout and checked (non-root,
#     HEALTHCHECK, OCI labels, size);
#  4. the dev, prod and test compose files and Prometheus' configuration
#     validated;
#  5. the compose test profile brought up (stand-ins for images that cannot
#     be pulled here), checked end to end through the gateway, with a real
#     browser on the dashboard, then removed with its volumes.
#   docker/ci/test-containers.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CONTAINER_ENGINE=podman
tag="test"
step() { printf '\n== test-containers: %s\n' "$*"; }

step "container engine"
docker/ci/setup-engine.sh
export DOCKER_HOST=unix:///run/podman/podman.sock

step "Kubernetes manifests"
scripts/install-deps.sh k8s
scripts/validate-k8s.sh

step "workflows and shell scripts"
scripts/install-deps.sh workflows
scripts/validate-workflows.sh
shellcheck -S warning scripts/*.sh docker/ci/*.sh docker/healthcheck.sh docker/standins/*/*.sh
echo "shellcheck: no warning in the scripts"

step "images"
docker/ci/build.sh "$tag"
docker/ci/check-images.sh "$tag"
eval "$(docker/ci/build-standins.sh)"
export RTM_POSTGRES_IMAGE RTM_PROMETHEUS_IMAGE

step "compose files"
docker/ci/check-compose.sh

step "compose test profile, end to end"
docker/ci/compose-test.sh "$tag"

printf '\n== test-containers: all passed\n'
