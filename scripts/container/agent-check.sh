#!/usr/bin/env bash
# Runs the watch agent from the image against the demo's services (`npm run demo` first) and checks
# what the Kubernetes example relies on, printing the figures:
#   1. a content repository made by `init`, applied from the host; a content image FROM the tool's
#      image with its metadata/ (as scripts/container/README.md tells a team to build it)
#   2. two agent containers (the example's 2 replicas): exactly one leads; both answer /health on
#      0.0.0.0; the image's HEALTHCHECK passes (podman healthcheck run)
#   3. a chart retitled in Superset as a person would: the leader heals it (time measured)
#   4. the leader's container stopped: the other leads (time measured)
# Cleans up its containers, objects and registry root. Exit 0 when every check passed.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"
P=scripts/container/podman.sh
SUPERSET_URL=${SUPERSET_URL:-http://127.0.0.1:8088}
ZK_CONNECT=${ZK_CONNECT:-127.0.0.1:2181}
stamp=$(date +%s)
root=/superset-gitops-container/agent-$stamp
work=$(mktemp -d)
content=$work/content
image=$(bash $P image)
export SUPERSET_USERNAME=${SUPERSET_ADMIN_USER:-admin} SUPERSET_PASSWORD=${SUPERSET_ADMIN_PASSWORD:-admin}
export CONTENT_DB_PASSWORD=${WAREHOUSE_PASSWORD:-warehouse-demo-pw-1}
SUPERSET_GITOPS_RECORD_KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SUPERSET_GITOPS_RECORD_KEY
cli() { node "$REPO_ROOT/bin/superset-gitops.js" "$@"; }
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%d", (b - a) * 1000 }'; }
fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
  set +e
  podman rm -f sg-agent-1 sg-agent-2 >/dev/null 2>&1
  if [[ -d $content/metadata ]]; then
    rm -rf "$content/metadata/databases" "$content/metadata/datasets" "$content/metadata/charts"
    (cd "$content" && cli apply --env agent --prune >/dev/null 2>&1)
  fi
  podman rmi -f "localhost/superset-content:$stamp" >/dev/null 2>&1
  node --input-type=module -e '
    const [, mod, connect, root] = process.argv;
    const { ZkClient, deleteTree } = await import(mod);
    const zk = await ZkClient.connect({ connect, connectTimeoutMs: 10000 });
    await deleteTree(zk, root);
    zk.close();
  ' "$REPO_ROOT/dist/zookeeper/index.js" "$ZK_CONNECT" "$root"
  rm -rf "$work"
}
trap cleanup EXIT

# A Superset call as the admin: METHOD PATH [JSON BODY] -> response JSON on stdout.
# shellcheck disable=SC2016 # a JavaScript program: its template strings are its own
api() {
  node -e '
    const [url, user, password, method, path, body] = process.argv.slice(1);
    (async () => {
      const login = await fetch(`${url}/api/v1/security/login`, { method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: user, password, provider: "db", refresh: false }) });
      const { access_token } = await login.json();
      const csrf = await fetch(`${url}/api/v1/security/csrf_token/`, { headers: { authorization: `Bearer ${access_token}` } });
      const token = (await csrf.json()).result;
      const cookie = (csrf.headers.get("set-cookie") || "").split(";")[0];
      const res = await fetch(`${url}${path}`, { method, body: body || undefined, headers: {
        authorization: `Bearer ${access_token}`, "content-type": "application/json",
        "x-csrftoken": token, referer: url, cookie } });
      process.stdout.write(await res.text());
      if (!res.ok) process.exit(1);
    })().catch((e) => { console.error(e); process.exit(1); });
  ' "$SUPERSET_URL" "$SUPERSET_USERNAME" "$SUPERSET_PASSWORD" "$@"
}
health() { curl -fsS --max-time 2 "http://$1/health" 2>/dev/null || true; }

echo "== image $image (podman build; unchanged layers come from its cache)"
t0=$(now)
bash $P build >/dev/null
echo "built in $(ms "$t0" "$(now)") ms; $(podman image inspect "$image" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }')"

echo "== content repository (init) applied from the host"
cli init "$content" --env agent --superset-url "$SUPERSET_URL" --zk-connect "$ZK_CONNECT" --zk-root "$root" >/dev/null
mkdir -p "$content/metadata/databases" "$content/metadata/datasets" "$content/metadata/charts"
cat >"$content/metadata/databases/agent.yaml" <<YAML
kind: database
name: agent-$stamp
sqlalchemy_uri: postgresql://warehouse@127.0.0.1:${PG_PORT:-5433}/warehouse
password: \${env.CONTENT_DB_PASSWORD}
YAML
cat >"$content/metadata/datasets/orders.yaml" <<YAML
kind: dataset
name: agent_orders_$stamp
database: agent-$stamp
sql: SELECT region, amount FROM orders
metrics:
  - name: revenue
    expression: SUM(amount)
YAML
cat >"$content/metadata/charts/revenue.yaml" <<YAML
kind: chart
name: Agent revenue $stamp
dataset: agent_orders_$stamp
viz_type: table
params:
  query_mode: aggregate
  groupby: [region]
  metrics: [revenue]
  time_range: No filter
YAML
(cd "$content" && cli apply --env agent | tail -n 1)
printf 'FROM %s\nCOPY --chown=10001:10001 metadata /work/metadata\n' "$image" >"$content/Dockerfile"
t0=$(now)
podman build -q --isolation chroot --format docker -t "localhost/superset-content:$stamp" "$content" >/dev/null
echo "content image built in $(ms "$t0" "$(now)") ms"

echo "== two agents from the image (host network; ports 8080 and 18082)"
for n in 1 2; do
  port=$([[ $n == 1 ]] && echo 8080 || echo 18082)
  bash $P run -d --name "sg-agent-$n" --network host \
    -e SUPERSET_USERNAME -e SUPERSET_PASSWORD -e SUPERSET_GITOPS_RECORD_KEY \
    "localhost/superset-content:$stamp" \
    watch --env agent --dir /work/metadata --interval 1 --heal \
    --health-port "$port" --health-host 0.0.0.0 >/dev/null
done
t0=$(now)
for _ in $(seq 1 60); do
  h1=$(health 127.0.0.1:8080) h2=$(health 127.0.0.1:18082)
  if [[ $h1 == *'"state":"running"'* && $h2 == *'"state":"running"'* ]]; then break; fi
  sleep 0.5
done
[[ $h1 == *'"state":"running"'* && $h2 == *'"state":"running"'* ]] || {
  podman logs sg-agent-1 | tail -n 20
  fail "agents did not start"
}
echo "both running in $(ms "$t0" "$(now)") ms"
leaders=$( (jq -r .leader <<<"$h1"; jq -r .leader <<<"$h2") | grep -c true || true)
((leaders == 1)) || fail "expected one leader, got $leaders"
user=$(podman exec sg-agent-1 id -u)
[[ $user == 10001 ]] || fail "agent runs as uid $user"
echo "one leader; agents run as uid $user"
podman healthcheck run sg-agent-1 2>/dev/null || fail "HEALTHCHECK failed"
echo "HEALTHCHECK of sg-agent-1: healthy"
external=$(hostname -I | awk '{print $1}')
[[ $(health "$external:18082") == *'"agent"'* ]] || fail "/health not on $external"
echo "/health answers on $external (0.0.0.0)"

echo "== a chart retitled in Superset: the leader heals it"
id=$(api GET "/api/v1/chart/?q=(filters:!((col:slice_name,opr:eq,value:'Agent%20revenue%20$stamp')))" | jq -r '.result[0].id')
t0=$(now)
api PUT "/api/v1/chart/$id" '{"slice_name":"renamed by a person"}' >/dev/null
for _ in $(seq 1 100); do
  name=$(api GET "/api/v1/chart/$id" | jq -r .result.slice_name)
  [[ $name == "Agent revenue $stamp" ]] && break
  sleep 0.2
done
[[ $name == "Agent revenue $stamp" ]] || fail "not healed: $name"
echo "healed in $(ms "$t0" "$(now)") ms (edit to title restored; --interval 1)"

echo "== the leader's container stopped: the other leads"
if [[ $h1 == *'"leader":true'* ]]; then leader=1 other=127.0.0.1:18082; else leader=2 other=127.0.0.1:8080; fi
t0=$(now)
podman stop -t 10 "sg-agent-$leader" >/dev/null
for _ in $(seq 1 100); do
  [[ $(health "$other") == *'"leader":true'* ]] && break
  sleep 0.2
done
[[ $(health "$other") == *'"leader":true'* ]] || fail "no failover"
echo "failover in $(ms "$t0" "$(now)") ms (podman stop: SIGTERM, the agent leaves the election)"
echo "OK"
