// With credentials configured, no node of an environment's registry is ever writable by anyone but
// the writer's digest identity: snapshots, the pointer, applied records, the lock (while held),
// history and drift findings. With a reader identity, nobody else may even read. A node whose ACL
// cannot be set and checked is deleted, and the write stops.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ZkRegistry } from '../../../src/registry/index.js';
import { createIfAbsent } from '../../../src/registry/zk-nodes.js';
import {
  ZkClient,
  digestId,
  listTree,
  mkdirp,
  writerReaderAcl,
  type ZkAcl,
} from '../../../src/zookeeper/index.js';
import { connect, removeTree, uniqueRoot, zkConnect } from './helpers.js';

const writer = { user: 'gitops-writer', password: `w-${randomBytes(8).toString('hex')}` };
const reader = { user: 'gitops-reader', password: `r-${randomBytes(8).toString('hex')}` };
const roots: string[] = [];

afterAll(async () => {
  for (const root of roots) await removeTree(root, writer).catch(() => undefined);
});

const writable = (acl: ZkAcl[]) =>
  acl.filter(
    (a) =>
      !(a.scheme === 'digest' && a.id === digestId(writer.user, writer.password)) &&
      a.perms.some((p) => p !== 'READ'),
  );

async function exercise(root: string, withReader: boolean): Promise<Map<string, ZkAcl[]>> {
  const registry = await ZkRegistry.connect({
    connect: zkConnect,
    root,
    auth: writer,
    ...(withReader ? { reader: { digestId: digestId(reader.user, reader.password) } } : {}),
  });
  const acls = new Map<string, ZkAcl[]>();
  const zk = await connect(writer);
  try {
    await registry.publishSnapshot({
      commit: 'c1',
      author: 'a',
      time: new Date(0).toISOString(),
      objects: [{ kind: 'chart', name: 'c', uuid: '00000000-0000-4000-8000-000000000001', body: { x: 1 } }],
    });
    await registry.recordApplied({
      kind: 'chart',
      name: 'c',
      uuid: '00000000-0000-4000-8000-000000000001',
      supersetId: 1,
      hash: '',
      appliedAt: 't',
      commit: 'c1',
    });
    await registry.appendHistory({
      commit: 'c1',
      author: 'a',
      startedAt: 't',
      finishedAt: 't',
      created: 1,
      updated: 0,
      deleted: 0,
      failed: 0,
      result: 'success',
    });
    await registry.writeDriftFindings([{ kind: 'chart', name: 'c', message: 'x' }]);
    const lock = await registry.acquireLock({ holder: { host: 'h', pid: 1, since: 't' }, timeoutMs: 5000 });
    try {
      for (const path of await listTree(zk, root)) acls.set(path, (await zk.getAcl(path)).acl);
    } finally {
      await lock.release();
    }
  } finally {
    zk.close();
    await registry.close();
  }
  return acls;
}

describe('registry ACLs with credentials', () => {
  it('every node, the lock, history and drift ones included, is writable only by the writer', async () => {
    const root = uniqueRoot('acl-open');
    roots.push(root);
    const acls = await exercise(root, false);
    const kinds = [...acls.keys()].map((p) => p.slice(root.length).split('/')[1] ?? '');
    for (const part of ['current', 'snapshots', 'applied', 'lock', 'history', 'drift'])
      expect(kinds, `no node under ${part}`).toContain(part);
    expect(
      [...acls.keys()].some((p) => /\/lock\/.+/.test(p)),
      'the held lock node',
    ).toBe(true);
    expect(
      [...acls.keys()].some((p) => /\/history\/h-\d+/.test(p)),
      'a history entry',
    ).toBe(true);
    expect(
      [...acls.keys()].some((p) => /\/drift\/.+\/f-/.test(p)),
      'a drift finding',
    ).toBe(true);
    for (const [path, acl] of acls) {
      expect(writable(acl), `${path}: ${JSON.stringify(acl)}`).toEqual([]);
      expect(
        acl.some((a) => a.scheme === 'world' && a.perms.some((p) => p !== 'READ')),
        path,
      ).toBe(false);
    }
  });

  it('with a reader identity, nothing is readable by world', async () => {
    const root = uniqueRoot('acl-reader');
    roots.push(root);
    const acls = await exercise(root, true);
    expect(acls.size).toBeGreaterThan(8);
    for (const [path, acl] of acls) {
      expect(
        acl.some((a) => a.scheme === 'world'),
        path,
      ).toBe(false);
      expect(acl).toContainEqual({
        perms: ['READ'],
        scheme: 'digest',
        id: digestId(reader.user, reader.password),
      });
    }
    const anonymous = await connect();
    try {
      await expect(anonymous.get(`${root}/current`)).rejects.toMatchObject({ codeName: 'NOAUTH' });
    } finally {
      anonymous.close();
    }
    const asReader = await connect(reader);
    try {
      expect((await asReader.get(`${root}/current`)).data.length).toBeGreaterThan(0);
      await expect(asReader.set(`${root}/current`, 'x', -1)).rejects.toMatchObject({ codeName: 'NOAUTH' });
    } finally {
      asReader.close();
    }
  });

  it('a node whose ACL cannot be set is deleted, and the create fails', async () => {
    const root = uniqueRoot('acl-verify');
    roots.push(root);
    const setup = await connect(writer);
    await mkdirp(setup, root);
    setup.close();
    // The server refuses this ACL (a digest id needs user:hash), so set_acl fails after the create:
    // the node, still open to anyone, must not be left behind.
    const invalid: ZkAcl[] = [
      { perms: ['ALL'], scheme: 'digest', id: digestId(writer.user, writer.password) },
      { perms: ['ALL'], scheme: 'digest', id: 'not-a-digest-id' },
    ];
    const zk = await ZkClient.connect({
      connect: zkConnect,
      auth: writer,
      acl: invalid,
      connectTimeoutMs: 10_000,
    });
    try {
      await expect(zk.create(`${root}/n`, 'data')).rejects.toThrow();
      expect(await zk.exists(`${root}/n`)).toBe(false);
    } finally {
      zk.close();
    }
  });

  it('an ACL that would lock the writer out of its own nodes is refused before anything is written', async () => {
    const other: ZkAcl[] = [{ perms: ['ALL'], scheme: 'digest', id: digestId('someone-else', 'x') }];
    await expect(
      ZkClient.connect({ connect: zkConnect, auth: writer, acl: other, connectTimeoutMs: 10_000 }),
    ).rejects.toThrow(/must let this client read them/);
  });
});

/** Two writers with the same credentials and ACL, as two applies or publishers would have, on a fresh root. */
async function withWriters(
  label: string,
  work: (root: string, a: ZkClient, b: ZkClient) => Promise<void>,
): Promise<void> {
  const root = uniqueRoot(label);
  roots.push(root);
  const opts = { connect: zkConnect, auth: writer, acl: writerReaderAcl(writer), connectTimeoutMs: 10_000 };
  const a = await ZkClient.connect(opts);
  const b = await ZkClient.connect(opts).catch((e: unknown) => {
    a.close();
    throw e;
  });
  try {
    await work(root, a, b);
  } finally {
    a.close();
    b.close();
  }
}

/**
 * A registry with the writer's credentials and ACL, and `plain`: the same identity without an ACL,
 * so its creates stay open.
 */
async function withRegistry(
  label: string,
  work: (registry: ZkRegistry, plain: ZkClient) => Promise<void>,
): Promise<void> {
  const root = uniqueRoot(label);
  roots.push(root);
  const registry = await ZkRegistry.connect({ connect: zkConnect, root, auth: writer });
  const plain = await connect(writer).catch(async (e: unknown) => {
    await registry.close();
    throw e;
  });
  try {
    await work(registry, plain);
  } finally {
    plain.close();
    await registry.close();
  }
}

/** Runs `before` once, just before `zk`'s next set_acl leaves: an interleaving made certain. */
function beforeNextSetAcl(zk: ZkClient, before: () => Promise<unknown>): void {
  const setAcl = zk.setAcl.bind(zk);
  zk.setAcl = async (...args) => {
    zk.setAcl = setAcl;
    await before();
    return setAcl(...args);
  };
}

describe('a record left open by a create whose set_acl never ran', () => {
  it("is given the writer's ACL by the next write of that record", () =>
    withRegistry('acl-record-open', async (registry, plain) => {
      const uuid = '00000000-0000-4000-8000-000000000002';
      const path = registry.paths.appliedRecord('chart', uuid);
      await mkdirp(plain, path.slice(0, path.lastIndexOf('/')));
      await plain.create(path, '{}', { acl: false });
      expect((await plain.getAcl(path)).acl).toEqual([{ perms: ['ALL'], scheme: 'world', id: 'anyone' }]);
      const record = {
        kind: 'chart',
        name: 'c',
        uuid,
        supersetId: 2,
        hash: 'h',
        appliedAt: 't',
        commit: 'c1',
      };
      await registry.recordApplied(record);
      expect((await plain.getAcl(path)).acl).toEqual(writerReaderAcl(writer));
      expect((await registry.readApplied()).map((r) => r.uuid)).toEqual([uuid]);
      // A later write of a record already restricted sets no ACL again.
      await registry.recordApplied({ ...record, hash: 'h2' });
      expect((await plain.getAcl(path)).stat.aversion).toBe(1);
    }));
});

describe('a claim (made before a create: id 0, no hash)', () => {
  it('is created without a set first; one left open by a killed run is replaced and restricted', () =>
    withRegistry('acl-claim', async (registry, plain) => {
      const sets = vi.spyOn(ZkClient.prototype, 'set');
      try {
        const claim = (uuid: string) => ({
          kind: 'chart',
          name: `c-${uuid.slice(-1)}`,
          uuid,
          supersetId: 0,
          hash: '',
          appliedAt: 't',
          commit: 'c1',
        });
        const fresh = '00000000-0000-4000-8000-000000000003';
        await registry.recordApplied(claim(fresh));
        expect(sets).not.toHaveBeenCalled();
        const freshPath = registry.paths.appliedRecord('chart', fresh);
        expect((await plain.getAcl(freshPath)).acl).toEqual(writerReaderAcl(writer));
        expect(JSON.parse((await plain.get(freshPath)).data.toString())).toMatchObject({ uuid: fresh });

        const left = '00000000-0000-4000-8000-000000000004';
        const leftPath = registry.paths.appliedRecord('chart', left);
        await plain.create(leftPath, '{}', { acl: false });
        await registry.recordApplied(claim(left));
        expect(sets).toHaveBeenCalledTimes(1);
        expect((await plain.getAcl(leftPath)).acl).toEqual(writerReaderAcl(writer));
        expect(JSON.parse((await plain.get(leftPath)).data.toString())).toMatchObject({ uuid: left });
      } finally {
        sets.mockRestore();
      }
    }));
});

describe('reading a restricted node back', () => {
  it('a client reads back the first node it restricts, then only one whose set_acl met another version', () =>
    withWriters('acl-read-back', async (root, a, b) => {
      await mkdirp(b, root);
      const reads = vi.spyOn(a, 'getAcl');
      for (const n of ['n1', 'n2', 'n3']) await a.create(`${root}/${n}`, 'x');
      expect(reads).toHaveBeenCalledTimes(1);
      for (const n of ['n1', 'n2', 'n3']) {
        expect((await b.getAcl(`${root}/${n}`)).acl).toEqual(writerReaderAcl(writer));
      }
      beforeNextSetAcl(a, async () => expect(await createIfAbsent(b, `${root}/n4`, '')).toBe(false));
      expect(await createIfAbsent(a, `${root}/n4`, 'data')).toBe(true);
      expect(reads).toHaveBeenCalledTimes(2);
    }));
});

describe('two writers making the same node at once (both find it restricted to them)', () => {
  it('the creator, when the other found the node and restricted it before the creator could', () =>
    withWriters('acl-race-a', async (root, a, b) => {
      await mkdirp(a, root);
      beforeNextSetAcl(a, async () => expect(await createIfAbsent(b, `${root}/n`, '')).toBe(false));
      expect(await createIfAbsent(a, `${root}/n`, 'data')).toBe(true);
      const { acl, stat } = await a.getAcl(`${root}/n`);
      expect(acl).toEqual(writerReaderAcl(writer));
      expect(stat.aversion).toBe(1);
      expect((await a.get(`${root}/n`)).data.toString()).toBe('data');
    }));

  it('the other, when the creator restricted the node between its read of the ACL and its set_acl', () =>
    withWriters('acl-race-b', async (root, a, b) => {
      await mkdirp(a, root);
      await a.create(`${root}/n`, 'data', { acl: false }); // created, not yet restricted
      beforeNextSetAcl(b, () => a.setAcl(`${root}/n`, 0, writerReaderAcl(writer)));
      expect(await createIfAbsent(b, `${root}/n`, '')).toBe(false);
      const { acl, stat } = await b.getAcl(`${root}/n`);
      expect(acl).toEqual(writerReaderAcl(writer));
      expect(stat.aversion).toBe(2); // both set it, to the same ACL
    }));

  it('but an ACL set to anything else in that moment still fails the create and removes the node', () =>
    withWriters('acl-race-other', async (root, a) => {
      const stranger = await connect();
      try {
        await mkdirp(a, root);
        const open: ZkAcl[] = [{ perms: ['ALL'], scheme: 'world', id: 'anyone' }];
        beforeNextSetAcl(a, () => stranger.setAcl(`${root}/n`, 0, open));
        await expect(a.create(`${root}/n`, 'data')).rejects.toThrow(/ACL changed between create and set_acl/);
        expect(await a.exists(`${root}/n`)).toBe(false);
      } finally {
        stranger.close();
      }
    }));

  it('a node found but gone, or owned by someone else, by the time its ACL is set is an error, not a crash', () =>
    // get_acl on such a node would end the process (see ZkClient.getAcl); set_acl fails like any call.
    withWriters('acl-gone', async (root, a) => {
      const other = { user: 'someone-else', password: `o-${randomBytes(8).toString('hex')}` };
      const anyone = await connect();
      const stranger = await ZkClient.connect({
        connect: zkConnect,
        auth: other,
        acl: writerReaderAcl(other),
        connectTimeoutMs: 10_000,
      });
      try {
        await mkdirp(anyone, root); // open, so both may create below it
        await expect(a.ensureAcl(`${root}/gone`)).rejects.toMatchObject({ codeName: 'NONODE' });
        await stranger.create(`${root}/theirs`, 'x');
        await expect(createIfAbsent(a, `${root}/theirs`, 'y')).rejects.toMatchObject({ codeName: 'NOAUTH' });
        expect((await a.get(`${root}/theirs`)).data.toString()).toBe('x');
      } finally {
        stranger.close();
        anyone.close();
      }
    }));
});
