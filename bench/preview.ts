// Time of a pull-request preview: one changed dashboard with 6 charts (the dashboard and its 6 charts
// copied, PNGs of the dashboard copy and of the current one), then a rerun and --destroy.
//
//   npx tsx bench/preview.ts   (needs the services of `npm run demo`, `npm run build` and chromium)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { applyFixture, chartYaml, createDriftFixture } from '../test/integration/drift/fixture.js';
import { git } from '../test/integration/pull/git-remote.js';

const CLI = path.resolve(import.meta.dirname, '../bin/superset-gitops.js');
const fx = createDriftFixture('benchpreview');
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(fx.metadataDir, rel)), { recursive: true });
  fs.writeFileSync(path.join(fx.metadataDir, rel), text);
};
const commit = (message: string) => {
  git(fx.dir, 'add', '-A');
  git(fx.dir, '-c', 'user.name=b', '-c', 'user.email=b@example.com', 'commit', '-qm', message);
};
const names = [fx.names.chart, fx.names.extra];
for (let i = 3; i <= 6; i++) {
  const name = `Chart ${i} ${fx.runId}`;
  names.push(name);
  write(`charts/chart-${i}.yaml`, chartYaml(name, fx.names.dataset, 10 * i));
}
const dashboard = (width: number) => `kind: dashboard
name: bench-${fx.runId}
title: Bench ${fx.runId}
layout:
${[0, 1, 2]
  .map(
    (r) => `  - row:
${names
  .slice(r * 2, r * 2 + 2)
  .map((n) => `      - chart: ${n}\n        width: ${width}\n        height: 50`)
  .join('\n')}`,
  )
  .join('\n')}
`;

function timed(...args: string[]): { ms: number; out: string } {
  const started = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...args, '--env', fx.envName, '--dir', fx.metadataDir], {
    encoding: 'utf8',
  });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stdout}${r.stderr}`);
  return { ms, out: r.stdout };
}

try {
  write('dashboards/bench.yaml', dashboard(4));
  git(fx.dir, 'init', '-q', '-b', 'main');
  commit('base');
  await applyFixture(fx);
  git(fx.dir, 'checkout', '-q', '-b', 'change');
  write('dashboards/bench.yaml', dashboard(6));
  commit('wider charts');
  const shots = path.join(fx.dir, 'shots');
  const noShots = timed('preview', '--id', '1', '--base', 'main', '--no-screenshots');
  timed('preview', '--id', '1', '--destroy');
  const first = timed('preview', '--id', '1', '--base', 'main', '--screenshots', shots);
  const rerun = timed('preview', '--id', '1', '--base', 'main', '--no-screenshots');
  const destroy = timed('preview', '--id', '1', '--destroy');
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log('preview of one changed dashboard with 6 charts (7 copies: the dashboard and its charts)');
  console.log(`  first preview, no screenshots:            ${s(noShots.ms)}`);
  console.log(
    `  first preview with PNGs (copy + current):  ${s(first.ms)}  (${fs.readdirSync(shots).length} PNGs)`,
  );
  console.log(`  rerun, nothing changed:                    ${s(rerun.ms)}`);
  console.log(`  --destroy:                                 ${s(destroy.ms)}`);
  console.log(first.out.split('\n')[0]);
} finally {
  await fx.cleanup();
}
