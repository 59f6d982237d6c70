import { describe, expect, it } from 'vitest';
import { dependentsOfChanges } from '../../../src/diff/dependents.js';
import { planBetween } from '../../../src/diff/plan-between.js';
import { environmentVariables } from '../../../src/diff/variables.js';
import { ATTRIBUTE_OPTIONS } from '../../../src/superset-map/attribute-options.js';
import { resolveEnvironment } from '../../../src/environment/resolve.js';
import { parseBatch } from '../../../src/git/blobs.js';
import { parseNameStatus } from '../../../src/git/revisions.js';
import { deriveUuid } from '../../../src/model/object.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import type { DesiredEntry } from '../../../src/plan/types.js';
import type { ValidationResult } from '../../../src/validate/validate-tree.js';
import { BASE_TREE, validateFiles, validateWith } from '../../helpers/tree.js';

function entries(tree: ValidationResult): DesiredEntry[] {
  expect(tree.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return tree.objects.map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
}

const ORDERS = BASE_TREE['datasets/warehouse/orders.yaml']!;
const brief = (plan: ReturnType<typeof planBetween>) =>
  plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.kind}/${c.name}`);

describe('planBetween', () => {
  it('the same tree on both sides plans nothing', () => {
    const tree = entries(validateWith({}));
    const plan = planBetween('local', tree, tree, { prune: true });
    expect(brief(plan)).toEqual([]);
    expect(plan.summary.noop).toBe(4);
    expect(dependentsOfChanges(plan)).toEqual([]);
  });

  it('an unpinned rename that keeps the table is a conflict that says how to rename in place', () => {
    const base = entries(validateWith({}));
    const renamed = ORDERS.replace('name: orders\n', 'name: orders_v2\ntable_name: orders\n');
    const head = entries(
      validateWith({
        'datasets/warehouse/orders.yaml': renamed,
        'charts/revenue.yaml': BASE_TREE['charts/revenue.yaml']!.replace(
          'dataset: orders',
          'dataset: orders_v2',
        ),
        'dashboards/sales.yaml': BASE_TREE['dashboards/sales.yaml']!.replace(
          'dataset: orders',
          'dataset: orders_v2',
        ),
      }),
    );
    const plan = planBetween('local', base, head, { prune: true });
    const conflict = plan.changes.find((c) => c.action === 'conflict');
    expect(conflict?.name).toBe('orders_v2');
    expect(conflict?.note).toContain('replaces dataset "orders"');
    expect(conflict?.note).toContain(`keep \`uuid: ${deriveUuid('dataset', 'orders')}\``);
    expect(brief(plan)).toContain('delete dataset/orders');
  });

  it('the same rename with the uuid pinned is a plain update of the name', () => {
    const base = entries(validateWith({}));
    const pinned = ORDERS.replace(
      'name: orders\n',
      `name: orders_v2\ntable_name: orders\nuuid: ${deriveUuid('dataset', 'orders')}\n`,
    );
    const head = entries(
      validateWith({
        'datasets/warehouse/orders.yaml': pinned,
        'charts/revenue.yaml': BASE_TREE['charts/revenue.yaml']!.replace(
          'dataset: orders',
          'dataset: orders_v2',
        ),
        'dashboards/sales.yaml': BASE_TREE['dashboards/sales.yaml']!.replace(
          'dataset: orders',
          'dataset: orders_v2',
        ),
      }),
    );
    const plan = planBetween('local', base, head, { prune: true });
    const dataset = plan.changes.find((c) => c.kind === 'dataset');
    expect(dataset).toMatchObject({ action: 'update', note: 'renamed from "orders"' });
    expect(dataset?.changes[0]).toEqual({ path: 'name', before: 'orders', after: 'orders_v2' });
    expect(plan.summary.conflict + plan.summary.delete + plan.summary.create).toBe(0);
  });

  it('a protected object removed from git is kept even with --prune', () => {
    const base = entries(
      validateWith({
        'databases/warehouse.yaml': BASE_TREE['databases/warehouse.yaml'] + 'protected: true\n',
      }),
    );
    const head = entries(
      validateFiles({
        'environments/local.yaml': BASE_TREE['environments/local.yaml']!,
      }),
    );
    const plan = planBetween('local', base, head, { prune: true });
    expect(brief(plan)).toEqual([
      'delete dashboard/sales',
      'delete chart/Revenue',
      'delete dataset/orders',
      'orphan database/warehouse',
    ]);
  });
});

describe('environmentVariables', () => {
  it('equals what resolveEnvironment gives plan and apply, without reading any ${env.*}', () => {
    const spec = validateWith({}).environments[0]!.spec;
    const withVars = {
      ...spec,
      variables: { host: 'h', uri: 'sqlite:///${var.project_dir}/x.db', who: '${var.environment}' },
    };
    const real = resolveEnvironment(
      withVars,
      { SUPERSET_USER: 'u', SUPERSET_PASSWORD: 'p' },
      '/proj',
    ).variables;
    expect(environmentVariables(withVars, '/proj')).toEqual(real);
    expect(real.uri).toBe('sqlite:////proj/x.db');
    expect(real.who).toBe('local');
  });
});

describe('git output parsers', () => {
  it('parseNameStatus: renames carry their old path', () => {
    expect(parseNameStatus('M\0a.yaml\0R087\0old/b.yaml\0new/b.yaml\0D\0c.yaml\0A\0d e.yaml\0')).toEqual([
      { status: 'modified', path: 'a.yaml' },
      { status: 'renamed', from: 'old/b.yaml', path: 'new/b.yaml' },
      { status: 'deleted', path: 'c.yaml' },
      { status: 'added', path: 'd e.yaml' },
    ]);
  });

  it('parseBatch: blobs with newlines and binary bytes; a missing object is an error', () => {
    const a = Buffer.from('kind: chart\nname: x\n');
    const b = Buffer.from([0xff, 0x0a, 0x00]);
    const out = Buffer.concat([
      Buffer.from(`aaa blob ${a.length}\n`),
      a,
      Buffer.from('\n'),
      Buffer.from(`bbb blob ${b.length}\n`),
      b,
      Buffer.from('\n'),
    ]);
    const blobs = parseBatch(out);
    expect(blobs.get('aaa')?.toString()).toBe(a.toString());
    expect([...(blobs.get('bbb') ?? [])]).toEqual([0xff, 0x0a, 0x00]);
    expect(() => parseBatch(Buffer.from('ccc missing\n'))).toThrow(/ccc is missing/);
  });
});
