import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { diffCommand, type DiffCommandOptions } from '../../../src/cli/commands/diff.js';
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';
import { runDiff } from '../../../src/engine/diff-run.js';
import type { DiffReport, EnvironmentDiff } from '../../../src/diff/types.js';
import { deriveUuid } from '../../../src/model/object.js';
import type { PlannedChange } from '../../../src/plan/types.js';
import { BASE_TREE } from '../../helpers/tree.js';
import { createRepo, underMetadata, type TempRepo } from './git-repo.js';

function recorder(): Output & { out: string; err: string } {
  const r = { out: '', err: '', color: false, isTTY: false } as Output & { out: string; err: string };
  r.stdout = (t) => void (r.out += t);
  r.stderr = (t) => void (r.err += t);
  return r;
}

const STAGING = `kind: environment
name: staging
superset:
  url: \${env.SUPERSET_URL}
  username: \${env.SUPERSET_USERNAME}
  password: \${env.SUPERSET_PASSWORD}
zookeeper:
  connect: \${env.ZK_CONNECT}
  root: /superset-gitops/staging
variables:
  host: db.staging.internal
`;

const ORDERS_COUNT = (name: string) => `kind: chart
name: ${name}
dataset: orders
viz_type: big_number_total
params:
  metric: revenue
`;

const SALES_WITH = (chart: string, extra = '') => `kind: dashboard
name: sales
${extra}title: Sales
slug: sales
layout:
  - row:
      - chart: ${chart}
        width: 6
native_filters:
  - name: Region
    type: filter_select
    targets:
      - dataset: orders
        column: region
`;

let repo: TempRepo;
const commits: Record<string, string> = {};

async function diff(base: string, head: string, extra: Partial<Parameters<typeof runDiff>[0]> = {}) {
  const run = await runDiff({
    base,
    head,
    dir: 'metadata',
    mergeBase: true,
    prune: false,
    cwd: repo.dir,
    ...extra,
  });
  if (!('report' in run)) throw new Error(`head invalid: ${JSON.stringify(run.headErrors)}`);
  return run.report;
}

const env = (report: DiffReport, name: string): EnvironmentDiff => {
  const found = report.environments.find((e) => e.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found;
};
const changed = (e: EnvironmentDiff): PlannedChange[] =>
  e.plan?.changes.filter((c) => c.action !== 'noop') ?? [];
const brief = (e: EnvironmentDiff) => changed(e).map((c) => `${c.action} ${c.kind}/${c.name}`);

beforeAll(async () => {
  repo = await createRepo();
  await repo.write(underMetadata({ ...BASE_TREE, 'environments/staging.yaml': STAGING }));
  await repo.write({ 'README.md': 'not metadata\n' });
  commits.initial = await repo.commit('initial tree');

  await repo.write(underMetadata({ 'charts/orders-count.yaml': ORDERS_COUNT('Orders count') }));
  commits.add = await repo.commit('add a chart');

  const orders = BASE_TREE['datasets/warehouse/orders.yaml']!.replace(
    'database: warehouse\n',
    'database: warehouse\ndescription: One row per order line.\n',
  );
  await repo.write(underMetadata({ 'datasets/warehouse/orders.yaml': orders }));
  commits.change = await repo.commit('describe the orders dataset');

  await repo.move('metadata/charts/revenue.yaml', 'metadata/charts/sales/revenue.yaml');
  commits.move = await repo.commit('git mv a chart file');

  // Rename with the old uuid pinned: the same object under a new name.
  await repo.move('metadata/charts/sales/revenue.yaml', 'metadata/charts/sales/revenue-by-region.yaml');
  await repo.write(
    underMetadata({
      'charts/sales/revenue-by-region.yaml': BASE_TREE['charts/revenue.yaml']!.replace(
        'name: Revenue\n',
        `name: Revenue by region\nuuid: ${deriveUuid('chart', 'Revenue')}\n`,
      ),
      'dashboards/sales.yaml': SALES_WITH('Revenue by region'),
    }),
  );
  commits.pinnedRename = await repo.commit('rename a chart, uuid pinned');

  // Rename without a pinned uuid: another object.
  await repo.write(
    underMetadata({
      'charts/orders-count.yaml': null,
      'charts/order-count.yaml': ORDERS_COUNT('Order count'),
    }),
  );
  commits.unpinnedRename = await repo.commit('rename a chart, uuid derived from the name');

  await repo.write(underMetadata({ 'charts/order-count.yaml': null }));
  commits.delete = await repo.commit('delete a chart');

  await repo.write(
    underMetadata({
      'environments/staging.yaml': STAGING.replace('db.staging.internal', 'db2.staging.internal'),
    }),
  );
  commits.variable = await repo.commit('staging: new database host');
}, 60_000);

afterAll(async () => {
  await repo.remove();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('diff between two commits of a real git repository', () => {
  it('an added object is a create in every environment; nothing depends on it', async () => {
    const report = await diff(commits.initial!, commits.add!);
    expect(report.files).toEqual([
      { status: 'added', path: 'metadata/charts/orders-count.yaml', objects: ['chart/Orders count'] },
    ]);
    for (const name of ['local', 'staging']) {
      expect(brief(env(report, name))).toEqual(['create chart/Orders count']);
      expect(env(report, name).touched).toBe(true);
      expect(env(report, name).dependents).toEqual([]);
      expect(env(report, name).file).toBe('unchanged');
    }
    const create = changed(env(report, 'local'))[0]!;
    expect(create.changes).toContainEqual({ path: 'viz_type', after: 'big_number_total' });
    expect(create.supersetId).toBeUndefined();
  });

  it('a changed object is an update at attribute level, and lists what depends on it', async () => {
    const report = await diff(commits.add!, commits.change!);
    const local = env(report, 'local');
    expect(brief(local)).toEqual(['update dataset/orders']);
    expect(changed(local)[0]!.changes).toEqual([
      { path: 'description', before: null, after: 'One row per order line.' },
    ]);
    expect(local.dependents).toEqual(['chart/Orders count', 'chart/Revenue', 'dashboard/sales']);
  });

  it('a file moved with git mv is a rename of the file and no change to the object', async () => {
    const report = await diff(commits.change!, commits.move!);
    expect(report.files).toEqual([
      {
        status: 'renamed',
        from: 'metadata/charts/revenue.yaml',
        path: 'metadata/charts/sales/revenue.yaml',
        objects: ['chart/Revenue'],
      },
    ]);
    expect(report.environments.every((e) => !e.touched && changed(e).length === 0)).toBe(true);
    const out = recorder();
    expect(await diffCommand(options(commits.change!, commits.move!), out, repo.dir)).toBe(0);
    expect(out.out).toContain('R  metadata/charts/revenue.yaml -> metadata/charts/sales/revenue.yaml');
    expect(out.out).toContain('No environment is touched.');
  });

  it('a rename with the uuid pinned is an update of the name, not a delete and a create', async () => {
    const report = await diff(commits.move!, commits.pinnedRename!);
    const local = env(report, 'local');
    expect(brief(local)).toEqual(['update chart/Revenue by region', 'update dashboard/sales']);
    const chart = changed(local)[0]!;
    expect(chart.uuid).toBe(deriveUuid('chart', 'Revenue'));
    expect(chart.note).toBe('renamed from "Revenue"');
    expect(chart.changes).toContainEqual({
      path: 'slice_name',
      before: 'Revenue',
      after: 'Revenue by region',
    });
    expect(report.files.map((f) => f.status)).toEqual(expect.arrayContaining(['renamed', 'modified']));
  });

  it('a rename of the dashboard with its uuid pinned shows the name change', async () => {
    await repo.git.checkout(['-b', 'dashboard-rename', commits.pinnedRename!]);
    await repo.write(
      underMetadata({
        'dashboards/sales.yaml': SALES_WITH(
          'Revenue by region',
          `uuid: ${deriveUuid('dashboard', 'sales')}\n`,
        ).replace('name: sales', 'name: sales-overview'),
      }),
    );
    const renamed = await repo.commit('rename the dashboard, uuid pinned');
    await repo.git.checkout('main');
    const local = env(await diff(commits.pinnedRename!, renamed), 'local');
    expect(brief(local)).toEqual(['update dashboard/sales-overview']);
    expect(changed(local)[0]!.changes).toEqual([{ path: 'name', before: 'sales', after: 'sales-overview' }]);
  });

  it('a rename without a pinned uuid is a create plus a removal (kept without --prune, deleted with it)', async () => {
    const kept = env(await diff(commits.pinnedRename!, commits.unpinnedRename!), 'local');
    expect(brief(kept)).toEqual(['create chart/Order count', 'orphan chart/Orders count']);
    const pruned = env(await diff(commits.pinnedRename!, commits.unpinnedRename!, { prune: true }), 'local');
    expect(brief(pruned)).toEqual(['create chart/Order count', 'delete chart/Orders count']);
  });

  it('a deleted object is kept without --prune and deleted with it', async () => {
    const report = await diff(commits.unpinnedRename!, commits.delete!);
    expect(report.files).toEqual([
      { status: 'deleted', path: 'metadata/charts/order-count.yaml', objects: ['chart/Order count'] },
    ]);
    expect(brief(env(report, 'staging'))).toEqual(['orphan chart/Order count']);
    expect(env(report, 'staging').touched).toBe(true);
    const pruned = await diff(commits.unpinnedRename!, commits.delete!, { prune: true });
    expect(brief(env(pruned, 'staging'))).toEqual(['delete chart/Order count']);
  });

  it('resolves each environment with its own variables: a changed variable touches only that environment', async () => {
    const report = await diff(commits.delete!, commits.variable!);
    const staging = env(report, 'staging');
    expect(staging.file).toBe('changed');
    expect(brief(staging)).toEqual(['update database/warehouse']);
    expect(changed(staging)[0]!.changes).toEqual([
      {
        path: 'sqlalchemy_uri',
        before: 'postgresql://reader@db.staging.internal/sales',
        after: 'postgresql://reader@db2.staging.internal/sales',
      },
    ]);
    expect(env(report, 'local').touched).toBe(false);
    expect(brief(env(report, 'local'))).toEqual([]);
  });

  it('over several commits, sums them up: the whole change from base to head', async () => {
    const report = await diff(commits.initial!, commits.variable!, { prune: true });
    expect(brief(env(report, 'local'))).toEqual([
      'update dataset/orders',
      'update chart/Revenue by region',
      'update dashboard/sales',
    ]);
    expect(brief(env(report, 'staging'))).toEqual([
      'update database/warehouse',
      'update dataset/orders',
      'update chart/Revenue by region',
      'update dashboard/sales',
    ]);
  });

  it('a new environment creates everything; a removed one is listed and planned no more', async () => {
    await repo.git.checkout(['-b', 'environments', commits.variable!]);
    await repo.write(
      underMetadata({
        'environments/qa.yaml': STAGING.replace(/staging/g, 'qa'),
        'environments/staging.yaml': null,
      }),
    );
    const head = await repo.commit('qa replaces staging');
    await repo.git.checkout('main');
    const report = await diff(commits.variable!, head);
    const qa = env(report, 'qa');
    expect(qa.file).toBe('added');
    expect(brief(qa)).toEqual([
      'create database/warehouse',
      'create dataset/orders',
      'create chart/Revenue by region',
      'create dashboard/sales',
    ]);
    expect(env(report, 'staging')).toEqual({
      name: 'staging',
      file: 'removed',
      dependents: [],
      touched: true,
    });
    expect(env(report, 'local').touched).toBe(false);
  });
});

function options(base: string, head: string, extra: Partial<DiffCommandOptions> = {}): DiffCommandOptions {
  return { base, head, dir: 'metadata', format: 'text', mergeBase: true, ...extra };
}

describe('superset-gitops diff (command)', () => {
  it('compares with the merge base by default, like a pull request', async () => {
    await repo.git.checkout(['-b', 'feature', commits.delete!]);
    await repo.write(underMetadata({ 'charts/orders-count.yaml': ORDERS_COUNT('Orders count') }));
    const feature = await repo.commit('feature: bring the chart back');
    await repo.git.checkout('main');
    // main moved on (commits.variable) after the branch point: not part of the pull request.
    const merged = await diff(commits.variable!, feature);
    expect(report(merged)).toEqual({
      local: ['create chart/Orders count'],
      staging: ['create chart/Orders count'],
    });
    const direct = await diff(commits.variable!, feature, { mergeBase: false });
    expect(report(direct).staging).toEqual(['update database/warehouse', 'create chart/Orders count']);

    function report(r: DiffReport) {
      return Object.fromEntries(r.environments.map((e) => [e.name, brief(e)]));
    }
  });

  it('exits 2 with changes; markdown groups identical plans and draws the graph', async () => {
    const out = recorder();
    expect(
      await diffCommand(options(commits.add!, commits.change!, { format: 'markdown' }), out, repo.dir),
    ).toBe(2);
    expect(out.out).toContain('### Changes for `local`, `staging`');
    expect(out.out).toContain('```mermaid');
    expect(out.out).toContain('**Environments touched: local, staging.**');
    expect(out.out).toContain(
      '**Depend on these changes** (unchanged themselves): `chart Orders count`, `chart Revenue`, `dashboard sales`',
    );
  });

  it('json: the report with the touched environments; --env limits them', async () => {
    const out = recorder();
    const code = await diffCommand(
      options(commits.delete!, commits.variable!, { format: 'json', env: ['staging'] }),
      out,
      repo.dir,
    );
    expect(code).toBe(2);
    const parsed = JSON.parse(out.out) as DiffReport & { touched: string[] };
    expect(parsed.touched).toEqual(['staging']);
    expect(parsed.environments.map((e) => e.name)).toEqual(['staging']);
    expect(parsed.base.commit).toBe(commits.delete);
  });

  it('writes the job summary and the step outputs when running in GitHub Actions', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sg-gha-'));
    const summary = path.join(dir, 'summary.md');
    const output = path.join(dir, 'output');
    await writeFile(summary, '');
    await writeFile(output, '');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    vi.stubEnv('GITHUB_OUTPUT', output);
    const out = recorder();
    expect(
      await diffCommand(
        options(commits.delete!, commits.variable!, { out: path.join(dir, 'diff.txt') }),
        out,
        repo.dir,
      ),
    ).toBe(2);
    expect(await readFile(summary, 'utf8')).toContain('### Changes for `staging`');
    const outputs = await readFile(output, 'utf8');
    expect(outputs).toMatch(/environments<<(\S+)\n\["staging"\]\n\1/);
    expect(outputs).toMatch(/changes<<(\S+)\ntrue\n\1/);
    expect(await readFile(path.join(dir, 'diff.txt'), 'utf8')).toContain('== staging ==');
    expect(out.out).toBe('');
  });

  it('reads commits, not the work tree: uncommitted edits play no part', async () => {
    await repo.write(underMetadata({ 'datasets/warehouse/orders.yaml': 'kind: dataset\nname: broken: [' }));
    try {
      const r = await diff(commits.add!, commits.change!);
      expect(brief(env(r, 'local'))).toEqual(['update dataset/orders']);
    } finally {
      await repo.git.checkout(['--', '.']);
    }
  });

  it('never shows a secret, even when the variable it names is set', async () => {
    vi.stubEnv('WAREHOUSE_PASSWORD', 'hunter2-do-not-print');
    const out = recorder();
    await diffCommand(options(commits.initial!, commits.variable!, { format: 'json' }), out, repo.dir);
    const markdown = recorder();
    await diffCommand(
      options(commits.initial!, commits.variable!, { format: 'markdown' }),
      markdown,
      repo.dir,
    );
    expect(out.out).toContain('postgresql://reader@db2.staging.internal/sales');
    expect(out.out + markdown.out).not.toContain('hunter2');
  });

  it('exits 1 naming file and line when the head does not validate', async () => {
    await repo.git.checkout(['-b', 'broken', commits.variable!]);
    await repo.write(
      underMetadata({ 'charts/bad.yaml': 'kind: chart\nname: Bad\ndataset: nope\nviz_type: pie\n' }),
    );
    const head = await repo.commit('a chart on a missing dataset');
    await repo.git.checkout('main');
    const out = recorder();
    expect(await diffCommand(options(commits.variable!, head), out, repo.dir)).toBe(1);
    expect(out.err).toContain('metadata/charts/bad.yaml');
    expect(out.err).toContain('3:10');
    expect(out.err).toContain('does not validate');
  });

  it('exits 1 with one line outside a git repository', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sg-not-git-'));
    const out = recorder();
    await expect(diffCommand(options('HEAD~1', 'HEAD'), out, dir)).rejects.toThrow(
      /is not inside a git repository/,
    );
    const viaMain = recorder();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await main(['diff', '--base', 'HEAD~1'], viaMain)).toBe(1);
    } finally {
      process.chdir(cwd);
    }
    expect(viaMain.err).toMatch(/^error: .* is not inside a git repository \(.*\)\.\n$/);
  });

  it('exits 1 with one line for an unknown revision or environment (through main)', async () => {
    const cwd = process.cwd();
    process.chdir(repo.dir);
    try {
      const out = recorder();
      expect(await main(['diff', '--base', 'no-such-branch'], out)).toBe(1);
      expect(out.err).toMatch(/^error: Unknown revision "no-such-branch"/);
      expect(out.err.trim().split('\n')).toHaveLength(1);
      const env = recorder();
      expect(await main(['diff', '--base', commits.initial!, '--env', 'prod'], env)).toBe(1);
      expect(env.err).toContain('No environment named "prod"');
      expect(env.err).toContain('known: local, staging');
    } finally {
      process.chdir(cwd);
    }
  });
});
