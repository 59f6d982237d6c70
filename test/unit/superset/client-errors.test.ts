import { afterEach, describe, expect, it } from 'vitest';
import {
  SupersetApiError,
  createSupersetClient,
  type SupersetLogEvent,
} from '../../../src/superset/index.js';
import { json, jwt, startServer, type LocalServer, type Reply } from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failing(reply: Reply, run: (c: ReturnType<typeof createSupersetClient>) => Promise<unknown>) {
  server = await startServer((req, res) => {
    if (req.path === '/api/v1/security/login')
      return json(res, 200, { access_token: jwt({ exp: 4e9 }), refresh_token: 'r-token-1234' });
    if (req.path === '/api/v1/security/csrf_token/')
      return json(res, 200, { result: 'csrf-1234' }, { 'Set-Cookie': 'session=s-1234; Path=/' });
    return reply(req, res);
  });
  const c = createSupersetClient({
    baseUrl: server.url,
    username: 'admin',
    password: 'pw-for-tests',
    maxRetries: 0,
  });
  const err = await run(c).then(
    () => expect.fail('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SupersetApiError);
  return err as SupersetApiError;
}

describe('superset client: error messages', () => {
  it('names the object and the field of a marshmallow 422', async () => {
    const err = await failing(
      (_q, res) =>
        json(res, 422, { message: { database_name: ['A database with the same name already exists.'] } }),
      (c) => c.create('database', { database_name: 'sales', sqlalchemy_uri: 'sqlite://' }),
    );
    expect(err.message).toBe(
      'Superset rejected creating database "sales" (HTTP 422): database_name: A database with the same name already exists.',
    );
    expect(err).toMatchObject({
      code: 'invalid',
      status: 422,
      kind: 'database',
      objectName: 'sales',
      op: 'create',
      method: 'POST',
    });
    expect(err.fields).toEqual({ database_name: ['A database with the same name already exists.'] });
  });

  it('flattens nested field errors (dashboard json_metadata)', async () => {
    const err = await failing(
      (_q, res) => json(res, 400, { message: { json_metadata: [{ bogus_key: ['Unknown field.'] }] } }),
      (c) => c.update('dashboard', 12, { dashboard_title: 'Sales', json_metadata: '{"bogus_key":1}' }),
    );
    expect(err.message).toBe(
      'Superset rejected updating dashboard "Sales" (id 12) (HTTP 400): json_metadata.bogus_key: Unknown field.',
    );
    expect(err.fields).toEqual({ 'json_metadata.bogus_key': ['Unknown field.'] });
  });

  it('reads the SIP-40 envelope, with marshmallow messages in extra and without the echoed payload', async () => {
    const err = await failing(
      (_q, res) =>
        json(res, 422, {
          errors: [
            {
              message: 'The schema of the submitted payload is invalid.',
              error_type: 'MARSHMALLOW_ERROR',
              level: 'error',
              extra: {
                messages: { foo: ['Unknown field.'] },
                payload: { foo: 1, secret_thing: 'echoed' },
                issue_codes: [{ code: 1040 }],
              },
            },
          ],
        }),
      (c) => c.update('dataset', 3, { foo: 1 }),
    );
    expect(err.message).toBe(
      'Superset rejected updating dataset 3 (HTTP 422): The schema of the submitted payload is invalid. foo: Unknown field.',
    );
    expect(err.fields).toEqual({ foo: ['Unknown field.'] });
    expect(err.errorType).toBe('MARSHMALLOW_ERROR');
    expect(JSON.stringify(err)).not.toContain('echoed');
  });

  it('includes the per-file detail of an import error', async () => {
    const err = await failing(
      (_q, res) =>
        json(res, 422, {
          errors: [
            {
              message: 'Error importing dashboard',
              error_type: 'GENERIC_COMMAND_ERROR',
              extra: {
                'dashboards/Sales_1.yaml': 'Dashboard already exists and `overwrite=true` was not passed',
                'databases/wh.yaml': { _schema: ['Must provide a password for the database'] },
                issue_codes: [{ code: 1010, message: 'Issue 1010' }],
              },
            },
          ],
        }),
      (c) => c.importBundle(Buffer.from('PK\x03\x04'), {}),
    );
    expect(err.message).toContain(
      'Superset rejected importing an asset bundle (HTTP 422): Error importing dashboard',
    );
    expect(err.message).toContain(
      'dashboards/Sales_1.yaml: Dashboard already exists and `overwrite=true` was not passed',
    );
    expect(err.message).toContain('databases/wh.yaml._schema: Must provide a password for the database');
    expect(err.message).not.toContain('Issue 1010');
  });

  it('explains the opaque 500 of the assets import', async () => {
    const err = await failing(
      (_q, res) =>
        json(res, 500, {
          errors: [{ message: 'Import failed for an unknown reason', error_type: 'GENERIC_COMMAND_ERROR' }],
        }),
      (c) => c.importBundle(Buffer.from('PK\x03\x04'), { sparse: true }),
    );
    expect(err).toMatchObject({ code: 'server-error', status: 500 });
    expect(err.message).toMatch(
      /Import failed for an unknown reason\. The assets import reports every invalid bundle this way/,
    );
    expect(server!.seen.at(-1)!.body).toContain('name="sparse"');
  });

  it('404 names the object, 403 says permission, a JWT 401 body is read', async () => {
    const e404 = await failing(
      (_q, res) => json(res, 404, { message: 'Not found' }),
      (c) => c.get('chart', 99),
    );
    expect(e404.message).toBe('Superset has no chart 99 (HTTP 404 on GET /api/v1/chart/99).');
    expect(e404.code).toBe('not-found');
    await server?.close();
    const e403 = await failing(
      (_q, res) => json(res, 403, { message: 'Forbidden' }),
      (c) => c.remove('dashboard', 2),
    );
    expect(e403.message).toBe('Superset forbids deleting dashboard 2 for this user (HTTP 403): Forbidden');
    await server?.close();
    const e401 = await failing(
      (_q, res) => json(res, 401, { msg: 'Error loading the user 999' }),
      (c) => c.list('dataset'),
    );
    expect(e401.message).toBe(
      'Superset refused the credentials while listing datasets (HTTP 401): Error loading the user 999',
    );
  });

  it('turns the 200 empty result of /database/<missing>/connection into not-found', async () => {
    const err = await failing(
      (q, res) => json(res, 200, { id: 999, result: { is_managed_externally: false } }),
      (c) => c.get('database', 999),
    );
    expect(err).toMatchObject({ code: 'not-found', status: 200, kind: 'database', objectId: 999 });
    expect(err.message).toMatch(
      /^Superset has no database 999: GET \/api\/v1\/database\/999\/connection answered 200 with an empty result/,
    );
  });

  it('says so when an error answer is HTML, without copying the page', async () => {
    const err = await failing(
      (_q, res) => {
        res.writeHead(500, { 'Content-Type': 'text/html' });
        res.end('<html><title>500</title><body>Internal Server Error</body></html>');
      },
      (c) => c.get('dataset', 1),
    );
    expect(err.message).toBe('Superset failed while reading dataset 1 (HTTP 500): the answer was not JSON');
  });

  it('treats a 2xx body of the wrong shape as a bad response', async () => {
    const err = await failing(
      (_q, res) => json(res, 200, { count: 'many', result: [] }),
      (c) => c.list('chart'),
    );
    expect(err.code).toBe('bad-response');
    expect(err.message).toMatch(
      /^Superset gave an unexpected answer while listing charts: the JSON does not have the expected shape \(at \/count: /,
    );
  });

  it('refuses bad ids and overwrite:false before sending anything', async () => {
    const c = createSupersetClient({ baseUrl: 'http://127.0.0.1:9', username: 'a', password: 'b' });
    await expect(c.get('chart', 0)).rejects.toMatchObject({ code: 'unsupported' });
    await expect(c.update('chart', 1.5, {})).rejects.toMatchObject({ code: 'unsupported' });
    await expect(c.importBundle(Buffer.from('PK'), { overwrite: false })).rejects.toThrow(
      /always overwrites/,
    );
    expect(c.calls).toEqual({ list: 0, get: 0, write: 0, auth: 0, retries: 0 });
  });
});

describe('superset client: secrets never appear in errors or logs', () => {
  const PASSWORD = 'Adm1n-Pa55word!';
  const DB_PASSWORD = 'Secr3tPassw0rd';
  const IMPORT_PASSWORD = 'Imp0rt-Pa55';
  const ACCESS = jwt({ sub: '1', type: 'access', exp: 4e9, nonce: 'access-nonce' });
  const REFRESH = jwt({ sub: '1', type: 'refresh', exp: 4e9, nonce: 'refresh-nonce' });
  const CSRF = 'csrf-9f8e7d6c5b4a';
  const COOKIE = 'eyJjc3JmX3Rva2VuIjoiYWJjIn0.cookie-sig';
  const SECRETS = [
    PASSWORD,
    DB_PASSWORD,
    IMPORT_PASSWORD,
    ACCESS,
    REFRESH,
    CSRF,
    COOKIE,
    encodeURIComponent(PASSWORD),
  ];

  it('redacts the password, tokens, cookie and URI passwords the server echoes back', async () => {
    server = await startServer((req, res) => {
      if (req.path === '/api/v1/security/login')
        return json(res, 200, { access_token: ACCESS, refresh_token: REFRESH });
      if (req.path === '/api/v1/security/csrf_token/') {
        return json(res, 200, { result: CSRF }, { 'Set-Cookie': `session=${COOKIE}; HttpOnly; Path=/` });
      }
      // A worst-case server: echoes every secret it has seen into its error.
      const echo = `${req.body} auth=${String(req.headers.authorization)} csrf=${String(req.headers['x-csrftoken'])} cookie=${String(req.headers.cookie)}`;
      if (req.method === 'GET') return json(res, 500, { message: echo });
      return json(res, 422, {
        message: {
          sqlalchemy_uri: [`could not connect to postgresql://u:${DB_PASSWORD}@127.0.0.1:1/x`],
          _schema: [echo],
        },
      });
    });
    const events: SupersetLogEvent[] = [];
    const c = createSupersetClient({
      baseUrl: server.url,
      username: 'admin',
      password: PASSWORD,
      maxRetries: 1,
      retryBaseMs: 1,
      log: (e) => events.push(e),
    });
    const errors: unknown[] = [];
    const capture = (p: Promise<unknown>) =>
      p.then(
        () => expect.fail('expected failure'),
        (e: unknown) => errors.push(e),
      );
    await capture(
      c.create('database', {
        database_name: 'pg',
        sqlalchemy_uri: `postgresql://u:${DB_PASSWORD}@127.0.0.1:1/x`,
      }),
    );
    await capture(c.update('database', 4, { password: DB_PASSWORD }));
    await capture(c.get('database', 4));
    await capture(
      c.importBundle(Buffer.from('PK\x03\x04'), { passwords: { 'databases/pg.yaml': IMPORT_PASSWORD } }),
    );
    expect(errors).toHaveLength(4);
    // The secrets did reach the server (so the test would catch a leak)...
    const sent = server.seen.map((r) => `${r.body} ${JSON.stringify(r.headers)}`).join('\n');
    for (const s of [PASSWORD, DB_PASSWORD, IMPORT_PASSWORD, ACCESS, CSRF, COOKIE]) expect(sent).toContain(s);
    // ...and none of them comes back out.
    const out = [
      ...errors.map((e) =>
        [
          String(e),
          (e as Error).stack ?? '',
          JSON.stringify(e),
          JSON.stringify(Object.entries(e as object)),
        ].join('\n'),
      ),
      ...events.map((e) => JSON.stringify(e)),
    ].join('\n');
    for (const s of SECRETS) expect(out).not.toContain(s);
    expect(out).toContain('postgresql://u:XXXXXXXXXX@127.0.0.1:1/x');
    expect(events.length).toBeGreaterThan(5);
  });

  it('redacts the login password when the login itself fails and echoes it', async () => {
    server = await startServer((req, res) => json(res, 401, { message: `bad password in ${req.body}` }));
    const events: SupersetLogEvent[] = [];
    const c = createSupersetClient({
      baseUrl: server.url,
      username: 'admin',
      password: PASSWORD,
      log: (e) => events.push(e),
    });
    const err = await c.list('chart').catch((e: unknown) => e);
    const out = `${String(err)} ${JSON.stringify(err)} ${JSON.stringify(events)}`;
    expect(out).toContain('bad password in');
    expect(out).not.toContain(PASSWORD);
  });
});
