#!/usr/bin/env bash
# Pushes the four images built by build.sh (rtm-*:TAG) to a registry, under
# REGISTRY_PREFIX (e.g. ghcr.io/OWNER/rtm-), and prints each pushed digest,
# which is what k8s/overlays/prod pins. Log in first (docker login or
# podman login). CI pushes with Buildx instead (.github/workflows/docker.yml).
#   docker/ci/push.sh TAG REGISTRY_PREFIX
set -euo pipefail
tag=${1:?usage: push.sh TAG REGISTRY_PREFIX}
prefix=${2:?usage: push.sh TAG REGISTRY_PREFIX}
engine=${CONTAINER_ENGINE:-$(command -v docker >/dev/null && docker info >/dev/null 2>&1 && echo docker || echo podman)}
for target in ingest stream api gateway; do
  local_image="rtm-${target}:${tag}"
  remote_image="${prefix}${target}:${tag}"
  "$engine" tag "$local_image" "$remote_image"
  if [ "$engine" = podman ]; then
    digest_file=$(mktemp)
    podman push --digestfile "$digest_file" "$remote_image" >/dev/null
    digest=$(cat "$digest_file")
    rm -f "$digest_file"
  else
    docker push "$remote_image" >/dev/null
    digest=$(docker image inspect --format '{{index .RepoDigests 0}}' "$remote_image" | sed 's/.*@//')
  fi
  echo "push: $remote_image $digest"
done
