#!/usr/bin/env bash
# Checks each built image as the deployment expects it: a non-root user, a
# HEALTHCHECK, the four OCI labels, nothing its user may write outside the
# volumes it declares, and under 150 MB; prints each size.
#   docker/ci/check-images.sh TAG [REGISTRY_PREFIX]
set -euo pipefail
tag=$1
prefix=${2:-rtm-}
engine=${CONTAINER_ENGINE:-podman}
limit=$((150 * 1000 * 1000))
failed=0
for target in ingest stream api gateway; do
  image="${prefix}${target}:${tag}"
  user=$("$engine" image inspect --format '{{.Config.User}}' "$image")
  health=$("$engine" image inspect --format '{{if .Config.Healthcheck}}{{.Config.Healthcheck.Test}}{{end}}' "$image")
  size=$("$engine" image inspect --format '{{.Size}}' "$image")
  problems=()
  case "$user" in "" | 0 | root | 0:* | root:*) problems+=("runs as root ('$user')") ;; esac
  [ -n "$health" ] || problems+=("no HEALTHCHECK")
  for label in source revision created version; do
    value=$("$engine" image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$label\"}}" "$image")
    [ -n "$value" ] && [ "$value" != "<no value>" ] || problems+=("no org.opencontainers.image.$label")
  done
  [ "$size" -lt "$limit" ] || problems+=("over 150 MB")
  # What the service's user can write, outside the image's declared volumes.
  volumes=$("$engine" image inspect --format '{{range $path, $_ := .Config.Volumes}}{{$path}} {{end}}' "$image")
  writable=$("$engine" run --rm --network none --user "$user" --entrypoint find "$image" / -xdev -writable \
               -not -path '/proc/*' -not -path '/dev/*' 2>/dev/null || true)
  for path in $writable; do
    inside=0
    for volume in $volumes; do
      case "$path" in "$volume" | "$volume"/*) inside=1 ;; esac
    done
    [ "$inside" = 1 ] || problems+=("writable outside its volumes: $path")
  done
  megabytes=$(awk -v bytes="$size" 'BEGIN { printf "%.1f", bytes / 1e6 }')
  echo "check-images: $image $megabytes MB, user $user: $(IFS=';'; echo "${problems[*]:-ok}")"
  [ ${#problems[@]} -eq 0 ] || failed=1
done
exit $failed
