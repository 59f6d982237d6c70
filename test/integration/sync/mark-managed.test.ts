// The environment option `mark_managed` on live Superset: a tree applied without it is marked by one
// update per object once it is on, each object then shows `is_managed_externally: true` in Superset's
// API and holds an `external_url` naming its YAML file at the commit that last wrote it; a second
// apply writes nothing, a new commit alone rewrites nothing, drift stays clean, and new objects (one
// at a time or through a bulk import) are created marked.
//
// Superset's REST API never returns `external_url` (no GET, list or export has it; it is write-only
// there), so the test reads it from Superset's metadata database, as the UI's backend would.
import fs from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { typedCustomersDataset } from './sample-tree.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../../src/engine/apply-run.js';
import { runDrift } from '../../../src/engine/drift-run.js';
import { loadProject } from '../../../src/engine/project.js';
import { headCommit } from '../../../src/git/head.js';
import type { SupersetKind } from '../../../src/superset/port.js';

/** The kinds Superset marks as managed externally (CSS templates, saved queries, RLS rules have no such field). */
type MarkedKind = Extract<SupersetKind, 'database' | 'dataset' | 'chart' | 'dashboard'>;
import { psql } from '../warehouse.js';
import { environmentYaml, createFixture, listOwn, type Fixture } from './fixture.js';
import { cli, engine, type Engine } from './harness.js';
import { actions } from './read-back.js';

const REPO_URL = 'https://github.com/acme/analytics';
const ROOT = path.resolve(import.meta.dirname, '../../..');
const TABLE: Record<MarkedKind, string> = {
  database: 'dbs',
  dataset: 'tables',
  chart: 'slices',
  dashboard: 'dashboards',
};

let fx: Fixture;
let eng: Engine | undefined;
let names: Record<MarkedKind, string>;
let sparse = false;
/** The commit that turned mark_managed on (its snapshot names each object's file). */
let markSha = '';

/** The metadata database of the Superset that runs now (scripts/superset.sh writes its version). */
function metadataDatabase(): string {
  if (process.env.SUPERSET_METADATA_DB) return process.env.SUPERSET_METADATA_DB;
  const version = fs.readFileSync(path.join(ROOT, '.run/superset-active'), 'utf8').trim();
  return `superset_${version.replace(/\./g, '_')}`;
}

/** Commits everything in the fixture's folder (its own git repository); returns the commit's SHA. */
async function commit(message: string): Promise<string> {
  const git = simpleGit({ baseDir: fx.dir });
  await git.add('-A');
  await git.commit(message, undefined, { '--allow-empty': null });
  return (await git.revparse(['HEAD'])).trim();
}

function markEnvironment(): void {
  fx.write(
    `environments/${fx.envName}.yaml`,
    `${environmentYaml(fx.envName, fx.zkRoot)}mark_managed: true\nrepository_url: ${REPO_URL}/\n`,
  );
}

/** The engine for the environment file as it is now (its mark_managed is read when it connects). */
async function freshEngine(): Promise<Engine> {
  await eng?.close();
  eng = await engine(fx);
  return eng;
}

/** An apply through the engine (counting Superset calls) at the fixture repository's HEAD commit. */
async function applyAtHead(options: { bulkCreateMin?: number } = {}) {
  const e = eng!;
  const project = await loadProject(fx.metadataDir, fx.envName);
  e.port.reset();
  return runApply(project.objects, e.services, {
    environment: fx.envName,
    commit: await headCommit(fx.dir, fx.metadataDir),
    lockTimeoutMs: 30_000,
    prune: false,
    ...options,
  });
}

/** What Superset shows: `is_managed_externally` from its REST API, `external_url` from its table. */
async function marks(kind: MarkedKind, name: string): Promise<{ managed: unknown; url: string }> {
  const row = (await listOwn(fx.admin, kind, fx.runId)).find((r) => r.name === name);
  if (!row) throw new Error(`no ${kind} ${name}`);
  const raw = await fx.admin.get(kind, row.id);
  const url = psql(
    metadataDatabase(),
    `SELECT coalesce(external_url, '') FROM ${TABLE[kind]} WHERE id = :'id';`,
    { vars: { id: String(row.id) } },
  );
  return { managed: raw.is_managed_externally, url };
}

const fileUrl = (sha: string, file: string) => `${REPO_URL}/blob/${sha}/metadata/${file}`;

async function expectNoDrift(): Promise<void> {
  const project = await loadProject(fx.metadataDir, fx.envName);
  const report = await runDrift(project.objects, eng!.services, {
    environment: fx.envName,
    gitCommit: null,
    readAll: true,
  });
  expect(report.findings.filter((f) => f.where !== 'unmanaged')).toEqual([]);
  expect((await cli(fx, 'drift', '--ignore-unmanaged', '--no-publish')).code).toBe(0);
}

beforeAll(async () => {
  fx = createFixture('mark');
  names = {
    database: `db_${fx.runId}`,
    dataset: `orders_${fx.runId}`,
    chart: `Revenue ${fx.runId}`,
    dashboard: `Sales ${fx.runId}`,
  };
  fx.write('databases/warehouse.yaml', fx.databaseYaml(names.database));
  fx.write(
    'datasets/warehouse/orders.yaml',
    `kind: dataset
name: ${names.dataset}
database: ${names.database}
schema: public
always_filter_main_dttm: true
main_dttm_col: order_date
metrics:
  - name: revenue
    expression: SUM(amount)
`,
  );
  fx.write(
    'charts/revenue.yaml',
    `kind: chart
name: ${names.chart}
dataset: ${names.dataset}
viz_type: big_number_total
params:
  metric: revenue
  time_range: No filter
`,
  );
  fx.write(
    'dashboards/sales.yaml',
    `kind: dashboard
name: sales_${fx.runId}
title: ${names.dashboard}
layout:
  - row:
      - chart: ${names.chart}
`,
  );
  const git = simpleGit({ baseDir: fx.dir });
  await git.init();
  await git.addConfig('user.email', 'mark-managed@example.com');
  await git.addConfig('user.name', 'mark managed test');
  await commit('the tree, unmarked');
  sparse = (await fx.admin.capabilities()).sparseImport;
});

afterAll(async () => {
  await eng?.close();
  await fx?.cleanup();
});

describe('mark_managed on live Superset', () => {
  it('marks a tree applied without it by exactly one update per object', async () => {
    await freshEngine();
    const first = await applyAtHead();
    expect(first.outcome.failed).toBeUndefined();
    expect(first.outcome.created).toBe(4);
    for (const kind of ['database', 'dataset', 'chart', 'dashboard'] as const)
      expect(await marks(kind, names[kind]), kind).toEqual({ managed: false, url: '' });

    markEnvironment();
    const sha = await commit('mark what the tool manages');
    markSha = sha;
    // The plan says it, attribute by attribute; external_url is not an attribute.
    const planned = await cli(fx, 'plan');
    expect(planned.code).toBe(2);
    expect(planned.stdout).toContain('is_managed_externally');
    expect(planned.stdout).not.toContain('external_url');
    expect(planned.stdout).toContain('Plan: 0 to create, 4 to change, 0 to delete.');

    await freshEngine();
    const marking = await applyAtHead();
    expect(marking.outcome.failed).toBeUndefined();
    expect(marking.outcome.updated).toBe(4);
    const writes = eng!.port.writes().map((c) => `${c.op} ${c.kind} ${(c.fields ?? []).join(',')}`);
    expect(writes.sort()).toEqual(
      [
        'update database external_url,is_managed_externally',
        // Superset resets always_filter_main_dttm on a dataset PUT that leaves it out.
        'update dataset always_filter_main_dttm,external_url,is_managed_externally',
        'update chart external_url,is_managed_externally',
        'update dashboard external_url,is_managed_externally',
      ].sort(),
    );
    const files: Record<MarkedKind, string> = {
      database: 'databases/warehouse.yaml',
      dataset: 'datasets/warehouse/orders.yaml',
      chart: 'charts/revenue.yaml',
      dashboard: 'dashboards/sales.yaml',
    };
    for (const kind of ['database', 'dataset', 'chart', 'dashboard'] as const)
      expect(await marks(kind, names[kind]), kind).toEqual({
        managed: true,
        url: fileUrl(sha, files[kind]),
      });
    // The marking update kept what the YAML says.
    const dataset = await fx.admin.get(
      'dataset',
      (await listOwn(fx.admin, 'dataset', fx.runId)).find((r) => r.name === names.dataset)!.id,
    );
    expect(dataset.always_filter_main_dttm).toBe(true);
  });

  it('writes nothing on a second apply, nor for a new commit alone; a plan reading everything agrees; no drift', async () => {
    const sha = (await headCommit(fx.dir, fx.metadataDir)).sha;
    const again = await applyAtHead();
    expect(again.outcome.created + again.outcome.updated).toBe(0);
    expect(eng!.port.writes()).toEqual([]);
    // Nothing was read in full either: the hashes and changed_on recorded by the marking apply hold.
    expect(eng!.port.count('get')).toBe(0);

    const empty = await commit('an unrelated commit');
    const later = await applyAtHead();
    expect(later.outcome.created + later.outcome.updated).toBe(0);
    expect(eng!.port.writes()).toEqual([]);
    expect(actions((await eng!.plan({ readAll: true })).plan)).toEqual([]);
    // The links still name the commit that last wrote each object, not the newest one.
    expect((await marks('chart', names.chart)).url).toBe(fileUrl(sha, 'charts/revenue.yaml'));
    expect(empty).not.toBe(sha);
    await expectNoDrift();
  });

  it('sends the marking with a change and names its commit there only', async () => {
    const before = (await headCommit(fx.dir, fx.metadataDir)).sha;
    const marked = await marks('database', names.database);
    fx.edit('charts/revenue.yaml', (t) =>
      t.replace('viz_type:', 'description: Revenue, all time.\nviz_type:'),
    );
    const sha = await commit('describe the chart');
    const run = await applyAtHead();
    expect(run.outcome.updated).toBe(1);
    expect(eng!.port.writes().map((c) => `${c.op} ${c.kind} ${(c.fields ?? []).join(',')}`)).toEqual([
      'update chart description,external_url,is_managed_externally',
    ]);
    expect(await marks('chart', names.chart)).toEqual({
      managed: true,
      url: fileUrl(sha, 'charts/revenue.yaml'),
    });
    expect(await marks('database', names.database)).toEqual(marked);
    expect(before).not.toBe(sha);
    await expectNoDrift();
  });

  it('creates new objects marked, through the bulk import too, and converges', async () => {
    fx.write(
      'datasets/warehouse/customers.yaml',
      typedCustomersDataset(`customers_${fx.runId}`, names.database),
    );
    fx.write(
      'charts/customers.yaml',
      `kind: chart
name: Customers ${fx.runId}
dataset: customers_${fx.runId}
viz_type: big_number_total
params:
  metric: customers
  time_range: No filter
`,
    );
    fx.write(
      'dashboards/customers.yaml',
      `kind: dashboard
name: customers_${fx.runId}
title: Customers ${fx.runId}
layout:
  - row:
      - chart: Customers ${fx.runId}
`,
    );
    const sha = await commit('customers');
    const run = await applyAtHead({ bulkCreateMin: 1 });
    expect(run.outcome.failed).toBeUndefined();
    expect(run.outcome.created).toBe(3);
    const writes = eng!.port.log.filter((c) => ['create', 'update', 'import'].includes(c.op));
    if (sparse) expect(writes.map((c) => `${c.op} ${c.kind}`)).toEqual(['import assets']);
    else expect(writes.filter((c) => c.op === 'import')).toEqual([]);
    expect(await marks('dataset', `customers_${fx.runId}`)).toEqual({
      managed: true,
      url: fileUrl(sha, 'datasets/warehouse/customers.yaml'),
    });
    expect(await marks('chart', `Customers ${fx.runId}`)).toEqual({
      managed: true,
      url: fileUrl(sha, 'charts/customers.yaml'),
    });
    expect(await marks('dashboard', `Customers ${fx.runId}`)).toEqual({
      managed: true,
      url: fileUrl(sha, 'dashboards/customers.yaml'),
    });
    const again = await applyAtHead();
    expect(again.outcome.created + again.outcome.updated).toBe(0);
    expect(eng!.port.writes()).toEqual([]);
    expect(actions((await eng!.plan({ readAll: true })).plan)).toEqual([]);
    await expectNoDrift();
  });

  it("a rollback links what it rewrites to the file at the snapshot's commit", async () => {
    const before = await marks('database', names.database);
    const rolled = await cli(fx, 'rollback', '--to', markSha);
    expect(rolled.code).toBe(0);
    // Only the chart differs from that snapshot (its description came later).
    expect(rolled.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await marks('chart', names.chart)).toEqual({
      managed: true,
      url: fileUrl(markSha, 'charts/revenue.yaml'),
    });
    expect(await marks('database', names.database)).toEqual(before);
  });
});
