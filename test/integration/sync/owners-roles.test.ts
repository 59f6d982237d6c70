// Owners and dashboard roles as code, against the real Superset: users and a role made through
// Superset's security API for this test; YAML names them; apply writes them by id; a change of one
// is one write; a person's edit in Superset (one that leaves changed_on where it was) is drift;
// a name Superset lacks stops the plan at its file and line; an import from live Superset brings
// them back and plans no changes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createTestProject,
  ownRows,
  supersetClient,
  type TestProject,
} from '../registry-cli/test-project.js';
import { supersetCall } from './raw-http.js';
import { passwordVariable } from '../../../src/superset-map/from-superset.js';
import { warehousePassword } from '../warehouse.js';

let project: TestProject;
const users: Record<'ann' | 'ben', { name: string; id: number }> = {
  ann: { name: '', id: 0 },
  ben: { name: '', id: 0 },
};
let role = { name: '', id: 0 };
let dashboardName = '';
/** Two tags Superset does not have before the first apply; the chart's tags as its YAML says now. */
const tags = { a: '', b: '' };
let chartTags: string[] = [];

/** Custom tags of an object, by name, as Superset's GET has them. */
async function tagsOf(kind: 'chart' | 'dashboard', name: string): Promise<string[]> {
  const raw = await supersetClient().get(kind, await idOf(kind, name));
  return ((raw.tags ?? []) as { name: string; type: unknown }[])
    .filter((t) => t.type === 1 || t.type === 'custom')
    .map((t) => t.name)
    .sort();
}

async function tagIds(): Promise<Map<string, number>> {
  const all = await supersetClient().tags();
  return new Map(all.filter((t) => t.name.includes(project.suffix)).map((t) => [t.name, t.id]));
}

async function makeUser(username: string, gammaId: number): Promise<number> {
  const made = (await supersetCall('POST', '/api/v1/security/users/', {
    username,
    first_name: 'It',
    last_name: username,
    email: `${username}@example.invalid`,
    active: true,
    password: `pw-${username}`,
    roles: [gammaId],
  })) as { id: number };
  return made.id;
}

async function idOf(kind: 'dataset' | 'chart' | 'dashboard', name: string): Promise<number> {
  const row = (await ownRows(supersetClient(), kind, project.suffix)).find((r) => r.name === name);
  if (!row) throw new Error(`${kind} ${name} is not in Superset`);
  return row.id;
}

async function access(kind: 'dataset' | 'chart' | 'dashboard', name: string) {
  const raw = await supersetClient().get(kind, await idOf(kind, name));
  const ids = (v: unknown) => ((v ?? []) as { id: number }[]).map((o) => o.id).sort((a, b) => a - b);
  return { owners: ids(raw.owners), roles: ids(raw.roles) };
}

function dashboardYaml(owners: string[], roles: string[]): string {
  return [
    'kind: dashboard',
    `name: ${dashboardName}`,
    `title: ${dashboardName}`,
    `slug: it-dash-${project.suffix}`,
    'layout:',
    `  - chart: ${project.names.charts[0]}`,
    `owners: [${owners.join(', ')}]`,
    `roles: [${roles.join(', ')}]`,
    `tags: [${tags.a}, ${tags.b}]`,
    '',
  ].join('\n');
}

function chartYaml(owners: string[]): string {
  return `kind: chart\nname: ${project.names.charts[0]}\ndataset: ${project.names.dataset}\nviz_type: table\nparams:\n  groupby: [region]\n  metrics: [count]\n  row_limit: 100\nowners: [${owners.join(', ')}]\ntags: [${chartTags.join(', ')}]\n`;
}

function datasetYaml(owners: string[]): string {
  return `kind: dataset\nname: ${project.names.dataset}\ndatabase: ${project.names.database}\ntable_name: ${project.names.table}\nmain_dttm_col: order_date\nowners: [${owners.join(', ')}]\n`;
}

beforeAll(async () => {
  project = createTestProject('owners', { charts: 1 });
  const roles = (await supersetCall(
    'GET',
    `/api/v1/security/roles/?q=${encodeURIComponent('(columns:!(id,name),page_size:100)')}`,
  )) as { result: { id: number; name: string }[] };
  const gamma = roles.result.find((r) => r.name === 'Gamma');
  if (!gamma) throw new Error('Superset has no Gamma role');
  for (const who of ['ann', 'ben'] as const) {
    const name = `it_${who}_${project.suffix}`;
    users[who] = { name, id: await makeUser(name, gamma.id) };
  }
  const name = `it_role_${project.suffix}`;
  role = {
    name,
    id: ((await supersetCall('POST', '/api/v1/security/roles/', { name })) as { id: number }).id,
  };
  dashboardName = `it dash ${project.suffix}`;
  tags.a = `it_tag_a_${project.suffix}`;
  tags.b = `it_tag_b_${project.suffix}`;
  chartTags = [tags.a];
  project.writeFile('datasets/orders.yaml', datasetYaml([users.ben.name]));
  project.writeFile('charts/chart-1.yaml', chartYaml([users.ann.name, 'admin']));
  project.writeFile('dashboards/dash.yaml', dashboardYaml([users.ann.name], [role.name]));
}, 60_000);

afterAll(async () => {
  await project?.cleanup();
  for (const u of Object.values(users))
    if (u.id) await supersetCall('DELETE', `/api/v1/security/users/${u.id}`).catch(() => undefined);
  if (role.id) await supersetCall('DELETE', `/api/v1/security/roles/${role.id}`).catch(() => undefined);
  if (project)
    for (const id of (await tagIds().catch(() => new Map<string, number>())).values())
      await supersetCall('DELETE', `/api/v1/tag/${id}`).catch(() => undefined);
}, 60_000);

describe('owners and dashboard roles', () => {
  it('are written by id on create, and a plan right after has no changes', async () => {
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const admin = (
      (await supersetCall(
        'GET',
        `/api/v1/security/users/?q=${encodeURIComponent('(columns:!(id,username),filters:!((col:username,opr:eq,value:admin)))')}`,
      )) as { result: { id: number }[] }
    ).result[0]!.id;
    expect(await access('dataset', project.names.dataset)).toMatchObject({ owners: [users.ben.id] });
    expect((await access('chart', project.names.charts[0]!)).owners).toEqual(
      [users.ann.id, admin].sort((a, b) => a - b),
    );
    expect(await access('dashboard', dashboardName)).toEqual({ owners: [users.ann.id], roles: [role.id] });
    // The tags did not exist: apply made them, each once, and tagged both objects.
    expect([...(await tagIds()).keys()].sort()).toEqual([tags.a, tags.b]);
    expect(await tagsOf('chart', project.names.charts[0]!)).toEqual([tags.a]);
    expect(await tagsOf('dashboard', dashboardName)).toEqual([tags.a, tags.b]);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 120_000);

  it('one owner more on a dataset is one update, of the owners alone', async () => {
    project.writeFile('datasets/orders.yaml', datasetYaml([users.ben.name, users.ann.name]));
    const plan = await project.run(['plan']);
    expect(plan.stdout).toMatch(/~ owners: \[.*\] -> \[.*\]/);
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to change, 0 to delete.');
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect((await access('dataset', project.names.dataset)).owners).toEqual(
      [users.ann.id, users.ben.id].sort((a, b) => a - b),
    );
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it('a role taken off the dashboard in Superset is drift, and apply puts it back', async () => {
    const id = await idOf('dashboard', dashboardName);
    // Superset 6.1 keeps the dashboard's changed_on here (measured): only the comparison of owner
    // and role ids can see this edit (test/unit/sync/owners.test.ts has that case without a server).
    await supersetCall('PUT', `/api/v1/dashboard/${id}`, { roles: [] });
    const drift = await project.run(['drift']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain(
      `dashboard "${dashboardName}": roles: expected ["${role.name}"], found []`,
    );
    const healed = await project.run(['apply']);
    expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect((await access('dashboard', dashboardName)).roles).toEqual([role.id]);
  }, 120_000);

  it('one tag more on a chart is one update; a tag taken off a dashboard in Superset is drift', async () => {
    chartTags = [tags.a, tags.b];
    project.writeFile('charts/chart-1.yaml', chartYaml([users.ann.name, 'admin']));
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/~ tags: \[.*\] -> \[.*\]/);
    expect(applied.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await tagsOf('chart', project.names.charts[0]!)).toEqual([tags.a, tags.b]);
    const id = await idOf('dashboard', dashboardName);
    await supersetCall('PUT', `/api/v1/dashboard/${id}`, { tags: [(await tagIds()).get(tags.a)] });
    const drift = await project.run(['drift']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain(
      `dashboard "${dashboardName}": tags: expected ["${tags.a}","${tags.b}"], found ["${tags.a}"]`,
    );
    const healed = await project.run(['apply']);
    expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await tagsOf('dashboard', dashboardName)).toEqual([tags.a, tags.b]);
  }, 120_000);

  it('a username Superset does not have stops the plan at its file and line, and writes nothing', async () => {
    project.writeFile('charts/chart-1.yaml', chartYaml([users.ann.name, `it_nobody_${project.suffix}`]));
    const plan = await project.run(['apply']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(
      new RegExp(
        `metadata/charts/chart-1\\.yaml:9:\\d+ chart .* owners\\[1\\]: Superset has no user "it_nobody_`,
      ),
    );
    project.writeFile('charts/chart-1.yaml', chartYaml([users.ann.name, 'admin']));
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it('come back with an import from live Superset, and the imported tree plans no changes', async () => {
    const out = path.join(project.dir, 'imported');
    const slug = `it-dash-${project.suffix}`;
    const imported = await project.run(['import', '--dashboard', slug, '--out', out]);
    expect(imported.code, imported.stderr).toBe(0);
    const dashboards = fs
      .readdirSync(path.join(out, 'dashboards'))
      .map((f) => parse(fs.readFileSync(path.join(out, 'dashboards', f), 'utf8')) as Record<string, unknown>);
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]).toMatchObject({
      owners: [users.ann.name],
      roles: [role.name],
      tags: [tags.a, tags.b],
    });
    const metadata = path.join(project.dir, 'metadata');
    for (const kind of ['databases', 'datasets', 'charts', 'dashboards']) {
      fs.rmSync(path.join(metadata, kind), { recursive: true, force: true });
      fs.cpSync(path.join(out, kind), path.join(metadata, kind), { recursive: true });
    }
    const chart = fs
      .readdirSync(path.join(metadata, 'charts'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.yaml'))
      .map(
        (f) => parse(fs.readFileSync(path.join(metadata, 'charts', f), 'utf8')) as Record<string, unknown>,
      );
    expect(chart.map((c) => c.owners)).toEqual([['admin', users.ann.name].sort()]);
    const plan = await project.run(['plan'], {
      extra: { [passwordVariable(project.names.database)]: warehousePassword() },
    });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 180_000);
});
