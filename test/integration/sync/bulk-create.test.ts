// New datasets, charts and dashboards in one sparse assets import (Superset 6.0 and later): the
// sample tree's charts go out in one request, and Superset then holds exactly what the YAML says (a
// plan reading everything finds nothing). A second import adds a dataset, charts and a dashboard
// that places an existing chart: nothing that existed is rewritten (changed_on of every existing
// object stays). A dataset on a missing table stops the import before anything is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from './fixture.js';
import { engine, type Engine } from './harness.js';
import { actions, idOf, readBack } from './read-back.js';
import { writeSampleTree, type SampleNames, typedCustomersDataset } from './sample-tree.js';
import { OBJECT_KINDS } from '../../../src/schema/index.js';
import { kindRefusal } from '../../../src/superset/capabilities.js';

let fx: Fixture;
let n: SampleNames;
let eng: Engine;
let sparse = false;

beforeAll(async () => {
  fx = createFixture('bulk');
  n = writeSampleTree(fx);
  eng = await engine(fx);
  sparse = (await fx.admin.capabilities()).sparseImport;
});

afterAll(async () => {
  await eng?.close();
  await fx?.cleanup();
});

async function expectConverged(): Promise<void> {
  eng.port.reset();
  expect(actions((await eng.plan()).plan)).toEqual([]);
  expect(eng.port.log.filter((c) => c.op !== 'list')).toEqual([]);
  expect(actions((await eng.plan({ readAll: true })).plan)).toEqual([]);
}

/** changed_on of every object of this run in Superset, by uuid. */
async function changedOn(): Promise<Map<string, string | null>> {
  const all = new Map<string, string | null>();
  // Every kind this server has (themes came with 6.0).
  const caps = await fx.admin.capabilities();
  for (const kind of OBJECT_KINDS.filter((k) => kindRefusal(k, caps) === undefined))
    for (const row of await fx.admin.list(kind))
      if (row.name.includes(fx.runId)) all.set(row.uuid, row.changedOn);
  return all;
}

describe('bulk create through one sparse import', () => {
  it('creates the charts and the dashboard in one request; a full read finds nothing to change', async () => {
    const run = await eng.apply({ bulkCreateMin: 1 });
    expect(run.outcome.failed).toBeUndefined();
    expect(run.outcome.created).toBe(9);
    const writes = eng.port.log.filter((c) => ['create', 'update', 'import'].includes(c.op));
    if (sparse) {
      // The database and two datasets over REST (their YAML leaves column types to Superset), the
      // charts and the dashboard (its slug is free) in one import.
      expect(writes.map((c) => `${c.op} ${c.kind}`)).toEqual([
        'create database',
        'create dataset',
        'update dataset',
        'create dataset',
        'update dataset',
        'import assets',
      ]);
    } else {
      expect(writes.filter((c) => c.op === 'import')).toEqual([]);
    }
    if (sparse) {
      // The read-back's listing of the charts and dashboards, made after the import, is kept: the
      // next plan starts from rows that already hold what the import made.
      const kept = eng.services.listStore?.read();
      for (const name of [n.pie, n.bigNumber, n.table])
        expect(kept?.chart?.find((r) => r.name === name)?.id).toBe(await idOf(fx.admin, 'chart', name));
    }
    // Every record holds the Superset id and the applied hash, so the next plan trusts changed_on.
    const records = await eng.services.registry.readApplied();
    expect(records).toHaveLength(9);
    for (const r of records) {
      expect(r.supersetId).toBeGreaterThan(0);
      expect(r.hash).not.toBe('');
    }
    await expectConverged();
    // Superset serves the imported charts.
    for (const name of [n.pie, n.bigNumber, n.table]) {
      const [result] = await fx.admin.chartData(await idOf(fx.admin, 'chart', name));
      expect(result?.rowcount, name).toBeGreaterThan(0);
    }
  });

  it('adds a dataset, charts and a dashboard placing an existing chart without rewriting anything that existed', async () => {
    const before = await changedOn();
    // Every column typed and the metrics listed: nothing a REST create would read from the table.
    fx.write('datasets/warehouse/customers.yaml', typedCustomersDataset(`customers_${fx.runId}`, n.database));
    const extra = [
      { dataset: n.orders, metric: 'revenue' },
      { dataset: `customers_${fx.runId}`, metric: 'customers' },
    ];
    extra.forEach(({ dataset, metric }, i) => {
      fx.write(
        `charts/extra-${i + 1}.yaml`,
        `kind: chart
name: Extra ${i + 1} ${fx.runId}
dataset: ${dataset}
viz_type: big_number_total
params:
  metric: ${metric}
  time_range: No filter
`,
      );
    });
    fx.write(
      'dashboards/second.yaml',
      `kind: dashboard
name: second_${fx.runId}
title: Second ${fx.runId}
layout:
  - row:
      - chart: ${n.pie}
      - chart: Extra 1 ${fx.runId}
      - chart: Extra 2 ${fx.runId}
`,
    );
    eng.port.reset();
    const run = await eng.apply({ bulkCreateMin: 1 });
    expect(run.outcome.failed).toBeUndefined();
    expect(run.outcome.created).toBe(4);
    const writes = eng.port.log.filter((c) => ['create', 'update', 'remove', 'import'].includes(c.op));
    expect(writes.map((c) => `${c.op} ${c.kind}`)).toEqual(
      sparse
        ? ['import assets']
        : [
            'create dataset',
            'update dataset',
            'create chart',
            'create chart',
            'create dashboard',
            'update dashboard',
          ],
    );
    const [customers] = await fx.admin.chartData(await idOf(fx.admin, 'chart', `Extra 2 ${fx.runId}`));
    expect(customers?.data[0]).toEqual({ customers: 10 });
    const after = await changedOn();
    for (const [uuid, at] of before) expect(after.get(uuid), uuid).toBe(at);
    const second = await readBack(fx.admin, 'dashboard', `Second ${fx.runId}`);
    const charts = await fx.admin.list('chart');
    const pieId = charts.find((c) => c.name === n.pie)?.id;
    const placed = Object.values(JSON.parse(String(second.position_json)) as Record<string, unknown>)
      .map((node) => node as { type?: string; meta?: { chartId?: number } })
      .filter((node) => node.type === 'CHART')
      .map((node) => node.meta?.chartId);
    expect(placed).toContain(pieId);
    await expectConverged();
  });

  it('refuses a dataset whose table does not exist, as a REST create would, and makes nothing', async () => {
    fx.write(
      'datasets/warehouse/ghost.yaml',
      `kind: dataset
name: ghost_${fx.runId}
database: ${n.database}
schema: public
columns:
  - name: id
    type: INTEGER
metrics: []
`,
    );
    fx.write(
      'charts/ghost.yaml',
      `kind: chart
name: Ghost ${fx.runId}
dataset: ghost_${fx.runId}
viz_type: table
params:
  query_mode: raw
  all_columns: [id]
`,
    );
    const before = await changedOn();
    const run = await eng.apply({ bulkCreateMin: 1 });
    expect(run.outcome.failed?.error.message).toMatch(/could not be found|does not exist/);
    expect(run.outcome.created).toBe(0);
    expect(await changedOn()).toEqual(before);
    const records = await eng.services.registry.readApplied();
    expect(records.filter((r) => r.name.includes('host'))).toEqual([]);
    fx.remove('datasets/warehouse/ghost.yaml');
    fx.remove('charts/ghost.yaml');
    await expectConverged();
  });

  it('never takes over a dashboard someone made with the same slug: that dashboard keeps its one-at-a-time create, which refuses the slug', async () => {
    const slug = `taken-${fx.runId.replace(/_/g, '-')}`;
    const theirs = await fx.admin.create('dashboard', { dashboard_title: `Theirs ${fx.runId}`, slug });
    fx.write(
      'dashboards/mine.yaml',
      `kind: dashboard
name: mine_${fx.runId}
title: Mine ${fx.runId}
slug: ${slug}
layout:
  - chart: ${n.pie}
`,
    );
    eng.port.reset();
    const run = await eng.apply({ bulkCreateMin: 1 });
    expect(run.outcome.failed?.change.name).toBe(`mine_${fx.runId}`);
    expect(eng.port.log.filter((c) => c.op === 'import')).toEqual([]);
    const after = await fx.admin.get('dashboard', theirs.id);
    expect([after.dashboard_title, after.slug]).toEqual([`Theirs ${fx.runId}`, slug]);
    fx.remove('dashboards/mine.yaml');
    await fx.admin.remove('dashboard', theirs.id);
    await expectConverged();
  });
});
