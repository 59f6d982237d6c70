// The tool as a data team uses it from its own repository, with nothing of this repository on the
// path: `npm pack` gives a tarball; the action's install step (run as the runner runs it) installs it
// into an empty folder outside the repository (dependencies from the registry, the native ZooKeeper
// client built as npm builds it, no dev dependencies); `init` scaffolds a content repository; `npm
// install` there puts the package where the schema lines point; and validate, plan, apply and prune
// run from that folder against the local services, then the action plans and posts the sticky comment
// to a recording GitHub server.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../../helpers/action-runner.js';
import { startFakeGitHub, type FakeGitHub } from '../../unit/github/github-server.js';
import { ZkClient, deleteTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { adminClient } from '../sync/fixture.js';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../../..');
const stamp = Date.now().toString(36);
const root = `/superset-gitops-test/content-${stamp}`;
const { supersetUrl, supersetUser, supersetPassword, zkConnect, pgHost, pgPort } = serviceEndpoints();

let work: string;
let tarball: string;
/** The CLI the action installed (under its RUNNER_TEMP), and the content repository. */
let tool: string;
let content: string;
let github: FakeGitHub | undefined;

/** PATH without any folder of this repository (npm test puts node_modules/.bin on it). */
const PATH = (process.env.PATH ?? '')
  .split(path.delimiter)
  .filter((d) => d && !path.resolve(d).startsWith(REPO))
  .join(path.delimiter);
const secrets = {
  SUPERSET_USERNAME: supersetUser,
  SUPERSET_PASSWORD: supersetPassword,
  CONTENT_DB_PASSWORD: process.env.WAREHOUSE_PASSWORD || 'warehouse-demo-pw-1',
};

async function sh(bin: string, args: string[], env: Record<string, string> = {}) {
  return run(bin, args, { cwd: content, env: { ...process.env, PATH, ...env }, maxBuffer: 32 << 20 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof e.code === 'number' ? e.code : 1,
      out: (e.stdout ?? '') + (e.stderr ?? ''),
    }),
  );
}
/** `npx superset-gitops ...` in the content repository, as its README says. */
const npx = (args: string[]) => sh('npx', ['--no-install', 'superset-gitops', ...args], secrets);

/** Database names in Superset, read with the project's own client (not the tool under test). */
const admin = adminClient();
const allDatabases = async () => (await admin.list('database')).map((d) => d.name).sort();
const databaseNamed = async (name: string) => (await allDatabases()).filter((n) => n === name);

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-content-'));
  content = path.join(work, 'analytics');
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', work], { cwd: REPO });
  tarball = path.join(work, packed.stdout.trim().split('\n').pop() ?? '');
  expect(fs.existsSync(tarball), tarball).toBe(true);
  const install = await runAction(
    { command: 'validate', version: tarball, dir: 'nothing-here' },
    { cwd: work, runnerTemp: path.join(work, 'runner'), env: { PATH } },
  );
  tool = install.outputs.cli ?? '';
  expect(fs.existsSync(tool), install.stdout).toBe(true);
}, 300_000);

afterAll(async () => {
  await github?.close();
  // A run that failed half way leaves its objects: remove them (charts first), by this run's stamp.
  for (const kind of ['chart', 'dataset', 'database'] as const)
    for (const o of await admin.list(kind)) if (o.name.includes(stamp)) await admin.remove(kind, o.id);
  if (work) fs.rmSync(work, { recursive: true, force: true });
  const zk = await ZkClient.connect({ connect: zkConnect, connectTimeoutMs: 10_000 });
  try {
    await deleteTree(zk, root);
  } finally {
    zk.close();
  }
});

describe('the packed tool, installed by the action into an empty folder', () => {
  it('has no dev dependencies and answers --version and --help, with the schemas and their stable ids', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(tool.startsWith(REPO)).toBe(false);
    const version = await run(tool, ['--version'], { env: { ...process.env, PATH } });
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await run(tool, ['--help'], { env: { ...process.env, PATH } });
    for (const command of [
      'init',
      'validate',
      'plan',
      'apply',
      'drift',
      'watch',
      'import',
      'export',
      'state',
    ])
      expect(help.stdout).toContain(command);
    const modules = path.resolve(path.dirname(tool), '..');
    expect(fs.existsSync(path.join(modules, 'vitest'))).toBe(false);
    expect(fs.existsSync(path.join(modules, 'typescript'))).toBe(false);
    expect(fs.existsSync(path.join(modules, 'zookeeper'))).toBe(true);
    const schema = JSON.parse(
      fs.readFileSync(path.join(modules, 'superset-gitops/schemas/chart.schema.json'), 'utf8'),
    ) as { $id: string };
    expect(schema.$id).toBe('https://superset-gitops.dev/schemas/chart.schema.json');
  });
});

describe('a content repository made by init', () => {
  const db = `content-${stamp}`;
  const files = {
    database: `metadata/databases/${db}.yaml`,
    dataset: `metadata/datasets/${db}/orders_by_region.yaml`,
    chart: `metadata/charts/orders_by_region/orders-by-region.yaml`,
  };

  it('init, npm install, then validate, plan, apply and plan again from that folder', async () => {
    const init = await run(
      tool,
      [
        'init',
        content,
        '--env',
        'staging',
        '--superset-url',
        supersetUrl,
        '--zk-connect',
        zkConnect,
        '--zk-root',
        root,
      ],
      { cwd: work, env: { ...process.env, PATH } },
    );
    expect(init.stdout).toContain('created  metadata/environments/staging.yaml');
    // The scaffold pins the version from npm; here the same version is the tarball.
    const pkgFile = path.join(content, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { devDependencies: Record<string, string> };
    pkg.devDependencies['superset-gitops'] = `file:${tarball}`;
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
    const install = await sh('npm', ['install', '--no-audit', '--no-fund']);
    expect(install.code, install.out).toBe(0);
    const envFile = fs.readFileSync(path.join(content, 'metadata/environments/staging.yaml'), 'utf8');
    const schemaRef = /\$schema=(\S+)/.exec(envFile)![1]!;
    expect(fs.existsSync(path.resolve(content, 'metadata/environments', schemaRef))).toBe(true);
    expect(fs.realpathSync(path.join(content, 'node_modules/superset-gitops')).startsWith(REPO)).toBe(false);

    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(content, file)), { recursive: true });
      fs.writeFileSync(path.join(content, file), text);
    };
    write(
      files.database,
      `kind: database\nname: ${db}\nsqlalchemy_uri: postgresql://warehouse@${pgHost}:${pgPort}/warehouse\npassword: \${env.CONTENT_DB_PASSWORD}\n`,
    );
    write(
      files.dataset,
      `kind: dataset\nname: orders_by_region_${stamp}\ndatabase: ${db}\nsql: SELECT region, amount FROM orders\nmetrics:\n  - name: revenue\n    expression: SUM(amount)\n`,
    );
    write(
      files.chart,
      `kind: chart\nname: Orders by region ${stamp}\ndataset: orders_by_region_${stamp}\nviz_type: table\nparams:\n  query_mode: aggregate\n  groupby: [region]\n  metrics: [revenue]\n  row_limit: 100\n  time_range: No filter\n`,
    );

    const validate = await npx(['validate']);
    expect(validate.code, validate.out).toBe(0);
    expect(validate.out).toContain('4 files valid');
    const plan = await npx(['plan', '--env', 'staging']);
    expect(plan.code, plan.out).toBe(2);
    expect(plan.out).toContain('Plan: 3 to create, 0 to change, 0 to delete.');
    const apply = await npx(['apply', '--env', 'staging']);
    expect(apply.code, apply.out).toBe(0);
    expect(apply.out).toContain('Apply complete: 3 created, 0 updated, 0 deleted');
    expect(await databaseNamed(db)).toEqual([db]);
    const again = await npx(['plan', '--env', 'staging']);
    expect(again.code, again.out).toBe(0);
    // The secret came from the environment and went nowhere it could be printed.
    for (const out of [plan.out, apply.out, again.out])
      expect(out).not.toContain(secrets.CONTENT_DB_PASSWORD);
  }, 300_000);

  it('the action plans in that repository and posts one sticky comment, edited in place on a rerun', async () => {
    github = await startFakeGitHub('acme', 'analytics');
    const event = path.join(work, 'event.json');
    fs.writeFileSync(event, JSON.stringify({ pull_request: { number: 7 } }));
    fs.appendFileSync(path.join(content, files.chart), '  order_desc: true\n');
    const inputs = { command: 'plan', environment: 'staging', version: tarball, comment: 'true' };
    const options = {
      cwd: content,
      runnerTemp: path.join(work, 'runner'),
      githubToken: 'test-token',
      env: {
        PATH,
        ...secrets,
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/analytics',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
      },
    };
    const first = await runAction(inputs, options);
    expect(first.status, first.stdout).toBe(0);
    expect(first.outputs).toMatchObject({
      'exit-code': '2',
      result: 'changes',
      summary: 'Plan: 0 to create, 1 to change, 0 to delete. (2 unchanged)',
    });
    expect(first.outputs.cli).toBe(tool);
    expect(fs.readFileSync(first.outputs.report!, 'utf8')).toContain(`Orders by region ${stamp}`);
    expect(github.comments, first.stdout).toHaveLength(1);
    expect(github.comments[0]!.issue).toBe(7);
    expect(github.comments[0]!.body).toContain('Plan: 0 to create, 1 to change, 0 to delete.');
    const second = await runAction(inputs, options);
    expect(second.status, second.stdout).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.requests.find((r) => r.method !== 'GET')?.authorization).toBe('token test-token');
    expect(JSON.stringify(github.requests)).not.toContain(secrets.CONTENT_DB_PASSWORD);
  }, 300_000);

  it('files removed from git are deleted with --prune, and only those', async () => {
    const before = await allDatabases();
    for (const file of Object.values(files)) fs.rmSync(path.join(content, file));
    const prune = await npx(['apply', '--env', 'staging', '--prune']);
    expect(prune.code, prune.out).toBe(0);
    expect(prune.out).toContain('0 created, 0 updated, 3 deleted');
    expect(await databaseNamed(db)).toEqual([]);
    // Every other database (the demo's, other tests') was not this registry's: still there.
    expect(await allDatabases()).toEqual(before.filter((name) => name !== db));
  }, 300_000);
});
