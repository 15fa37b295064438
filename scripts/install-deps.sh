#!/usr/bin/env bash
# Installs the Debian packages rtm needs, and nothing else. The Makefile, CI
# and the container builder stage all call this script, so the package list
# lives here and only here.
#
#   scripts/install-deps.sh            build + test + benchmark dependencies
#   scripts/install-deps.sh release    only what a release build needs (the images' builder stage)
#   scripts/install-deps.sh lint       clang-format and clang-tidy
#   scripts/install-deps.sh browser    Chromium, and playwright-core (npm) in build/npm, for the dashboard's test
#   scripts/install-deps.sh bench      wrk, for the REST benchmark
#   scripts/install-deps.sh k8s        kubectl, and kubernetes-models and yaml (npm) in build/npm-k8s,
#                                      to render and validate the Kubernetes manifests
#   scripts/install-deps.sh workflows  @action-validator/cli (npm) in build/npm-actions, to check the
#                                      GitHub workflows against their schema offline; shellcheck
#   scripts/install-deps.sh --list     print the build list, install nothing
#
# Idempotent and quiet when everything is present: it asks dpkg first and only
# runs apt-get for what is missing.
set -euo pipefail

release_packages=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config make python3
  # libraries (Boost 1.81 is packaged beside the default 1.74; rtm uses 1.81)
  libboost1.81-dev libboost-json1.81-dev libsimdjson-dev libssl-dev ca-certificates librdkafka-dev libpqxx-dev
  prometheus-cpp-dev
)
build_packages=(
  "${release_packages[@]}"
  # tests and benchmarks (clang and its runtime for the libFuzzer targets)
  libgtest-dev libgmock-dev libbenchmark-dev clang libclang-rt-14-dev
  # independent clients in the integration tests
  python3-websockets curl kcat
  # PostgreSQL, started by the test harness for the history tests
  postgresql
  # promtool, to check what /metrics serves
  prometheus
  # competitors measured beside rtm in the benchmarks
  libflatbuffers-dev flatbuffers-compiler libreaderwriterqueue-dev rapidjson-dev libwebsocketpp-dev
)
lint_packages=(clang-format clang-tidy)
browser_packages=(chromium nodejs)
bench_packages=(wrk)
# kubectl from Debian unless one is on the PATH already (another vendor's
# package may own /usr/bin/kubectl).
k8s_packages=(nodejs)
command -v kubectl >/dev/null || k8s_packages+=(kubernetes-client)
workflows_packages=(nodejs shellcheck)
action_validator_version=0.6.0
kubernetes_models_version=4.5.1
yaml_version=2.9.1
# The version the dashboard test was written against; npm's registry is the
# one other source of packages these machines reach.
playwright_version=1.65.1

group=${1:-build}
case "$group" in
  build) wanted=("${build_packages[@]}") ;;
  release) wanted=("${release_packages[@]}") ;;
  lint) wanted=("${lint_packages[@]}") ;;
  browser) wanted=("${browser_packages[@]}") ;;
  bench) wanted=("${bench_packages[@]}") ;;
  k8s) wanted=("${k8s_packages[@]}") ;;
  workflows) wanted=("${workflows_packages[@]}") ;;
  --list) printf '%s\n' "${build_packages[@]}"; exit 0 ;;
  *) echo "usage: $0 [build|release|lint|browser|bench|k8s|workflows|--list]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    sudo=sudo
    command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  else
    sudo=
  fi
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Installs pinned npm packages into DIR unless PACKAGE is there at VERSION
# already: npm_pinned DIR PACKAGE VERSION [OTHER@VERSION...]
npm_pinned() {
  local dir=$1 package=$2 version=$3
  shift 3
  local installed
  installed=$(node -p "require('$dir/node_modules/$package/package.json').version" 2>/dev/null || true)
  [ "$installed" = "$version" ] && return
  echo "install-deps: installing $package $version $* in $dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "$package@$version" "$@" >/dev/null
}

root="$(cd "$(dirname "$0")/.." && pwd)"
case "$group" in
  browser) npm_pinned "$root/build/npm" playwright-core "$playwright_version" ;;
  k8s) npm_pinned "$root/build/npm-k8s" kubernetes-models "$kubernetes_models_version" "yaml@$yaml_version" ;;
  workflows) npm_pinned "$root/build/npm-actions" @action-validator/cli "$action_validator_version" \
               "@action-validator/core@$action_validator_version" ;;
esac
