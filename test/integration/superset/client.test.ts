// The Superset client against the live server: a database -> dataset -> chart round trip, errors
// as they really come back, and the redaction guarantee with a real password in a URI.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupersetApiError, type SupersetKind } from '../../../src/superset/index.js';
import {
  liveClient,
  median,
  timingsByRoute,
  uniquePrefix,
  warehouseUri,
  type LiveClient,
} from './helpers.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

describe('Superset client against the live server', () => {
  const prefix = uniquePrefix();
  let live: LiveClient;
  const created: { kind: SupersetKind; id: number }[] = [];
  const ids = { database: 0, dataset: 0, chart: 0, dashboard: 0 };
  const dbUuid = randomUUID();
  const datasetUuid = randomUUID();
  const chartUuid = randomUUID();

  beforeAll(() => {
    live = liveClient();
  });

  afterAll(async () => {
    // Children first; then anything else carrying this run's prefix (a failed test may leave some).
    for (const { kind, id } of [...created].reverse()) {
      await live.client.remove(kind, id).catch((e: unknown) => {
        if (!(e instanceof SupersetApiError && e.code === 'not-found')) throw e;
      });
    }
    for (const kind of ['dashboard', 'chart', 'dataset', 'database'] as const) {
      for (const o of await live.client.list(kind))
        if (o.name.startsWith(prefix)) await live.client.remove(kind, o.id);
    }
    const rows = [...timingsByRoute(live.events)]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([route, ms]) =>
          `  ${route.padEnd(52)} n=${String(ms.length).padStart(3)}  median ${median(ms).toFixed(1)} ms`,
      );
    console.log(
      `Superset call timings (${live.client.baseUrl}):\n${rows.join('\n')}\ncalls: ${JSON.stringify(live.client.calls)}`,
    );
  });

  it('logs in and lists databases', async () => {
    const dbs = await live.client.list('database');
    expect(Array.isArray(dbs)).toBe(true);
    expect(live.client.calls.auth).toBe(1);
    expect(live.events.some((e) => e.code === 'superset.auth.login')).toBe(true);
  });

  it('creates a SQLite database with an explicit uuid and reads it back', async () => {
    const uri = warehouseUri();
    const { id, result } = await live.client.create('database', {
      database_name: `${prefix}_wh`,
      sqlalchemy_uri: uri,
      uuid: dbUuid,
    });
    created.push({ kind: 'database', id });
    ids.database = id;
    expect(result).toMatchObject({ database_name: `${prefix}_wh`, uuid: dbUuid });
    const got = await live.client.get('database', id);
    expect(got).toMatchObject({
      id,
      uuid: dbUuid,
      database_name: `${prefix}_wh`,
      // Superset masks the password when it shows the URI.
      sqlalchemy_uri: uri.replace(/:[^:@/]+@/, ':XXXXXXXXXX@'),
      backend: 'postgresql',
    });
    expect(typeof got.extra).toBe('string');
  });

  it('updates one field', async () => {
    await live.client.update('database', ids.database, { cache_timeout: 77 });
    expect(await live.client.get('database', ids.database)).toMatchObject({
      cache_timeout: 77,
      uuid: dbUuid,
    });
  });

  it('creates a dataset on table orders and a chart, and reads the chart data', async () => {
    // Virtual, with a unique name, so it never meets the demo's physical `orders` dataset.
    const ds = await live.client.create('dataset', {
      database: ids.database,
      table_name: `${prefix}_orders`,
      sql: 'SELECT * FROM orders',
      uuid: datasetUuid,
    });
    created.push({ kind: 'dataset', id: ds.id });
    ids.dataset = ds.id;
    const dataset = await live.client.get('dataset', ds.id);
    expect(dataset.uuid).toBe(datasetUuid);
    const columns = (dataset.columns as { column_name: string }[]).map((c) => c.column_name);
    expect(columns).toEqual(expect.arrayContaining(['order_id', 'region', 'status', 'amount']));

    const queryContext = {
      datasource: { id: ds.id, type: 'table' },
      queries: [{ columns: ['region'], metrics: ['count'], orderby: [['count', false]], row_limit: 100 }],
      result_format: 'json',
      result_type: 'full',
    };
    const chart = await live.client.create('chart', {
      slice_name: `${prefix}_by_region`,
      datasource_id: ds.id,
      datasource_type: 'table',
      viz_type: 'table',
      uuid: chartUuid,
      params: JSON.stringify({ groupby: ['region'], metrics: ['count'] }),
      query_context: JSON.stringify(queryContext),
    });
    created.push({ kind: 'chart', id: chart.id });
    ids.chart = chart.id;

    const [result, ...rest] = await live.client.chartData(chart.id);
    expect(rest).toEqual([]);
    expect(result!.colnames).toEqual(['region', 'count']);
    expect(result!.rowcount).toBeGreaterThan(0);
    expect(result!.data).toHaveLength(result!.rowcount);
    const total = result!.data.reduce((sum, row) => sum + Number(row.count), 0);
    expect(total).toBeGreaterThan(0);
  });

  it('lists the new objects with uuid, name and changedOn', async () => {
    const [dbs, datasets, charts] = await Promise.all([
      live.client.list('database'),
      live.client.list('dataset'),
      live.client.list('chart'),
    ]);
    const db = dbs.find((o) => o.id === ids.database);
    const ds = datasets.find((o) => o.id === ids.dataset);
    const ch = charts.find((o) => o.id === ids.chart);
    expect(db).toMatchObject({ uuid: dbUuid, name: `${prefix}_wh` });
    expect(ds).toMatchObject({ uuid: datasetUuid, name: `${prefix}_orders` });
    expect(ch).toMatchObject({ uuid: chartUuid, name: `${prefix}_by_region` });
    for (const o of [db, ds, ch]) expect(o?.changedOn).toMatch(ISO_UTC);
    expect(typeof ch!.changedBy).toBe('string');
    // changedOn is recent (the server's clock and ours agree within a few minutes).
    expect(Math.abs(Date.parse(ch!.changedOn!) - Date.now())).toBeLessThan(10 * 60_000);
  });

  it('creates, updates and exports a dashboard', async () => {
    const { id } = await live.client.create('dashboard', {
      dashboard_title: `${prefix}_dash`,
      uuid: randomUUID(),
    });
    created.push({ kind: 'dashboard', id });
    const updated = await live.client.update('dashboard', id, { dashboard_title: `${prefix}_dash2` });
    expect(updated).toMatchObject({ dashboard_title: `${prefix}_dash2` });
    const zip = await live.client.exportBundle('dashboard', [id]);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.toString('latin1')).toContain(`dashboards/${prefix}_dash2`);
  });

  it('turns a duplicate name into a readable 422 that names the field', async () => {
    const err = await live.client
      .create('database', { database_name: `${prefix}_wh`, sqlalchemy_uri: warehouseUri() })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupersetApiError);
    expect(err).toMatchObject({ status: 422, code: 'invalid', kind: 'database', objectName: `${prefix}_wh` });
    expect((err as SupersetApiError).fields).toEqual({
      database_name: ['A database with the same name already exists.'],
    });
    expect((err as Error).message).toBe(
      `Superset rejected creating database "${prefix}_wh" (HTTP 422): database_name: A database with the same name already exists.`,
    );
  });

  it('reports a missing object as not-found', async () => {
    await expect(live.client.get('chart', 2_000_000_000)).rejects.toMatchObject({
      code: 'not-found',
      status: 404,
    });
  });

  it('never shows a password given in a URI, whatever the server answers', async () => {
    const password = 'Secr3tPassw0rd';
    const before = live.events.length;
    const uri = `postgresql://u:${password}@127.0.0.1:1/x`;
    const outcome = await live.client
      .create('database', { database_name: `${prefix}_pg`, sqlalchemy_uri: uri })
      .then(
        (ok) => ok,
        (e: unknown) => e,
      );
    if (outcome instanceof Error) {
      expect(outcome).toBeInstanceOf(SupersetApiError);
      expect((outcome as SupersetApiError).status).toBeGreaterThanOrEqual(400);
      const text = `${String(outcome)} ${outcome.stack ?? ''} ${JSON.stringify(outcome)}`;
      expect(text).not.toContain(password);
    } else {
      created.push({ kind: 'database', id: (outcome as { id: number }).id });
      expect(JSON.stringify((outcome as { result: unknown }).result)).not.toContain(password);
    }
    for (const e of live.events.slice(before)) expect(JSON.stringify(e)).not.toContain(password);
  });

  it('never shows the login password, even when the login fails', async () => {
    const wrong = liveClient({ password: 'Wr0ng-Passw0rd-42' });
    const err = await wrong.client.list('chart').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthorized', status: 401, op: 'login' });
    expect(`${String(err)} ${JSON.stringify(err)} ${JSON.stringify(wrong.events)}`).not.toContain(
      'Wr0ng-Passw0rd-42',
    );
  });

  it('measures the cost of each call type (20 calls each)', async () => {
    for (let i = 0; i < 20; i += 1) {
      await live.client.list('database');
      await live.client.list('chart');
      await live.client.get('database', ids.database);
      await live.client.get('dataset', ids.dataset);
      await live.client.get('chart', ids.chart);
      await live.client.update('chart', ids.chart, { description: `run ${i}` });
      await live.client.chartData(ids.chart);
    }
    const timings = timingsByRoute(live.events);
    expect(timings.get('GET /api/v1/chart/:id 200')?.length).toBeGreaterThanOrEqual(20);
  });

  it('deletes what it created', async () => {
    for (const { kind, id } of [...created].reverse()) await live.client.remove(kind, id);
    for (const { kind, id } of created) {
      await expect(live.client.get(kind, id)).rejects.toMatchObject({ code: 'not-found' });
    }
    created.length = 0;
  });
});
