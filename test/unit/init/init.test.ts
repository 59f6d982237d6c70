// `superset-gitops init`: what it writes into an empty folder, what it leaves alone in one that has
// files, the options it refuses, and the workflows it writes (actionlint, and only inputs the action has).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actionlintBinary } from '../../helpers/actionlint.js';
import { parse } from 'yaml';
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';
import { checkScaffoldOptions, packageNameFor } from '../../../src/init/scaffold.js';
import { loadAction, REPO } from '../../helpers/action-runner.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function folder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-init-'));
  temps.push(dir);
  return dir;
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const r = { out: '', color: false, isTTY: false } as Output & { out: string };
  r.stdout = (t) => void (r.out += t);
  r.stderr = (t) => void (r.out += t);
  const code = await main(args, r);
  return { code, out: r.out };
}

const FILES = [
  '.github/workflows/superset-apply.yml',
  '.github/workflows/superset-drift.yml',
  '.github/workflows/superset-pull-request.yml',
  '.gitignore',
  '.vscode/settings.json',
  'README.md',
  'metadata/environments/staging.yaml',
  'package.json',
];

function listFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

const version = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string })
  .version;

describe('init', () => {
  it('scaffolds an empty folder: files that validate, schema lines that point into the installed package', async () => {
    const dir = path.join(folder(), 'Analytics Content');
    const r = await cli([
      'init',
      dir,
      '--superset-url',
      'https://superset.example.com',
      '--zk-connect',
      'zk1:2181,zk2:2181',
    ]);
    expect(r.code, r.out).toBe(0);
    expect(listFiles(dir)).toEqual(FILES);
    for (const f of FILES) expect(r.out).toContain(`created  ${f}`);

    const env = fs.readFileSync(path.join(dir, 'metadata/environments/staging.yaml'), 'utf8');
    expect(env.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../node_modules/superset-gitops/schemas/environment.schema.json',
    );
    // Once the package is installed (here: the repository's own schemas in its place), every path resolves.
    fs.mkdirSync(path.join(dir, 'node_modules/superset-gitops'), { recursive: true });
    fs.symlinkSync(path.join(REPO, 'schemas'), path.join(dir, 'node_modules/superset-gitops/schemas'));
    const schemaLine = /\$schema=(\S+)/.exec(env)![1]!;
    expect(fs.existsSync(path.resolve(dir, 'metadata/environments', schemaLine))).toBe(true);
    const settings = JSON.parse(fs.readFileSync(path.join(dir, '.vscode/settings.json'), 'utf8')) as {
      'yaml.schemas': Record<string, string[]>;
    };
    const kinds = Object.keys(settings['yaml.schemas']).map((p) => path.basename(p, '.schema.json'));
    expect(kinds.sort()).toEqual(['chart', 'dashboard', 'database', 'dataset', 'environment']);
    for (const file of Object.keys(settings['yaml.schemas']))
      expect(fs.existsSync(path.join(dir, file)), file).toBe(true);

    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name: string;
      devDependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('analytics-content');
    expect(pkg.devDependencies).toEqual({ 'superset-gitops': version });

    const validate = await cli(['validate', path.join(dir, 'metadata')]);
    expect(validate.code, validate.out).toBe(0);
    expect(validate.out).toContain('1 environment');
    expect(parse(env)).toMatchObject({
      kind: 'environment',
      name: 'staging',
      superset: { url: 'https://superset.example.com', username: '${env.SUPERSET_USERNAME}' },
      zookeeper: { connect: 'zk1:2181,zk2:2181', root: '/superset-gitops/staging' },
    });
  });

  it('without flags reads the URL and connect string from the environment at run time', async () => {
    const dir = folder();
    expect((await cli(['init', dir, '--env', 'prod'])).code).toBe(0);
    const env = parse(fs.readFileSync(path.join(dir, 'metadata/environments/prod.yaml'), 'utf8')) as {
      superset: { url: string };
      zookeeper: { connect: string; root: string };
    };
    expect(env.superset.url).toBe('${env.SUPERSET_URL}');
    expect(env.zookeeper).toMatchObject({ connect: '${env.ZK_CONNECT}', root: '/superset-gitops/prod' });
  });

  it('on a folder with files adds only what is missing and says what it skipped, byte for byte untouched', async () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "mine" }\n');
    fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.github/workflows/superset-apply.yml'), '# my own\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'mine\n');
    const r = await cli(['init', dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('skipped  package.json (exists;');
    expect(r.out).toContain('skipped  .github/workflows/superset-apply.yml (exists;');
    expect(r.out).toContain('skipped  README.md (exists;');
    expect(r.out).toContain('created  metadata/environments/staging.yaml');
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe('{ "name": "mine" }\n');
    expect(fs.readFileSync(path.join(dir, '.github/workflows/superset-apply.yml'), 'utf8')).toBe(
      '# my own\n',
    );
    expect(listFiles(dir)).toEqual(FILES);

    const again = await cli(['init', dir]);
    expect(again.out).not.toContain('created');
    expect(again.out).toContain('Nothing to add: every file exists.');
  });

  it.each([
    [['--env', 'Prod!'], /--env "Prod!": an environment name is lower-case/],
    [
      ['--superset-url', 'superset.example.com'],
      /--superset-url "superset.example.com": not an http\(s\) URL/,
    ],
    [['--superset-url', 'https://admin:pw@superset.example.com'], /no user or password in the URL/],
    [['--zk-connect', 'zk1'], /--zk-connect "zk1": expected host:port/],
    [['--zk-root', 'superset'], /--zk-root "superset": expected an absolute znode path/],
    [['--action', 'not-an-action'], /--action "not-an-action": expected owner\/name@ref/],
  ])('refuses %o and writes nothing', async (flags, message) => {
    const dir = path.join(folder(), 'repo');
    const r = await cli(['init', dir, ...flags]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(message);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('refuses a path that is a file', async () => {
    const file = path.join(folder(), 'file');
    fs.writeFileSync(file, 'x');
    const r = await cli(['init', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('exists and is not a folder');
  });

  it.each([
    ['Analytics Content', 'analytics-content'],
    ['.hidden', 'hidden'],
    ['___', 'superset-content'],
    ['ÄÖ-data', 'data'],
  ])('package name for folder %s is %s', (name, expected) => {
    expect(packageNameFor(name)).toBe(expected);
  });

  it('accepts the options a team would give', () => {
    expect(
      checkScaffoldOptions({
        version,
        environment: 'prod-eu_1',
        packageName: 'x',
        supersetUrl: 'https://bi.example.com/superset',
        zkConnect: 'zk-1.internal:2181,zk-2.internal:2181/chroot',
        zkRoot: '/teams/bi/superset-gitops',
        action: 'acme/superset-gitops@3f2c1e0',
      }),
    ).toEqual([]);
  });
});

describe('the workflows init writes', () => {
  it('pass actionlint and give the action only inputs it has, with the required ones', async () => {
    const dir = folder();
    expect((await cli(['init', dir, '--env', 'production', '--propose'])).code).toBe(0);
    const bin = actionlintBinary();
    expect(bin, 'actionlint is missing: bash scripts/ensure-deps.sh actionlint').toBeDefined();
    const workflows = fs
      .readdirSync(path.join(dir, '.github/workflows'))
      .map((f) => `.github/workflows/${f}`);
    expect(workflows).toHaveLength(4);
    const lint = spawnSync(bin!, ['-no-color', ...workflows], { cwd: dir, encoding: 'utf8' });
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);

    const action = loadAction();
    const required = Object.entries(action.inputs)
      .filter(([, spec]) => spec.required)
      .map(([name]) => name);
    const used: string[] = [];
    for (const file of fs.readdirSync(path.join(dir, '.github/workflows'))) {
      const wf = parse(fs.readFileSync(path.join(dir, '.github/workflows', file), 'utf8')) as {
        jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
      };
      for (const job of Object.values(wf.jobs))
        for (const step of job.steps.filter((s) => s.uses?.startsWith('superset-gitops/superset-gitops@'))) {
          expect(step.uses).toBe(`superset-gitops/superset-gitops@v${version}`);
          const inputs = Object.keys(step.with ?? {});
          for (const name of inputs) expect(Object.keys(action.inputs), `${file}: ${name}`).toContain(name);
          for (const name of required) expect(inputs, `${file}: ${name}`).toContain(name);
          expect(step.with?.version).toBe(version);
          used.push(String(step.with?.command));
        }
    }
    expect(used.sort()).toEqual(['apply', 'drift', 'plan', 'validate', 'validate']);
    // The proposal workflow runs the command the CLI has, with the secrets it reads.
    const propose = fs.readFileSync(path.join(dir, '.github/workflows/superset-propose.yml'), 'utf8');
    expect(propose).toContain('"$CLI" github propose --env production');
    expect(propose).toContain('SUPERSET_PASSWORD: ${{ secrets.SUPERSET_PASSWORD }}');
    expect((await cli(['github', 'propose', '--help'])).code).toBe(0);
  });
});
