// Two charts with the same title, each on its own dashboard, made through Superset's API as a team's
// existing content would be: `import --env` adopts them, each under its own YAML name with the title
// Superset shows; plan says no changes, apply writes nothing, and both titles stay as they were.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../sync/fixture.js';
import { runMain } from '../sync/harness.js';
import { oneRowPosition } from './positions.js';
import { warehouseUriWithPassword } from '../warehouse.js';

let fx: Fixture;
const charts: number[] = [];
const dashboards: number[] = [];
let title: string;

beforeAll(async () => {
  fx = createFixture('dup');
  const admin = fx.admin;
  title = `Orders by region ${fx.runId}`;
  const db = (
    await admin.create('database', {
      database_name: `dup_db_${fx.runId}`,
      sqlalchemy_uri: warehouseUriWithPassword(),
    })
  ).id;
  const ds = (await admin.create('dataset', { database: db, table_name: `orders_${fx.runId}` })).id;
  for (const [i, viz] of ['pie', 'table'].entries()) {
    const params = {
      viz_type: viz,
      groupby: ['region'],
      metric: 'count',
      row_limit: 10 + i,
      datasource: `${ds}__table`,
    };
    const chart = (
      await admin.create('chart', {
        slice_name: title,
        viz_type: viz,
        datasource_id: ds,
        datasource_type: 'table',
        params: JSON.stringify(params),
      })
    ).id;
    charts.push(chart);
    const label = `Dup ${i} ${fx.runId}`;
    const dash = (
      await admin.create('dashboard', {
        dashboard_title: label,
        slug: `dup-${i}-${fx.runId}`.replace(/_/g, '-'),
      })
    ).id;
    dashboards.push(dash);
    const pos = oneRowPosition(label, [chart]);
    await admin.update('dashboard', dash, {
      position_json: JSON.stringify(pos),
      json_metadata: JSON.stringify({ positions: pos }),
    });
  }
});

afterAll(async () => {
  await fx.cleanup();
});

describe('two charts with one title', () => {
  it('are adopted without renaming either; plan says no changes and apply writes nothing', async () => {
    const env = ['--env', fx.envName, '--dir', fx.metadataDir];
    const slugs = [0, 1].map((i) => `dup-${i}-${fx.runId}`.replace(/_/g, '-'));
    const imported = await runMain([
      'import',
      ...env,
      '--out',
      fx.metadataDir,
      '--dashboard',
      slugs[0]!,
      '--dashboard',
      slugs[1]!,
    ]);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/is used by another chart too; named .* its title in Superset unchanged/);
    const chartFiles = fs
      .readdirSync(path.join(fx.metadataDir, 'charts'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'));
    expect(chartFiles).toHaveLength(2);
    const texts = chartFiles.map((f) => fs.readFileSync(path.join(fx.metadataDir, 'charts', f), 'utf8'));
    // One keeps the title as its name; the other has a name of its own and says its title.
    expect(texts.filter((t) => t.includes(`name: ${title}\n`))).toHaveLength(1);
    expect(texts.filter((t) => t.includes(`title: ${title}\n`))).toHaveLength(1);

    expect((await runMain(['validate', fx.metadataDir])).code).toBe(0);
    const plan = await runMain(['plan', ...env, '--read-all']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const apply = await runMain(['apply', ...env]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/0 created, 0 updated, 0 deleted/);
    for (const id of charts) expect((await fx.admin.get('chart', id)).slice_name).toBe(title);
    // And each dashboard still shows its own chart.
    for (const [i, id] of dashboards.entries()) {
      const pos = JSON.parse(String((await fx.admin.get('dashboard', id)).position_json)) as Record<
        string,
        { meta?: { chartId?: number } }
      >;
      expect(Object.values(pos).some((n) => n.meta?.chartId === charts[i])).toBe(true);
    }
  });
});
