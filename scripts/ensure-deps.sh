#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, once: system packages (as root), then
# node_modules (npm ci, which also builds dist/). Reruns are quick no-ops.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

missing=()
[[ -f /usr/share/java/zookeeper.jar ]] || missing+=(zookeeper)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "missing system packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# node_modules is current when it is newer than the lock file and the build exists.
if [[ ! -d node_modules || ! -f dist/cli/main.js || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
