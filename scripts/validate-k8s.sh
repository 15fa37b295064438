#!/usr/bin/env bash
# Renders both Kubernetes overlays (k8s/overlays/dev and prod) with kubectl's
# kustomize and validates every rendered object offline against the
# Kubernetes schema (npm kubernetes-models) and rtm's own rules for its pods
# (scripts/validate_k8s.cjs). scripts/install-deps.sh k8s puts kubectl and
# the npm packages in place.
#   scripts/validate-k8s.sh [OUT_DIR]      (default build/k8s)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/k8s}
modules=build/npm-k8s/node_modules
if ! command -v kubectl >/dev/null || [ ! -d "$modules/kubernetes-models" ]; then
  echo "validate-k8s: kubectl or the npm packages are missing: run scripts/install-deps.sh k8s" >&2
  exit 2
fi
mkdir -p "$out"
for overlay in dev prod; do
  # kustomize 5 warns that the kustomize-2 forms are deprecated: they are
  # kept so that Debian's kubectl renders the overlays too.
  if ! kubectl kustomize "k8s/overlays/$overlay" > "$out/$overlay.yaml" 2> "$out/$overlay.log"; then
    cat "$out/$overlay.log" >&2
    exit 1
  fi
  echo "validate-k8s: k8s/overlays/$overlay rendered to $out/$overlay.yaml ($(grep -c '^kind:' "$out/$overlay.yaml") objects)"
done
node scripts/validate_k8s.cjs "$modules" "$out/dev.yaml" "$out/prod.yaml"
