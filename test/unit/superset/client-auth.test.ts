import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../src/superset/capabilities.js';
import { createSupersetClient, type SupersetLogEvent } from '../../../src/superset/index.js';
import {
  ACCESS,
  CSRF,
  REFRESH,
  SESSION,
  json,
  jwt,
  startServer,
  withAuth,
  type LocalServer,
} from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(url: string, events: SupersetLogEvent[] = []) {
  return createSupersetClient({
    baseUrl: url,
    username: 'admin',
    password: 'pw-for-tests',
    retryBaseMs: 5,
    log: (e) => events.push(e),
    capabilities: capabilitiesOf('6.1', '6.1.0'),
  });
}

describe('superset client: login and CSRF', () => {
  it('logs in once, sends the bearer token and Accept: application/json on every call', async () => {
    server = await startServer(
      withAuth((req, res) =>
        json(res, 200, req.path.endsWith('/1') ? { id: 1, result: { id: 1 } } : { count: 0, result: [] }),
      ),
    );
    const c = client(server.url);
    await Promise.all([c.list('dashboard'), c.get('chart', 1), c.list('chart')]);
    const logins = server.seen.filter((r) => r.path === '/api/v1/security/login');
    expect(logins).toHaveLength(1);
    expect(JSON.parse(logins[0]!.body)).toEqual({
      username: 'admin',
      password: 'pw-for-tests',
      provider: 'db',
      refresh: true,
    });
    const api = server.seen.filter((r) => !r.path.startsWith('/api/v1/security/'));
    expect(api).toHaveLength(3);
    for (const r of api) {
      expect(r.headers.authorization).toBe(`Bearer ${ACCESS}`);
      expect(r.headers.accept).toBe('application/json');
      expect(r.headers.cookie).toBeUndefined();
      expect(r.headers['x-csrftoken']).toBeUndefined();
    }
    expect(c.calls).toEqual({ list: 2, get: 1, write: 0, auth: 1, retries: 0 });
  });

  it('sends X-CSRFToken and the session cookie on POST, PUT and DELETE; fetches the token once', async () => {
    server = await startServer(
      withAuth((req, res) => {
        // A cookieless GET gets a fresh session cookie, as Superset does: it must not replace ours.
        if (req.method === 'GET')
          return json(res, 200, { count: 0, result: [] }, { 'Set-Cookie': 'session=locale-only; Path=/' });
        if (req.method === 'POST') return json(res, 201, { id: 7, result: { dashboard_title: 'x' } });
        return json(res, 200, { id: 7, result: {} });
      }),
    );
    const c = client(server.url);
    await c.create('dashboard', { dashboard_title: 'x' });
    await c.list('dashboard');
    await c.update('dashboard', 7, { dashboard_title: 'y' });
    await c.remove('dashboard', 7);
    expect(server.seen.filter((r) => r.path === '/api/v1/security/csrf_token/')).toHaveLength(1);
    const writes = server.seen.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/v1/security/'));
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PUT', 'DELETE']);
    for (const w of writes) {
      expect(w.headers['x-csrftoken']).toBe(CSRF);
      expect(w.headers.cookie).toBe(`session=${SESSION}`);
      expect(w.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(JSON.parse(writes[0]!.body)).toEqual({ dashboard_title: 'x' });
    expect(c.calls).toMatchObject({ list: 1, write: 3, auth: 2 });
  });

  it('fetches a new CSRF token once when Superset rejects it, then retries the write', async () => {
    let rejected = 0;
    server = await startServer(
      withAuth((req, res) => {
        if (rejected === 0) {
          rejected += 1;
          return json(res, 400, {
            errors: [
              { message: '400 Bad Request: The CSRF token is invalid.', error_type: 'GENERIC_BACKEND_ERROR' },
            ],
          });
        }
        return json(res, 201, { id: 3, result: {} });
      }),
    );
    const events: SupersetLogEvent[] = [];
    const c = client(server.url, events);
    expect(await c.create('chart', { slice_name: 's' })).toEqual({ id: 3, result: {} });
    expect(server.seen.filter((r) => r.path === '/api/v1/security/csrf_token/')).toHaveLength(2);
    expect(events.some((e) => e.code === 'superset.auth.csrf-renew')).toBe(true);
  });

  it('refreshes the access token after a 401 "Token has expired" and retries the call', async () => {
    const fresh = jwt({ sub: '1', type: 'access', exp: Math.floor(Date.now() / 1000) + 900, n: 2 });
    server = await startServer(
      withAuth((req, res) => {
        if (req.path === '/api/v1/security/refresh') {
          expect(req.headers.authorization).toBe(`Bearer ${REFRESH}`);
          return json(res, 200, { access_token: fresh });
        }
        if (req.headers.authorization === `Bearer ${ACCESS}`)
          return json(res, 401, { msg: 'Token has expired' });
        return json(res, 200, { result: { id: 5 } });
      }),
    );
    const c = client(server.url);
    expect(await c.get('dataset', 5)).toEqual({ id: 5 });
    expect(server.seen.map((r) => r.path)).toEqual([
      '/api/v1/security/login',
      '/api/v1/dataset/5',
      '/api/v1/security/refresh',
      '/api/v1/dataset/5',
    ]);
    expect(c.calls).toMatchObject({ get: 2, auth: 2 });
  });

  it('logs in again when the refresh token is refused too', async () => {
    let logins = 0;
    server = await startServer((req, res) => {
      if (req.path === '/api/v1/security/login') {
        logins += 1;
        return json(res, 200, { access_token: logins === 1 ? ACCESS : `${ACCESS}x`, refresh_token: REFRESH });
      }
      if (req.path === '/api/v1/security/refresh') return json(res, 401, { msg: 'Token has expired' });
      if (req.headers.authorization === `Bearer ${ACCESS}`)
        return json(res, 401, { msg: 'Token has expired' });
      return json(res, 200, { result: {} });
    });
    const c = client(server.url);
    await c.get('chart', 1);
    expect(logins).toBe(2);
  });

  it('refreshes before a call when the token it holds is about to expire', async () => {
    const expiring = jwt({ sub: '1', type: 'access', exp: Math.floor(Date.now() / 1000) + 5 });
    server = await startServer((req, res) => {
      if (req.path === '/api/v1/security/login')
        return json(res, 200, { access_token: expiring, refresh_token: REFRESH });
      if (req.path === '/api/v1/security/refresh') return json(res, 200, { access_token: ACCESS });
      return json(res, 200, { count: 0, result: [] });
    });
    const c = client(server.url);
    await c.list('chart');
    await c.list('chart');
    // The first call uses the token it just got; the second sees it expire within the margin.
    expect(server.seen.map((r) => r.path)).toEqual([
      '/api/v1/security/login',
      '/api/v1/chart/',
      '/api/v1/security/refresh',
      '/api/v1/chart/',
    ]);
    expect(server.seen[3]!.headers.authorization).toBe(`Bearer ${ACCESS}`);
  });

  it('reports a refused login as a 401 that names the credentials, without the password', async () => {
    server = await startServer((_req, res) => json(res, 401, { message: 'Not authorized' }));
    const err = await client(server.url)
      .list('chart')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SupersetApiError', code: 'unauthorized', status: 401, op: 'login' });
    expect(String(err)).toMatch(/refused the login \(HTTP 401\): check the username and password/);
    expect(String(err)).not.toContain('pw-for-tests');
  });
});

describe('superset client: logging in ahead, and closing', () => {
  it('warmUp logs in at once; the first request waits for that login instead of making another', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server = await startServer(async (req, res) => {
      if (req.path === '/api/v1/security/login') await held;
      return withAuth((_q, r) => json(r, 200, { count: 0, result: [] }))(req, res);
    });
    const c = client(server.url);
    c.warmUp();
    await expect.poll(() => server!.seen.filter((r) => r.path === '/api/v1/security/login').length).toBe(1);
    const listing = c.list('chart');
    release();
    await listing;
    expect(server.seen.map((r) => r.path)).toEqual(['/api/v1/security/login', '/api/v1/chart/']);
    expect(c.calls.auth).toBe(1);
  });

  it("a refused warm-up login is the first request's error (one attempt); the next request logs in again", async () => {
    let logins = 0;
    server = await startServer((req, res) => {
      if (req.path === '/api/v1/security/login' && ++logins === 1)
        return json(res, 401, { message: 'Not authorized' });
      return withAuth((_q, r) => json(r, 200, { count: 0, result: [] }))(req, res);
    });
    const c = client(server.url);
    c.warmUp();
    await expect(c.list('chart')).rejects.toMatchObject({ code: 'unauthorized', op: 'login' });
    expect(logins).toBe(1);
    await expect(c.list('chart')).resolves.toEqual([]);
    expect(logins).toBe(2);
  });

  it('close ends a login waiting to retry at once and refuses later requests', async () => {
    server = await startServer((_req, res) => json(res, 503, { message: 'busy' }));
    const c = createSupersetClient({
      baseUrl: server.url,
      username: 'admin',
      password: 'pw-for-tests',
      // Ten seconds between attempts: only close() can end this promptly.
      retryBaseMs: 10_000,
      capabilities: capabilitiesOf('6.1', '6.1.0'),
    });
    c.warmUp();
    const listing = c.list('chart');
    await expect.poll(() => server!.seen.length).toBe(1);
    const started = performance.now();
    c.close();
    await expect(listing).rejects.toMatchObject({ name: 'ClientClosedError' });
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(c.list('dashboard')).rejects.toMatchObject({ name: 'ClientClosedError' });
    expect(server.seen).toHaveLength(1);
  });

  it('close aborts a request in flight', async () => {
    server = await startServer(() => new Promise<void>(() => undefined));
    const c = client(server.url);
    const listing = c.list('chart');
    await expect.poll(() => server!.seen.length).toBe(1);
    c.close();
    await expect(listing).rejects.toMatchObject({ name: 'ClientClosedError' });
  });
});
