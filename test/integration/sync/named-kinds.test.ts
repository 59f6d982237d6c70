// CSS templates, saved queries (with their tags) and row-level security rules as code, against the
// real Superset. Each is created from YAML, plans no changes, takes a one-attribute change as one update, shows a person's
// edit in Superset as drift, comes back from an import unchanged, and is deleted by --prune only when
// the tool owns it. An RLS rule applied from YAML filters the rows a user of its role gets from a
// chart's data endpoint.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestProject,
  ownRows,
  supersetClient,
  type TestProject,
} from '../registry-cli/test-project.js';
import { fetchSuperset, supersetCall } from './raw-http.js';
import { serviceEndpoints } from '../endpoints.js';
import { warehouseSql } from '../warehouse.js';
import { importOwn, replaceWithImported } from './import-own.js';
import type { SupersetKind } from '../../../src/superset/port.js';
import { rison } from '../../../src/superset/rison.js';

let project: TestProject;
const role = { name: '', id: 0 };
const user = { name: '', id: 0 };
const names = { css: '', query: '', rls: '' };
const FILES = {
  css: 'css-templates/brand.yaml',
  query: 'saved-queries/by-region.yaml',
  rls: 'row-level-security/north.yaml',
};

const cssYaml = (css: string) => `kind: css_template\nname: ${names.css}\ncss: |\n  ${css}\n`;
/** The saved query's tags as its YAML says now (none: no `tags:`). */
let queryTags: string[] = [];
const queryYaml = (description: string) =>
  `kind: saved_query\nname: ${names.query}\ndatabase: ${project.names.database}\nschema: public\nsql: SELECT region, sum(amount) FROM "${project.names.table}" GROUP BY region\ndescription: ${description}\n` +
  (queryTags.length ? `tags: [${queryTags.join(', ')}]\n` : '');

/** A saved query's custom tags, by name, from Superset's list (its GET has none). */
async function savedQueryTags(id: number): Promise<string[]> {
  const q = rison({
    columns: ['id', 'tags.name', 'tags.type'],
    filters: [{ col: 'id', opr: 'eq', value: id }],
  });
  const res = (await supersetCall('GET', `/api/v1/saved_query/?q=${encodeURIComponent(q)}`)) as {
    result: { tags?: { name: string; type: unknown }[] }[];
  };
  return (res.result[0]?.tags ?? [])
    .filter((t) => t.type === 1 || t.type === 'custom')
    .map((t) => t.name)
    .sort();
}
const rlsYaml = (clause: string) =>
  `kind: row_level_security\nname: ${names.rls}\nfilter_type: Regular\ntables: [${project.names.dataset}]\nroles: [${role.name}]\nclause: ${clause}\n`;

async function one(kind: SupersetKind, name: string): Promise<Record<string, unknown>> {
  const row = (await ownRows(supersetClient(), kind, project.suffix)).find((r) => r.name === name);
  if (!row) throw new Error(`${kind} ${name} is not in Superset`);
  return { ...(await supersetClient().get(kind, row.id)), id: row.id };
}

/** The rows a chart's data endpoint gives `username` (logged in with its own password). */
async function chartRowsAs(username: string, password: string, chartId: number): Promise<unknown[]> {
  const { supersetUrl } = serviceEndpoints();
  const json = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const login = await fetchSuperset(`${supersetUrl}/api/v1/security/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username, password, provider: 'db' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  // No content type on the GET: Superset would read the empty body as JSON and answer 400.
  const res = await fetchSuperset(`${supersetUrl}/api/v1/chart/${chartId}/data/`, {
    headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
  });
  const body = (await res.json()) as { result?: { data: unknown[] }[] };
  if (!res.ok || !body.result)
    throw new Error(`chart data as ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.result[0]!.data;
}

beforeAll(async () => {
  project = createTestProject('named', { charts: 1 });
  warehouseSql(`INSERT INTO "${project.names.table}" VALUES ('2024-01-02', 'south', 20);`);
  names.css = `it css ${project.suffix}`;
  names.query = `it query ${project.suffix}`;
  names.rls = `it rls ${project.suffix}`;
  const roles = (await supersetCall(
    'GET',
    `/api/v1/security/roles/?q=${encodeURIComponent('(columns:!(id,name),page_size:100)')}`,
  )) as { result: { id: number; name: string }[] };
  const alpha = roles.result.find((r) => r.name === 'Alpha');
  if (!alpha) throw new Error('Superset has no Alpha role');
  role.name = `it_rls_role_${project.suffix}`;
  role.id = (
    (await supersetCall('POST', '/api/v1/security/roles/', { name: role.name })) as { id: number }
  ).id;
  user.name = `it_rls_${project.suffix}`;
  user.id = (
    (await supersetCall('POST', '/api/v1/security/users/', {
      username: user.name,
      first_name: 'It',
      last_name: 'Rls',
      email: `${user.name}@example.invalid`,
      active: true,
      password: `pw-${user.name}`,
      roles: [alpha.id, role.id],
    })) as { id: number }
  ).id;
  project.writeFile(FILES.css, cssYaml('.brand { color: #123456; }'));
  project.writeFile(FILES.query, queryYaml('Revenue by region'));
  project.writeFile(FILES.rls, rlsYaml("region = 'north'"));
}, 60_000);

afterAll(async () => {
  await project?.cleanup();
  if (user.id) await supersetCall('DELETE', `/api/v1/security/users/${user.id}`).catch(() => undefined);
  if (role.id) await supersetCall('DELETE', `/api/v1/security/roles/${role.id}`).catch(() => undefined);
  if (project)
    for (const t of await supersetClient()
      .tags()
      .catch(() => []))
      if (t.name.includes(project.suffix))
        await supersetCall('DELETE', `/api/v1/tag/${t.id}`).catch(() => undefined);
}, 60_000);

describe('CSS templates, saved queries and row-level security rules', () => {
  it('are created from YAML, and a plan right after has no changes', async () => {
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toContain('6 created, 0 updated, 0 deleted');
    expect(await one('css_template', names.css)).toMatchObject({ css: '.brand { color: #123456; }\n' });
    const query = await one('saved_query', names.query);
    expect(query).toMatchObject({ schema: 'public', description: 'Revenue by region' });
    expect((query.database as { database_name: string }).database_name).toBe(project.names.database);
    const rule = await one('row_level_security', names.rls);
    expect(rule).toMatchObject({ filter_type: 'Regular', clause: "region = 'north'", group_key: null });
    expect((rule.roles as { id: number }[]).map((r) => r.id)).toEqual([role.id]);
    expect((rule.tables as { table_name: string }[]).map((t) => t.table_name)).toEqual([project.names.table]);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 120_000);

  it('an RLS rule from YAML filters the rows a user of its role gets from a chart', async () => {
    const chart = (await ownRows(supersetClient(), 'chart', project.suffix))[0]!;
    const region = (rows: unknown[]) => rows.map((r) => (r as { region: string }).region).sort();
    // The admin has not the role: both regions. The user has it: only the rule's.
    expect(region(await chartRowsAs('admin', 'admin', chart.id))).toEqual(['north', 'south']);
    expect(region(await chartRowsAs(user.name, `pw-${user.name}`, chart.id))).toEqual(['north']);
    project.writeFile(FILES.rls, rlsYaml("region = 'south'"));
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(region(await chartRowsAs(user.name, `pw-${user.name}`, chart.id))).toEqual(['south']);
  }, 120_000);

  it('one attribute changed in each is one update each', async () => {
    project.writeFile(FILES.css, cssYaml('.brand { color: #654321; }'));
    project.writeFile(FILES.query, queryYaml('Revenue per region'));
    const plan = await project.run(['plan']);
    expect(plan.stdout).toContain('Plan: 0 to create, 2 to change, 0 to delete.');
    expect(plan.stdout).toMatch(/~ css: /);
    expect(plan.stdout).toContain('~ description: "Revenue by region" -> "Revenue per region"');
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('0 created, 2 updated, 0 deleted');
    expect(await one('css_template', names.css)).toMatchObject({ css: '.brand { color: #654321; }\n' });
    expect(await one('saved_query', names.query)).toMatchObject({ description: 'Revenue per region' });
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it("a saved query's tags: made and set by apply, one tag more is one write, one taken off in Superset is drift", async () => {
    const [a, b] = [`it_qtag_a_${project.suffix}`, `it_qtag_b_${project.suffix}`];
    queryTags = [a];
    project.writeFile(FILES.query, queryYaml('Revenue per region'));
    const first = await project.run(['apply']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toContain('0 created, 1 updated, 0 deleted');
    const { id } = (await one('saved_query', names.query)) as { id: number };
    expect(await savedQueryTags(id)).toEqual([a]);
    expect((await project.run(['plan'])).stdout).toContain('No changes');

    // One tag more: one update, through the tag API only (no PUT: the query's changed_on stays).
    const before = (await one('saved_query', names.query)).changed_on;
    queryTags = [a, b];
    project.writeFile(FILES.query, queryYaml('Revenue per region'));
    const more = await project.run(['apply']);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toMatch(/~ tags: \[.*\] -> \[.*\]/);
    expect(more.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await savedQueryTags(id)).toEqual([a, b]);
    expect((await one('saved_query', names.query)).changed_on).toBe(before);

    // Taken off in Superset (the tag API's object route, as Superset's tag editor does).
    await supersetCall('DELETE', `/api/v1/tag/1/${id}/${encodeURIComponent(b)}/`);
    const drift = await project.run(['drift']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain(
      `saved_query "${names.query}": tags: expected ["${a}","${b}"], found ["${a}"]`,
    );
    const healed = await project.run(['apply']);
    expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await savedQueryTags(id)).toEqual([a, b]);
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it("a person's edit of each in Superset is drift that names it, and apply puts it back", async () => {
    const css = await one('css_template', names.css);
    const query = await one('saved_query', names.query);
    const rule = await one('row_level_security', names.rls);
    await supersetCall('PUT', `/api/v1/css_template/${css.id as number}`, { css: '.brand { color: red; }' });
    await supersetCall('PUT', `/api/v1/saved_query/${query.id as number}`, { sql: 'SELECT 1' });
    // Superset's RLS form sends every field (a PUT without `tables` and `roles` empties them).
    await supersetCall('PUT', `/api/v1/rowlevelsecurity/${rule.id as number}`, {
      name: names.rls,
      filter_type: 'Regular',
      tables: (rule.tables as { id: number }[]).map((t) => t.id),
      roles: [role.id],
      clause: rule.clause,
      group_key: 'region',
    });
    const drift = await project.run(['drift']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain(`css_template "${names.css}": css: expected`);
    expect(drift.stdout).toContain(`saved_query "${names.query}": sql: expected`);
    expect(drift.stdout).toContain(
      `row_level_security "${names.rls}": group_key: expected (none), found "region"`,
    );
    expect(drift.stdout).not.toContain(`row_level_security "${names.rls}": tables`);
    const healed = await project.run(['apply']);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stdout).toContain('0 created, 3 updated, 0 deleted');
    expect((await one('row_level_security', names.rls)).group_key).toBeNull();
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it("`pull` writes a person's edit in Superset into the YAML, and the plan then has no changes", async () => {
    const query = await one('saved_query', names.query);
    await supersetCall('PUT', `/api/v1/saved_query/${query.id as number}`, {
      description: 'Edited in Superset',
    });
    const pulled = await project.run(['pull']);
    expect(pulled.code, pulled.stdout + pulled.stderr).toBe(2);
    const file = fs.readFileSync(path.join(project.dir, 'metadata', FILES.query), 'utf8');
    expect(file).toContain('description: Edited in Superset');
    expect(file).not.toContain('Revenue per region');
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 120_000);

  it('come back from an import of live Superset as the same YAML: no changes', async () => {
    const folders = ['css-templates', 'saved-queries', 'row-level-security'];
    const imported = await importOwn(
      project,
      [`css_template/${names.css}`, `saved_query/${names.query}`, `row_level_security/${names.rls}`],
      folders,
    );
    expect(imported.result.code, imported.result.stderr).toBe(0);
    const specs = imported.files.map((f) => f.spec);
    expect(specs.map((s) => s.name).sort()).toEqual([names.css, names.query, names.rls].sort());
    expect(specs.find((s) => s.kind === 'row_level_security')).toMatchObject({
      tables: [project.names.dataset],
      roles: [role.name],
      clause: "region = 'south'",
    });
    expect(specs.find((s) => s.kind === 'saved_query')).toMatchObject({ tags: queryTags });
    replaceWithImported(project, imported, folders);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 180_000);

  it('taken out of the YAML, each is deleted by --prune; one the tool does not own is left', async () => {
    const stranger = `it css stranger ${project.suffix}`;
    await supersetCall('POST', '/api/v1/css_template/', { template_name: stranger, css: '.x {}' });
    for (const dir of ['css-templates', 'saved-queries', 'row-level-security'])
      fs.rmSync(path.join(project.dir, 'metadata', dir), { recursive: true, force: true });
    const plan = await project.run(['plan', '--prune']);
    expect(plan.stdout).toContain('Plan: 0 to create, 0 to change, 3 to delete.');
    const pruned = await project.run(['apply', '--prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('0 created, 0 updated, 3 deleted');
    const left = async (kind: SupersetKind) =>
      (await ownRows(supersetClient(), kind, project.suffix)).map((r) => r.name);
    expect(await left('css_template')).toEqual([stranger]);
    expect(await left('saved_query')).toEqual([]);
    expect(await left('row_level_security')).toEqual([]);
    expect((await project.run(['plan', '--prune'])).stdout).toContain('No changes');
  }, 120_000);
});
