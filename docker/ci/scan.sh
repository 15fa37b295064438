#!/usr/bin/env bash
# Scans the four images (rtm-*:TAG) with Trivy for HIGH and CRITICAL
# vulnerabilities that have a fix, and writes an SPDX SBOM of each to
# OUT_DIR; fails if any such vulnerability is found. Trivy is not packaged by
# Debian: where it is not installed this says so and exits 0, unless
# --require is given (CI installs it: .github/workflows/docker.yml).
#   docker/ci/scan.sh TAG [OUT_DIR] [--require]
set -euo pipefail
tag=${1:?usage: scan.sh TAG [OUT_DIR] [--require]}
out=${2:-build/scan}
require=0
for arg in "$@"; do [ "$arg" = --require ] && require=1; done
[ "$out" = --require ] && out=build/scan
if ! command -v trivy >/dev/null; then
  echo "scan: trivy is not installed; images not scanned"
  exit $((require ? 2 : 0))
fi
engine=${CONTAINER_ENGINE:-$(command -v docker >/dev/null && docker info >/dev/null 2>&1 && echo docker || echo podman)}
mkdir -p "$out"
failed=0
for target in ingest stream api gateway; do
  image="rtm-${target}:${tag}"
  # Trivy reads a saved image, so the engine does not matter.
  archive="$out/$target.tar"
  "$engine" save -o "$archive" "$image"
  trivy image --quiet --input "$archive" --format spdx-json --output "$out/$target.spdx.json"
  if trivy image --quiet --input "$archive" --severity HIGH,CRITICAL --ignore-unfixed --exit-code 1; then
    echo "scan: $image: no fixable HIGH or CRITICAL vulnerability"
  else
    echo "scan: $image: fixable HIGH or CRITICAL vulnerabilities (above)"
    failed=1
  fi
  rm -f "$archive"
done
exit $failed
