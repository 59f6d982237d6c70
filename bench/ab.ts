// Two builds of the CLI, one against the other, on the same content, registry and Superset: each run
// of a no-change apply (and, with --change, of a one-chart change) alternates between them, so the
// machine's load falls on both alike. For telling whether a change made a run faster or slower when
// the difference is smaller than the noise between benchmark runs.
//
//   npx tsx bench/ab.ts <other-checkout> [N] [--runs R] [--change] [--latency MS]
//
// --latency MS puts a proxy in front of Superset that holds its traffic MS ms each way
// (latency-proxy.ts): Superset as if across a network, where round trips count more than cores.
//
// <other-checkout> is another working tree of this repository with `npm run build` done in it (e.g.
// `git worktree add /tmp/base <rev> && ln -s $PWD/node_modules /tmp/base/node_modules && (cd
// /tmp/base && npm run build)`). Needs the services of `npm run demo`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { passwordVariable } from '../src/superset-map/from-superset.js';
import { ZkClient, deleteTree } from '../src/zookeeper/index.js';
import { serviceEndpoints } from '../test/integration/endpoints.js';
import { adminClient, cleanupRun, environmentYaml } from '../test/integration/sync/fixture.js';
import { warehousePassword } from '../test/integration/warehouse.js';
import { makeContent, setFirstChartRowLimit } from './content.js';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy.js';

const REPO = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const other = args[0];
if (!other || !fs.existsSync(path.join(other, 'bin/superset-gitops.js')))
  throw new Error('usage: npx tsx bench/ab.ts <other-checkout> [N] [--runs R] [--change]');
const N = Number(
  args.slice(1).find((a, i, all) => /^\d+$/.test(a) && !['--runs', '--latency'].includes(all[i - 1]!)) ??
    1000,
);
const runsAt = args.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(args[runsAt + 1]) : 9;
const CHANGE = args.includes('--change');
const latencyAt = args.indexOf('--latency');
const LATENCY_MS = latencyAt > 0 ? Number(args[latencyAt + 1]) : 0;
if (!Number.isFinite(LATENCY_MS) || LATENCY_MS < 0) throw new Error('--latency takes milliseconds (>= 0)');
const runId = `ab_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ab-'));
const metadataDir = path.join(work, 'metadata');
const zkRoot = `/superset-gitops-bench/ab-${runId}`;
const builds = {
  this: path.join(REPO, 'bin/superset-gitops.js'),
  other: path.join(other, 'bin/superset-gitops.js'),
};

/** One apply, timed; not spawnSync, so that the latency proxy in this process keeps forwarding. */
async function run(cli: string, env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'apply', '--env', 'bench', '--dir', metadataDir], {
    // A cache folder per build: the parse cache is kept per parser build, and would be dropped at
    // every switch if they shared one.
    env: {
      ...env,
      SUPERSET_GITOPS_CACHE_DIR: path.join(work, 'cache', cli === builds.this ? 'this' : 'other'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - started;
  const want = CHANGE ? /0 created, 1 updated, 0 deleted/ : /0 created, 0 updated, 0 deleted/;
  if (status !== 0 || !want.test(out)) throw new Error(`${cli}: exit ${status}\n${out}`);
  return ms;
}

let changes = 0;
function changeOne(): void {
  if (CHANGE) setFirstChartRowLimit(metadataDir, 1000 + ++changes);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

let proxy: LatencyProxy | undefined;
try {
  const content = makeContent(N, runId, path.join(work, 'bundle'));
  const direct = { ...process.env, [passwordVariable(content.dbName)]: warehousePassword(), NO_COLOR: '1' };
  spawnSync(process.execPath, [
    builds.this,
    'import',
    '--bundle',
    path.join(work, 'bundle'),
    '--out',
    metadataDir,
  ]);
  fs.mkdirSync(path.join(metadataDir, 'environments'), { recursive: true });
  fs.writeFileSync(path.join(metadataDir, 'environments', 'bench.yaml'), environmentYaml('bench', zkRoot));
  const first = spawnSync(process.execPath, [builds.this, 'apply', '--env', 'bench', '--dir', metadataDir], {
    env: direct,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (first.status !== 0) throw new Error(`first apply: exit ${first.status}: ${String(first.stderr)}`);
  // The measured runs (and the warm-up below) reach Superset through the proxy, when there is one.
  if (LATENCY_MS > 0) proxy = await startLatencyProxy(serviceEndpoints().supersetUrl, LATENCY_MS);
  const env = proxy ? { ...direct, SYNC_TEST_SUPERSET_URL: proxy.url } : direct;
  // Each build once unmeasured: its parse cache and the kept listing are warm before the runs.
  for (const cli of Object.values(builds)) {
    changeOne();
    await run(cli, env);
  }
  const times = { this: [] as number[], other: [] as number[] };
  const order: (keyof typeof builds)[][] = [
    ['this', 'other'],
    ['other', 'this'],
  ];
  for (let i = 0; i < RUNS; i++) {
    for (const which of order[i % 2]!) {
      changeOne();
      times[which].push(await run(builds[which], env));
    }
  }
  const what = CHANGE ? 'one-change' : 'no-change';
  const via = proxy ? `, Superset ${LATENCY_MS} ms away each way` : '';
  console.log(`${N} objects, ${what} apply, ${RUNS} runs each, alternating${via}`);
  for (const which of ['this', 'other'] as const)
    console.log(
      `  ${which.padEnd(6)} median ${median(times[which]).toFixed(0)} ms  (${times[which].map((t) => t.toFixed(0)).join(', ')})`,
    );
  console.log(`  this / other: ${(median(times.this) / median(times.other)).toFixed(3)}`);
} finally {
  await proxy?.close();
  await cleanupRun(adminClient(), runId, zkRoot, work);
  const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
  await deleteTree(zk, zkRoot).finally(() => zk.close());
}
