// Adopting an existing Superset: objects made through Superset's API (not by this tool) are imported
// into YAML, validate passes, plan says no changes and apply writes nothing; and a Superset export
// bundle round-trips through `import --bundle` and `apply` back to a plan with no changes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from '../sync/fixture.js';
import { runMain } from '../sync/harness.js';
import { oneRowPosition } from './positions.js';
import type { SupersetClient } from '../../../src/superset/index.js';
import { readZip } from '../../../src/import/zip.js';
import { passwordVariable } from '../../../src/superset-map/from-superset.js';
import { warehousePassword, warehouseUriWithPassword } from '../warehouse.js';

let fx: Fixture;
let admin: SupersetClient;
const made: Record<string, number> = {};

async function makeObjectsThroughTheApi(): Promise<void> {
  const r = fx.runId;
  made.database = (
    await admin.create('database', {
      database_name: `imp_db_${r}`,
      sqlalchemy_uri: warehouseUriWithPassword(),
      expose_in_sqllab: true,
    })
  ).id;
  made.dataset = (await admin.create('dataset', { database: made.database, table_name: `orders_${r}` })).id;
  await admin.update('dataset', made.dataset, { description: 'made in the Superset UI' });
  const params = {
    viz_type: 'pie',
    groupby: ['region'],
    metric: 'count',
    row_limit: 50,
    datasource: `${made.dataset}__table`,
  };
  made.chart = (
    await admin.create('chart', {
      slice_name: `Regions ${r}`,
      viz_type: 'pie',
      datasource_id: made.dataset,
      datasource_type: 'table',
      params: JSON.stringify(params),
    })
  ).id;
  made.dashboard = (
    await admin.create('dashboard', {
      dashboard_title: `Imported ${r}`,
      slug: `imp-${r}`.replace(/_/g, '-'),
      published: true,
    })
  ).id;
  const position = oneRowPosition(`Imported ${r}`, [made.chart]);
  await admin.update('dashboard', made.dashboard, {
    position_json: JSON.stringify(position),
    json_metadata: JSON.stringify({ positions: position }),
  });
}

// Import turns the database's masked password into `${env.<NAME>_PASSWORD}`: the applies read it.
let passwordVar = '';

beforeAll(async () => {
  fx = createFixture('imp');
  admin = fx.admin;
  passwordVar = passwordVariable(`imp_db_${fx.runId}`);
  process.env[passwordVar] = warehousePassword();
  await makeObjectsThroughTheApi();
});

afterAll(async () => {
  delete process.env[passwordVar];
  await fx.cleanup();
});

const env = () => ['--env', fx.envName, '--dir', fx.metadataDir];

describe('import from live Superset', () => {
  it('imports objects made outside the tool; validate passes, plan shows no changes, apply writes nothing', async () => {
    const imported = await runMain([
      'import',
      ...env(),
      '--out',
      fx.metadataDir,
      '--dashboard',
      `imp-${fx.runId}`.replace(/_/g, '-'),
    ]);
    expect(imported.code, imported.stdout + imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/4 objects: 4 files written/);
    expect(imported.stdout).toMatch(/4 objects recorded as owned/);
    const files = fs
      .readdirSync(fx.metadataDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'));
    expect(files.filter((f) => !f.startsWith('environments'))).toHaveLength(4);
    const chart = fs.readFileSync(
      path.join(fx.metadataDir, files.find((f) => f.startsWith('charts')) ?? ''),
      'utf8',
    );
    expect(chart).toContain(`dataset: orders_${fx.runId}`);
    expect(chart).not.toMatch(/datasource_id|slice_id|\b\d+__table/);

    expect((await runMain(['validate', fx.metadataDir])).code).toBe(0);
    const plan = await runMain(['plan', ...env()]);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const full = await runMain(['plan', ...env(), '--read-all']);
    expect(full.code, full.stdout).toBe(0);
    const apply = await runMain(['apply', ...env()]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/0 created, 0 updated, 0 deleted/);
  });

  it('importing twice changes no file', async () => {
    const again = await runMain([
      'import',
      ...env(),
      '--out',
      fx.metadataDir,
      '--dashboard',
      `imp-${fx.runId}`.replace(/_/g, '-'),
    ]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 files written, 4 unchanged/);
  });
});

describe('Superset export bundle round trip', () => {
  it('export from live Superset, import --bundle, apply to a fresh environment: plan shows no changes', async () => {
    const zip = await admin.exportBundle('dashboard', [made.dashboard as number]);
    const bundle = path.join(fx.dir, 'export.zip');
    fs.writeFileSync(bundle, zip);
    // A fresh environment: its own registry root, and the objects gone from Superset.
    for (const kind of ['dashboard', 'chart', 'dataset', 'database'] as const)
      await admin.remove(kind, made[kind] as number);
    const fresh = path.join(fx.dir, 'fresh');
    fs.mkdirSync(path.join(fresh, 'environments'), { recursive: true });
    fs.writeFileSync(
      path.join(fresh, 'environments', 'fresh.yaml'),
      fs
        .readFileSync(path.join(fx.metadataDir, 'environments', `${fx.envName}.yaml`), 'utf8')
        .replace(`name: ${fx.envName}`, 'name: fresh')
        .replace(fx.zkRoot, `${fx.zkRoot}-fresh`),
    );
    const imported = await runMain(['import', '--bundle', bundle, '--out', fresh]);
    expect(imported.code, imported.stdout).toBe(0);
    const freshEnv = ['--env', 'fresh', '--dir', fresh];
    const apply = await runMain(['apply', ...freshEnv]);
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/4 created/);
    const plan = await runMain(['plan', ...freshEnv, '--read-all']);
    expect(plan.code, plan.stdout).toBe(0);
  });
});

describe('export --bundle', () => {
  it('writes a bundle that stock Superset imports (assets import API), with the same uuids', async () => {
    const r = fx.runId;
    const dir = path.join(fx.dir, 'exported');
    const write = (f: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    };
    write(
      'environments/exp.yaml',
      fs
        .readFileSync(path.join(fx.metadataDir, 'environments', `${fx.envName}.yaml`), 'utf8')
        .replace(`name: ${fx.envName}`, 'name: exp'),
    );
    write('databases/db.yaml', fx.databaseYaml(`exp_db_${r}`));
    write(
      'datasets/customers.yaml',
      `kind: dataset\nname: customers_${r}\ndatabase: exp_db_${r}\ncolumns:\n  - name: customer_id\n  - name: name\n  - name: segment\nmetrics:\n  - name: n\n    expression: COUNT(*)\n`,
    );
    write(
      'charts/segments.yaml',
      `kind: chart\nname: Segments ${r}\ndataset: customers_${r}\nviz_type: pie\nparams:\n  groupby: [segment]\n  metric: n\n`,
    );
    write(
      'dashboards/exp.yaml',
      `kind: dashboard\nname: exp_${r}\ntitle: Exported ${r}\nlayout:\n  - row:\n      - chart: Segments ${r}\n`,
    );
    // A kind the bundle has no place for: left out, and the export says so.
    write('css-templates/exp.yaml', `kind: css_template\nname: exp css ${r}\ncss: ".a {}"\n`);
    const zip = path.join(fx.dir, 'ours.zip');
    // For the Superset that imports it (a 6.1 bundle has keys older import schemas refuse).
    const { version } = await admin.capabilities();
    const exported = await runMain([
      'export',
      '--env',
      'exp',
      '--dir',
      dir,
      '--bundle',
      zip,
      '--superset-version',
      version,
    ]);
    expect(exported.code, exported.stdout + exported.stderr).toBe(0);
    expect(exported.stdout).not.toMatch(/lists no columns/);
    expect(exported.stdout).toMatch(/: 4 objects \(4 files\)/);
    expect(exported.stdout).toContain(
      `Not in the bundle (it carries databases, datasets, charts and dashboards only; apply writes the others): css_template "exp css ${r}".`,
    );
    // Stock Superset wants the password of a new database whose URI the bundle masks, as for any export.
    const bytes = fs.readFileSync(zip);
    const databaseFile = [...readZip(bytes).keys()]
      .map((f) => /(?:^|\/)(databases\/[^/]+\.yaml)$/.exec(f)?.[1])
      .find((f) => f !== undefined);
    expect(databaseFile).toBeDefined();
    expect(readZip(bytes).get([...readZip(bytes).keys()].find((f) => f.endsWith(databaseFile!))!)).toMatch(
      /sqlalchemy_uri: postgresql:\/\/warehouse:X+@/,
    );
    await admin.importBundle(bytes, { passwords: { [databaseFile!]: warehousePassword() } });
    const tree = await runMain(['validate', dir]);
    expect(tree.code).toBe(0);
    const charts = await admin.list('chart');
    const chart = charts.find((c) => c.name === `Segments ${r}`);
    expect(chart, 'the chart is in Superset after the import').toBeDefined();
    const data = await admin.chartData(chart?.id as number);
    expect(data[0]?.rowcount).toBeGreaterThan(0);
    const dashboards = await admin.list('dashboard');
    expect(dashboards.some((d) => d.name === `Exported ${r}`)).toBe(true);
  });
});
