#!/usr/bin/env bash
# Checks the GitHub workflows offline: each against GitHub's workflow schema
# (npm @action-validator/cli, which carries the schema), and rtm's own rules:
# every action pinned to a version, and permissions declared.
# scripts/install-deps.sh workflows puts the validator in place.
#   scripts/validate-workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."
validator=build/npm-actions/node_modules/@action-validator/cli/cli.mjs
if [ ! -f "$validator" ]; then
  echo "validate-workflows: the validator is missing: run scripts/install-deps.sh workflows" >&2
  exit 2
fi
failed=0
for workflow in .github/workflows/*.yml; do
  problems=()
  if ! report=$(node "$validator" "$workflow" 2>&1); then
    # The validator prints a JSON tree of every schema branch tried: its
    # "detail" lines say what is wrong.
    details=$(grep -oE '"(detail|title)": "[^"]*"' <<< "$report" | grep -v 'conditions are not met' | sort -u | head -10)
    problems+=("schema: ${details:-$report}")
  fi
  unpinned=$(grep -nE '^\s*(- )?uses: [^@]+$' "$workflow" || true)
  [ -z "$unpinned" ] || problems+=("actions without a version: $unpinned")
  grep -q '^permissions:' "$workflow" || problems+=("no top-level permissions")
  echo "validate-workflows: $workflow: ${problems[*]:-ok}"
  [ ${#problems[@]} -eq 0 ] || failed=1
done
exit $failed
