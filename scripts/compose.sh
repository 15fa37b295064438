#!/usr/bin/env bash
# docker compose for one of rtm's profiles, with the right files and
# engine: Docker's compose plugin where a Docker daemon runs, otherwise
# docker-compose against podman's Docker API (set up on first use).
#   scripts/compose.sh dev|prod|test COMPOSE-ARGS...
# dev and prod read .env (copy .env.example); test is what make
# test-containers runs.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:?usage: compose.sh dev|prod|test ARGS...}
shift
case "$profile" in
  dev | prod) files=(-f docker/compose/compose.yaml -f "docker/compose/compose.$profile.yaml") ;;
  test) files=(-f docker/compose/compose.test.yaml) ;;
  *) echo "compose.sh: no profile '$profile' (dev, prod or test)" >&2; exit 2 ;;
esac
env_file=()
if [ "$profile" != test ]; then
  if [ ! -f .env ]; then
    echo "compose.sh: no .env: copy .env.example to .env and set its passwords" >&2
    exit 2
  fi
  env_file=(--env-file .env)
fi
if command -v docker >/dev/null && docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1; then
  exec docker compose -p "rtm-$profile" "${env_file[@]}" "${files[@]}" "$@"
fi
docker/ci/setup-engine.sh >/dev/null
export DOCKER_HOST=unix:///run/podman/podman.sock
exec docker-compose -p "rtm-$profile" "${env_file[@]}" "${files[@]}" "$@"
