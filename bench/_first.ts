// Temporary: first deploys of N objects with imports_at_once 1 and 2, alternately, each from a Superset without that content.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { passwordVariable } from '../src/superset-map/from-superset.js';
import { ZkClient, deleteTree } from '../src/zookeeper/index.js';
import { serviceEndpoints } from '../test/integration/endpoints.js';
import { adminClient, environmentYaml } from '../test/integration/sync/fixture.js';
import { warehousePassword } from '../test/integration/warehouse.js';
import { makeContent } from './content.js';
import type { SupersetClient } from '../src/superset/client.js';

const CLI = path.resolve(import.meta.dirname, '../bin/superset-gitops.js');
const args = process.argv.slice(2);
const admin = adminClient();
const NAME = { database: 'database_name', dataset: 'table_name', chart: 'slice_name', dashboard: 'dashboard_title' } as const;
async function empty(a: SupersetClient, runId: string, zkRoot?: string) {
  for (const kind of ['dashboard', 'chart', 'dataset', 'database'] as const) {
    const rows = (await a.list(kind, { filters: [[NAME[kind], 'ct', runId]] })).filter((r) => r.name.includes(runId));
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => { while (next < rows.length) { const r = rows[next++]!; await a.remove(kind, r.id); } }));
  }
  if (zkRoot) { const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 }); try { await deleteTree(zk, zkRoot); } finally { zk.close(); } }
}
if (args[0] === '--clean') { for (const id of args.slice(1)) { await empty(admin, id); console.log('cleaned', id); } process.exit(0); }
const N = Number(args[0] ?? 1000); const R = Number(args[1] ?? 3);
const res: Record<string, number[]> = { '1': [], '2': [] };
for (let r = 0; r < R; r++) {
  for (const at of r % 2 ? ['2', '1'] : ['1', '2']) {
    const runId = `fd${at}_${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
    const work = fs.mkdtempSync(`/tmp/exp/first-${runId}-`);
    const content = makeContent(N, runId, path.join(work, 'bundle'));
    const env = { ...process.env, [passwordVariable(content.dbName)]: warehousePassword(), NO_COLOR: '1' };
    const md = path.join(work, 'metadata');
    spawnSync(process.execPath, [CLI, 'import', '--bundle', path.join(work, 'bundle'), '--out', md], { env, encoding: 'utf8' });
    fs.mkdirSync(path.join(md, 'environments'), { recursive: true });
    const zkRoot = `/superset-gitops-bench/first-${runId}`;
    fs.writeFileSync(path.join(md, 'environments', 'bench.yaml'), environmentYaml('bench', zkRoot).replace(/(  password: .*\n)/, `$1  imports_at_once: ${at}\n`));
    const t = Date.now();
    const a = spawnSync(process.execPath, [CLI, 'apply', '--env', 'bench', '--dir', md], { env, encoding: 'utf8' });
    const s = (Date.now() - t) / 1000;
    const p = spawnSync(process.execPath, [CLI, 'plan', '--read-all', '--env', 'bench', '--dir', md], { env, encoding: 'utf8' });
    const ok = a.status === 0 && /No changes/.test(p.stdout);
    console.log(`imports_at_once ${at}: first deploy ${s.toFixed(2)} s; ${a.stdout.trim().split('\n').pop()}; plan --read-all: ${ok ? 'no changes' : 'CHANGES/FAIL ' + p.stdout.slice(-300) + a.stderr.slice(-300)}`);
    res[at]!.push(s);
    await empty(admin, runId, zkRoot);
    fs.rmSync(work, { recursive: true, force: true });
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`medians: one at a time ${med(res['1']!).toFixed(2)} s, two at once ${med(res['2']!).toFixed(2)} s (ratio ${(med(res['1']!) / med(res['2']!)).toFixed(2)}x)`);
