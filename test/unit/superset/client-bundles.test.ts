import { afterEach, describe, expect, it } from 'vitest';
import { createSupersetClient } from '../../../src/superset/index.js';
import { json, startServer, withAuth, type LocalServer } from './local-server.js';

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ZIP = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from('rest-of-zip')]);

function client(url: string) {
  return createSupersetClient({ baseUrl: url, username: 'admin', password: 'pw-for-tests', maxRetries: 0 });
}

describe('superset client: bundles', () => {
  it('exports the given ids as a Rison list and returns the zip bytes', async () => {
    server = await startServer(
      withAuth((_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/zip' });
        res.end(ZIP);
      }),
    );
    const c = client(server.url);
    expect(await c.exportBundle('dashboard', [3, 4])).toEqual(ZIP);
    expect(await c.exportBundle('assets')).toEqual(ZIP);
    const exports = server.seen.filter((r) => r.path.includes('/export/'));
    expect(exports.map((r) => `${r.path}?${r.query.toString()}`)).toEqual([
      '/api/v1/dashboard/export/?q=%21%283%2C4%29',
      '/api/v1/assets/export/?',
    ]);
    expect(exports[0]!.query.get('q')).toBe('!(3,4)');
    expect(c.calls).toMatchObject({ get: 2 });
  });

  it('exports every object of a kind when no ids are given', async () => {
    server = await startServer(
      withAuth((req, res) => {
        if (req.path === '/api/v1/chart/')
          return json(res, 200, { count: 2, result: [{ id: 5 }, { id: 8 }] });
        res.writeHead(200, { 'Content-Type': 'application/zip' });
        res.end(ZIP);
      }),
    );
    await client(server.url).exportBundle('chart');
    expect(server.seen.at(-1)!.query.get('q')).toBe('!(5,8)');
  });

  it('rejects an export answer that is not a zip', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 200, { result: [] })));
    await expect(client(server.url).exportBundle('database', [1])).rejects.toMatchObject({
      code: 'bad-response',
      message: 'Superset gave an unexpected answer while exporting databases: the answer is not a zip file.',
    });
  });

  it('imports with the zip in `bundle`, passwords as JSON, CSRF and cookie', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 200, { message: 'OK' })));
    await client(server.url).importBundle(ZIP, {
      passwords: { 'databases/wh.yaml': 'db-pw-123' },
      overwrite: true,
    });
    const post = server.seen.at(-1)!;
    expect(post.path).toBe('/api/v1/assets/import/');
    expect(post.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(post.headers['x-csrftoken']).toBeDefined();
    expect(post.headers.cookie).toMatch(/^session=/);
    expect(post.body).toMatch(
      /name="bundle"; filename="bundle.zip"\r\nContent-Type: application\/zip\r\n\r\nPK\x03\x04rest-of-zip/,
    );
    expect(post.body).toContain('name="passwords"\r\n\r\n{"databases/wh.yaml":"db-pw-123"}');
    expect(post.body).not.toContain('name="sparse"');
  });

  it('sends each import on a connection of its own, while other requests share one', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 200, { message: 'OK', result: [] })));
    const c = client(server.url);
    await c.importBundle(ZIP, { overwrite: true });
    await c.importBundle(ZIP, { overwrite: true });
    await c.tables!(1, 'public');
    const imports = server.seen.filter((s) => s.path === '/api/v1/assets/import/').map((s) => s.remotePort);
    const others = server.seen.filter((s) => s.path !== '/api/v1/assets/import/').map((s) => s.remotePort);
    expect(imports).toHaveLength(2);
    expect(others.length).toBeGreaterThanOrEqual(3); // login, CSRF token, tables
    expect(new Set(others).size).toBe(1);
    expect(new Set([...imports, ...others]).size).toBe(3);
  });
});
