#!/usr/bin/env bash
# The sync, drift and import suites against other Superset versions, one server at a time, with the
# other services (ZooKeeper, PostgreSQL, sshd) left running:
#   scripts/superset-versions.sh [VERSION...]      (default: 6.0.0 5.0.0 4.1.4)
# For each version: stop the running Superset, start that one (its own venv, constraints and state,
# installed and initialised on first use), run the suites, then the demo on it (metadata/ applied to
# environment `local`, every sales chart answering with rows), and require `plan --read-all` and
# `drift` on `local` to find nothing; print the figures. At the end Superset is
# stopped (`npm run demo` or scripts/services.sh up starts 6.1.0 again). Exit 1 if any suite failed.
set -uo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT" || exit 1
SUITES=(test/integration/sync test/integration/drift test/integration/import)
now() { printf '%s' "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
versions=("$@")
((${#versions[@]})) || versions=(6.0.0 5.0.0 4.1.4)
rc=0
summary=()
for version in "${versions[@]}"; do
  echo "=== Superset $version ==="
  bash scripts/superset.sh stop || { rc=1; break; }
  t0=$(now)
  if ! SUPERSET_VERSION=$version bash scripts/superset.sh start; then
    summary+=("$(printf '%-6s start FAILED after %s s' "$version" "$(since "$t0")")")
    rc=1
    continue
  fi
  start=$(since "$t0")
  t0=$(now)
  status=0
  SUPERSET_VERSION=$version npx vitest run "${SUITES[@]}" || status=$?
  ((status == 0)) || rc=1
  suites=$(since "$t0")
  t0=$(now)
  demo=passed
  if ! SUPERSET_VERSION=$version bash scripts/demo.sh; then
    demo=FAILED
  elif ! node bin/superset-gitops.js plan --env local --read-all >/dev/null; then
    echo "plan --read-all on local after the demo found changes (or failed)"
    demo=FAILED
  elif ! node bin/superset-gitops.js drift --env local >/dev/null; then
    echo "drift on local after the demo found drift (or failed)"
    demo=FAILED
  fi
  [[ $demo == passed ]] || rc=1
  summary+=("$(printf '%-6s install+start %6s s, suites %6s s, %s; demo %5s s, %s' "$version" "$start" \
    "$suites" "$( ((status == 0)) && echo passed || echo FAILED)" "$(since "$t0")" "$demo")")
done
bash scripts/superset.sh stop || rc=1
echo "=== versions ==="
printf '%s\n' "${summary[@]}"
exit "$rc"
