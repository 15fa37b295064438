#!/usr/bin/env bash
# Validates the compose profiles without running them: docker-compose config
# accepts dev (compose.yaml + compose.dev.yaml), prod (compose.yaml +
# compose.prod.yaml) and test with .env.example's settings, prod is hardened
# as its header says, and promtool accepts Prometheus' configuration (run
# from the Prometheus image named by RTM_PROMETHEUS_IMAGE).
#   docker/ci/check-compose.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=docker/compose
failed=0
for profile in dev prod test; do
  files=(-f "$dir/compose.yaml" -f "$dir/compose.$profile.yaml")
  [ "$profile" = test ] && files=(-f "$dir/compose.test.yaml")
  if rendered=$(docker-compose --env-file .env.example "${files[@]}" config 2>&1); then
    echo "check-compose: $profile: valid ($(grep -c '^  [a-z-]*:$' <<< "$rendered") services)"
  else
    echo "check-compose: $profile: $rendered"
    failed=1
    continue
  fi
  if [ "$profile" = prod ]; then
    # Every service of prod: a read-only root, all capabilities dropped, a
    # restart policy and a memory limit.
    /usr/bin/python3 - "$rendered" <<'PY' || failed=1
import sys, yaml
services = yaml.safe_load(sys.argv[1])["services"]
bad = []
for name, s in services.items():
    if not s.get("read_only"): bad.append(name + ": root filesystem writable")
    if "ALL" not in s.get("cap_drop", []): bad.append(name + ": capabilities kept")
    if name != "migrator" and s.get("restart") != "unless-stopped": bad.append(name + ": no restart policy")
    if not s.get("deploy", {}).get("resources", {}).get("limits", {}).get("memory") and name != "migrator":
        bad.append(name + ": no memory limit")
print("check-compose: prod hardening: " + ("; ".join(bad) if bad else "ok"))
sys.exit(1 if bad else 0)
PY
  fi
done
# Credentials only ever come from the environment (.env): every password,
# key or token setting, and the password in a database URL, is a ${...}.
/usr/bin/python3 - "$dir"/compose*.yaml <<'PY' || failed=1
import re, sys, yaml
bad = []
def walk(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            walk(value, path + [str(key)])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, path + [str(i)])
    elif isinstance(node, str):
        secretive = re.search(r"PASSWORD|SECRET|TOKEN|API_KEYS", path[-1] if path else "")
        if secretive and node and not node.startswith("${"):
            bad.append(".".join(path))
        # Each ${...} stands for one value from the environment.
        masked = re.sub(r"\$\{[^}]*\}", "\x00", node)
        for password in re.findall(r"://[^:/@]+:([^@]+)@", masked):
            if password != "\x00":
                bad.append(".".join(path))
for name in sys.argv[1:]:
    with open(name) as f:
        walk(yaml.safe_load(f), [name])
print("check-compose: credentials: " + ("written in " + ", ".join(bad) if bad else "all from the environment"))
sys.exit(1 if bad else 0)
PY
podman run --rm --entrypoint promtool -v "$PWD/$dir/prometheus:/etc/prometheus:ro" \
  "${RTM_PROMETHEUS_IMAGE:-prom/prometheus:v2.54.1}" check config /etc/prometheus/prometheus.yml || failed=1
exit $failed
