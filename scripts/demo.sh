#!/usr/bin/env bash
# npm run demo: start ZooKeeper and Superset (unless they run), apply metadata/ to the `local`
# environment, print where the dashboards are and a drift report. Both services keep running;
# `npm stop` stops them.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"
t0=$SECONDS

bash scripts/ensure-deps.sh
bash scripts/services.sh up
npm run --silent build

CLI=(node bin/superset-gitops.js)
echo
echo "=== apply metadata/ to environment local ==="
# A demo registry from a version before applied records were signed: its records are the demo's own
# (loopback, this machine), so they are signed with this machine's local record key first.
if ! "${CLI[@]}" state sign --env local >/dev/null 2>&1; then
  "${CLI[@]}" state sign --env local --yes
fi
"${CLI[@]}" apply --env local

URL="${SUPERSET_URL:-http://127.0.0.1:${SUPERSET_PORT:-8088}}"
echo
echo "=== dashboards (log in as ${SUPERSET_ADMIN_USER:-admin}) ==="
node --input-type=module -e '
  import { readdirSync, readFileSync } from "node:fs";
  import { parse } from "yaml";
  const url = process.argv[1];
  for (const f of readdirSync("metadata/dashboards", { recursive: true })) {
    if (!String(f).endsWith(".yaml")) continue;
    const d = parse(readFileSync(`metadata/dashboards/${f}`, "utf8"));
    console.log(`  ${d.title.replace(/\$\{var\.[^}]*\}/g, "").trim()}: ${url}/superset/dashboard/${d.slug ?? d.uuid}/`);
  }' "$URL"

echo
echo "=== chart data (GET /api/v1/chart/<id>/data/) ==="
node scripts/check-dashboards.mjs sales

echo
echo "=== drift report (environment local) ==="
set +e
"${CLI[@]}" drift --env local
rc=$?
set -e
echo
echo "demo ready in $((SECONDS - t0)) s; ZooKeeper and Superset keep running (npm stop stops them)."
# 0 = no drift, 2 = drift found: both are a working demo.
[[ $rc -eq 0 || $rc -eq 2 ]]
