// After the demo's apply: every chart placed on the example dashboards answers its chart data
// endpoint with rows (GET /api/v1/chart/<id>/data/). Exit 1 when one does not.
import { createSupersetClient } from '../dist/superset/client.js';

const baseUrl = process.env.SUPERSET_URL ?? `http://127.0.0.1:${process.env.SUPERSET_PORT ?? 8088}`;
const client = createSupersetClient({
  baseUrl,
  username: process.env.SUPERSET_ADMIN_USER ?? 'admin',
  password: process.env.SUPERSET_ADMIN_PASSWORD ?? 'admin',
});
const slugs = process.argv.slice(2);
let failed = 0;
for (const dashboard of await client.list('dashboard')) {
  const detail = await client.get('dashboard', dashboard.id);
  if (!slugs.includes(String(detail.slug))) continue;
  const position = JSON.parse(String(detail.position_json ?? '{}'));
  const charts = Object.values(position).filter((n) => n && n.type === 'CHART');
  for (const node of charts) {
    const id = node.meta.chartId;
    try {
      const rows = (await client.chartData(id)).reduce((n, q) => n + q.rowcount, 0);
      console.log(`  ${detail.slug}: ${node.meta.sliceName ?? id}: ${rows} rows`);
      if (rows === 0) failed++;
    } catch (e) {
      console.log(`  ${detail.slug}: ${node.meta.sliceName ?? id}: FAILED ${e.message}`);
      failed++;
    }
  }
}
process.exitCode = failed ? 1 : 0;
