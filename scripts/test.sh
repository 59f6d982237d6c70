#!/usr/bin/env bash
# npm test: unit and integration tests against the live ZooKeeper and Superset, then the Python tests
# of connectors/superset-zookeeper (pytest in Superset's venv). Starts the services when they are not
# running and stops them again afterwards (services that were already running, e.g. after
# `npm run demo`, are left running). `npm test -- <vitest arguments>` runs only the vitest part.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

bash scripts/ensure-deps.sh
npm run --silent build

started=0
if ! bash scripts/services.sh status >/dev/null 2>&1; then
  bash scripts/services.sh up
  started=1
else
  bash scripts/postgres.sh start  # the warehouse PostgreSQL, when a demo from before it is running
  bash scripts/sshd.sh start      # the SSH server for Superset's tunnels, likewise
  bash scripts/superset.sh start # installs and loads the connector if it changed since Superset started
fi
cleanup() { if ((started)); then bash scripts/stop.sh; fi; }
trap cleanup EXIT

# pytest exits 5 when it collects no tests: any non-zero exit fails the run.
connector_tests() {
  local python=.venv/superset/bin/python
  if ! "$python" -m pytest --version >/dev/null 2>&1; then
    local version
    version=$(cat .run/superset-active 2>/dev/null || echo "${SUPERSET_VERSION:-6.1.0}")
    .venv/superset/bin/pip install -q --progress-bar off -c "scripts/superset/constraints-$version.txt" pytest
  fi
  (cd connectors/superset-zookeeper && "../../$python" -m pytest -q -p no:cacheprovider)
}

rc=0
npx vitest run "$@" || rc=$?
if (($# == 0)); then
  echo
  echo "=== pytest connectors/superset-zookeeper ==="
  connector_tests || rc=$?
fi
exit "$rc"
