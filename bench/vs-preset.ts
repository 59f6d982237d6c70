// Both tools side by side on the same local Superset: preset-cli 0.3.13 `sync native` and ours, on the
// same generated content (a Superset export bundle; ours reads it through `import --bundle`), each
// cycle starting from a Superset without the content. Prints medians, ratios and write counts.
//
//   npx tsx bench/vs-preset.ts [N] [--runs R]     (N objects, default 1000; R cycles, default 3)
//
// Needs the services of `npm run demo` (Superset with its metadata in PostgreSQL: the write counts
// are read from Superset's own `logs` table). preset-cli is installed into .venv/preset-cli on first
// use. Each cycle, per tool: first deploy, no change, one chart retitled, 10% of the charts changed;
// for ours also `plan` with no change, and after the cycle a `plan --read-all` that must find nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { passwordVariable } from '../src/superset-map/from-superset.js';
import type { SupersetClient } from '../src/superset/index.js';
import type { SupersetKind } from '../src/superset/port.js';
import { adminClient, environmentYaml } from '../test/integration/sync/fixture.js';
import { serviceEndpoints } from '../test/integration/endpoints.js';
import { dropWarehouseTables, psql, warehousePassword } from '../test/integration/warehouse.js';
import { ZkClient, deleteTree } from '../src/zookeeper/index.js';
import { makeContent } from './content.js';

const REPO = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(args[runsAt + 1]) : 3;
const N = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== '--runs') ?? 1000);
if (!(N >= 30 && RUNS >= 1)) throw new Error('usage: bench/vs-preset.ts [N >= 30] [--runs R >= 1]');

const runId = `vsp_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-vs-preset-'));
const bundleDir = path.join(work, 'bundle');
const oursDir = path.join(work, 'ours');
const metadataDir = path.join(oursDir, 'metadata');
const zkRoot = `/superset-gitops-bench/vs-preset-${runId}`;
const envName = 'bench';
const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
const content = makeContent(N, runId, bundleDir);
const { DATASETS, DASHBOARDS, CHARTS, dbName, dbUuid, chartTitle, chartFile } = content;
const TENTH = Math.round(CHARTS / 10);

// --- preset-cli -----------------------------------------------------------------------------------

const PRESET_VENV = path.join(REPO, '.venv/preset-cli');
const PRESET_CLI = path.join(PRESET_VENV, 'bin/superset-cli');

function ensurePresetCli(): string {
  if (!fs.existsSync(PRESET_CLI)) {
    console.log('installing preset-cli 0.3.13 into .venv/preset-cli ...');
    execFileSync('python3', ['-m', 'venv', PRESET_VENV], { stdio: 'inherit' });
    execFileSync(path.join(PRESET_VENV, 'bin/pip'), ['install', '-q', 'preset-cli==0.3.13'], {
      stdio: 'inherit',
    });
  }
  return execFileSync(PRESET_CLI, ['--version'], { encoding: 'utf8' }).trim();
}

// --- edits, the same for both tools ---------------------------------------------------------------

/** Sets one key of a YAML file in place (the same edit a person makes). */
function setKey(file: string, keyPath: string[], value: unknown): void {
  const doc = parseDocument(fs.readFileSync(file, 'utf8'));
  doc.setIn(keyPath, value);
  fs.writeFileSync(file, doc.toString());
}

/** Our file for each chart, by title (import --bundle chose the layout). */
function ourChartFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(path.join(metadataDir, 'charts'), { recursive: true, encoding: 'utf8' })) {
    if (!f.endsWith('.yaml')) continue;
    const full = path.join(metadataDir, 'charts', f);
    const name = parseDocument(fs.readFileSync(full, 'utf8')).get('name');
    if (typeof name === 'string') out.set(name, full);
  }
  return out;
}

interface Tool {
  name: string;
  /** One deploy of the current content; the exit status must be 0. */
  deploy(): void;
  retitle(i: number, title: string): void;
  setRowLimit(i: number, rowLimit: number): void;
  /** Puts the content back as generated (between cycles). */
  restore(): void;
}

const bundleCopy = path.join(work, 'bundle.orig');

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env, okCodes = [0]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (!okCodes.includes(r.status ?? -1)) {
    throw new Error(
      `${path.basename(cmd)} ${argv.slice(0, 3).join(' ')} exited ${r.status}:\n${(r.stdout + r.stderr).slice(-3000)}`,
    );
  }
  return r.stdout;
}

const presetTool: Tool = {
  name: 'preset-cli',
  deploy() {
    run(PRESET_CLI, [
      '-u',
      supersetUser,
      '-p',
      supersetPassword,
      `${supersetUrl}/`,
      'sync',
      'native',
      bundleDir,
      '--overwrite',
      '--db-password',
      `${dbUuid}=${warehousePassword()}`,
    ]);
  },
  retitle(i, title) {
    setKey(path.join(bundleDir, chartFile(i)), ['slice_name'], title);
  },
  setRowLimit(i, rowLimit) {
    setKey(path.join(bundleDir, chartFile(i)), ['params', 'row_limit'], rowLimit);
  },
  restore() {
    fs.rmSync(bundleDir, { recursive: true, force: true });
    fs.cpSync(bundleCopy, bundleDir, { recursive: true });
  },
};

const oursEnv = { ...process.env, [passwordVariable(dbName)]: warehousePassword(), NO_COLOR: '1' };
const CLI = path.join(REPO, 'bin/superset-gitops.js');
const oursCopy = path.join(work, 'ours.orig');
let ourFiles = new Map<string, string>();

const oursTool: Tool & { plan(extra?: string[]): void } = {
  name: 'ours',
  deploy() {
    run(process.execPath, [CLI, 'apply', '--env', envName, '--dir', metadataDir], oursEnv);
  },
  /** A plan that must find nothing to do (exit 0). */
  plan(extra = []) {
    run(process.execPath, [CLI, 'plan', '--env', envName, '--dir', metadataDir, ...extra], oursEnv);
  },
  retitle(i, title) {
    setKey(ourFiles.get(chartTitle(i))!, ['name'], title);
  },
  setRowLimit(i, rowLimit) {
    setKey(ourFiles.get(chartTitle(i))!, ['params', 'row_limit'], rowLimit);
  },
  restore() {
    fs.rmSync(metadataDir, { recursive: true, force: true });
    fs.cpSync(oursCopy, metadataDir, { recursive: true });
  },
};

// --- Superset's side: emptying it, and counting writes from its own log ---------------------------

function metadataDb(): string {
  const version = fs.readFileSync(path.join(REPO, '.run/superset-active'), 'utf8').trim();
  return process.env.SUPERSET_METADATA_DB ?? `superset_${version.replace(/\./g, '_')}`;
}

const metadataSql = (sql: string): string => psql(metadataDb(), sql);

const lastLogId = () => Number(metadataSql('SELECT coalesce(max(id), 0) FROM logs;'));

/** Write requests Superset logged after `since` (creates, updates, deletes, imports), by action. */
function writesSince(since: number): { total: number; by: string } {
  const rows = metadataSql(
    `SELECT action || '=' || count(*) FROM logs WHERE id > ${since} AND (action ~ '\\.(post|put|delete|bulk_delete)$' OR action ILIKE '%import%') GROUP BY action ORDER BY action;`,
  )
    .split('\n')
    .filter(Boolean);
  const total = rows.reduce((n, r) => n + Number(r.split('=')[1]), 0);
  return { total, by: rows.join(' ') };
}

/** Objects of this run whose changed_on moved after `sinceSql` (a timestamp read from the server). */
function objectsChangedSince(sinceSql: string): number {
  return Number(
    metadataSql(`SELECT (SELECT count(*) FROM slices WHERE changed_on > '${sinceSql}' AND slice_name LIKE '%${runId}%')
 + (SELECT count(*) FROM dashboards WHERE changed_on > '${sinceSql}' AND dashboard_title LIKE '%${runId}%')
 + (SELECT count(*) FROM tables WHERE changed_on > '${sinceSql}' AND table_name LIKE '%${runId}%')
 + (SELECT count(*) FROM dbs WHERE changed_on > '${sinceSql}' AND database_name LIKE '%${runId}%');`),
  );
}

async function pool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

const NAME_COLUMN: Record<SupersetKind, string> = {
  database: 'database_name',
  dataset: 'table_name',
  chart: 'slice_name',
  dashboard: 'dashboard_title',
  css_template: 'template_name',
  theme: 'theme_name',
  saved_query: 'label',
  row_level_security: 'name',
  report: 'name',
  role: 'name',
};

/** Deletes every object of this run from Superset and our registry root: the next cycle starts empty. */
async function empty(admin: SupersetClient): Promise<void> {
  for (const kind of ['dashboard', 'chart', 'dataset', 'database'] as const) {
    const rows = (await admin.list(kind, { filters: [[NAME_COLUMN[kind], 'ct', runId]] })).filter((r) =>
      r.name.includes(runId),
    );
    await pool(rows, 4, (r) => admin.remove(kind, r.id));
  }
  const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
  try {
    await deleteTree(zk, zkRoot);
  } finally {
    zk.close();
  }
}

// --- the cycle --------------------------------------------------------------------------------------

interface Step {
  seconds: number;
  writes: number;
  objects: number;
  by: string;
}
type Results = Map<string, Step[]>;

function step(results: Results, label: string, work: () => void): Step {
  const since = lastLogId();
  const sinceTs = metadataSql("SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US');");
  const started = performance.now();
  work();
  const seconds = (performance.now() - started) / 1000;
  const { total, by } = writesSince(since);
  const s: Step = { seconds, writes: total, objects: objectsChangedSince(sinceTs), by };
  results.set(label, [...(results.get(label) ?? []), s]);
  console.log(
    `  ${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s  ${String(total).padStart(5)} write requests, ${String(s.objects).padStart(5)} objects changed  ${by}`,
  );
  return s;
}

function cycle(tool: Tool, results: Results, k: number): void {
  tool.restore();
  if (tool === oursTool) ourFiles = ourChartFiles();
  step(results, `${tool.name}: first deploy`, () => tool.deploy());
  if (tool === oursTool) step(results, `${tool.name}: plan, no change`, () => oursTool.plan());
  step(results, `${tool.name}: no change`, () => tool.deploy());
  // A chart on no dashboard (in our files a dashboard names its charts: a rename there is two edits).
  tool.retitle(CHARTS - 1, `${chartTitle(CHARTS - 1)} retitled ${k}`);
  step(results, `${tool.name}: one chart retitled`, () => tool.deploy());
  for (let i = 1; i <= TENTH; i++) tool.setRowLimit(i, 200 + k);
  step(results, `${tool.name}: 10% of charts changed`, () => tool.deploy());
  if (tool === oursTool) {
    // No speed-up that skips a check: everything read back from Superset agrees with the files.
    oursTool.plan(['--read-all']);
    console.log('  ours: plan --read-all after the cycle: no changes');
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function table(results: Results): void {
  const rows: [string, string][] = [
    ['first deploy', 'first deploy'],
    ['no change', 'no change'],
    ['one chart retitled', 'one chart retitled'],
    [`${TENTH} charts changed (10%)`, '10% of charts changed'],
  ];
  console.log(
    `\nN = ${N} (1 database, ${DATASETS} datasets, ${CHARTS} charts, ${DASHBOARDS} dashboards); medians of ${RUNS}`,
  );
  console.log(
    '| step | preset-cli | write requests / objects changed | ours | write requests / objects changed | ratio (preset / ours) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const [label, key] of rows) {
    const p = results.get(`preset-cli: ${key}`) ?? [];
    const o = results.get(`ours: ${key}`) ?? [];
    const ps = median(p.map((s) => s.seconds));
    const os_ = median(o.map((s) => s.seconds));
    const pw = `${median(p.map((s) => s.writes))} / ${median(p.map((s) => s.objects))}`;
    const ow = `${median(o.map((s) => s.writes))} / ${median(o.map((s) => s.objects))}`;
    console.log(
      `| ${label} | ${ps.toFixed(2)} s | ${pw} | ${os_.toFixed(2)} s | ${ow} | ${(ps / os_).toFixed(2)}x |`,
    );
  }
  const plan = results.get('ours: plan, no change') ?? [];
  const noChangePreset = median((results.get('preset-cli: no change') ?? []).map((s) => s.seconds));
  if (plan.length) {
    const ps = median(plan.map((s) => s.seconds));
    console.log(
      `| plan, no change (ours) vs preset-cli no-change sync | ${noChangePreset.toFixed(2)} s | | ${ps.toFixed(2)} s | ${median(plan.map((s) => s.writes))} | ${(noChangePreset / ps).toFixed(2)}x |`,
    );
  }
}

async function main(): Promise<void> {
  const version = ensurePresetCli();
  console.log(`${version}; Superset ${supersetUrl} (metadata database ${metadataDb()}); run ${runId}`);
  fs.cpSync(bundleDir, bundleCopy, { recursive: true });
  fs.mkdirSync(oursDir, { recursive: true });
  const imported = spawnSync(process.execPath, [CLI, 'import', '--bundle', bundleDir, '--out', metadataDir], {
    encoding: 'utf8',
  });
  if (imported.status !== 0) throw new Error(`import --bundle: ${imported.stdout}${imported.stderr}`);
  fs.mkdirSync(path.join(metadataDir, 'environments'), { recursive: true });
  fs.writeFileSync(
    path.join(metadataDir, 'environments', `${envName}.yaml`),
    environmentYaml(envName, zkRoot),
  );
  fs.cpSync(metadataDir, oursCopy, { recursive: true });
  const admin = adminClient();
  const results: Results = new Map();
  const started = performance.now();
  try {
    await empty(admin);
    for (let k = 1; k <= RUNS; k++) {
      for (const tool of [presetTool, oursTool]) {
        console.log(`cycle ${k}/${RUNS}, ${tool.name}`);
        cycle(tool, results, k);
        await empty(admin);
      }
    }
    table(results);
  } finally {
    await empty(admin).catch((e: unknown) => console.error(`emptying Superset failed: ${String(e)}`));
    dropWarehouseTables(runId);
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`\nbench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

await main();
