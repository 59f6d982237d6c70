// Where the time of a no-change apply of N objects goes: process start, module loading, reading,
// YAML parsing, schema validation, rules, hashing, ZooKeeper and every Superset call.
//
//   npx tsx bench/profile.ts [N] [--first | --change [--keep K]] [--cpu-out FILE]   (default 1000; needs the services of `npm run demo` and `npm run build`)
//
// With --first, the first apply itself (from an empty registry) is run in this process and timed by
// HTTP route and registry operation, and nothing else. With --change, every measured apply changes one
// chart (its row_limit, a new value each time): exactly one write to Superset. With --keep K the
// environment keeps K snapshots (`snapshots_keep`), so that from the K+1st apply on each one prunes
// the oldest, as every apply does once a registry holds its 20.
//
// Three views of the same run, after a first apply of generated content (bench/content.ts):
//   1. the CLI as a user runs it (`node bin/superset-gitops.js apply`, the bundle), wall time, and a V8
//      CPU profile of the same run from the unbundled build (dist/cli/main.js, so that each sample
//      names its source file) with its on-CPU time by area and the time it spent waiting; then (Linux)
//      the CPU time of the CLI, ZooKeeper, Superset and PostgreSQL during the bundled runs, against the
//      cores they share (bench/proc-cpu.ts);
//   2. process start and loading the CLI's modules (the bundle), from `node -e 0` and `--version`;
//   3. the same apply in this process, timed by phase: reading + parsing, schema validation + rules,
//      and then the engine's ZooKeeper operations and HTTP requests by route (wall time, summed).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTree } from '../src/load/read-tree.js';
import { passwordVariable } from '../src/superset-map/from-superset.js';
import { validateTree } from '../src/validate/validate-tree.js';
import { ZkClient, deleteTree } from '../src/zookeeper/index.js';
import { serviceEndpoints } from '../test/integration/endpoints.js';
import { adminClient, cleanupRun, environmentYaml, type Fixture } from '../test/integration/sync/fixture.js';
import { engine } from '../test/integration/sync/harness.js';
import { warehousePassword } from '../test/integration/warehouse.js';
import { makeContent, setFirstChartRowLimit } from './content.js';
import { canSampleCpu, cpuBetween, sampleCpu } from './proc-cpu.js';
import { timeRegistry, type OperationTimes } from './registry-timing.js';

const REPO = path.resolve(import.meta.dirname, '..');
const CLI = path.join(REPO, 'bin/superset-gitops.js');
const N = Number(
  process.argv
    .slice(2)
    .find((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--keep' && all[i - 1] !== '--cpu-out') ?? 1000,
);
const FIRST = process.argv.includes('--first');
const CHANGE = process.argv.includes('--change');
const keepAt = process.argv.indexOf('--keep');
const KEEP = keepAt > 0 ? Number(process.argv[keepAt + 1]) : undefined;
const cpuOutAt = process.argv.indexOf('--cpu-out');
/** Where to keep the CPU profile of view 1 (for Chrome's DevTools or a timeline), else it goes with the work folder. */
const CPU_OUT = cpuOutAt > 0 ? process.argv[cpuOutAt + 1] : undefined;
/** CPU time by process (the CLI and the services) around the bundled runs; Linux only. */
const CPU_VIEW = canSampleCpu();
const runId = `prof_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
const bundleDir = path.join(work, 'bundle');
const metadataDir = path.join(work, 'ours', 'metadata');
const zkRoot = `/superset-gitops-bench/profile-${runId}`;
const envName = 'bench';

const ms = (t: number) => `${t.toFixed(0).padStart(6)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timedRun(argv: string[], env: NodeJS.ProcessEnv = process.env): { ms: number; out: string } {
  const started = performance.now();
  const r = spawnSync(process.execPath, argv, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${argv.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return { ms: elapsed, out: r.stdout };
}

// --- the CPU profile: on-CPU time by area -----------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const AREAS: [string, (url: string, fn: string) => boolean][] = [
  ['waiting (idle: ZooKeeper and HTTP round trips, timers)', (_u, f) => f === '(idle)'],
  ['garbage collection', (_u, f) => f === '(garbage collector)'],
  ['module loading and compiling', (u, f) => f === '(program)' || /node:internal\/modules|loader/.test(u)],
  ['YAML parsing (yaml)', (u) => u.includes('/node_modules/yaml/')],
  [
    'schema validation (ajv, schema-check)',
    (u) => u.includes('/node_modules/ajv') || u.includes('/validate/schema-check'),
  ],
  ['validation rules', (u) => u.includes('/validate/')],
  ['reading and parsing files (ours)', (u) => u.includes('/load/')],
  [
    'hashing and canonical JSON',
    (u) =>
      u.includes('canonical') ||
      u.includes('node:crypto') ||
      u.includes('/model/hash') ||
      u.includes('record-mac'),
  ],
  ['planning and diffing', (u) => /\/(plan|diff|drift)\//.test(u)],
  ['mapping to and from Superset', (u) => u.includes('/superset-map/')],
  [
    'ZooKeeper client and registry',
    (u) => /\/(zookeeper|registry)\//.test(u) || u.includes('/node_modules/zookeeper'),
  ],
  [
    'HTTP client (axios, node:http, ours)',
    (u) =>
      /\/node_modules\/(axios|follow-redirects|form-data)/.test(u) ||
      /node:(http|net|_http|tls|stream)/.test(u) ||
      u.includes('/superset/'),
  ],
  [
    'CLI and output',
    (u) => u.includes('/cli/') || u.includes('/report/') || u.includes('/node_modules/commander'),
  ],
  ['engine (ours, other)', (u) => u.includes('/dist/') || u.includes('/src/')],
  ['other node internals and libraries', () => true],
];

function cpuAreas(file: string): { area: string; ms: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const { url, functionName } = node.callFrame;
    const area = AREAS.find(([, test]) => test(url, functionName))![0];
    totals.set(area, (totals.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].map(([area, t]) => ({ area, ms: t })).sort((a, b) => b.ms - a.ms);
}

/** Self time by function (name, file and line), idle and garbage collection left out. */
function topFunctions(file: string, count: number): { where: string; ms: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const { url, functionName } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(garbage collector)') return;
    const at = url.replace(/^.*\/(node_modules|dist)\//, '$1/');
    const where = `${functionName || '(anonymous)'} ${at}`;
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()]
    .map(([where, t]) => ({ where, ms: t }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

// The files (and libraries) that took most of the on-CPU time outside our own areas, so the
// "other" line of the table says what it is made of.
function otherTop(file: string, count: number): { where: string; ms: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const other = AREAS[AREAS.length - 1]![0];
  profile.samples.forEach((id, i) => {
    const { url, functionName } = byId.get(id)!.callFrame;
    if (AREAS.find(([, test]) => test(url, functionName))![0] !== other) return;
    const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const where =
      lib ?? (url === '' ? `(native) ${functionName}` : url.replace(/^file:\/\/.*\/dist\//, 'dist/'));
    totals.set(where, (totals.get(where) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()]
    .map(([where, t]) => ({ where, ms: t }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

// --- the one change of --change ------------------------------------------------------------------------

let changes = 0;
/** With --change: gives the first chart file a new row_limit (a person's one-line edit). */
function changeOne(): void {
  if (CHANGE) setFirstChartRowLimit(metadataDir, 1000 + ++changes);
}

// --- in-process phases ----------------------------------------------------------------------------------

const registryTime: OperationTimes = new Map();

async function main(): Promise<void> {
  const content = makeContent(N, runId, bundleDir);
  const env = { ...process.env, [passwordVariable(content.dbName)]: warehousePassword(), NO_COLOR: '1' };
  timedRun([CLI, 'import', '--bundle', bundleDir, '--out', metadataDir]);
  fs.mkdirSync(path.join(metadataDir, 'environments'), { recursive: true });
  fs.writeFileSync(
    path.join(metadataDir, 'environments', `${envName}.yaml`),
    environmentYaml(envName, zkRoot) + (KEEP ? `  snapshots_keep: ${KEEP}\n` : ''),
  );
  const applyArgs = ['apply', '--env', envName, '--dir', metadataDir];
  if (FIRST) return firstApply(env);
  const first = timedRun([CLI, ...applyArgs], env);
  console.log(
    `${N} objects (${content.CHARTS} charts, ${content.DATASETS} datasets, ${content.DASHBOARDS} dashboards); first apply ${ms(first.ms)}`,
  );

  // 1. The CLI as a user runs it.
  const expected = CHANGE ? /0 created, 1 updated, 0 deleted/ : /0 created, 0 updated, 0 deleted/;
  const what = CHANGE ? 'one-change' : 'no-change';
  const walls: number[] = [];
  const cpus: Map<string, number>[] = [];
  for (let i = 0; i < 3; i++) {
    changeOne();
    const before = CPU_VIEW ? sampleCpu() : undefined;
    const r = timedRun([CLI, ...applyArgs], env);
    if (before) cpus.push(cpuBetween(before, sampleCpu()));
    if (!expected.test(r.out)) throw new Error(`not a ${what} apply:\n${r.out}`);
    walls.push(r.ms);
  }
  const profDir = path.join(work, 'cpu');
  const unbundled = `import { main } from ${JSON.stringify(pathToFileURL(path.join(REPO, 'dist/cli/main.js')).href)}; process.exitCode = await main(process.argv.slice(1));`;
  // The parse cache is per parser build: one unbundled run first, so the profiled one finds it warm
  // as the bundled runs did.
  changeOne();
  timedRun(['--input-type=module', '-e', unbundled, '--', ...applyArgs], env);
  changeOne();
  const profiled = timedRun(
    ['--cpu-prof', '--cpu-prof-dir', profDir, '--input-type=module', '-e', unbundled, '--', ...applyArgs],
    env,
  );
  if (!expected.test(profiled.out)) throw new Error(`not a ${what} apply:\n${profiled.out}`);
  console.log(
    `\n1. ${what} apply through the CLI: ${ms(median(walls))} wall (median of 3); unbundled with the CPU profiler ${ms(profiled.ms)}`,
  );
  const [profileFile] = fs.readdirSync(profDir);
  if (CPU_OUT) fs.copyFileSync(path.join(profDir, profileFile!), CPU_OUT);
  for (const { area, ms: t } of cpuAreas(path.join(profDir, profileFile!)))
    if (t >= 1) console.log(`   ${area.padEnd(58)} ${ms(t)}`);
  console.log('   the functions with the most self time:');
  for (const { where, ms: t } of topFunctions(path.join(profDir, profileFile!), 15))
    console.log(`      ${where.slice(0, 70).padEnd(70)} ${ms(t)}`);
  console.log('   of "other", the most:');
  for (const { where, ms: t } of otherTop(path.join(profDir, profileFile!), 12))
    if (t >= 2) console.log(`      ${where.slice(0, 55).padEnd(55)} ${ms(t)}`);

  // View 1's last part: which processes used the cores during its bundled runs.
  if (cpus.length) printCpu(cpus, walls);

  // 2. Process start and module loading.
  const bare = median(Array.from({ length: 5 }, () => timedRun(['-e', '0']).ms));
  const version = median(Array.from({ length: 5 }, () => timedRun([CLI, '--version']).ms));
  const bundle = path.join(REPO, 'dist/bundle');
  const applyChunk = /import\("\.\/(apply-[A-Za-z0-9]+\.js)"\)/.exec(
    fs.readFileSync(path.join(bundle, 'main.js'), 'utf8'),
  )?.[1];
  if (!applyChunk) throw new Error('no apply chunk in dist/bundle/main.js (npm run build)');
  const modules = median(
    Array.from(
      { length: 5 },
      () =>
        timedRun([
          '--input-type=module',
          '-e',
          `await import(${JSON.stringify(path.join(bundle, 'main.js'))}); await import(${JSON.stringify(path.join(bundle, applyChunk))});`,
        ]).ms,
    ),
  );
  console.log(`\n2. process start (node -e 0)                               ${ms(bare)}`);
  console.log(`   the CLI with --version                                   ${ms(version)}`);
  console.log(
    `   loading the CLI and the apply command's modules          ${ms(modules - bare)} (after process start)`,
  );

  // 3. The same run in this process, by phase.
  let started = performance.now();
  const files = await readTree(metadataDir);
  const readMs = performance.now() - started;
  started = performance.now();
  const validation = validateTree(files);
  const validateMs = performance.now() - started;
  console.log(`\n3. read and parse ${files.length} files                               ${ms(readMs)}`);
  console.log(
    `   schema validation and rules                              ${ms(validateMs)} (${validation.problems.length} problems)`,
  );
  const fx = { metadataDir, envName } as Fixture;
  const eng = await engine(fx, env);
  eng.services.registry = timeRegistry(eng.services.registry, registryTime);
  try {
    eng.events.splice(0);
    changeOne();
    started = performance.now();
    const r = await eng.apply();
    const applyMs = performance.now() - started;
    if (r.result !== 'success' || r.plan.summary.noop !== (CHANGE ? N - 1 : N))
      throw new Error(`not a ${what} apply: ${JSON.stringify(r.plan.summary)}`);
    console.log(`   engine apply (loads the tree again, plans, locks, records) ${ms(applyMs)}`);
    printEngineTimes(eng);
  } finally {
    await endRun(eng);
  }
}

/**
 * CPU time by process during the bundled runs of view 1, medians of the runs: the CLI, ZooKeeper,
 * Superset and PostgreSQL share this machine's cores, so a run cannot take less wall time than their
 * CPU time over the cores.
 */
function printCpu(cpus: Map<string, number>[], walls: number[]): void {
  const cores = os.availableParallelism();
  const totals = cpus.map((c) => [...c.values()].reduce((a, t) => a + t, 0));
  console.log(`\n   CPU time during those runs (median of 3, from /proc; ${cores} cores on this machine):`);
  for (const group of cpus[0]!.keys())
    console.log(`      ${group.padEnd(55)} ${ms(median(cpus.map((c) => c.get(group) ?? 0)))}`);
  const total = median(totals);
  console.log(`      ${'all of them'.padEnd(55)} ${ms(total)}`);
  console.log(
    `      the wall time at least that takes on ${cores} cores     ${ms(total / cores)} (the runs took ${ms(median(walls))})`,
  );
}

/** Closes the engine and removes what the run made in Superset, ZooKeeper and the work folder. */
async function endRun(eng: Awaited<ReturnType<typeof engine>>): Promise<void> {
  await eng.close();
  await cleanupRun(adminClient(), runId, zkRoot, work);
  const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
  await deleteTree(zk, zkRoot).finally(() => zk.close());
}

/** The first apply in this process, timed by route and registry operation. */
async function firstApply(env: NodeJS.ProcessEnv): Promise<void> {
  const fx = { metadataDir, envName } as Fixture;
  const eng = await engine(fx, env);
  eng.services.registry = timeRegistry(eng.services.registry, registryTime);
  try {
    eng.events.splice(0);
    const started = performance.now();
    const r = await eng.apply();
    const applyMs = performance.now() - started;
    if (r.result !== 'success') throw new Error(`first apply: ${r.result}`);
    console.log(`first apply of ${N} objects in this process: ${ms(applyMs)} (${r.outcome.created} created)`);
    printEngineTimes(eng);
  } finally {
    await endRun(eng);
  }
}

/** HTTP requests by route and registry operations of what `eng` ran since its events were cleared. */
function printEngineTimes(eng: Awaited<ReturnType<typeof engine>>): void {
  const routes = new Map<string, { n: number; ms: number }>();
  for (const e of eng.events) {
    const m = /^(\w+) (\S+) -> \d+ in ([\d.]+) ms$/.exec(e.message);
    if (e.code !== 'superset.http' || m === null) continue;
    const route = `${m[1]} ${m[2]!.replace(/\?.*$/, '').replace(/\/\d+(?=\/|$)/g, '/:id')}`;
    const t = routes.get(route) ?? { n: 0, ms: 0 };
    routes.set(route, { n: t.n + 1, ms: t.ms + Number(m[3]) });
  }
  const httpTotal = [...routes.values()].reduce((a, t) => a + t.ms, 0);
  console.log(
    `   HTTP: ${[...routes.values()].reduce((a, t) => a + t.n, 0)} requests, ${ms(httpTotal)} summed`,
  );
  for (const [route, t] of [...routes.entries()].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`      ${`${route} x${t.n}`.padEnd(55)} ${ms(t.ms)}`);
  const zkTotal = [...registryTime.values()].reduce((a, t) => a + t.ms, 0);
  console.log(`   ZooKeeper (registry operations, wall, may overlap HTTP): ${ms(zkTotal)}`);
  for (const [op, t] of [...registryTime.entries()].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`      ${`${op} x${t.n}`.padEnd(55)} ${ms(t.ms)}`);
}

await main();
