// The tool as a user installs it: `npm pack` gives a tarball that installs into an empty folder
// outside the repository (its dependencies from the registry, the native ZooKeeper client built as
// npm builds it for any user, no dev dependencies), and the installed CLI works from there: version,
// help, the JSON Schemas inside the package, and validate and plan on a metadata tree of that folder
// against the local services.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient, deleteTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../../..');
let work: string;
let app: string;
const root = `/superset-gitops-test/pack-${Date.now()}`;

async function cli(args: string[], env: Record<string, string> = {}) {
  return run(path.join(app, 'node_modules/.bin/superset-gitops'), args, {
    cwd: app,
    env: { ...process.env, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? 1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    }),
  );
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-pack-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: REPO });
  const tarball = path.join(work, packed.stdout.trim().split('\n').pop() ?? '');
  expect(fs.existsSync(tarball), tarball).toBe(true);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'content', private: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], { cwd: app });
}, 300_000);

afterAll(async () => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
  const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
  try {
    await deleteTree(zk, root);
  } finally {
    zk.close();
  }
});

describe('the packed tool, installed into an empty folder', () => {
  it('installs without dev dependencies and answers --version and --help', async () => {
    const installed = path.join(app, 'node_modules/superset-gitops');
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout.trim()).toBe(pkg.version);
    const help = await cli(['--help']);
    for (const command of ['validate', 'plan', 'apply', 'drift', 'watch', 'import', 'export', 'state'])
      expect(help.stdout).toContain(command);
    expect(fs.existsSync(path.join(app, 'node_modules/vitest'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'node_modules/typescript'))).toBe(false);
    // The native client was built on install, and the schemas ship with stable ids.
    const schema = JSON.parse(fs.readFileSync(path.join(installed, 'schemas/chart.schema.json'), 'utf8')) as {
      $id: string;
    };
    expect(schema.$id).toBe('https://superset-gitops.dev/schemas/chart.schema.json');
    expect(installed.startsWith(REPO)).toBe(false);
  });

  it('validates and plans a metadata tree of that folder against the local services', async () => {
    fs.cpSync(path.join(REPO, 'metadata'), path.join(app, 'metadata'), { recursive: true });
    const validate = await cli(['validate', 'metadata']);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const { supersetUrl, zkConnect } = serviceEndpoints();
    // Its own registry root, so nothing of the demo's is read or written.
    const env = path.join(app, 'metadata/environments/local.yaml');
    fs.writeFileSync(
      env,
      fs.readFileSync(env, 'utf8').replace('root: /superset-gitops/local', `root: ${root}`),
    );
    const plan = await cli(['plan', '--env', 'local'], { SUPERSET_URL: supersetUrl, ZK_CONNECT: zkConnect });
    // 2: changes to make (this registry has applied nothing); never 1.
    expect(plan.code, plan.stdout + plan.stderr).toBe(2);
    expect(plan.stdout).toMatch(/Plan: \d+ to create/);
  });
});
