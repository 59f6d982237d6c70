// loadProject hands the environment over as soon as the files are read (for the early login), only
// when the environment's own file is valid and resolves; every problem is still the load's error.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../../src/engine/project.js';
import type { ResolvedEnvironment } from '../../../src/environment/resolve.js';

const ENV = `kind: environment
name: it
superset:
  url: http://127.0.0.1:1
  username: \${env.EARLY_TEST_USER:-admin}
  password: \${env.EARLY_TEST_PASSWORD}
zookeeper:
  connect: 127.0.0.1:2
  root: /early-test
`;
const DATABASE = 'kind: database\nname: wh\nsqlalchemy_uri: postgresql://u@127.0.0.1:5/db\n';

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sgo-project-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'metadata', file)), { recursive: true });
    writeFileSync(path.join(dir, 'metadata', file), text);
  }
  return path.join(dir, 'metadata');
}

async function load(
  files: Record<string, string>,
  env: Record<string, string> = { EARLY_TEST_PASSWORD: 'pw' },
) {
  const seen: ResolvedEnvironment[] = [];
  const loading = loadProject(tree(files), 'it', env, (e) => seen.push(e));
  const result = await loading.then(
    (project) => ({ project, error: undefined }),
    (error: Error) => ({ project: undefined, error }),
  );
  return { seen, ...result };
}

describe('loadProject and the early environment', () => {
  // The callback adds a broken file to the tree: the load reads it (and fails) only if the
  // environment was given before the tree was read.
  async function loadAddingBrokenFile(envFile: string) {
    const dir = tree({ [envFile]: ENV, 'databases/wh.yaml': DATABASE });
    const seen: ResolvedEnvironment[] = [];
    const result = await loadProject(dir, 'it', { EARLY_TEST_PASSWORD: 'pw' }, (e) => {
      seen.push(e);
      writeFileSync(path.join(dir, 'databases', 'late.yaml'), 'kind: database\nname: [unclosed\n');
    }).then(
      (project) => ({ project, error: undefined }),
      (error: Error) => ({ project: undefined, error }),
    );
    return { seen, ...result };
  }

  it('reads environments/<name>.yaml before the rest of the tree', async () => {
    const { seen, error } = await loadAddingBrokenFile('environments/it.yaml');
    expect(seen).toHaveLength(1);
    expect(error?.message).toMatch(/late\.yaml/);
  });

  it('finds the environment in any other file once the tree is read', async () => {
    const { seen, project, error } = await loadAddingBrokenFile('config/the-it-env.yml');
    expect(error).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(project?.objects.map((o) => o.name)).toEqual(['wh']);
  });

  it('gives the file at environments/<name>.yaml early even when another file names it too; the load fails', async () => {
    const { seen, error } = await load({
      'environments/it.yaml': ENV,
      'environments/again.yaml': ENV,
      'databases/wh.yaml': DATABASE,
    });
    expect(seen).toHaveLength(1);
    expect(error?.message).toMatch(/error\(s\)/);
  });

  it('does not look outside environments/ for a name that is a path', async () => {
    const { seen, error } = await load({ 'environments/it.yaml': ENV, 'databases/wh.yaml': DATABASE });
    expect(error).toBeUndefined();
    expect(seen).toHaveLength(1);
    const dir = tree({ 'environments/it.yaml': ENV });
    const none: ResolvedEnvironment[] = [];
    await loadProject(dir, '../environments/it', { EARLY_TEST_PASSWORD: 'pw' }, (e) => none.push(e)).catch(
      () => undefined,
    );
    expect(none).toEqual([]);
  });

  it('gives the environment once, the same as the project gets', async () => {
    const { seen, project } = await load({ 'environments/it.yaml': ENV, 'databases/wh.yaml': DATABASE });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.superset.url).toBe('http://127.0.0.1:1');
    expect(seen[0]!.superset.password.reveal()).toBe('pw');
    expect(project?.env.superset).toMatchObject({ url: seen[0]!.superset.url, username: 'admin' });
  });

  it('gives it before the objects are validated: a broken object file still fails the load', async () => {
    const { seen, error } = await load({
      'environments/it.yaml': ENV,
      'databases/wh.yaml': 'kind: database\nname: [unclosed\n',
    });
    expect(seen).toHaveLength(1);
    expect(error?.message).toMatch(/has \d+ error\(s\)[\s\S]*wh\.yaml:\d+/);
  });

  it.each([
    [
      'the environment file is invalid',
      { 'environments/it.yaml': ENV.replace('root: /early-test', 'root: 5') },
      true,
    ],
    [
      'two files name it, neither at environments/it.yaml',
      { 'environments/one.yaml': ENV, 'environments/again.yaml': ENV },
      true,
    ],
    ['a variable it needs is not set', { 'environments/it.yaml': ENV }, false],
    [
      'there is no such environment',
      { 'environments/other.yaml': ENV.replace('name: it', 'name: other') },
      true,
    ],
  ])('gives nothing when %s, and the load fails', async (_label, files, passwordSet) => {
    const env: Record<string, string> = passwordSet ? { EARLY_TEST_PASSWORD: 'pw' } : {};
    const { seen, error } = await load({ ...files, 'databases/wh.yaml': DATABASE }, env);
    expect(seen).toEqual([]);
    expect(error).toBeInstanceOf(Error);
  });
});
