#!/usr/bin/env bash
# Stop everything the project starts locally (`npm stop`): Superset, the PostgreSQL
# warehouse, the ZooKeeper server and the 3-node test ensemble; then check that none of
# their ports still accepts connections. Exit 1 if something is left listening.
set -uo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$REPO_ROOT/scripts"
rc=0

bash "$SCRIPTS/services.sh" down || rc=1
bash "$SCRIPTS/zookeeper.sh" ensemble-stop || rc=1

ports=("${SUPERSET_PORT:-8088}" "${PG_PORT:-5433}" "${SSHD_PORT:-2222}" "${ZK_PORT:-2181}")
IFS=, read -r -a more <<<"${ZK_ENSEMBLE_PORTS:-2281,2282,2283},${ZK_ENSEMBLE_QUORUM_PORTS:-2881,2882,2883},${ZK_ENSEMBLE_ELECTION_PORTS:-3881,3882,3883}"
ports+=("${more[@]}")

listening() { # PORT: exit 0 when something listens on it
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$1" | grep -q .
  else
    python3 - "$1" <<'PY'
import socket, sys
port = int(sys.argv[1])
for host in ("127.0.0.1", "::1"):
    try:
        socket.create_connection((host, port), timeout=1).close()
        sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PY
  fi
}

left=()
for port in "${ports[@]}"; do
  if listening "$port"; then left+=("$port"); fi
done
if ((${#left[@]})); then
  echo "stop: ERROR: still listening on port(s): ${left[*]}" >&2
  if command -v ss >/dev/null 2>&1; then
    for port in "${left[@]}"; do ss -Hltnp "sport = :$port" >&2; done
  fi
  exit 1
fi
if ((rc)); then
  echo "stop: ERROR: a stop step failed (see above)" >&2
  exit 1
fi
echo "stop: all services stopped; nothing listens on ports ${ports[*]}"
