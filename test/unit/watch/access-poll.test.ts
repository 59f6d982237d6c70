// The watch agent's poll of owners, roles and tags (edits Superset does not stamp with changed_on),
// and its evaluation of a changed object that manages owners: by username, as the full check reads them.
import { describe, expect, it } from 'vitest';
import { AccessPoller, accessSignature } from '../../../src/watch/access-poll.js';
import { evaluatePoll, type Known } from '../../../src/watch/evaluate.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import { ATTRIBUTE_OPTIONS } from '../../../src/superset-map/attribute-options.js';
import type { AccessRow, ListedObject } from '../../../src/superset/port.js';
import type { ObjectKind } from '../../../src/schema/index.js';
import { FakePort } from '../sync/fake-port.js';
import { object } from '../sync/objects.js';

const dash = object('dashboard', 'sales', { title: 'Sales', layout: [], owners: ['admin'], tags: ['t'] });
const chart = object('chart', 'c', { dataset: 'd', viz_type: 'table' });
const desired = [desiredEntry(dash, ATTRIBUTE_OPTIONS), desiredEntry(chart, ATTRIBUTE_OPTIONS)];

const listedRow = (kind: ObjectKind, id: number, uuid: string): ListedObject => ({
  id,
  uuid,
  name: kind,
  changedOn: '2026-01-01T00:00:00.000000Z',
  changedBy: null,
  raw: {},
});
const listed = {
  database: [],
  dataset: [],
  chart: [listedRow('chart', 5, chart.uuid)],
  dashboard: [listedRow('dashboard', 9, dash.uuid)],
  css_template: [],
  theme: [],
  saved_query: [],
  row_level_security: [],
  report: [],
  role: [],
} satisfies Record<ObjectKind, ListedObject[]>;

class AccessPort {
  calls: string[] = [];
  rows: Record<string, AccessRow[]> = {};
  listAccess(kind: 'dataset' | 'chart' | 'dashboard' | 'saved_query') {
    this.calls.push(kind);
    return Promise.resolve(structuredClone(this.rows[kind] ?? []));
  }
}

describe('AccessPoller', () => {
  it('lists only the kinds whose desired objects name owners, roles or tags', async () => {
    const port = new AccessPort();
    port.rows.dashboard = [{ id: 9, owners: [1], roles: [], tags: ['t'] }];
    const poller = new AccessPoller(port);
    poller.seed(new Map([['dashboard:9', port.rows.dashboard[0]!]]));
    expect(await poller.poll(desired, listed)).toEqual({ changed: [], listCalls: 1 });
    expect(port.calls).toEqual(['dashboard']);
    expect(await new AccessPoller(port).poll([desired[1]!], listed)).toEqual({ changed: [], listCalls: 0 });
  });

  it('reports an owners, roles or tags edit once, with the list row of the poller mirror', async () => {
    const port = new AccessPort();
    const seedRow: AccessRow = { id: 9, owners: [1], roles: [], tags: ['t'] };
    const poller = new AccessPoller(port);
    poller.seed(new Map([['dashboard:9', seedRow]]));
    for (const edit of [{ owners: [1, 2] }, { roles: [4] }, { tags: ['t', 'u'] }]) {
      port.rows.dashboard = [{ ...seedRow, ...edit }];
      const first = await poller.poll(desired, listed);
      expect(first.changed.map((c) => [c.kind, c.row.uuid])).toEqual([['dashboard', dash.uuid]]);
      expect((await poller.poll(desired, listed)).changed).toEqual([]);
      port.rows.dashboard = [seedRow];
      expect((await poller.poll(desired, listed)).changed).toHaveLength(1); // put back: a change too
    }
  });

  it('reports a saved query whose tags changed (its changed_on stays when only they do)', async () => {
    const query = object('saved_query', 'q', { database: 'wh', sql: 'SELECT 1', tags: ['weekly'] });
    const port = new AccessPort();
    port.rows.saved_query = [{ id: 3, owners: [], tags: ['weekly'] }];
    const poller = new AccessPoller(port);
    poller.seed(new Map([['saved_query:3', port.rows.saved_query[0]!]]));
    const withQuery = { ...listed, saved_query: [listedRow('saved_query', 3, query.uuid)] };
    const wants = [...desired, desiredEntry(query, ATTRIBUTE_OPTIONS)];
    expect((await poller.poll(wants, withQuery)).changed).toEqual([]);
    expect(port.calls).toEqual(['dashboard', 'saved_query']);
    port.rows.saved_query = [{ id: 3, owners: [], tags: [] }];
    expect((await poller.poll(wants, withQuery)).changed.map((c) => [c.kind, c.row.uuid])).toEqual([
      ['saved_query', query.uuid],
    ]);
  });

  it('takes a row it never saw as its baseline, and the order of ids as no change', async () => {
    const port = new AccessPort();
    const poller = new AccessPoller(port);
    poller.seed(undefined);
    port.rows.dashboard = [{ id: 9, owners: [2, 1], roles: [], tags: [] }];
    expect((await poller.poll(desired, listed)).changed).toEqual([]);
    port.rows.dashboard = [{ id: 9, owners: [1, 2], roles: [], tags: [] }];
    expect((await poller.poll(desired, listed)).changed).toEqual([]);
    expect(accessSignature({ id: 1, owners: [2, 1] })).toBe(accessSignature({ id: 1, owners: [1, 2] }));
  });
});

describe('evaluatePoll with owners', () => {
  it('reads owners by username with the principals of the full check: no finding when they agree', async () => {
    const port = new FakePort();
    port.objects.set('dashboard:9', {
      kind: 'dashboard',
      id: 9,
      uuid: dash.uuid,
      dashboard_title: 'Sales',
      owners: [{ id: 1 }],
      tags: [{ id: 3, name: 't', type: 1 }],
      changed_on: 't0',
    });
    const want = desiredEntry(dash, ATTRIBUTE_OPTIONS);
    const known: Known = {
      environment: 'e',
      desired: new Map([[want.uuid, want]]),
      applied: new Map([
        [want.uuid, { kind: 'dashboard', name: 'sales', uuid: want.uuid, supersetId: 9, hash: want.hash }],
      ]),
      snapshot: null,
    };
    const poll = {
      changed: [{ kind: 'dashboard' as const, row: listed.dashboard[0]! }],
      deleted: [],
      listCalls: 1,
    };
    const principals = { users: [{ id: 1, username: 'admin' }], roles: [] };
    const agree = await evaluatePoll(port, poll, known, () => listed, ATTRIBUTE_OPTIONS, 'now', principals);
    expect(agree.get(dash.uuid)?.filter((f) => f.where === 'superset')).toEqual([]);
    // Without them the owners could not be named: that would be a false finding (what this guards).
    const without = await evaluatePoll(port, poll, known, () => listed, ATTRIBUTE_OPTIONS, 'now');
    expect(without.get(dash.uuid)?.map((f) => f.attribute)).toContain('owners');
  });
});
