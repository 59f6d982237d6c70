import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../src/superset/capabilities.js';
import { createSupersetClient, type SupersetLogEvent } from '../../../src/superset/index.js';
import { closedPort, json, startServer, withAuth, type LocalServer, type Seen } from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(
  url: string,
  extra: { timeoutMs?: number; maxRetries?: number; events?: SupersetLogEvent[] } = {},
) {
  return createSupersetClient({
    baseUrl: url,
    username: 'admin',
    password: 'pw-for-tests',
    retryBaseMs: 10,
    timeoutMs: extra.timeoutMs ?? 2000,
    maxRetries: extra.maxRetries ?? 3,
    log: (e) => extra.events?.push(e),
    capabilities: capabilitiesOf('6.1', '6.1.0'),
  });
}

const api = (seen: Seen[]) => seen.filter((r) => !r.path.startsWith('/api/v1/security/'));

describe('superset client: retries', () => {
  it('retries a GET on 5xx with growing backoff and succeeds', async () => {
    let n = 0;
    server = await startServer(
      withAuth((_req, res) => {
        n += 1;
        if (n <= 2) return json(res, n === 1 ? 502 : 503, { message: 'Fatal error' });
        return json(res, 200, { result: { id: 1 } });
      }),
    );
    const events: SupersetLogEvent[] = [];
    const c = client(server.url, { events });
    expect(await c.get('dashboard', 1)).toEqual({ id: 1 });
    expect(api(server.seen)).toHaveLength(3);
    expect(c.calls).toMatchObject({ get: 3, retries: 2 });
    const waits = events
      .filter((e) => e.code === 'superset.retry')
      .map((e) => Number(/in (\d+) ms/.exec(e.message)?.[1]));
    expect(waits).toHaveLength(2);
    // base 10: attempt 0 waits 5..10 ms, attempt 1 waits 10..20 ms
    expect(waits[0]).toBeGreaterThanOrEqual(5);
    expect(waits[0]).toBeLessThanOrEqual(10);
    expect(waits[1]).toBeGreaterThanOrEqual(10);
    expect(waits[1]).toBeLessThanOrEqual(20);
  });

  it('runs the write fence before every attempt of a PUT, retries included, and stops when it fails', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 503, { message: 'busy' })));
    const c = client(server.url, { maxRetries: 3 });
    let fenced = 0;
    await expect(
      c.update(
        'chart',
        4,
        { slice_name: 'a' },
        {
          fence: () => {
            fenced += 1;
            return fenced >= 3 ? Promise.reject(new Error('apply lock lost: test')) : Promise.resolve();
          },
        },
      ),
    ).rejects.toThrow('apply lock lost: test');
    // Two attempts went out; the third was stopped by its fence before it was sent.
    expect(fenced).toBe(3);
    expect(api(server.seen).filter((r) => r.method === 'PUT')).toHaveLength(2);
    let deletes = 0;
    await expect(
      c.remove('chart', 4, {
        fence: () => (deletes++ === 0 ? Promise.reject(new Error('lost')) : Promise.resolve()),
      }),
    ).rejects.toThrow('lost');
    expect(api(server.seen).filter((r) => r.method === 'DELETE')).toHaveLength(0);
  });

  it('retries PUT and DELETE on 5xx but never a POST', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 500, { message: 'Fatal error' })));
    const c = client(server.url, { maxRetries: 2 });
    await expect(c.update('chart', 4, { slice_name: 'a' })).rejects.toMatchObject({
      code: 'server-error',
      status: 500,
    });
    await expect(c.remove('chart', 4)).rejects.toMatchObject({ code: 'server-error' });
    await expect(c.create('chart', { slice_name: 'a' })).rejects.toMatchObject({
      code: 'server-error',
      op: 'create',
    });
    const methods = api(server.seen).map((r) => r.method);
    expect(methods).toEqual(['PUT', 'PUT', 'PUT', 'DELETE', 'DELETE', 'DELETE', 'POST']);
    expect(c.calls).toMatchObject({ write: 7, retries: 4 });
  });

  it('retries a 429 for any method, waiting what Retry-After asks', async () => {
    let n = 0;
    server = await startServer(
      withAuth((_req, res) => {
        n += 1;
        if (n === 1) return json(res, 429, { message: 'Too many requests' }, { 'Retry-After': '1' });
        return json(res, 201, { id: 9, result: {} });
      }),
    );
    const c = client(server.url);
    const started = Date.now();
    expect((await c.create('dashboard', {})).id).toBe(9);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(api(server.seen).map((r) => r.method)).toEqual(['POST', 'POST']);
  });

  it('gives up on a 429 after the last retry with a rate-limited error', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 429, {}, { 'Retry-After': '0' })));
    const c = client(server.url, { maxRetries: 2 });
    await expect(c.list('chart')).rejects.toMatchObject({ code: 'rate-limited', status: 429 });
    expect(api(server.seen)).toHaveLength(3);
  });

  it('times out a request that gets no answer, retries a GET, then says how long it waited', async () => {
    server = await startServer(
      withAuth(() => {
        /* never answers */
      }),
    );
    const c = client(server.url, { timeoutMs: 150, maxRetries: 1 });
    const started = Date.now();
    const err = await c.get('chart', 1).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toMatchObject({
      name: 'SupersetApiError',
      code: 'timeout',
      status: 0,
      kind: 'chart',
      objectId: 1,
    });
    expect(String(err)).toContain(
      `Superset at ${server.url} did not answer within 150 ms while reading chart 1 after 2 attempts`,
    );
    expect(api(server.seen)).toHaveLength(2);
  });

  it('does not retry a POST that timed out (it may have been applied)', async () => {
    server = await startServer(
      withAuth(() => {
        /* never answers */
      }),
    );
    const c = client(server.url, { timeoutMs: 150 });
    await expect(c.create('chart', { slice_name: 'x' })).rejects.toMatchObject({ code: 'timeout' });
    expect(api(server.seen)).toHaveLength(1);
  });

  it('retries a GET whose connection was reset, not a POST', async () => {
    let n = 0;
    server = await startServer(
      withAuth((_req, res) => {
        n += 1;
        if (n === 1 || n === 3) {
          res.socket?.destroy();
          return;
        }
        return json(res, 200, { count: 0, result: [] });
      }),
    );
    const c = client(server.url);
    expect(await c.list('chart')).toEqual([]);
    await expect(c.create('chart', {})).rejects.toMatchObject({ code: 'unreachable', status: 0 });
    expect(api(server.seen).map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
  });

  it('says it cannot reach Superset when nothing listens, after retrying', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const c = client(url, { maxRetries: 2 });
    const err = await c.list('database').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SupersetApiError', code: 'unreachable', status: 0, op: 'login' });
    expect(String(err)).toContain(
      `Cannot reach Superset at ${url} while logging in after 3 attempts (ECONNREFUSED)`,
    );
    expect(err).not.toHaveProperty('cause');
    expect(err).not.toHaveProperty('config');
    expect(err).not.toHaveProperty('request');
  });
});
