// A failure in the middle of an apply stops at that object, says what was and was not done, exits 1,
// and a rerun after fixing the YAML does only what is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/plan/types.js';
import { createFixture, type Fixture } from './fixture.js';
import { cli, engine } from './harness.js';
import { actions, exists } from './read-back.js';
import { writeSampleTree, type SampleNames } from './sample-tree.js';

let fx: Fixture;
let n: SampleNames;
const MISSING = 'datasets/warehouse/customers.yaml';
const BAD_FORMAT = 'datasets/warehouse/dated.yaml';

async function plan(): Promise<{ code: number; plan: Plan }> {
  const r = await cli(fx, 'plan', '--format', 'json');
  return { code: r.code, plan: JSON.parse(r.stdout) as Plan };
}

beforeAll(() => {
  fx = createFixture('fail');
  n = writeSampleTree(fx);
});

afterAll(async () => {
  await fx?.cleanup();
});

describe('sync: a failure mid-apply', () => {
  it('stops at a dataset on a missing table, reports done and not done, and converges once fixed', async () => {
    // Sorts between by_region_* and orders_*: one dataset is done before it, one after.
    fx.write(
      MISSING,
      `kind: dataset
name: customers_${fx.runId}
database: ${n.database}
table_name: no_such_table_${fx.runId}
`,
    );
    const failed = await cli(fx, 'apply');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`Apply stopped at dataset "customers_${fx.runId}"`);
    expect(failed.stdout).toMatch(/could not be found/);
    // database and by_region done; customers failed; orders, 5 charts and the dashboard not done.
    expect(failed.stdout).toContain('Done: 2; not done: 8.');
    expect(failed.stderr).toContain(`create database "${n.database}": done`);
    expect(failed.stderr).toContain(`create dataset "${n.byRegion}": done`);
    expect(failed.stderr).toContain(`creating dataset "customers_${fx.runId}": FAILED`);
    expect(await exists(fx.admin, 'database', n.database)).toBe(true);
    expect(await exists(fx.admin, 'dataset', `by_region_${fx.runId}`)).toBe(true);
    expect(await exists(fx.admin, 'dataset', `orders_${fx.runId}`)).toBe(false);
    expect(await exists(fx.admin, 'chart', n.pie)).toBe(false);

    const eng = await engine(fx);
    try {
      const [last] = await eng.services.registry.readHistory(1);
      expect([last?.result, last?.created, last?.failed]).toEqual(['partial', 2, 1]);
    } finally {
      await eng.close();
    }
    const left = await plan();
    expect(left.code).toBe(2);
    expect(left.plan.summary).toMatchObject({ create: 8, update: 0, noop: 2 });

    fx.edit(MISSING, (t) => t.replace(`no_such_table_${fx.runId}`, `customers_${fx.runId}`));
    const rerun = await cli(fx, 'apply');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('Apply complete: 8 created, 0 updated, 0 deleted');
    expect((await plan()).code).toBe(0);
    expect((await cli(fx, 'plan', '--read-all')).code).toBe(0);
  });

  it('owns a dataset whose create succeeded but whose columns Superset refused, and finishes it on rerun', async () => {
    const name = `dated_${fx.runId}`;
    const file = (format: string) => `kind: dataset
name: ${name}
database: ${n.database}
sql: SELECT order_id, order_date FROM orders_${fx.runId}
columns:
  - name: order_id
  - name: order_date
    python_date_format: "${format}"
`;
    fx.write(BAD_FORMAT, file('%Q not a date'));
    const failed = await cli(fx, 'apply');
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`Apply stopped at dataset "${name}"`);
    expect(failed.stdout).toContain('Invalid date/timestamp format');
    // The POST made it; the PUT with the columns did not. The dataset is ours, not a conflict.
    expect(await exists(fx.admin, 'dataset', name)).toBe(true);
    const again = await plan();
    expect(actions(again.plan)).toEqual([`update dataset ${name}`]);
    expect(again.plan.changes.find((c) => c.name === name)?.changes.map((c) => c.path)).toContain(
      'columns[order_date].python_date_format',
    );

    fx.write(BAD_FORMAT, file('%Y-%m-%d %H:%M:%S'));
    const rerun = await cli(fx, 'apply');
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toContain('Apply complete: 0 created, 1 updated, 0 deleted');
    expect((await plan()).code).toBe(0);
    expect((await cli(fx, 'plan', '--read-all')).code).toBe(0);
  });
});
