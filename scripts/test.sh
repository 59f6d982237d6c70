#!/usr/bin/env bash
# npm test: unit and integration tests against the live ZooKeeper and Superset. Starts the services
# when they are not running and stops them again afterwards (services that were already running,
# e.g. after `npm run demo`, are left running).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

bash scripts/ensure-deps.sh
npm run --silent build

started=0
if ! bash scripts/services.sh status >/dev/null 2>&1; then
  bash scripts/services.sh up
  started=1
fi
cleanup() { if ((started)); then bash scripts/stop.sh; fi; }
trap cleanup EXIT

npx vitest run "$@"
