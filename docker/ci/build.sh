#!/usr/bin/env bash
# Builds rtm's four images from docker/Dockerfile with their OCI labels: the
# builder stage compiles once and every service image reuses it. Uses
# docker (Buildx in CI) when there is one, podman otherwise.
#   docker/ci/build.sh [TAG] [REGISTRY_PREFIX]     (default: the git revision's short form, "rtm-")
#   images: ${PREFIX}ingest:TAG ${PREFIX}stream:TAG ${PREFIX}api:TAG ${PREFIX}gateway:TAG
#   BUILD_TYPE=Debug for unstripped binaries with assertions (the dev profile)
set -euo pipefail
cd "$(dirname "$0")/../.."
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
tag=${1:-$(git rev-parse --short HEAD 2>/dev/null || echo dev)}
prefix=${2:-rtm-}
version=$(git describe --tags --always 2>/dev/null || echo dev)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
source=${RTM_IMAGE_SOURCE:-https://github.com/rtm-project/rtm}
engine=${CONTAINER_ENGINE:-$(command -v docker >/dev/null && docker info >/dev/null 2>&1 && echo docker || echo podman)}
# podman keeps HEALTHCHECK only in Docker's image format.
format=()
[ "$engine" = podman ] && format=(--format docker)
for target in ingest stream api gateway; do
  echo "build: ${prefix}${target}:${tag} ($engine)"
  "$engine" build "${format[@]}" -f docker/Dockerfile --target "$target" -t "${prefix}${target}:${tag}" \
    --build-arg VERSION="$version" --build-arg REVISION="$revision" \
    --build-arg CREATED="$created" --build-arg SOURCE="$source" \
    --build-arg BUILD_TYPE="${BUILD_TYPE:-Release}" . >/dev/null
done
