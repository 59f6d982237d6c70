// CSS templates, saved queries and row-level security rules without a server: identity by name on
// both sides, the mapping both ways, what a plan reads, one write per change, import's refusals, the
// listing only of kinds in use, and the watch poll's stamp.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/apply/apply.js';
import { convertSources, type Converted, type SourceObject } from '../../../src/import/to-specs.js';
import { convertLive, selectObjects } from '../../../src/engine/import-run.js';
import { kindsInUse, readLive } from '../../../src/live/read-live.js';
import { deriveUuid } from '../../../src/model/object.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import { diffAttributes } from '../../../src/plan/diff.js';
import { planChanges } from '../../../src/plan/plan.js';
import { unknownPrincipals } from '../../../src/plan/principals.js';
import type { AppliedEntry } from '../../../src/plan/types.js';
import { ATTRIBUTE_OPTIONS } from '../../../src/superset-map/attribute-options.js';
import { dashboardFromSuperset } from '../../../src/superset-map/dashboard.js';
import type { NameLookup } from '../../../src/superset-map/from-superset.js';
import {
  cssTemplateFromSuperset,
  reportBody,
  reportFromSuperset,
  roleFromSuperset,
  rowLevelSecurityBody,
  rowLevelSecurityFromSuperset,
  savedQueryFromSuperset,
  themeBody,
  themeFromSuperset,
} from '../../../src/superset-map/named-kinds.js';
import { capabilitiesOf, kindRefusal } from '../../../src/superset/capabilities.js';
import { rowVersion, toListedObject } from '../../../src/superset/list-row.js';
import type { ListedObject, Principals, SupersetKind } from '../../../src/superset/port.js';
import { OBJECT_KINDS } from '../../../src/schema/index.js';
import { SupersetPoller } from '../../../src/watch/poller.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { FakePort } from './fake-port.js';
import { object } from './objects.js';

type Raw = Record<string, unknown>;

const PRINCIPALS: Principals = {
  users: [{ id: 1, username: 'admin' }],
  roles: [
    { id: 4, name: 'Gamma' },
    { id: 9, name: 'EMEA' },
  ],
};

const lookup = (
  datasets: Record<number, string> = {},
  databases: Record<number, string> = {},
): NameLookup => ({
  databaseByUuid: () => undefined,
  databaseById: (id) => databases[id],
  datasetByUuid: () => undefined,
  datasetById: (id) => datasets[id],
  chartById: () => undefined,
  chartByUuid: () => undefined,
  nameFor: (_k, _u, fallback) => fallback,
});

const db = object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@h/db' });
const orders = object('dataset', 'orders', { database: 'wh', schema: 'public' });
const css = object('css_template', 'brand', { css: '.brand { color: red; }' });
const query = object('saved_query', 'by region', {
  database: 'wh',
  schema: 'public',
  sql: 'SELECT region FROM orders\n',
  description: 'Revenue by region',
});
const rule = object('row_level_security', 'emea only', {
  filter_type: 'Regular',
  tables: ['orders'],
  roles: ['EMEA', 'Gamma'],
  clause: "region = 'EMEA'",
});

/**
 * A fake Superset with roles, whose RLS GET names tables and roles as objects (as Superset's does)
 * and whose saved query GET names its database: what the real GET answers, from what was written.
 */
class NamedPort extends FakePort {
  principals(): Promise<Principals> {
    return Promise.resolve(PRINCIPALS);
  }
  override async get(kind: SupersetKind, id: number): Promise<Raw> {
    const raw = await super.get(kind, id);
    if (kind === 'row_level_security')
      return {
        ...raw,
        tables: (raw.tables as number[]).map((t) => ({ id: t, table_name: `table ${t}` })),
        roles: (raw.roles as number[]).map((r) => ({
          id: r,
          name: PRINCIPALS.roles.find((p) => p.id === r)?.name,
        })),
      };
    // Like Superset's from 6.0 on, a dashboard's GET names its theme.
    if (kind === 'dashboard') {
      const theme = typeof raw.theme_id === 'number' ? this.objects.get(`theme:${raw.theme_id}`) : undefined;
      return { ...raw, theme: theme ? { id: raw.theme_id, theme_name: theme.theme_name } : null };
    }
    // Like Superset's, a saved query's GET has no tags (its list has).
    if (kind === 'saved_query') {
      const { tags: _tags, ...rest } = raw;
      return { ...rest, database: { id: raw.db_id, database_name: 'wh' } };
    }
    return raw;
  }
  /** The tag API's object routes: tags kept as Superset lists them (`{name, type}`, custom = 1). */
  retag(
    kind: 'saved_query',
    id: number,
    change: { add: readonly string[]; remove: readonly string[] },
  ): Promise<void> {
    this.calls.write++;
    this.writes.push(
      `retag ${kind} ${[...change.add.map((t) => `+${t}`), ...change.remove.map((t) => `-${t}`)].join(',')}`,
    );
    const o = this.objects.get(`${kind}:${id}`);
    if (!o) return Promise.reject(new Error(`no ${kind} ${id}`));
    const have = ((o.tags ?? []) as { name: string }[]).map((t) => t.name);
    const next = [
      ...have.filter((t) => !change.remove.includes(t)),
      ...change.add.filter((t) => !have.includes(t)),
    ];
    o.tags = next.map((name) => ({ name, type: 1 }));
    return Promise.resolve();
  }
  async listAccess(kind: 'dataset' | 'chart' | 'dashboard' | 'saved_query') {
    return (await this.list(kind)).map((r) => ({
      id: r.id,
      owners: [],
      tags: ((r.raw.tags ?? []) as { name: string }[]).map((t) => t.name).sort(),
    }));
  }
}

async function applyAll(port: NamedPort, objects: ReturnType<typeof object>[], applied: AppliedEntry[] = []) {
  const desired = objects.map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
  const live = await readLive(port, desired, applied, ATTRIBUTE_OPTIONS, {
    principals: port.principals(),
  });
  const plan = planChanges('t', desired, live.entries, applied, { prune: true });
  const registry = new MemoryRegistry();
  const outcome = await applyPlan(plan, {
    port,
    registry,
    live,
    desired: new Map(objects.map((o) => [o.uuid, o])),
    secrets: () => new Map(),
    commit: 'c1',
  });
  return { plan, outcome, live };
}

function appliedOf(o: ReturnType<typeof object>, row: ListedObject): AppliedEntry {
  return {
    kind: o.kind,
    name: o.name,
    uuid: o.uuid,
    supersetId: row.id,
    hash: desiredEntry(o, ATTRIBUTE_OPTIONS).hash,
    changedOn: row.changedOn,
  };
}

describe('identity by name', () => {
  it('a listed row gets the uuid the YAML object derives from the same name', () => {
    const row = toListedObject('css_template', { id: 3, template_name: 'brand', css: '.a {}' });
    expect(row.uuid).toBe(css.uuid);
    expect(row.uuid).toBe(deriveUuid('css_template', 'brand'));
    expect(toListedObject('saved_query', { id: 3, label: 'by region' }).uuid).toBe(query.uuid);
    expect(toListedObject('row_level_security', { id: 3, name: 'emea only' }).uuid).toBe(rule.uuid);
  });

  it('a kind without changed_on is stamped by its content, not by who changed it', () => {
    const a = toListedObject('css_template', { id: 3, template_name: 'brand', css: '.a {}' });
    const b = toListedObject('css_template', {
      id: 3,
      template_name: 'brand',
      css: '.a {}',
      changed_by: { first_name: 'Someone', last_name: 'Else' },
    });
    const c = toListedObject('css_template', { id: 3, template_name: 'brand', css: '.b {}' });
    expect(a.changedOn).toBeNull();
    expect(rowVersion(a)).toBe(rowVersion(b));
    expect(rowVersion(a)).not.toBe(rowVersion(c));
    // A saved query has a changed_on (naive, taken as UTC): that is its version.
    const q = toListedObject('saved_query', { id: 1, label: 'q', changed_on: '2026-12-06T16:30:08.217336' });
    expect(q.changedOn).toBe('2026-12-06T16:30:08.217336Z');
    expect(q.stamp).toBeUndefined();
  });
});

describe('mapping both ways', () => {
  it('what Superset stores reads back as the YAML said, so attributes compare equal', () => {
    // As the plan compares them: the attributes the YAML leaves out (no `tags:`) are not compared.
    const sameAttributes = (o: ReturnType<typeof object>, spec: unknown) =>
      expect(
        diffAttributes(
          desiredEntry({ ...o, spec } as never, ATTRIBUTE_OPTIONS).attributes,
          desiredEntry(o, ATTRIBUTE_OPTIONS).attributes,
        ),
      ).toEqual([]);
    sameAttributes(
      css,
      cssTemplateFromSuperset({ id: 1, template_name: 'brand', css: '.brand { color: red; }' }),
    );
    sameAttributes(
      query,
      savedQueryFromSuperset(
        {
          label: 'by region',
          database: { id: 2, database_name: 'warehouse in Superset' },
          schema: 'public',
          catalog: null,
          sql: 'SELECT region FROM orders',
          description: 'Revenue by region',
        },
        lookup({}, { 2: 'wh' }),
      ),
    );
    sameAttributes(
      rule,
      rowLevelSecurityFromSuperset(
        {
          name: 'emea only',
          filter_type: 'Regular',
          tables: [{ id: 5, table_name: 'orders_table' }],
          roles: [
            { id: 4, name: 'Gamma' },
            { id: 9, name: 'EMEA' },
          ],
          clause: "region = 'EMEA'",
          group_key: null,
          description: null,
        },
        lookup({ 5: 'orders' }),
      ),
    );
  });

  it("a table without a name of ours reads as Superset's table name, which then differs", () => {
    const spec = rowLevelSecurityFromSuperset(
      { name: 'r', filter_type: 'Base', tables: [{ id: 6, table_name: 'other' }], roles: [], clause: 'x' },
      lookup(),
    );
    expect(spec).toEqual({
      kind: 'row_level_security',
      name: 'r',
      filter_type: 'Base',
      tables: ['other'],
      roles: [],
      clause: 'x',
    });
  });

  it('an RLS body always carries its tables and roles (a PUT without them empties them)', () => {
    const body = rowLevelSecurityBody(rule.spec as never, [5], [9, 4]);
    expect(body).toEqual({
      name: 'emea only',
      filter_type: 'Regular',
      tables: [5],
      roles: [9, 4],
      clause: "region = 'EMEA'",
      group_key: null,
      description: null,
    });
  });
});

describe('reports', () => {
  const weekly = object('report', 'weekly', {
    type: 'Report',
    crontab: '0  9 * * 1',
    chart: 'Revenue',
    recipients: [
      { type: 'Email', target: 'b@example.com' },
      { type: 'Slack', target: '#sales' },
    ],
  });
  const alert = object('report', 'big order', {
    type: 'Alert',
    crontab: '*/30 * * * *',
    dashboard: 'sales',
    database: 'wh',
    sql: 'SELECT max(amount) FROM orders',
    validator: { type: 'operator', op: '>', threshold: 1000 },
    recipients: [{ type: 'Email', target: 'a@example.com' }],
    active: false,
  });
  const names: NameLookup = {
    ...lookup({}, { 2: 'wh' }),
    chartById: (id) => (id === 8 ? 'Revenue' : undefined),
    dashboardById: (id) => (id === 3 ? 'sales' : undefined),
  };
  const attributes = (o: ReturnType<typeof object>) => desiredEntry(o, ATTRIBUTE_OPTIONS).attributes;

  it("what Superset stores reads back as the YAML said, with Superset's defaults and in any recipient order", () => {
    const raw = {
      name: 'weekly',
      type: 'Report',
      crontab: '0 9 * * 1',
      timezone: 'UTC',
      chart: { id: 8, slice_name: 'Revenue (Superset title)' },
      dashboard: null,
      database: null,
      report_format: 'PNG',
      active: true,
      grace_period: 14400,
      working_timeout: 3600,
      log_retention: 90,
      description: null,
      sql: null,
      validator_type: null,
      validator_config_json: '{}',
      recipients: [
        { id: 2, type: 'Slack', recipient_config_json: '{"target": "#sales"}' },
        { id: 1, type: 'Email', recipient_config_json: '{"target": "b@example.com"}' },
      ],
    };
    const spec = reportFromSuperset(raw, names);
    expect(attributes({ ...weekly, spec } as never)).toEqual(attributes(weekly));
    expect(spec.chart).toBe('Revenue');
    // Another time zone is a difference.
    const berlin = reportFromSuperset({ ...raw, timezone: 'Europe/Berlin' }, names);
    expect(attributes({ ...weekly, spec: berlin } as never).timezone).toBe('Europe/Berlin');
  });

  it("an alert's database, SQL and validator are read; a report's are not", () => {
    const raw = {
      name: 'big order',
      type: 'Alert',
      crontab: '*/30 * * * *',
      dashboard: { id: 3, dashboard_title: 'Sales' },
      database: { id: 2, database_name: 'warehouse' },
      sql: 'SELECT max(amount) FROM orders',
      validator_type: 'operator',
      validator_config_json: '{"op": ">", "threshold": 1000.0}',
      active: false,
      recipients: [{ type: 'Email', recipient_config_json: '{"target": "a@example.com"}' }],
    };
    expect(attributes({ ...alert, spec: reportFromSuperset(raw, names) } as never)).toEqual(
      attributes(alert),
    );
    const asReport = reportFromSuperset({ ...raw, type: 'Report' }, names);
    expect([asReport.database, asReport.sql, asReport.validator]).toEqual([undefined, undefined, undefined]);
  });

  it('a body has every field, the ids given, and is made in the Alerts & Reports list', () => {
    expect(reportBody(alert.spec as never, { dashboard: 3, database: 2 })).toEqual({
      type: 'Alert',
      name: 'big order',
      description: '',
      crontab: '*/30 * * * *',
      timezone: 'UTC',
      chart: null,
      dashboard: 3,
      report_format: 'PNG',
      recipients: [{ type: 'Email', recipient_config_json: { target: 'a@example.com' } }],
      active: false,
      grace_period: 14400,
      working_timeout: 3600,
      log_retention: 90,
      creation_method: 'alerts_reports',
      database: 2,
      sql: 'SELECT max(amount) FROM orders',
      validator_type: 'operator',
      validator_config_json: { op: '>', threshold: 1000 },
    });
    expect(reportBody(weekly.spec as never, { chart: 8 })).not.toHaveProperty('sql');
  });
});

describe('plan and apply', () => {
  it('creates each once, then plans no changes; one changed attribute is one PUT', async () => {
    const port = new NamedPort();
    const first = await applyAll(port, [db, orders, css, query, rule]);
    expect(first.outcome.failed).toBeUndefined();
    expect(port.writes.filter((w) => /css|saved|row_level/.test(w))).toEqual([
      'create css_template',
      'create saved_query',
      'create row_level_security',
    ]);
    const stored = [...port.objects.values()];
    expect(stored.find((o) => o.kind === 'row_level_security')).toMatchObject({ tables: [2], roles: [9, 4] });
    expect(stored.find((o) => o.kind === 'saved_query')).toMatchObject({ db_id: 1, label: 'by region' });

    const applied: AppliedEntry[] = await Promise.all(
      [db, orders, css, query, rule].map(async (o) =>
        appliedOf(
          o,
          (await port.list(o.kind)).find((r) => r.uuid === o.uuid)!,
        ),
      ),
    );
    port.writes.length = 0;
    const again = await applyAll(port, [db, orders, css, query, rule], applied);
    expect(again.plan.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(port.writes).toEqual([]);

    const edited = object('css_template', 'brand', { css: '.brand { color: blue; }' });
    const changed = await applyAll(port, [db, orders, edited, query, rule], applied);
    expect(
      changed.plan.changes
        .filter((c) => c.action === 'update')
        .map((c) => [c.kind, c.changes.map((a) => a.path)]),
    ).toEqual([['css_template', ['css']]]);
    expect(port.writes).toEqual(['update css_template css,template_name']);
  });

  it("a saved query's tags go through the tag API: a change of tags alone is no PUT, and an edit in Superset is drift", async () => {
    const tagged = object('saved_query', 'by region', { ...query.spec, tags: ['weekly', 'finance'] });
    const port = new NamedPort();
    await applyAll(port, [db, tagged]);
    // One request tags it (Superset makes a missing tag itself).
    expect(port.writes).toEqual([
      'create database',
      'create saved_query',
      'retag saved_query +weekly,+finance',
    ]);
    const row = (await port.list('saved_query'))[0]!;
    const applied: AppliedEntry[] = [
      { ...appliedOf(tagged, row) },
      { ...appliedOf(db, (await port.list('database'))[0]!) },
    ];

    port.writes.length = 0;
    const calls = port.calls.get;
    const same = await applyAll(port, [db, tagged], applied);
    expect(same.plan.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    expect(port.writes).toEqual([]);
    // The tags listed are the YAML's: nothing is read in full.
    expect(port.calls.get).toBe(calls);

    const retagged = object('saved_query', 'by region', { ...query.spec, tags: ['finance', 'monthly'] });
    const changed = await applyAll(port, [db, retagged], applied);
    expect(
      changed.plan.changes.filter((c) => c.action === 'update').map((c) => c.changes.map((a) => a.path)),
    ).toEqual([['tags']]);
    expect(port.writes).toEqual(['retag saved_query +monthly,-weekly']);

    // A person takes a tag off in Superset: the plan reads the query and names its tags.
    port.writes.length = 0;
    const stored = port.objects.get(`saved_query:${row.id}`)!;
    stored.tags = [{ name: 'finance', type: 1 }];
    const drift = await applyAll(port, [db, retagged], [appliedOf(retagged, row), applied[1]!]);
    expect(drift.plan.changes.find((c) => c.action === 'update')?.changes).toEqual([
      expect.objectContaining({ path: 'tags' }),
    ]);
    expect(port.writes).toEqual(['retag saved_query +monthly']);
    // Superset's own tags (owner:, type:) are not ours to compare.
    stored.tags = [...(stored.tags as object[]), { name: 'owner:1', type: 3 }];
    expect(
      (await applyAll(port, [db, retagged], [appliedOf(retagged, row), applied[1]!])).plan.summary,
    ).toMatchObject({
      update: 0,
    });
  });

  it('a CSS template or RLS rule is read in full by every plan (no changed_on says it is unchanged)', async () => {
    const port = new NamedPort();
    await applyAll(port, [db, orders, css, query, rule]);
    const desired = [db, orders, css, query, rule].map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
    const applied: AppliedEntry[] = await Promise.all(
      desired.map(async (d) => {
        const row = (await port.list(d.kind)).find((r) => r.uuid === d.uuid)!;
        return {
          kind: d.kind,
          name: d.name,
          uuid: d.uuid,
          supersetId: row.id,
          hash: d.hash,
          changedOn: row.changedOn,
        };
      }),
    );
    port.calls.get = 0;
    await readLive(port, desired, applied, ATTRIBUTE_OPTIONS, { principals: port.principals() });
    // The saved query's changed_on did not move: no GET. The template and the rule: one each.
    expect(port.calls.get).toBe(2);
  });

  it('an RLS role Superset does not have is a plan error at the role, with the closest name', () => {
    const bad = object('row_level_security', 'r', { ...rule.spec, roles: ['Gama'] });
    const found = unknownPrincipals([bad], { users: ['admin'], roles: ['Gamma', 'EMEA'] });
    expect(found.map((u) => [u.path, u.message])).toEqual([
      [['roles', 0], 'Superset has no role "Gama"; did you mean "Gamma"?'],
    ]);
  });
});

describe('roles', () => {
  const viewer = object('role', 'viewer', { permissions: ['can_read on Dashboard', 'can_read on Chart'] });

  it('reads permissions as `<permission> on <resource>`, in any order', () => {
    const spec = roleFromSuperset({
      id: 4,
      name: 'viewer',
      permissions: [
        { id: 9, permission_name: 'can_read', view_menu_name: 'Dashboard' },
        { id: 8, permission_name: 'can_read', view_menu_name: 'Chart' },
      ],
    });
    expect(spec).toEqual({
      kind: 'role',
      name: 'viewer',
      permissions: ['can_read on Chart', 'can_read on Dashboard'],
    });
    expect(desiredEntry({ ...viewer, spec } as never, ATTRIBUTE_OPTIONS).attributes).toEqual(
      desiredEntry(viewer, ATTRIBUTE_OPTIONS).attributes,
    );
  });

  it('a permission Superset lacks is a plan error; a role the YAML has may be named before Superset has it', () => {
    const bad = object('role', 'viewer', { permissions: ['can_raed on Dashboard'] });
    const rls = object('row_level_security', 'r', { ...rule.spec, roles: ['viewer'] });
    const found = unknownPrincipals([bad, rls], {
      users: [],
      roles: ['Gamma'],
      permissions: ['can_read on Dashboard', 'can_read on Chart'],
    });
    expect(found.map((u) => [u.object.kind, u.path, u.message])).toEqual([
      [
        'role',
        ['permissions', 0],
        'Superset has no permission "can_raed on Dashboard"; did you mean "can_read on Dashboard"?',
      ],
    ]);
  });

  it('are made before the dashboards and rules that name them, and deleted after', () => {
    const rls = object('row_level_security', 'r', { ...rule.spec, roles: ['viewer'] });
    expect(desiredEntry(rls, ATTRIBUTE_OPTIONS).dependsOn).toContain('role/viewer');
    const want = [viewer, db, orders, rls].map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
    const made = planChanges('t', want, [], [], { prune: true });
    expect(made.changes.map((c) => c.kind)).toEqual(['role', 'database', 'dataset', 'row_level_security']);
    const owned: AppliedEntry[] = want.map((d, i) => ({
      kind: d.kind,
      name: d.name,
      uuid: d.uuid,
      supersetId: i + 1,
      hash: d.hash,
      changedOn: null,
    }));
    const live = owned.map((a) => ({
      kind: a.kind,
      uuid: a.uuid,
      id: a.supersetId,
      name: a.name,
      changedOn: null,
      changedBy: null,
    }));
    const gone = planChanges('t', [], live, owned, { prune: true });
    expect(gone.changes.map((c) => `${c.action} ${c.kind}`)).toEqual([
      'delete row_level_security',
      'delete dataset',
      'delete database',
      'delete role',
    ]);
  });
});

describe('themes', () => {
  const theme = object('theme', 'brand', {
    config: { token: { colorPrimary: '#0b3d91', borderRadius: 4 }, algorithm: ['dark', 'compact'] },
  });

  it('json_data is a JSON string in Superset and an object in YAML; key order and spacing do not count', () => {
    const body = themeBody(theme.spec as never);
    expect(Object.keys(body).sort()).toEqual(['json_data', 'theme_name']);
    expect(body.theme_name).toBe('brand');
    expect(JSON.parse(body.json_data as string)).toEqual((theme.spec as { config: unknown }).config);
    const reordered =
      '{ "algorithm": ["dark", "compact"],\n  "token": {"borderRadius": 4, "colorPrimary": "#0b3d91"} }';
    const live = themeFromSuperset({ id: 3, theme_name: 'brand', json_data: reordered, uuid: 'random' });
    expect(
      diffAttributes(
        desiredEntry({ ...theme, spec: live } as never, ATTRIBUTE_OPTIONS).attributes,
        desiredEntry(theme, ATTRIBUTE_OPTIONS).attributes,
      ),
    ).toEqual([]);
    // Unreadable JSON reads as an empty configuration: a difference, not a crash.
    expect(themeFromSuperset({ theme_name: 'brand', json_data: '{not json' }).config).toEqual({});
  });

  it('is known by its name, not by the uuid Superset made for it', () => {
    const row = toListedObject('theme', {
      id: 3,
      theme_name: 'brand',
      json_data: '{}',
      uuid: 'f0e1d2c3-0000-4000-8000-000000000000',
    });
    expect(row.uuid).toBe(theme.uuid);
    expect(row.changedOn).toBeNull();
    expect(row.stamp).toBeDefined();
  });

  it('one changed token is one PUT naming it', async () => {
    const port = new NamedPort();
    await applyAll(port, [theme]);
    expect(port.writes).toEqual(['create theme']);
    const row = (await port.list('theme'))[0]!;
    port.writes.length = 0;
    const changed = object('theme', 'brand', {
      config: { token: { colorPrimary: '#ff6600', borderRadius: 4 }, algorithm: ['dark', 'compact'] },
    });
    const { plan } = await applyAll(port, [changed], [appliedOf(theme, row)]);
    expect(
      plan.changes.filter((c) => c.action === 'update').map((c) => c.changes.map((a) => a.path)),
    ).toEqual([['config.token.colorPrimary']]);
    expect(port.writes).toEqual(['update theme json_data,theme_name']);
  });

  it('a dashboard names its theme: made after it, written by id; `null` takes it off', async () => {
    const dash = (t: string | null) => object('dashboard', 'sales', { title: 'Sales', layout: [], theme: t });
    const port = new NamedPort();
    await applyAll(port, [dash('brand'), theme]);
    expect(port.writes.map((w) => w.split(' ').slice(0, 2).join(' '))).toEqual([
      'create theme',
      'create dashboard',
      'update dashboard',
    ]);
    const themeId = (await port.list('theme'))[0]!.id;
    const stored = () => [...port.objects.values()].find((o) => o.kind === 'dashboard')!;
    expect(stored().theme_id).toBe(themeId);
    // Superset's GET names the theme (6.0 on): the plan then has nothing to do.
    const row = (await port.list('dashboard'))[0]!;
    const live = dashboardFromSuperset(
      { ...stored(), theme: { id: themeId, theme_name: 'brand' } },
      lookup(),
    ).spec;
    expect(live.theme).toBe('brand');
    port.writes.length = 0;
    const off = await applyAll(
      port,
      [dash(null), theme],
      [appliedOf(dash('brand'), row), appliedOf(theme, (await port.list('theme'))[0]!)],
    );
    expect(off.plan.changes.find((c) => c.kind === 'dashboard')?.changes.map((c) => c.path)).toEqual([
      'theme',
    ]);
    expect(port.writes).toEqual(['update dashboard theme_id']);
    expect(stored().theme_id).toBeNull();
  });

  it("an import keeps a dashboard's theme only when it imports the theme (Superset's own are never)", () => {
    const raw = {
      id: 4,
      dashboard_title: 'Sales',
      position_json: '{}',
      json_metadata: '{}',
      theme: { id: 2, theme_name: 'THEME_DARK' },
    };
    const { spec, warnings } = dashboardFromSuperset(raw, { ...lookup(), themeById: () => undefined });
    expect(spec.theme).toBeUndefined();
    expect(warnings).toContain(
      `theme "THEME_DARK" is not imported (Superset's own themes never are); not kept`,
    );
    expect(
      dashboardFromSuperset(raw, { ...lookup(), themeById: (id) => (id === 2 ? 'dark' : undefined) }).spec
        .theme,
    ).toBe('dark');
    // No theme (and every dashboard before 6.0): null, which an import does not write.
    expect(dashboardFromSuperset({ ...raw, theme: null }, lookup()).spec.theme).toBeNull();
    expect(dashboardFromSuperset({ id: 4, dashboard_title: 'Sales' }, lookup()).spec.theme).toBeNull();
  });

  it('a Superset before 6.0 has none: a clear refusal, and an import leaves the kind out', async () => {
    expect(kindRefusal('theme', capabilitiesOf('5.0', '5.0.0'))).toBe(
      'Superset 5.0.0 has no themes (they came with 6.0): take the theme files out of the YAML for this environment, or upgrade Superset',
    );
    expect(kindRefusal('theme', capabilitiesOf('6.0'))).toBeUndefined();
    expect(kindRefusal('css_template', capabilitiesOf('4.1'))).toBeUndefined();
    class OldPort extends NamedPort {
      listed: string[] = [];
      capabilities() {
        return Promise.resolve(capabilitiesOf('5.0', '5.0.0'));
      }
      override list(kind: SupersetKind) {
        this.listed.push(kind);
        return super.list(kind);
      }
    }
    const port = new OldPort();
    await convertLive(port, {});
    expect(port.listed).not.toContain('theme');
    expect(port.listed).toContain('css_template');
    await expect(convertLive(new OldPort(), { kinds: ['theme'] })).rejects.toThrow(
      'Superset 5.0.0 has no themes',
    );
  });
});

describe('kinds in use', () => {
  it('lists a named kind only when the YAML has one or the tool owns one', () => {
    expect(kindsInUse()).toEqual(['database', 'dataset', 'chart', 'dashboard']);
    expect(kindsInUse([css])).toEqual(['database', 'dataset', 'chart', 'dashboard', 'css_template']);
    expect(kindsInUse([db], [{ kind: 'row_level_security' }])).toEqual([
      'database',
      'dataset',
      'chart',
      'dashboard',
      'row_level_security',
    ]);
  });

  it('a plan without them makes no list call for them', async () => {
    const port = new NamedPort();
    await readLive(port, [desiredEntry(db, ATTRIBUTE_OPTIONS)], [], ATTRIBUTE_OPTIONS);
    expect(port.calls.list).toBe(4);
  });
});

describe('import', () => {
  const source = (kind: SourceObject['kind'], id: number, raw: Raw, name: string): SourceObject => ({
    kind,
    uuid: deriveUuid(kind, name),
    id,
    raw,
    origin: `Superset ${kind} id ${id}`,
  });
  const dbSource = source(
    'database',
    1,
    { uuid: db.uuid, database_name: 'wh', sqlalchemy_uri: 'postgresql://u@h/db' },
    'wh',
  );
  dbSource.uuid = db.uuid;
  const dsSource: SourceObject = {
    kind: 'dataset',
    uuid: orders.uuid,
    id: 2,
    raw: {
      uuid: orders.uuid,
      table_name: 'orders',
      schema: 'public',
      database: { uuid: db.uuid, database_name: 'wh' },
      columns: [],
      metrics: [],
    },
    origin: 'Superset dataset id 2',
  };

  it('keeps names as they are, and leaves out a repeat name, a rule on no dataset and one on a dataset not imported', () => {
    const converted = convertSources(
      [
        dbSource,
        dsSource,
        source('css_template', 3, { template_name: 'brand', css: '.a {}' }, 'brand'),
        source('css_template', 4, { template_name: 'brand', css: '.b {}' }, 'brand'),
        source(
          'saved_query',
          5,
          { label: 'q', database: { id: 1, database_name: 'wh' }, sql: 'SELECT 1' },
          'q',
        ),
        source('saved_query', 6, { label: 'elsewhere', database: { id: 77 }, sql: 'SELECT 1' }, 'elsewhere'),
        source(
          'row_level_security',
          7,
          {
            name: 'ok',
            filter_type: 'Regular',
            tables: [{ id: 2, table_name: 'orders' }],
            roles: [{ id: 4, name: 'Gamma' }],
            clause: 'x',
          },
          'ok',
        ),
        source(
          'row_level_security',
          8,
          { name: 'none', filter_type: 'Base', tables: [], roles: [], clause: 'x' },
          'none',
        ),
        source(
          'row_level_security',
          9,
          {
            name: 'gone',
            filter_type: 'Base',
            tables: [{ id: 88, table_name: 't' }],
            roles: [],
            clause: 'x',
          },
          'gone',
        ),
      ],
      ATTRIBUTE_OPTIONS,
    );
    const named = converted.objects.filter((o) => !['database', 'dataset'].includes(o.kind));
    expect(named.map((o) => [o.kind, o.spec.name])).toEqual([
      ['css_template', 'brand'],
      ['saved_query', 'q'],
      ['row_level_security', 'ok'],
    ]);
    expect(named.find((o) => o.kind === 'css_template')?.spec).toMatchObject({ css: '.a {}' });
    expect(named.find((o) => o.kind === 'saved_query')?.spec).toMatchObject({
      database: 'wh',
      sql: 'SELECT 1',
    });
    expect(named.find((o) => o.kind === 'row_level_security')?.spec).toMatchObject({
      tables: ['orders'],
      roles: ['Gamma'],
    });
    expect(converted.warnings).toEqual([
      'Superset css_template id 4: css_template "brand" has the name of Superset css_template id 3 (names identify them); left out',
      'Superset saved_query id 6: saved_query "elsewhere" needs a database which is not imported; left out',
      'Superset row_level_security id 8: row_level_security "none" filters no dataset (Superset keeps such a rule, but it does nothing); left out',
      'Superset row_level_security id 9: row_level_security "gone" filters dataset id 88, which is not imported; left out',
    ]);
  });
});

describe('import selection', () => {
  const converted = {
    objects: [
      {
        kind: 'role' as const,
        uuid: deriveUuid('role', 'Gamma'),
        spec: { kind: 'role', name: 'Gamma', permissions: [] },
      },
      { kind: 'database' as const, uuid: db.uuid, spec: db.spec },
      { kind: 'dataset' as const, uuid: orders.uuid, spec: orders.spec },
      { kind: 'row_level_security' as const, uuid: rule.uuid, spec: { ...rule.spec, roles: ['Gamma'] } },
    ],
    warnings: [],
    secrets: [],
  } as unknown as Converted;
  const chosen = (options: Parameters<typeof selectObjects>[1]) =>
    selectObjects(converted, options).objects.map((o) => o.kind);

  it('brings what a chosen object needs, but not a role it names (the import would own it)', () => {
    expect(chosen({ targets: ['row_level_security/emea only'] })).toEqual([
      'database',
      'dataset',
      'row_level_security',
    ]);
    expect(chosen({ targets: ['row_level_security/emea only', 'role/Gamma'] })).toContain('role');
    expect(chosen({ kinds: ['role'] })).toEqual(['role']);
  });

  it('a target Superset does not have is an error with the closest name', () => {
    expect(() => chosen({ targets: ['row_level_security/emea onyl'] })).toThrow(
      /--target names nothing Superset has: row_level_security\/emea onyl \(did you mean row_level_security\/emea only\?\)/,
    );
  });
});

describe('watch poll', () => {
  it('reports a CSS template whose content changed (it has no changed_on), once', async () => {
    const port = new NamedPort();
    port.objects.set('css_template:1', {
      kind: 'css_template',
      id: 1,
      template_name: 'brand',
      css: '.a {}',
      changed_on: 'x',
    });
    const poller = new SupersetPoller(port);
    const listed = {} as Record<SupersetKind, ListedObject[]>;
    for (const kind of OBJECT_KINDS) listed[kind] = await port.list(kind);
    poller.seed(listed, kindsInUse([css]));
    expect((await poller.poll()).changed).toEqual([]);
    port.objects.set('css_template:1', {
      kind: 'css_template',
      id: 1,
      template_name: 'brand',
      css: '.b {}',
      changed_on: 'x',
    });
    const polled = await poller.poll();
    expect(polled.changed.map((c) => [c.kind, c.row.name])).toEqual([['css_template', 'brand']]);
    expect((await poller.poll()).changed).toEqual([]);
  });
});
