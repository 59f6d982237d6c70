// One table of what each Superset version takes over REST, and the client that learns the version
// once (GET /version, else a probe of older APIs) and fits every write to it before sending.
import { afterEach, describe, expect, it } from 'vitest';
import {
  capabilitiesOf,
  familyOf,
  fitBody,
  fitBundleDoc,
  refusalMessage,
  type SupersetFamily,
} from '../../../src/superset/capabilities.js';
import { createSupersetClient } from '../../../src/superset/index.js';
import type { AnyDesired } from '../../../src/model/object.js';
import { json, startServer, withAuth, type LocalServer } from './local-server.js';

describe('familyOf', () => {
  it.each([
    ['6.1.0', '6.1'],
    ['6.1.2', '6.1'],
    ['6.2.0', '6.1'],
    ['7.0.0', '6.1'],
    ['6.0.0rc2', '6.0'],
    ['5.0.0', '5.0'],
    ['4.1.4', '4.1'],
    ['4.0.2', undefined],
    ['master', undefined],
    ['', undefined],
  ])('%s -> %s', (version, family) => {
    expect(familyOf(version)).toBe(family);
  });
});

describe('fitBody', () => {
  const dashboard = (meta: Record<string, unknown>) => ({
    dashboard_title: 'Sales',
    json_metadata: JSON.stringify({ color_scheme: 'supersetColors', ...meta }),
    uuid: 'a1b2',
  });

  it.each<[SupersetFamily, boolean]>([
    ['4.1', false],
    ['5.0', false],
    ['6.0', false],
    ['6.1', true],
  ])('show_chart_timestamps: false on %s is kept only where it exists (%s)', (family, kept) => {
    const fit = fitBody(
      'dashboard',
      'update',
      dashboard({ show_chart_timestamps: false }),
      capabilitiesOf(family),
    );
    const meta = JSON.parse(String(fit.body.json_metadata)) as Record<string, unknown>;
    expect('show_chart_timestamps' in meta).toBe(kept);
    expect(meta.color_scheme).toBe('supersetColors');
    expect(fit.dropped).toEqual(kept ? [] : ['json_metadata.show_chart_timestamps']);
  });

  it('refuses a real value the version would lose, and says which', () => {
    const caps = capabilitiesOf('6.0', '6.0.0');
    const fit = fitBody('dashboard', 'update', dashboard({ show_chart_timestamps: true }), caps);
    expect(fit.refused).toEqual(['json_metadata.show_chart_timestamps']);
    expect(refusalMessage('dashboard', 'Sales', fit.refused, caps)).toBe(
      'Superset 6.0.0 has no `json_metadata.show_chart_timestamps`; remove it from the YAML of dashboard "Sales" or upgrade Superset.',
    );
  });

  it('datasets: currency_code_column and a column datetime_format exist only in 6.1; folders from 6.0', () => {
    const body = {
      table_name: 'orders',
      currency_code_column: null,
      folders: null,
      columns: [
        { column_name: 'a', datetime_format: null },
        { column_name: 'b', datetime_format: '%Y' },
      ],
    };
    const on60 = fitBody('dataset', 'update', body, capabilitiesOf('6.0'));
    expect(on60.body).not.toHaveProperty('currency_code_column');
    expect(on60.body).toHaveProperty('folders', null);
    expect(on60.refused).toEqual(['columns[].datetime_format']);
    const on50 = fitBody('dataset', 'update', { ...body, columns: [] }, capabilitiesOf('5.0'));
    expect(on50.body).not.toHaveProperty('folders');
    expect(on50.refused).toEqual([]);
    // The input is not changed.
    expect(body.columns[0]).toHaveProperty('datetime_format', null);
    expect(fitBody('dataset', 'update', body, capabilitiesOf('6.1')).body).toEqual(body);
  });

  it('uuids on REST writes of datasets, charts and dashboards need 6.0; databases take them everywhere', () => {
    for (const kind of ['dataset', 'chart', 'dashboard']) {
      expect(fitBody(kind, 'create', { uuid: 'u' }, capabilitiesOf('5.0')).refused).toEqual(['uuid']);
      expect(fitBody(kind, 'create', { uuid: 'u' }, capabilitiesOf('6.0')).refused).toEqual([]);
    }
    expect(fitBody('database', 'create', { uuid: 'u' }, capabilitiesOf('4.1')).refused).toEqual([]);
    expect(refusalMessage('chart', 'Revenue', ['uuid'], capabilitiesOf('5.0', '5.0 (probed)'))).toContain(
      'Superset 5.0 (probed) refuses uuids when charts are created or updated over REST',
    );
  });

  it('a json_metadata that is not JSON is left for Superset to refuse', () => {
    const fit = fitBody('dashboard', 'update', { json_metadata: '{not json' }, capabilitiesOf('5.0'));
    expect(fit.body.json_metadata).toBe('{not json');
  });
});

describe('the client learns the version once and fits its writes', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A Superset of the given family as far as the probe can see, that accepts any write. */
  async function superset(family: SupersetFamily) {
    server = await startServer(
      withAuth((req, res) => {
        if (req.path === '/version')
          return family === '6.1'
            ? json(res, 200, { version_string: '6.1.0' })
            : json(res, 404, { message: 'Not found' });
        if (req.path === '/api/v1/dashboard/_info')
          return json(res, 200, {
            add_columns: [{ name: 'dashboard_title' }, ...(family === '6.0' ? [{ name: 'theme_id' }] : [])],
          });
        if (req.path === '/api/v1/dashboard/' && req.method === 'GET')
          return json(res, 200, {
            count: 0,
            result: [],
            list_columns: family === '4.1' ? ['id', 'json_metadata'] : ['id', 'uuid'],
          });
        if (req.method === 'POST') return json(res, 201, { id: 7, result: {} });
        if (req.method === 'PUT') return json(res, 200, { id: 7, result: {} });
        return json(res, 404, { message: 'Not found' });
      }),
    );
    return createSupersetClient({
      baseUrl: server.url,
      username: 'admin',
      password: 'pw-for-tests',
      maxRetries: 0,
    });
  }
  const writes = () =>
    server!.seen.filter((r) => r.method === 'POST' && !r.path.startsWith('/api/v1/security/'));
  const probes = () =>
    server!.seen.filter((r) => r.method === 'GET' && !r.path.startsWith('/api/v1/security/'));

  it.each<[SupersetFamily, string, number]>([
    ['6.1', '6.1.0', 1],
    ['6.0', '6.0 (probed)', 2],
    ['5.0', '5.0 (probed)', 3],
    ['4.1', '4.1 (probed)', 3],
  ])('tells %s apart (%s) in %d reads', async (family, version, reads) => {
    const c = await superset(family);
    expect((await c.capabilities()).version).toBe(version);
    expect(await c.capabilities()).toEqual(await c.capabilities());
    expect(probes()).toHaveLength(reads);
  });

  it('on 6.0: a dashboard is created without show_chart_timestamps: false, probing once for two writes', async () => {
    const c = await superset('6.0');
    const body = {
      dashboard_title: 'Sales',
      json_metadata: JSON.stringify({ show_chart_timestamps: false }),
      uuid: 'u1',
    };
    await c.create('dashboard', body);
    await c.update('dashboard', 7, body);
    expect(probes()).toHaveLength(2);
    const sent = JSON.parse(writes()[0]!.body) as Record<string, unknown>;
    expect(JSON.parse(String(sent.json_metadata))).toEqual({});
    expect(sent.uuid).toBe('u1');
  });

  it('on 5.0: an update that carries a uuid is refused before anything is written', async () => {
    const c = await superset('5.0');
    await expect(c.update('chart', 7, { slice_name: 'Revenue', uuid: 'u2' })).rejects.toThrow(
      /Superset 5.0 \(probed\) refuses uuids when charts are created or updated over REST/,
    );
    expect(server!.seen.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(c.calls.write).toBe(0);
  });

  const chartUuid = '0c0ffee0-0000-4000-8000-000000000002';
  const chartBody = {
    slice_name: 'Revenue',
    viz_type: 'table',
    datasource_id: 12,
    datasource_type: 'table',
    params: '{}',
    uuid: chartUuid,
  };
  /** A Superset 5.0 as far as a chart create through the import sees it; its PUT answers putStatus. */
  async function legacyChartServer(putStatus: number) {
    const seen = { imported: '' };
    server = await startServer(
      withAuth((req, res) => {
        if (req.path === '/version') return json(res, 404, { message: 'Not found' });
        if (req.path === '/api/v1/dashboard/_info')
          return json(res, 200, { add_columns: [{ name: 'slug' }] });
        if (req.path === '/api/v1/dashboard/')
          return json(res, 200, { count: 0, result: [], list_columns: ['id'] });
        if (req.path === '/api/v1/dataset/12')
          return json(res, 200, {
            result: { id: 12, table_name: 'orders', schema: null, sql: null, database: { id: 3 } },
          });
        if (req.path === '/api/v1/dataset/')
          return json(res, 200, {
            count: 1,
            result: [{ id: 12, uuid: 'da7a5e70-0000-4000-8000-000000000012', table_name: 'orders' }],
          });
        if (req.path === '/api/v1/database/3/connection')
          return json(res, 200, {
            result: {
              id: 3,
              uuid: 'dada0000-0000-4000-8000-000000000003',
              database_name: 'warehouse',
              sqlalchemy_uri: 'sqlite://',
            },
          });
        if (req.path === '/api/v1/chart/import/') {
          seen.imported = req.body;
          return json(res, 200, { message: 'OK' });
        }
        if (req.path === '/api/v1/chart/' && req.method === 'GET')
          return json(res, 200, { count: 1, result: [{ id: 40, uuid: chartUuid, slice_name: 'Revenue' }] });
        if (req.path === '/api/v1/chart/40' && req.method === 'PUT')
          return putStatus === 200
            ? json(res, 200, { id: 40, result: {} })
            : json(res, putStatus, { message: { params: ['Not valid JSON.'] } });
        if (req.path === '/api/v1/chart/40' && req.method === 'DELETE')
          return json(res, 200, { message: 'OK' });
        return json(res, 404, { message: `no ${req.method} ${req.path}` });
      }),
    );
    const c = createSupersetClient({
      baseUrl: server.url,
      username: 'admin',
      password: 'pw-for-tests',
      maxRetries: 0,
    });
    return { c, seen };
  }

  it('on 5.0: a chart is created with its uuid through the chart import, then the rest in a PUT', async () => {
    const { c, seen } = await legacyChartServer(200);
    expect((await c.create('chart', chartBody)).id).toBe(40);
    // The zip's entry names are plain text in the multipart body: the chart, and files naming its
    // dataset and database (imported without overwrite, so the existing ones stay as they are).
    for (const entry of [
      'bundle/metadata.yaml',
      `bundle/charts/${chartUuid}.yaml`,
      'bundle/datasets/db_3/ds_12.yaml',
      'bundle/databases/db_3.yaml',
    ])
      expect(seen.imported).toContain(entry);
    expect(seen.imported).toMatch(/name="overwrite"\r\n\r\nfalse/);
    const put = server!.seen.find((r) => r.method === 'PUT')!;
    expect(put.path).toBe('/api/v1/chart/40');
    expect(JSON.parse(put.body)).toEqual({
      slice_name: 'Revenue',
      viz_type: 'table',
      datasource_id: 12,
      datasource_type: 'table',
      params: '{}',
    });
    expect(server!.seen.filter((r) => r.method === 'DELETE')).toEqual([]);
  });

  it('on 5.0: a chart whose PUT Superset refuses after the import is removed again, and the create fails', async () => {
    const { c } = await legacyChartServer(400);
    await expect(c.create('chart', chartBody)).rejects.toThrow(/HTTP 400/);
    expect(server!.seen.filter((r) => r.method === 'DELETE').map((r) => r.path)).toEqual([
      '/api/v1/chart/40',
    ]);
  });

  it('on 6.1: the body goes as built', async () => {
    const c = await superset('6.1');
    const body = {
      dashboard_title: 'Sales',
      json_metadata: JSON.stringify({ show_chart_timestamps: true }),
      uuid: 'u1',
    };
    await c.create('dashboard', body);
    expect(JSON.parse(writes()[0]!.body)).toEqual(body);
  });
});

describe('fitBundleDoc and export --superset-version', () => {
  const database = {
    database_name: 'warehouse',
    sqlalchemy_uri: 'postgresql://reader@db/warehouse',
    configuration_method: 'sqlalchemy_form',
    impersonate_user: false,
    masked_encrypted_extra: null,
    extra: { schema_options: {}, allows_virtual_table_explore: true },
    uuid: 'u',
    version: '1.0.0',
  };

  it.each<[SupersetFamily, string[]]>([
    ['4.1', ['impersonate_user', 'masked_encrypted_extra', 'configuration_method', 'extra.schema_options']],
    ['5.0', ['masked_encrypted_extra', 'configuration_method']],
    ['6.0', ['masked_encrypted_extra', 'configuration_method']],
    ['6.1', []],
  ])('a database file for %s leaves out %o, which hold nothing', (family, dropped) => {
    const fit = fitBundleDoc('database', database, capabilitiesOf(family));
    expect(fit.dropped.sort()).toEqual([...dropped].sort());
    expect(fit.refused).toEqual([]);
    for (const field of dropped.filter((f) => !f.includes('.'))) expect(fit.body).not.toHaveProperty(field);
    expect((fit.body.extra as Record<string, unknown>).allows_virtual_table_explore).toBe(true);
  });

  it('refuses what the version would lose: a SQL Lab impersonation on 4.1, an encrypted extra before 6.1', () => {
    const fit = fitBundleDoc(
      'database',
      { ...database, impersonate_user: true, masked_encrypted_extra: '{"k": 1}' },
      capabilitiesOf('4.1'),
    );
    expect(fit.refused.sort()).toEqual(['impersonate_user', 'masked_encrypted_extra']);
  });

  it('export --superset-version writes a bundle the older import schema takes, or says what it cannot hold', async () => {
    const { toBundle } = await import('../../../src/export/to-bundle.js');
    const objects: AnyDesired[] = [
      {
        source: { file: 'metadata/databases/warehouse.yaml', line: 1, col: 1 },
        kind: 'database' as const,
        name: 'warehouse',
        uuid: '5d9f5c5e-0000-4000-8000-000000000001',
        spec: {
          kind: 'database' as const,
          name: 'warehouse',
          sqlalchemy_uri: 'sqlite:///w.db',
          impersonate_user: true,
        },
      },
    ];
    const on61 = [...toBundle(objects, new Date(0)).values()].join('\n');
    expect(on61).toContain('impersonate_user: true');
    expect(() => toBundle(objects, new Date(0), capabilitiesOf('4.1', '4.1.4'))).toThrow(
      /Superset 4\.1\.4 cannot import these values[^]*database "warehouse": impersonate_user/,
    );
    const plain: AnyDesired[] = [
      {
        ...objects[0]!,
        kind: 'database',
        spec: { kind: 'database', name: 'warehouse', sqlalchemy_uri: 'sqlite:///w.db' },
      },
    ];
    const on41 = [...toBundle(plain, new Date(0), capabilitiesOf('4.1', '4.1.4')).values()].join('\n');
    expect(on41).not.toContain('impersonate_user');
    expect(on41).not.toContain('configuration_method');
  });
});

describe('metric currency', () => {
  it('is sent as an object from 6.0 on and as its JSON text before', () => {
    const body = {
      metrics: [
        { metric_name: 'revenue', currency: { symbol: 'USD', symbolPosition: 'prefix' } },
        { metric_name: 'n', currency: null },
      ],
    };
    expect(fitBody('dataset', 'update', body, capabilitiesOf('6.0')).body).toEqual(body);
    expect(fitBody('dataset', 'update', body, capabilitiesOf('5.0')).body.metrics).toEqual([
      { metric_name: 'revenue', currency: '{"symbol":"USD","symbolPosition":"prefix"}' },
      { metric_name: 'n', currency: null },
    ]);
  });
});
