// The bundle's axios (scripts/bundle-axios.mjs, scripts/bundle-shims/form-data.mjs): loading the
// Superset client as bundled reads none of the globals that make Node load its undici, and the client
// still sends a FormData import bundle as multipart.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { json, startServer, withAuth, type LocalServer } from '../superset/local-server.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const plugin = (await import(pathToFileURL(path.join(REPO, 'scripts/bundle-axios.mjs')).href)) as {
  axiosWithoutUndici: Plugin;
  patchUtils(source: string): string | undefined;
  FORM_DATA_LINE: string;
};
const { bundleOptions } = (await import(pathToFileURL(path.join(REPO, 'scripts/bundle.mjs')).href)) as {
  bundleOptions: () => BuildOptions;
};
const shimPath = path.join(REPO, 'scripts/bundle-shims/form-data.mjs');
const Shim = ((await import(pathToFileURL(shimPath).href)) as { default: new () => FormData }).default;

// Inside the repository, so that the bundle's require() of external packages resolves as dist's does.
fs.mkdirSync(path.join(REPO, 'dist'), { recursive: true });
const outdir = fs.mkdtempSync(path.join(REPO, 'dist', '.test-bundle-'));
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The Superset client bundled with scripts/bundle.mjs's own options, with or without the plugin. */
async function bundleClient(name: string, withPlugin: boolean): Promise<string> {
  const options = bundleOptions();
  await build({
    ...options,
    entryPoints: { [name]: path.join(REPO, 'src/superset/index.ts') },
    outdir,
    plugins: (options.plugins ?? []).filter((p) => withPlugin || p !== plugin.axiosWithoutUndici),
    logLevel: 'silent',
  });
  return path.join(outdir, `${name}.js`);
}

// Run in a child: which undici globals loading the bundle reads, then one import through the client.
const CHILD = `
const [bundle, baseUrl] = process.argv.slice(1);
const read = new Set();
for (const name of ['fetch', 'FormData', 'Request', 'Response', 'Headers', 'File']) {
  const d = Object.getOwnPropertyDescriptor(globalThis, name);
  if (!d || !d.get) continue;
  Object.defineProperty(globalThis, name, {
    configurable: true, enumerable: d.enumerable, set: d.set,
    get() { read.add(name); return d.get.call(this); },
  });
}
const { createSupersetClient } = await import(bundle);
const onLoad = [...read];
const client = createSupersetClient({ baseUrl, username: 'admin', password: 'pw-for-tests', maxRetries: 0 });
await client.importBundle(Buffer.from('PK\\x03\\x04zip-bytes', 'latin1'), { passwords: { 'databases/wh.yaml': 'db-pw-123' }, overwrite: true });
console.log(JSON.stringify({ onLoad }));
`;

async function runChild(bundle: string, baseUrl: string): Promise<{ onLoad: string[] }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', CHILD, pathToFileURL(bundle).href, baseUrl],
    { cwd: REPO },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { onLoad: string[] };
}

describe('the bundle leaves undici unloaded until it is needed', () => {
  it('the installed axios has the line the plugin replaces', () => {
    const utils = fs.readFileSync(path.join(REPO, 'node_modules/axios/lib/utils.js'), 'utf8');
    const patched = plugin.patchUtils(utils);
    expect(patched).toBeDefined();
    expect(patched).not.toContain(plugin.FORM_DATA_LINE);
    expect(patched).not.toMatch(/G\.FormData/);
    expect(plugin.patchUtils('const x = 1;')).toBeUndefined();
  });

  it('the FormData stand-in makes and recognises Node FormData objects', () => {
    const form = new Shim();
    expect(form).toBeInstanceOf(globalThis.FormData);
    expect(form).toBeInstanceOf(Shim);
    expect(new globalThis.FormData()).toBeInstanceOf(Shim);
    expect({ append() {} }).not.toBeInstanceOf(Shim);
  });

  it('loads without reading undici globals and still posts a multipart bundle', async () => {
    server = await startServer(withAuth((_req, res) => json(res, 200, { message: 'OK' })));
    const patched = await runChild(await bundleClient('patched', true), server.url);
    expect(patched.onLoad).toEqual([]);
    const post = server.seen.at(-1)!;
    expect(post.path).toBe('/api/v1/assets/import/');
    expect(post.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(post.body).toMatch(
      /name="bundle"; filename="bundle.zip"\r\nContent-Type: application\/zip\r\n\r\nPK\x03\x04zip-bytes/,
    );
    expect(post.body).toContain('name="passwords"\r\n\r\n{"databases/wh.yaml":"db-pw-123"}');

    // Without the plugin, axios itself reads them when it loads: the check above can see it.
    const unpatched = await runChild(await bundleClient('unpatched', false), server.url);
    expect(unpatched.onLoad).toEqual(expect.arrayContaining(['FormData', 'Request', 'Response']));
  }, 60_000);
});
