// The environment option `mark_managed`: Superset's is_managed_externally / external_url on what the
// tool writes. Hashes without it stay as they were (applied records hold them); with it,
// is_managed_externally is compared and external_url never is; the writes carry both.
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../../src/drift/compute.js';
import { runApply, snapshotObjects } from '../../../src/engine/apply-run.js';
import { compareTrees } from '../../../src/diff/compare.js';
import { convertBundle, convertLive } from '../../../src/engine/import-run.js';
import { runPlan } from '../../../src/engine/plan-run.js';
import { ATTRIBUTE_OPTIONS, attributeOptionsFor } from '../../../src/superset-map/attribute-options.js';
import { withRepositoryPaths } from '../../../src/engine/project.js';
import { desiredFromSnapshot } from '../../../src/engine/rollback-run.js';
import { resolveEnvironment } from '../../../src/environment/resolve.js';
import { toBundle } from '../../../src/export/to-bundle.js';
import type { CommitInfo } from '../../../src/git/head.js';
import { parse } from 'yaml';
import { externalUrl, markingFor } from '../../../src/model/managed.js';
import type { AnyDesired } from '../../../src/model/object.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import { planChanges } from '../../../src/plan/plan.js';
import type { LiveEntry } from '../../../src/plan/types.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import type { Snapshot } from '../../../src/registry/registry.js';
import type { EnvironmentSpec } from '../../../src/schema/index.js';
import type { Services } from '../../../src/engine/services.js';
import { fakeServices } from '../../helpers/services.js';
import { BASE_TREE, validateWith, writeTree } from '../../helpers/tree.js';
import { FakePort } from '../sync/fake-port.js';
import { object } from '../sync/objects.js';

const REPO = 'https://github.com/acme/analytics';
const SHA1 = '1111111111111111111111111111111111111111';
const SHA2 = '2222222222222222222222222222222222222222';
const MARKED = attributeOptionsFor({ repositoryUrl: REPO });

/** The four kinds, each with the file it came from (as loadProject gives it in a marking environment). */
function tree(): AnyDesired[] {
  const at = (o: AnyDesired, repoPath: string) => ({ ...o, source: { ...o.source, repoPath } }) as AnyDesired;
  return [
    at(object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@h/db' }), 'metadata/databases/wh.yaml'),
    at(
      object('dataset', 'orders', {
        database: 'wh',
        schema: 'public',
        always_filter_main_dttm: true,
        metrics: [{ name: 'n', expression: 'COUNT(*)' }],
      }),
      'metadata/datasets/wh/orders.yaml',
    ),
    at(
      object('chart', 'Revenue', { dataset: 'orders', viz_type: 'pie', params: { metric: 'count' } }),
      'metadata/charts/sales/revenue by region.yaml',
    ),
    at(
      object('dashboard', 'Sales', { title: 'Sales', layout: [{ row: [{ chart: 'Revenue' }] }] }),
      'metadata/dashboards/sales.yaml',
    ),
  ];
}

/** The fake port, with a dataset's GET naming its database as Superset's does (`database: {...}`). */
class Port extends FakePort {
  override async get(kind: Parameters<FakePort['get']>[0], id: number) {
    const raw = await super.get(kind, id);
    if (kind !== 'dataset') return raw;
    const db = [...this.objects.values()].find((o) => o.kind === 'database' && o.id === raw.database_id);
    return { ...raw, database: { id: db?.id, uuid: db?.uuid, database_name: db?.database_name } };
  }
}

const commit = (sha: string): CommitInfo => ({
  sha,
  author: 'test',
  message: 'test',
  time: new Date(0).toISOString(),
  dirty: false,
});

function services(port: FakePort, registry: MemoryRegistry, marked: boolean): Services {
  return { ...fakeServices(port, registry), ...(marked ? { managed: { repositoryUrl: REPO } } : {}) };
}

function apply(port: FakePort, registry: MemoryRegistry, objects: AnyDesired[], marked: boolean, sha = SHA1) {
  return runApply(objects, services(port, registry, marked), {
    environment: 'test',
    commit: commit(sha),
    lockTimeoutMs: 1000,
    prune: false,
  });
}

/** What the fake holds for an object of `kind` (the bodies it was sent, merged). */
const stored = (port: FakePort, kind: string) =>
  [...port.objects.values()].find((o) => o.kind === kind) as Record<string, unknown>;

/** The database `wh` as Superset lists it, read in full with these attributes. */
function liveDatabase(uuid: string, attributes: Record<string, unknown>): LiveEntry {
  return {
    kind: 'database',
    uuid,
    id: 1,
    name: 'wh',
    changedOn: null,
    changedBy: null,
    attributes: attributes as LiveEntry['attributes'],
  };
}

describe('mark_managed: attributes and hashes', () => {
  it('leaves every attribute and hash as it was without the option (applied records hold them)', () => {
    // Hashes of these objects before mark_managed existed (computed at a486a6d).
    const before: Record<string, string> = {
      database: '28b2c53ce83e5a024153fd50c23452d8ae02684a044c670b23f14ec299259131',
      dataset: 'adf20bab0ff1b79440acf10e504fad2d353f351dc8f009d658e6182fa31979d6',
      chart: 'a7faa2ea19c7e881eec289ecdf01c7727407b34b60bfc5acd187f141a53be8a2',
      dashboard: '184b67225ec86b01e3ca148def4bed44378a7950034aa8010b1e2c084d723299',
    };
    const pinned = [
      object('database', 'wh', { sqlalchemy_uri: 'postgresql://u@h/db' }),
      object('dataset', 'orders', { database: 'wh', schema: 'public' }),
      object('chart', 'Revenue', { dataset: 'orders', viz_type: 'pie', params: { metric: 'count' } }),
      object('dashboard', 'Sales', { title: 'Sales', layout: [{ row: [{ chart: 'Revenue' }] }] }),
    ];
    expect(attributeOptionsFor(undefined)).toBe(ATTRIBUTE_OPTIONS);
    for (const o of pinned) {
      const entry = desiredEntry(o, attributeOptionsFor(undefined));
      expect(entry.hash, o.kind).toBe(before[o.kind]);
      expect(Object.keys(entry.attributes)).not.toContain('is_managed_externally');
      expect(Object.keys(entry.attributes)).not.toContain('external_url');
    }
  });

  it('wants is_managed_externally (and never external_url) with the option, so every hash moves once', () => {
    for (const o of tree()) {
      const plain = desiredEntry(o, ATTRIBUTE_OPTIONS);
      const marked = desiredEntry(o, MARKED);
      expect(marked.attributes).toEqual({ ...plain.attributes, is_managed_externally: true });
      expect(Object.keys(marked.attributes)).not.toContain('external_url');
      expect(marked.hash).not.toBe(plain.hash);
    }
  });

  it('plans one update for an owned object Superset shows unmarked, and nothing for a marked one', () => {
    const [db] = tree();
    const plain = desiredEntry(db!, ATTRIBUTE_OPTIONS);
    const want = desiredEntry(db!, MARKED);
    const owned = { kind: db!.kind, name: db!.name, uuid: db!.uuid, supersetId: 1, hash: plain.hash };
    const live = (attrs: Record<string, unknown>) =>
      liveDatabase(db!.uuid, { ...plain.attributes, ...attrs });
    const unmarked = planChanges('t', [want], [live({ is_managed_externally: false })], [owned], {
      prune: false,
    });
    expect(unmarked.changes[0]?.action).toBe('update');
    expect(unmarked.changes[0]?.changes).toEqual([
      { path: 'is_managed_externally', before: false, after: true },
    ]);
    // external_url is never compared, whatever Superset holds (its GET never says).
    const marked = planChanges(
      't',
      [want],
      [live({ is_managed_externally: true, external_url: `${REPO}/blob/${SHA2}/elsewhere.yaml` })],
      [owned],
      { prune: false },
    );
    expect(marked.changes[0]?.action).toBe('noop');
    // Without the option neither field is compared: a marked or unmarked object is a no-op.
    for (const flag of [true, false]) {
      const off = planChanges('t', [plain], [live({ is_managed_externally: flag })], [owned], {
        prune: false,
      });
      expect(off.changes[0]?.action).toBe('noop');
    }
  });

  it('drift does not report is_managed_externally, with or without the option', () => {
    const [db] = tree();
    const want = desiredEntry(db!, MARKED);
    const report = computeDrift({
      environment: 't',
      now: '2026-01-01T00:00:00Z',
      gitCommit: null,
      desired: [want],
      snapshot: null,
      applied: [{ kind: 'database', name: 'wh', uuid: db!.uuid, supersetId: 1, hash: want.hash }],
      live: [liveDatabase(db!.uuid, { ...want.attributes, is_managed_externally: false })],
    });
    expect(report.findings).toEqual([]);
  });
});

describe('mark_managed: external_url', () => {
  it('links the file at the commit applied, HEAD without a commit, segments encoded', () => {
    expect(externalUrl(REPO, SHA1, 'metadata/charts/sales/revenue by region.yaml')).toBe(
      `${REPO}/blob/${SHA1}/metadata/charts/sales/revenue%20by%20region.yaml`,
    );
    expect(externalUrl(`${REPO}/`, 'uncommitted', 'metadata/databases/wh.yaml')).toBe(
      `${REPO}/blob/HEAD/metadata/databases/wh.yaml`,
    );
    expect(markingFor(undefined, SHA1, 'x.yaml')).toBeUndefined();
    // No repository_url (or no file): marked, without a link.
    expect(markingFor({}, SHA1, 'x.yaml')).toEqual({ is_managed_externally: true });
    expect(markingFor({ repositoryUrl: REPO }, SHA1, undefined)).toEqual({ is_managed_externally: true });
  });

  it('takes paths from the root of the git repository, wherever the metadata folder is in it', async () => {
    const dir = writeTree({ 'analytics/metadata/databases/wh.yaml': 'kind: database\n' });
    await simpleGit({ baseDir: dir }).init();
    const metadataDir = path.join(dir, 'analytics', 'metadata');
    const [db] = tree();
    const loaded = {
      ...db!,
      source: {
        file: path.relative(process.cwd(), path.join(metadataDir, 'databases/wh.yaml')),
        line: 1,
        col: 1,
      },
    } as AnyDesired;
    const [inGit] = await withRepositoryPaths([loaded], metadataDir, path.join(dir, 'analytics'));
    expect(inGit?.source.repoPath).toBe('analytics/metadata/databases/wh.yaml');
    // Outside a git checkout, the project folder (the metadata folder's parent) stands for the root.
    const plain = writeTree({ 'metadata/databases/wh.yaml': 'kind: database\n' });
    const outside = {
      ...db!,
      source: { file: path.join(plain, 'metadata/databases/wh.yaml'), line: 1, col: 1 },
    } as AnyDesired;
    const [noGit] = await withRepositoryPaths([outside], path.join(plain, 'metadata'), plain);
    expect(noGit?.source.repoPath).toBe('metadata/databases/wh.yaml');
  });

  it('keeps each file in a marking snapshot, so a rollback or heal links the file at its commit', () => {
    const objects = tree();
    const hashes = new Map(objects.map((o) => [o.uuid, 'h']));
    expect(snapshotObjects(objects, hashes).map((o) => Object.keys(o.body as object).sort())).toEqual(
      objects.map(() => ['hash', 'spec']),
    );
    const stored = snapshotObjects(objects, hashes, true);
    const snapshot = {
      pointer: { snapshotId: 's1', commit: SHA1 },
      objects: JSON.parse(JSON.stringify(stored)) as Snapshot['objects'],
    } as Snapshot;
    expect(desiredFromSnapshot(snapshot).map((o) => o.source.repoPath)).toEqual(
      objects.map((o) => o.source.repoPath),
    );
  });
});

describe('mark_managed: what apply sends', () => {
  it('creates marked objects, each linked to its file at the commit; a second apply writes nothing', async () => {
    const port = new Port();
    const registry = new MemoryRegistry();
    const first = await apply(port, registry, tree(), true);
    expect(first.outcome.failed).toBeUndefined();
    expect(first.outcome.created).toBe(4);
    const files: Record<string, string> = {
      database: 'metadata/databases/wh.yaml',
      dataset: 'metadata/datasets/wh/orders.yaml',
      chart: 'metadata/charts/sales/revenue%20by%20region.yaml',
      dashboard: 'metadata/dashboards/sales.yaml',
    };
    for (const [kind, file] of Object.entries(files)) {
      expect(stored(port, kind), kind).toMatchObject({
        is_managed_externally: true,
        external_url: `${REPO}/blob/${SHA1}/${file}`,
      });
    }
    port.writes.splice(0);
    const second = await apply(port, registry, tree(), true, SHA2);
    expect(second.plan.summary.update + second.plan.summary.create).toBe(0);
    expect(port.writes).toEqual([]);
    // A new commit alone rewrites nothing: the link still names the commit that wrote the object.
    expect(stored(port, 'chart').external_url).toContain(SHA1);
  });

  it('marks what an unmarked apply made with one update each, carrying only the marking', async () => {
    const port = new Port();
    const registry = new MemoryRegistry();
    await apply(port, registry, tree(), false);
    for (const kind of ['database', 'dataset', 'chart', 'dashboard'])
      expect(Object.keys(stored(port, kind)), kind).not.toContain('is_managed_externally');
    port.writes.splice(0);
    const marking = await apply(port, registry, tree(), true, SHA2);
    expect(marking.outcome.updated).toBe(4);
    expect(port.writes.sort()).toEqual(
      [
        'update chart external_url,is_managed_externally',
        'update dashboard external_url,is_managed_externally',
        'update database external_url,is_managed_externally',
        // Superset resets always_filter_main_dttm on a dataset PUT without it.
        'update dataset always_filter_main_dttm,external_url,is_managed_externally',
      ].sort(),
    );
    expect(stored(port, 'dataset')).toMatchObject({ always_filter_main_dttm: true });
    expect(stored(port, 'database').external_url).toBe(`${REPO}/blob/${SHA2}/metadata/databases/wh.yaml`);
    port.writes.splice(0);
    await apply(port, registry, tree(), true, SHA2);
    expect(port.writes).toEqual([]);
  });

  it('sends the marking with a change the plan makes anyway, naming that commit', async () => {
    const port = new Port();
    const registry = new MemoryRegistry();
    await apply(port, registry, tree(), true, SHA1);
    port.writes.splice(0);
    const retitled = tree().map((o) =>
      o.kind === 'chart' ? { ...o, spec: { ...o.spec, title: 'Revenue 2' } } : o,
    );
    const run = await apply(port, registry, retitled, true, SHA2);
    expect(run.plan.changes.find((c) => c.kind === 'chart')?.changes.map((c) => c.path)).toEqual([
      'slice_name',
    ]);
    expect(port.writes).toEqual(['update chart external_url,is_managed_externally,slice_name']);
    expect(stored(port, 'chart').external_url).toBe(
      `${REPO}/blob/${SHA2}/metadata/charts/sales/revenue%20by%20region.yaml`,
    );
    expect(stored(port, 'database').external_url).toContain(SHA1);
  });

  it('sends neither field without the option', async () => {
    const port = new Port();
    const registry = new MemoryRegistry();
    await apply(port, registry, tree(), false);
    const retitled = tree().map((o) =>
      o.kind === 'chart' ? { ...o, spec: { ...o.spec, title: 'Revenue 2' } } : o,
    );
    port.writes.splice(0);
    await apply(port, registry, retitled, false);
    expect(port.writes).toEqual(['update chart slice_name']);
    for (const o of port.objects.values()) {
      expect(o).not.toHaveProperty('is_managed_externally');
      expect(o).not.toHaveProperty('external_url');
    }
  });

  it('the plan reads an unmarked object in full once the option is on (its hash moved)', async () => {
    const port = new Port();
    const registry = new MemoryRegistry();
    await apply(port, registry, tree(), false);
    port.calls.get = 0;
    const off = await runPlan('test', tree(), services(port, registry, false), { prune: false });
    expect(off.plan.summary.noop).toBe(4);
    expect(port.calls.get).toBe(0); // nothing moved: the list rows say so
    const on = await runPlan('test', tree(), services(port, registry, true), { prune: false });
    expect(port.calls.get).toBe(4);
    expect(on.plan.changes.map((c) => [c.kind, c.action, c.changes.map((x) => x.path)])).toEqual([
      ['database', 'update', ['is_managed_externally']],
      ['dataset', 'update', ['is_managed_externally']],
      ['chart', 'update', ['is_managed_externally']],
      ['dashboard', 'update', ['is_managed_externally']],
    ]);
  });
});

describe('mark_managed: bulk create and import', () => {
  it('a bulk-create bundle carries the marking; export and import never do', () => {
    const objects = tree();
    const marking = (o: AnyDesired) => markingFor({ repositoryUrl: REPO }, SHA1, o.source.repoPath);
    const marked = toBundle(objects, new Date(0), undefined, undefined, marking);
    const docs = [...marked.entries()].filter(([f]) => !f.endsWith('metadata.yaml'));
    expect(docs).toHaveLength(4);
    for (const [file, text] of docs) {
      const doc = parse(text) as Record<string, unknown>;
      expect(doc.is_managed_externally, file).toBe(true);
      expect(String(doc.external_url), file).toMatch(new RegExp(`^${REPO}/blob/${SHA1}/metadata/`));
    }
    for (const [file, text] of toBundle(objects, new Date(0))) {
      expect(text, file).not.toMatch(/is_managed_externally|external_url/);
    }
    // `import --bundle` of marked files: no such field reaches the YAML, and the objects plan the same.
    const back = convertBundle(marked, new Map(objects.map((o) => [o.uuid, o.name])));
    expect(back.objects).toHaveLength(4);
    for (const original of objects) {
      const imported = back.objects.find((o) => o.uuid === original.uuid)!;
      expect(Object.keys(imported.spec)).not.toContain('is_managed_externally');
      expect(Object.keys(imported.spec)).not.toContain('external_url');
    }
  });
});

describe('mark_managed: live import and diff', () => {
  it('`import --env` of marked objects writes neither field into the YAML', async () => {
    const port = new Port();
    const registry = new MemoryRegistry();
    await apply(port, registry, tree(), true);
    expect(stored(port, 'chart')).toMatchObject({ is_managed_externally: true });
    const converted = await convertLive(port, {});
    expect(converted.objects).toHaveLength(4);
    for (const o of converted.objects) {
      expect(Object.keys(o.spec), o.kind).not.toContain('is_managed_externally');
      expect(Object.keys(o.spec), o.kind).not.toContain('external_url');
    }
  });

  it('`diff` shows turning mark_managed on as one is_managed_externally change per object', () => {
    const base = validateWith({});
    const head = validateWith({
      'environments/local.yaml': `${BASE_TREE['environments/local.yaml']}mark_managed: true\nrepository_url: ${REPO}\n`,
    });
    expect(head.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const [local] = compareTrees(base, head, { projectDir: '/p', prune: false });
    expect(local?.file).toBe('changed');
    expect(
      local?.plan?.changes.map((c) => [c.kind, c.action, c.changes.map((x) => [x.path, x.after])]),
    ).toEqual(
      ['database', 'dataset', 'chart', 'dashboard'].map((kind) => [
        kind,
        'update',
        [['is_managed_externally', true]],
      ]),
    );
  });
});

describe('mark_managed: environment settings', () => {
  const env = (extra: string) => ({
    'environments/local.yaml': `${BASE_TREE['environments/local.yaml']}${extra}`,
  });
  const problemsOf = (extra: string) =>
    validateWith(env(extra)).problems.filter((p) => p.file === 'environments/local.yaml');
  // BASE_TREE's environment file has 11 lines; what the tests add starts on line 12.

  it('takes mark_managed and an http(s) repository_url', () => {
    expect(problemsOf(`mark_managed: true\nrepository_url: ${REPO}\n`)).toEqual([]);
    expect(problemsOf(`mark_managed: true\n`)).toEqual([]);
    expect(problemsOf(`mark_managed: true\nrepository_url: http://git.internal:8080/a/b/\n`)).toEqual([]);
  });

  it.each([
    ['ftp://github.com/acme/analytics', /http\(s\) address of the repository/],
    ['github.com/acme/analytics', /http\(s\) address of the repository/],
    ['https://token@github.com/acme/analytics', /without credentials/],
    ['https://github.com/acme/analytics?tab=readme', /query/],
    ['https://github.com/acme/analytics#readme', /fragment/],
    ['https://git%zzhub.com/acme', /not a valid http\(s\) address: it cannot be parsed/],
    ['https://github.com/${env.REPO}', /must be written out/],
  ])('refuses repository_url %s, naming file, line and field', (url, message) => {
    const problems = problemsOf(`mark_managed: true\nrepository_url: '${url}'\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      file: 'environments/local.yaml',
      line: 13,
      path: 'repository_url',
      severity: 'error',
    });
    expect(problems[0]?.message).toMatch(/`repository_url`/);
    expect(problems[0]?.message).toMatch(message);
  });

  it('refuses a mark_managed that is not true or false, and warns about a repository_url it would not use', () => {
    const wrong = problemsOf(`mark_managed: yes please\n`);
    expect(wrong).toMatchObject([{ line: 12, path: 'mark_managed', rule: 'wrong-type', severity: 'error' }]);
    const unused = problemsOf(`repository_url: ${REPO}\n`);
    expect(unused).toMatchObject([
      { line: 12, path: 'repository_url', rule: 'unused-setting', severity: 'warning' },
    ]);
  });

  it('resolves the settings: none without mark_managed, the address without trailing slashes', () => {
    const spec = (extra: Partial<EnvironmentSpec>): EnvironmentSpec => ({
      kind: 'environment',
      name: 'e',
      superset: { url: 'http://127.0.0.1:8088', username: 'u', password: '${env.P:-p}' },
      zookeeper: { connect: '127.0.0.1:2181', root: '/e' },
      ...extra,
    });
    expect(resolveEnvironment(spec({}), {}, '/p').managed).toBeUndefined();
    expect(resolveEnvironment(spec({ repository_url: REPO }), {}, '/p').managed).toBeUndefined();
    expect(resolveEnvironment(spec({ mark_managed: true }), {}, '/p').managed).toEqual({});
    expect(
      resolveEnvironment(spec({ mark_managed: true, repository_url: `${REPO}//` }), {}, '/p').managed,
    ).toEqual({ repositoryUrl: REPO });
  });
});
