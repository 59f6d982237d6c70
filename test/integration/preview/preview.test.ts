// `preview` against live services on a temporary git repository whose head changes a chart's params
// and adds a chart to a dashboard: exactly the preview copies are made (and serve data), PNGs of the
// changed chart and dashboard are drawn (copy and current), nothing else in Superset moves, a rerun
// writes nothing, and --destroy leaves Superset as it was.
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { previewUuid } from '../../../src/preview/copies.js';
import { ZkClient } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { applyFixture, createDriftFixture, listOwn, type DriftFixture } from '../drift/fixture.js';
import { git } from '../pull/git-remote.js';

let fx: DriftFixture;
const ID = '7';
const dashboardFile = 'dashboards/preview.yaml';
const kinds = ['database', 'dataset', 'chart', 'dashboard'] as const;

/** Every object of this run in Superset: uuid -> changed_on. */
async function snapshot(): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  for (const kind of kinds)
    for (const row of await listOwn(fx.admin, kind, fx.runId)) out.set(row.uuid, row.changedOn);
  return out;
}

/** How many distinct colours the middle of a PNG has (a blank capture has one or two). */
function colours(file: string): number {
  const png = PNG.sync.read(fs.readFileSync(file));
  const seen = new Set<number>();
  for (let y = Math.floor(png.height * 0.2); y < png.height * 0.8; y += 3)
    for (let x = Math.floor(png.width * 0.2); x < png.width * 0.8; x += 3) {
      const i = (png.width * y + x) << 2;
      seen.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
    }
  return seen.size;
}

let before: Map<string, string | null>;
let shots: string;
const write = (rel: string, text: string) => fs.writeFileSync(path.join(fx.metadataDir, rel), text);
const commit = (message: string) => {
  git(fx.dir, 'add', '-A');
  git(fx.dir, '-c', 'user.name=Ana', '-c', 'user.email=ana@example.com', 'commit', '-qm', message);
};

beforeAll(async () => {
  fx = createDriftFixture('preview');
  shots = path.join(fx.dir, 'shots');
  fs.mkdirSync(path.join(fx.metadataDir, 'dashboards'));
  const dashboard = (charts: string[]) => `kind: dashboard
name: preview-${fx.runId}
title: Preview ${fx.runId}
slug: preview-${fx.runId.replace(/_/g, '-')}
layout:
  - row:
${charts.map((c) => `      - chart: ${c}\n        width: 6\n        height: 50`).join('\n')}
`;
  write(dashboardFile, dashboard([fx.names.chart]));
  git(fx.dir, 'init', '-q', '-b', 'main');
  commit('base');
  await applyFixture(fx);
  // The pull request: the chart's params change, the dashboard gets the other chart.
  git(fx.dir, 'checkout', '-q', '-b', 'change');
  const chartPath = path.join(fx.metadataDir, fx.files.chart);
  fs.writeFileSync(chartPath, fs.readFileSync(chartPath, 'utf8').replace('row_limit: 100', 'row_limit: 3'));
  write(dashboardFile, dashboard([fx.names.chart, fx.names.extra]));
  commit('change');
  before = await snapshot();
});

afterAll(async () => {
  await fx?.cli('preview', '--id', ID, '--destroy').catch(() => undefined);
  await fx?.cleanup();
});

describe('preview', () => {
  it('makes exactly the preview copies, which serve data, and PNGs of the changed chart and dashboard', async () => {
    const r = await fx.cli('preview', '--id', ID, '--base', 'main', '--screenshots', shots);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('3 created, 0 updated, 0 deleted');

    const after = await snapshot();
    const added = [...after.keys()].filter((u) => !before.has(u));
    const ids = async (kind: 'chart' | 'dashboard', name: string) =>
      (await listOwn(fx.admin, kind, fx.runId)).find((row) => row.name === name);
    const chartCopy = await ids('chart', `[PR 7] ${fx.names.chart}`);
    const extraCopy = await ids('chart', `[PR 7] ${fx.names.extra}`);
    const dashCopy = await ids('dashboard', `[PR 7] Preview ${fx.runId}`);
    expect([chartCopy, extraCopy, dashCopy].every(Boolean)).toBe(true);
    expect(added.sort()).toEqual([chartCopy!.uuid, extraCopy!.uuid, dashCopy!.uuid].sort());
    const originalChart = (await listOwn(fx.admin, 'chart', fx.runId)).find(
      (c) => c.name === fx.names.chart,
    )!;
    expect(chartCopy!.uuid).toBe(previewUuid(ID, originalChart.uuid));
    // Nothing that was there moved.
    for (const [uuid, changedOn] of before) expect(after.get(uuid), uuid).toBe(changedOn);

    // The copy has the change, the original does not; both serve rows.
    const params = async (id: number) =>
      JSON.parse(String((await fx.admin.get('chart', id)).params)) as { row_limit: number };
    expect((await params(chartCopy!.id)).row_limit).toBe(3);
    expect((await params(originalChart.id)).row_limit).toBe(100);
    for (const copy of [chartCopy!, extraCopy!]) {
      const data = await fx.admin.chartData(copy.id);
      expect(data[0]?.rowcount, copy.name).toBeGreaterThan(0);
    }
    const dash = await fx.admin.get('dashboard', dashCopy!.id);
    expect(dash.slug).toBe(`pr-7-preview-${fx.runId.replace(/_/g, '-')}`);

    // PNGs: the changed chart and dashboard, the copy and the current one, each drawn.
    const pngs = fs.readdirSync(shots).sort();
    expect(pngs).toHaveLength(4);
    for (const png of pngs) {
      expect(r.stdout).toContain(path.join(shots, png));
      expect(colours(path.join(shots, png)), png).toBeGreaterThan(3);
    }
  });

  it('a second preview writes nothing', async () => {
    const mid = await snapshot();
    const r = await fx.cli('preview', '--id', ID, '--base', 'main', '--no-screenshots');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('0 created, 0 updated, 0 deleted');
    expect(await snapshot()).toEqual(mid);
  });

  it('a changed dataset gets a copy on the same table, and the preview charts use it', async () => {
    const datasetPath = path.join(fx.metadataDir, 'datasets/orders.yaml');
    fs.writeFileSync(
      datasetPath,
      `${fs.readFileSync(datasetPath, 'utf8')}  - name: biggest
    expression: MAX(amount)
`,
    );
    commit('a metric');
    const r = await fx.cli('preview', '--id', ID, '--base', 'main', '--no-screenshots');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('1 created, 2 updated, 0 deleted');
    const datasets = await listOwn(fx.admin, 'dataset', fx.runId);
    const copy = datasets.find((d) => d.name === `pr_7_${fx.names.dataset}`);
    const original = datasets.find((d) => d.name === fx.names.dataset);
    expect(copy && original).toBeTruthy();
    const full = await fx.admin.get('dataset', copy!.id);
    expect(String(full.sql)).toContain(fx.names.dataset);
    expect((full.metrics as { metric_name: string }[]).map((m) => m.metric_name).sort()).toEqual([
      'biggest',
      'revenue',
    ]);
    // The chart copies moved to the dataset copy; the real charts stay on the real dataset.
    for (const chart of await listOwn(fx.admin, 'chart', fx.runId)) {
      const datasource = (await fx.admin.get('chart', chart.id)).datasource_id ?? chart.raw.datasource_id;
      expect(datasource, chart.name).toBe(chart.name.startsWith('[PR 7] ') ? copy!.id : original!.id);
      if (chart.name.startsWith('[PR 7] '))
        expect((await fx.admin.chartData(chart.id))[0]?.rowcount, chart.name).toBeGreaterThan(0);
    }
    for (const [uuid, changedOn] of before) expect((await snapshot()).get(uuid), uuid).toBe(changedOn);
  });

  it('--destroy leaves Superset as it was, and the preview registry gone', async () => {
    const r = await fx.cli('preview', '--id', ID, '--destroy');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('4 object(s) deleted');
    expect(await snapshot()).toEqual(before);
    const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
    try {
      expect(await zk.exists(`${fx.zkRoot}/previews/${ID}`)).toBe(false);
      expect(await zk.exists(`${fx.zkRoot}/current`)).toBe(true);
    } finally {
      zk.close();
    }
    const again = await fx.cli('preview', '--id', ID, '--destroy');
    expect(again.stdout).toContain('nothing to destroy');
  });
});
