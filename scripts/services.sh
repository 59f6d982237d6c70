#!/usr/bin/env bash
# Local services for the demo and the integration tests.
#
#   scripts/services.sh up       ZooKeeper (127.0.0.1:${ZK_PORT:-2181}), PostgreSQL warehouse
#                                (127.0.0.1:${PG_PORT:-5433}, scripts/postgres.sh), demo warehouse
#                                (.run/demo/warehouse.db, created if missing), an SSH server for
#                                Superset's tunnels (127.0.0.1:${SSHD_PORT:-2222}, scripts/sshd.sh),
#                                Superset (http://127.0.0.1:${SUPERSET_PORT:-8088})
#   scripts/services.sh down     stop Superset, sshd, PostgreSQL and ZooKeeper
#   scripts/services.sh status   exit 0 only when all four answer
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$REPO_ROOT/scripts"
DEMO_DB="$REPO_ROOT/.run/demo/warehouse.db"

up() {
  bash "$SCRIPTS/zookeeper.sh" start
  bash "$SCRIPTS/postgres.sh" start
  bash "$SCRIPTS/sshd.sh" start
  if [[ -f "$DEMO_DB" ]]; then
    echo "demo-data: $DEMO_DB exists (rebuild: python3 scripts/demo-data.py)"
  else
    printf 'demo-data: created '
    python3 "$SCRIPTS/demo-data.py" "$DEMO_DB"
  fi
  bash "$SCRIPTS/superset.sh" start
}

down() {
  local rc=0
  bash "$SCRIPTS/superset.sh" stop || rc=1
  bash "$SCRIPTS/sshd.sh" stop || rc=1
  bash "$SCRIPTS/postgres.sh" stop || rc=1
  bash "$SCRIPTS/zookeeper.sh" stop || rc=1
  return "$rc"
}

status() {
  local rc=0
  bash "$SCRIPTS/zookeeper.sh" status || rc=1
  bash "$SCRIPTS/postgres.sh" status || rc=1
  bash "$SCRIPTS/sshd.sh" status || rc=1
  bash "$SCRIPTS/superset.sh" status || rc=1
  if [[ -f "$DEMO_DB" ]]; then echo "demo-data: $DEMO_DB"; else echo "demo-data: missing ($DEMO_DB)"; fi
  return "$rc"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: scripts/services.sh up|down|status" >&2
    exit 2
    ;;
esac
