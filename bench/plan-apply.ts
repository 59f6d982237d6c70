// Plan and apply N objects against the live Superset and ZooKeeper, and print times and Superset calls.
//   npx tsx bench/plan-apply.ts [N]     (default 1000: 1 database, 50 datasets, 5 dashboards, the rest charts)
// Uses its own environment (ZooKeeper root), warehouse tables and object names; deletes them afterwards.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { adminClient, cleanupRun, environmentYaml } from '../test/integration/sync/fixture.js';
import { warehouseDatabaseYaml, warehouseSql } from '../test/integration/warehouse.js';
import { engine, type CountingPort, type Engine } from '../test/integration/sync/harness.js';
import { loadProject } from '../src/engine/project.js';
import type { Fixture } from '../test/integration/sync/fixture.js';
import { timeRegistry, type OperationTimes } from './registry-timing.js';

const total = Number(process.argv[2] ?? 1000);
const DATASETS = Math.min(50, Math.max(1, Math.floor(total / 20)));
const DASHBOARDS = Math.min(5, Math.max(1, Math.floor(total / 200)));
const CHARTS = total - 1 - DATASETS - DASHBOARDS;
const PER_DASHBOARD = Math.min(12, Math.floor(CHARTS / DASHBOARDS));
const VIZ = ['table', 'pie', 'big_number_total', 'echarts_timeseries_bar'];

if (CHARTS < DASHBOARDS) throw new Error(`N=${total} is too small; use at least 30`);

const runId = `bench_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plan-apply-'));
const metadataDir = path.join(dir, 'metadata');
const zkRoot = `/superset-gitops-bench/plan-apply-${runId}`;
const envName = 'bench';

function write(file: string, text: string): void {
  const full = path.join(metadataDir, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
}

/** One table per dataset (Superset wants table names unique across all its datasets). */
function createTables(): void {
  const tables = Array.from(
    { length: DATASETS },
    (
      _,
      t,
    ) => `CREATE TABLE "t${t}_${runId}" (id integer PRIMARY KEY, day timestamp, region text, amount double precision);
INSERT INTO "t${t}_${runId}" SELECT i, make_timestamp(2025, 1, 1 + i % 28, 0, 0, 0), substr('nesw', 1 + i % 4, 1), i * 1.5 FROM generate_series(0, 19) AS i;`,
  );
  warehouseSql(tables.join('\n'));
}

const chartName = (i: number) => `Chart ${i} ${runId}`;

function chartYaml(i: number, rowLimit: number): string {
  const viz = VIZ[i % VIZ.length]!;
  const params =
    viz === 'echarts_timeseries_bar'
      ? `  x_axis: day\n  time_grain_sqla: P1D\n  metrics: [total]\n  groupby: [region]`
      : viz === 'table'
        ? `  query_mode: aggregate\n  groupby: [region]\n  metrics: [total]`
        : viz === 'pie'
          ? `  groupby: [region]\n  metric: total`
          : `  metric: total`;
  return `kind: chart
name: ${chartName(i)}
dataset: ds_${i % DATASETS}_${runId}
viz_type: ${viz}
params:
${params}
  row_limit: ${rowLimit}
  time_range: No filter
`;
}

function writeTree(): void {
  write(`environments/${envName}.yaml`, environmentYaml(envName, zkRoot));
  write('databases/db.yaml', warehouseDatabaseYaml(`db_${runId}`));
  for (let d = 0; d < DATASETS; d++) {
    write(
      `datasets/ds_${d}.yaml`,
      `kind: dataset
name: ds_${d}_${runId}
database: db_${runId}
table_name: t${d}_${runId}
main_dttm_col: day
columns:
  - { name: id, groupby: false }
  - { name: day, is_dttm: true, verbose_name: Day }
  - { name: region, verbose_name: Region }
  - { name: amount, groupby: false }
metrics:
  - { name: total, expression: SUM(amount), verbose_name: Total }
`,
    );
  }
  for (let c = 0; c < CHARTS; c++) write(`charts/chart_${c}.yaml`, chartYaml(c, 100));
  for (let b = 0; b < DASHBOARDS; b++) {
    const charts = Array.from({ length: PER_DASHBOARD }, (_, k) => chartName(b * PER_DASHBOARD + k));
    const rows: string[] = [];
    for (let k = 0; k < charts.length; k += 3)
      rows.push(
        `  - row:\n${charts
          .slice(k, k + 3)
          .map((c) => `      - chart: ${c}\n        width: 4`)
          .join('\n')}`,
      );
    write(
      `dashboards/d_${b}.yaml`,
      `kind: dashboard\nname: dash_${b}_${runId}\ntitle: Dashboard ${b} ${runId}\nlayout:\n  - header: Charts\n${rows.join('\n')}\n`,
    );
  }
}

function callsLine(port: CountingPort): string {
  const by = new Map<string, number>();
  for (const c of port.log) by.set(`${c.op} ${c.kind}`, (by.get(`${c.op} ${c.kind}`) ?? 0) + 1);
  const ops = ['list', 'get', 'create', 'update', 'remove'].map((op) => `${op} ${port.count(op as never)}`);
  const detail = [...by.entries()]
    .sort()
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return `port calls: ${ops.join(', ')}; writes ${port.writes().length}\n      ${detail}`;
}

/** HTTP requests and their summed time per route, from the client's `superset.http` debug events. */
function httpLine(events: Engine['events']): string {
  const routes = new Map<string, { n: number; ms: number }>();
  for (const e of events) {
    const m = /^(\w+) (\S+) -> \d+ in ([\d.]+) ms$/.exec(e.message);
    if (e.code !== 'superset.http' || m === null) continue;
    const route = `${m[1]} ${m[2]!.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    const r = routes.get(route) ?? { n: 0, ms: 0 };
    routes.set(route, { n: r.n + 1, ms: r.ms + Number(m[3]) });
  }
  const total = [...routes.values()].reduce((a, r) => ({ n: a.n + r.n, ms: a.ms + r.ms }), { n: 0, ms: 0 });
  const top = [...routes.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 6)
    .map(([k, r]) => `${k} ${r.n}x ${(r.ms / 1000).toFixed(2)} s`)
    .join(', ');
  return `HTTP ${total.n} requests, ${(total.ms / 1000).toFixed(2)} s: ${top}`;
}

/** Time spent in each registry (ZooKeeper) operation, summed. */
const registryTime: OperationTimes = new Map();

function registryLine(): string {
  const parts = [...registryTime.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([op, t]) => `${op} ${t.n}x ${(t.ms / 1000).toFixed(2)} s`);
  return `ZooKeeper: ${parts.join(', ')}`;
}

async function timed<T>(label: string, eng: Engine, work: () => Promise<T>): Promise<T> {
  eng.port.reset();
  eng.events.splice(0);
  registryTime.clear();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${label.padEnd(32)} ${seconds.toFixed(2).padStart(7)} s`);
  console.log(`      ${callsLine(eng.port)}`);
  console.log(`      ${httpLine(eng.events)}`);
  console.log(`      ${registryLine()}`);
  return result;
}

async function main(): Promise<void> {
  createTables();
  writeTree();
  console.log(
    `${total} objects: 1 database, ${DATASETS} datasets, ${CHARTS} charts, ${DASHBOARDS} dashboards (${PER_DASHBOARD} charts each); Superset ${process.env.SUPERSET_URL ?? 'http://127.0.0.1:8088'}`,
  );
  const fx = { metadataDir, envName } as Fixture;
  const eng = await engine(fx);
  eng.services.registry = timeRegistry(eng.services.registry, registryTime);
  try {
    const loadStarted = performance.now();
    await loadProject(metadataDir, envName);
    const loadMs = performance.now() - loadStarted;
    console.log(
      `load + validate the YAML tree      ${(loadMs / 1000).toFixed(2)} s (part of every plan and apply below)`,
    );
    const first = await timed('first apply (create all)', eng, () => eng.apply());
    if (first.result !== 'success') throw new Error(`first apply: ${first.outcome.failed?.error.message}`);
    const quiet = await timed('plan, no changes', eng, () => eng.plan());
    if (quiet.plan.summary.noop !== total)
      throw new Error(`no-change plan: ${JSON.stringify(quiet.plan.summary)}`);
    await timed('plan --read-all, no changes', eng, () => eng.plan({ readAll: true }));
    await timed('apply, no changes', eng, () => eng.apply());
    write('charts/chart_0.yaml', chartYaml(0, 50));
    const one = await timed('apply after changing one chart', eng, () => eng.apply());
    if (one.plan.summary.update !== 1)
      throw new Error(`one-chart apply: ${JSON.stringify(one.plan.summary)}`);
    await timed('plan after that apply', eng, () => eng.plan());
  } finally {
    await eng.close();
    const started = performance.now();
    await cleanupRun(adminClient(), runId, zkRoot, dir);
    console.log(
      `cleanup (delete via API, ZooKeeper subtree) ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

await main();
