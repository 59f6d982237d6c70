#!/usr/bin/env bash
# Installs what the project needs on a fresh machine, each part only when it is missing, so reruns
# are quick no-ops. Used by `npm run demo`, `npm test` and .ci/run.
#   ensure-deps.sh            everything below
#   ensure-deps.sh system     Debian packages (zookeeper, postgresql, openssh-server, python3-venv, make, g++,
#                             chromium), as root;
#                             checks Node
#   ensure-deps.sh actionlint actionlint (Go) for the workflow check, kept in $(go env GOPATH)/bin
#   ensure-deps.sh npm        node_modules (npm ci, which also builds dist/)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
ACTIONLINT_VERSION=v1.7.12

system() {
  local missing=() tmp
  [[ -f /usr/share/java/zookeeper.jar ]] || missing+=(zookeeper)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
  [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  if command -v python3 >/dev/null 2>&1 && ! .venv/superset/bin/python -c '' 2>/dev/null; then
    tmp=$(mktemp -d)
    python3 -m venv "$tmp/venv" >/dev/null 2>&1 || missing+=(python3-venv)
    rm -rf "$tmp"
  fi
  command -v make >/dev/null 2>&1 || missing+=(make)
  # `preview` draws PNGs in headless Chromium (puppeteer-core drives the system's browser).
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  command -v g++ >/dev/null 2>&1 || missing+=(g++)
  if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
      echo "missing system packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
      return 1
    fi
    echo "installing system packages: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
  # Node itself is not installed here (Debian's nodejs is too old): fail loudly.
  command -v node >/dev/null 2>&1 || { echo "node is missing (Node >= 20.19 required)" >&2; return 1; }
  node -e 'const [a, b] = process.versions.node.split(".").map(Number);
    if (a < 20 || (a === 20 && b < 19)) { console.error(`Node ${process.versions.node} < 20.19`); process.exit(1); }'
}

actionlint() {
  local bin
  bin="$(go env GOPATH 2>/dev/null || echo "$HOME/go")/bin/actionlint"
  if [[ -x $bin ]] && [[ "$("$bin" -version | head -n 1)" == "$ACTIONLINT_VERSION" ]]; then return 0; fi
  command -v go >/dev/null 2>&1 || { echo "go is missing: needed to build actionlint $ACTIONLINT_VERSION" >&2; return 1; }
  echo "building actionlint $ACTIONLINT_VERSION"
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
}

npm_modules() {
  # node_modules is current when it is newer than the lock file and the build exists.
  if [[ ! -d node_modules || ! -f dist/cli/main.js || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
  fi
}

case "${1:-all}" in
  system) system ;;
  actionlint) actionlint ;;
  npm) npm_modules ;;
  all) system && actionlint && npm_modules ;;
  *) echo "usage: ensure-deps.sh [system|actionlint|npm]" >&2; exit 2 ;;
esac
