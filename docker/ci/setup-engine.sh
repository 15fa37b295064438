#!/usr/bin/env bash
# Makes a machine without a Docker daemon or a registry able to build and run
# rtm's images (Debian bookworm, root): podman with the settings this kind of
# host needs, its Docker-compatible API socket, a loop that runs containers'
# healthchecks, and a debian:bookworm-slim base image made from Debian's
# archive, since none can be pulled. Idempotent:
# each step is skipped when its result is already there.
#   docker/ci/setup-engine.sh
set -euo pipefail

# dnsname: podman's CNI networks resolve container names only with it.
packages=(podman runc debootstrap docker-compose golang-github-containernetworking-plugin-dnsname)
missing=()
for pkg in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" = installed ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-engine: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# crun cannot set rlimits on these hosts, nor handle their hybrid cgroups.
conf=/etc/containers/containers.conf
if ! grep -q 'runtime = "runc"' "$conf" 2>/dev/null; then
  echo "setup-engine: configuring podman ($conf)"
  mkdir -p /etc/containers
  cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=8192:8192"]
[engine]
runtime = "runc"
CONF
fi

# debian:bookworm-slim, built as the official one is: a minimal bookworm
# without documentation, manual pages, locales or apt's caches.
if ! podman image exists docker.io/library/debian:bookworm-slim; then
  echo "setup-engine: building debian:bookworm-slim from Debian's archive"
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
SLIM
  find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  rm -rf "$rootfs"/usr/share/{man,info}/* "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/*
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  tar -C "$rootfs" -c . | podman import - docker.io/library/debian:bookworm-slim >/dev/null
fi

# The Docker API, for docker-compose and the docker client.
socket=/run/podman/podman.sock
if ! curl -sf --unix-socket "$socket" http://d/_ping >/dev/null 2>&1; then
  echo "setup-engine: starting podman's API at $socket"
  mkdir -p /run/podman
  # From /: the service outlives this checkout and serves every later one,
  # and runtimes it starts inherit its directory (a deleted checkout there
  # made every container fail to start).
  (cd / && nohup podman system service --time=0 "unix://$socket" >/tmp/podman-service.log 2>&1 &)
  for _ in $(seq 1 50); do
    curl -sf --unix-socket "$socket" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
# Healthchecks, which podman runs only under systemd.
pidfile=/run/podman/healthchecks.pid
if ! { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }; then
  echo "setup-engine: running containers' healthchecks every 2 s"
  healthchecks="$(cd "$(dirname "$0")" && pwd)/podman-healthchecks.sh"
  (cd / && nohup "$healthchecks" >/dev/null 2>&1 & echo $! > "$pidfile")
fi
echo "setup-engine: ready (DOCKER_HOST=unix://$socket)"
