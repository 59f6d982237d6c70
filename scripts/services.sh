#!/usr/bin/env bash
# Local services for the demo and the integration tests.
#
#   scripts/services.sh up       ZooKeeper (127.0.0.1:${ZK_PORT:-2181}), PostgreSQL
#                                (127.0.0.1:${PG_PORT:-5433}, scripts/postgres.sh: Superset's metadata,
#                                the demo warehouse `sales` and the tests' `warehouse`), an SSH server
#                                for Superset's tunnels (127.0.0.1:${SSHD_PORT:-2222}, scripts/sshd.sh),
#                                Superset (http://127.0.0.1:${SUPERSET_PORT:-8088})
#   scripts/services.sh down     stop Superset, sshd, PostgreSQL and ZooKeeper
#   scripts/services.sh status   exit 0 only when all four answer
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$REPO_ROOT/scripts"

up() {
  bash "$SCRIPTS/zookeeper.sh" start
  bash "$SCRIPTS/postgres.sh" start
  bash "$SCRIPTS/sshd.sh" start
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
