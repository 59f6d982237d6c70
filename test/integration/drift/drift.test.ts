// The one-shot `drift` against live services: each kind of difference (Superset edited out of band,
// registry tampered with, git not applied, object missing, unmanaged object) in every format, with
// who changed it and when, and the findings written to the registry.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftFinding, DriftReport } from '../../../src/drift/types.js';
import { ZkRegistry } from '../../../src/registry/index.js';
import { registryPaths } from '../../../src/registry/paths.js';
import { serviceEndpoints } from '../endpoints.js';
import { renderDrift } from '../../../src/cli/commands/drift.js';
import { applyFixture, chartYaml, createDriftFixture, listOwn, type DriftFixture } from './fixture.js';
import { warehouseUriWithPassword } from '../warehouse.js';

let fx: DriftFixture;

beforeAll(async () => {
  fx = createDriftFixture('oneshot');
  await applyFixture(fx);
});

afterAll(async () => {
  await fx?.cleanup();
});

async function readFindings(): Promise<DriftFinding[]> {
  const registry = await ZkRegistry.connect({ connect: serviceEndpoints().zkConnect, root: fx.zkRoot });
  try {
    return (await registry.readDriftFindings()) as unknown as DriftFinding[];
  } finally {
    await registry.close();
  }
}

const ours = (report: DriftReport) => report.findings.filter((f) => f.name.includes(fx.runId));

describe('drift (one-shot)', () => {
  it('reports nothing but unmanaged objects right after an apply (exit 0), and --no-publish writes nothing', async () => {
    // An object of someone else's: made through the API, named with the run id so cleanup removes it.
    await fx.admin.create('database', {
      database_name: `unmanaged_${fx.runId}`,
      sqlalchemy_uri: warehouseUriWithPassword(),
    });
    const r = await fx.cli('drift', '--format', 'json', '--no-publish');
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as DriftReport;
    expect(report.findings.filter((f) => f.where !== 'unmanaged')).toEqual([]);
    // The run's only finding is the database made behind the tool's back; its own objects are clean.
    expect(ours(report)).toEqual([
      expect.objectContaining({ where: 'unmanaged', name: `unmanaged_${fx.runId}` }),
    ]);
    expect(await readFindings()).toEqual([]);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ where: 'unmanaged', name: `unmanaged_${fx.runId}` }),
    );
    // With this flag, objects the tool does not manage count as drift.
    const strict = await fx.cli('drift', '--fail-on-unmanaged', '--no-publish');
    expect(strict.code).toBe(2);
  });

  it('reports every kind of difference with who and when (exit 2) in text, markdown, json and html', async () => {
    // Superset edited out of band: the chart's row_limit through the REST API.
    const chartId = await fx.idOf('chart', fx.names.chart);
    const params = JSON.parse(String((await fx.admin.get('chart', chartId)).params)) as Record<
      string,
      unknown
    >;
    await fx.admin.update('chart', chartId, { params: JSON.stringify({ ...params, row_limit: 7 }) });
    const row = (await listOwn(fx.admin, 'chart', fx.runId)).find((c) => c.id === chartId);
    expect(row?.changedBy).toBeTruthy();
    // Missing: the other chart deleted in Superset. Unmanaged: a chart nobody declared.
    await fx.admin.remove('chart', await fx.idOf('chart', fx.names.extra));
    const datasetId = await fx.idOf('dataset', fx.names.dataset);
    const stray = `Stray ${fx.runId}`;
    await fx.admin.create('chart', {
      slice_name: stray,
      viz_type: 'table',
      datasource_id: datasetId,
      datasource_type: 'table',
      params: '{}',
    });
    // Not applied: a chart added to git only.
    const pending = `Pending ${fx.runId}`;
    fs.writeFileSync(
      path.join(fx.metadataDir, 'charts/pending.yaml'),
      chartYaml(pending, fx.names.dataset, 5),
    );
    // ZooKeeper tampered: one object of the published snapshot rewritten by hand.
    const zk = await fx.zk();
    let tamperedNode: string;
    try {
      const pointer = JSON.parse((await zk.get(`${fx.zkRoot}/current`)).data.toString('utf8')) as {
        snapshotId: string;
      };
      // The first chart of its manifest, stored once under objects/ and named by its hash.
      const manifest = JSON.parse(
        (await zk.get(`${fx.zkRoot}/snapshots/${pointer.snapshotId}/manifest-0000`)).data.toString('utf8'),
      ) as { kind: string; name: string; uuid: string; hash: string }[];
      const first = manifest.find((m) => m.kind === 'chart')!;
      tamperedNode = registryPaths(fx.zkRoot).sharedObject(first.kind, first.name, first.uuid, first.hash);
      const node = await zk.get(tamperedNode);
      const body = JSON.parse(node.data.toString('utf8')) as { body: { spec: { params: object } } };
      body.body.spec.params = { ...body.body.spec.params, row_limit: 1 };
      await zk.set(tamperedNode, JSON.stringify(body), node.stat.version);
    } finally {
      zk.close();
    }

    const json = await fx.cli('drift', '--format', 'json');
    expect(json.code, json.stderr).toBe(2);
    const report = JSON.parse(json.stdout) as DriftReport;
    const edited = report.findings.find((f) => f.where === 'superset');
    expect(edited).toMatchObject({
      kind: 'chart',
      name: fx.names.chart,
      attribute: 'params.row_limit',
      expected: 100,
      actual: 7,
      changedBy: row?.changedBy,
      changedOn: row?.changedOn,
    });
    expect(report.findings.filter((f) => f.where === 'superset')).toHaveLength(1);
    expect(report.findings.find((f) => f.where === 'missing')).toMatchObject({
      kind: 'chart',
      name: fx.names.extra,
      message: 'deleted in Superset outside this tool',
    });
    expect(report.findings.find((f) => f.where === 'unmanaged' && f.name === stray)).toMatchObject({
      kind: 'chart',
    });
    expect(report.findings.filter((f) => f.name === pending).map((f) => f.where)).toEqual([
      'not-applied',
      'missing',
    ]);
    const tampered = report.findings.find((f) => f.where === 'zookeeper');
    expect(tampered?.message).toMatch(/does not match its content hash/);
    expect(report.counts).toMatchObject({ superset: 1, zookeeper: 1, 'not-applied': 1, missing: 2 });
    expect(report.counts.unmanaged).toBeGreaterThanOrEqual(1);

    // The same findings are in the registry for other services.
    const published = await readFindings();
    expect(published.find((f) => f.where === 'superset')).toMatchObject({
      attribute: 'params.row_limit',
      expected: 100,
      actual: 7,
    });
    expect(published).toHaveLength(report.findings.length);

    // Text and markdown: the renderers the CLI uses, on the report it just printed as JSON.
    const text = renderDrift(report, 'text', false);
    expect(text).toContain(
      `chart "${fx.names.chart}": params.row_limit: expected 100, found 7 (changed in Superset by ${row?.changedBy} at ${row?.changedOn})`,
    );
    expect(text).toContain(`chart "${fx.names.extra}": deleted in Superset outside this tool`);
    expect(text).toMatch(/registry tampered \(1\)/);
    const markdown = renderDrift(report, 'markdown', false);
    expect(markdown).toContain(
      `| edited in Superset | chart | ${fx.names.chart} | params.row_limit | 100 | 7 | ${row?.changedBy} / ${row?.changedOn} |`,
    );

    // --ignore-unmanaged leaves out what the tool does not manage; the HTML goes to a file.
    const htmlFile = path.join(fx.dir, 'drift.html');
    const html = await fx.cli('drift', '--format', 'html', '--out', htmlFile, '--ignore-unmanaged');
    expect(html.code).toBe(2);
    expect(html.stderr).toContain(`drift report written to ${htmlFile}`);
    const page = fs.readFileSync(htmlFile, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<h2>chart</h2>');
    expect(page).toContain('<code>params.row_limit</code>');
    expect(page).toContain(`${row?.changedBy}<br><span class="dim" title="${row?.changedOn}">`);
    expect(page).not.toContain(stray);
    expect(page).not.toContain('>unmanaged</span>');
    // Self-contained: no scripts, nothing fetched from elsewhere.
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i);
  });
});
