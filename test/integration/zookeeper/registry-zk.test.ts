// What only the ZooKeeper registry can get wrong: concurrency without multi, ACLs, data at rest,
// corrupt or tampered nodes, session loss.
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/model/canonical.js';
import {
  CorruptNodeError,
  SnapshotTamperedError,
  ZkRegistry,
  type RegistryNotice,
  type SnapshotObject,
} from '../../../src/registry/index.js';
import { digestId, isZkError, listTree, mkdirp, type ZkClient } from '../../../src/zookeeper/index.js';
import { encodeObject, legacyContentHash, objectHash } from '../../../src/registry/snapshot.js';
import { holder, objects, snapshotInput } from '../../unit/registry/contract.js';
import { connect, expireSession, removeTree, uniqueRoot, zkConnect } from './helpers.js';

const SHA_A = 'a1'.repeat(20);
const SHA_B = 'b2'.repeat(20);

/** Where an object of a snapshot is stored: under objects/, named by the hash of its bytes. */
const sharedPath = (reg: ZkRegistry, o: SnapshotObject) =>
  reg.paths.sharedObject(o.kind, o.name, o.uuid, objectHash(encodeObject(o)));

describe('ZkRegistry on a live ZooKeeper', () => {
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const auth = { user: 'gitops-ci', password };
  let root: string;
  const opened: Array<{ close(): Promise<void> | void }> = [];
  const open = async (extra: Partial<Parameters<typeof ZkRegistry.connect>[0]> = {}) => {
    const reg = await ZkRegistry.connect({ connect: zkConnect, root, auth, ...extra });
    opened.push(reg);
    return reg;
  };
  const client = async (credentials?: typeof auth) => {
    const zk = await connect(credentials);
    opened.push({ close: () => zk.close() });
    return zk;
  };

  beforeEach(() => {
    root = uniqueRoot('zkreg');
  });
  afterEach(async () => {
    for (const c of opened.splice(0)) await c.close();
    await removeTree(root, auth);
  });

  it('readers see one whole snapshot or the other while another client re-points concurrently', async () => {
    const publisher = await open({ keepSnapshots: 10 });
    const one = objects(150, 'one');
    const two = objects(220, 'two');
    const a = await publisher.publishSnapshot(snapshotInput(SHA_A, one));
    const b = await publisher.publishSnapshot(snapshotInput(SHA_B, two));
    const expected = new Map([
      [a.snapshotId, contentHash([...one].sort(byKey))],
      [b.snapshotId, contentHash([...two].sort(byKey))],
    ]);
    const mover = await open({ keepSnapshots: 10 });
    const reader = await open({ keepSnapshots: 10 });
    const deadline = Date.now() + 3000;
    let moves = 0;
    const seen = new Map<string, number>();
    const moving = (async () => {
      for (let i = 0; Date.now() < deadline; i++) {
        await mover.repoint(i % 2 === 0 ? SHA_A : SHA_B);
        moves++;
      }
    })();
    const reading = (async () => {
      while (Date.now() < deadline) {
        const snap = await reader.readCurrent();
        expect(snap).not.toBeNull();
        const { pointer, objects: got } = snap!;
        // Whole: exactly the objects of the snapshot the pointer names, nothing of the other.
        expect(contentHash(got)).toBe(expected.get(pointer.snapshotId));
        expect(new Set(got.map((o) => (o.body as { tag: string }).tag)).size).toBe(1);
        seen.set(pointer.snapshotId, (seen.get(pointer.snapshotId) ?? 0) + 1);
      }
    })();
    await Promise.all([moving, reading]);
    expect(moves).toBeGreaterThan(5);
    expect([...seen.keys()].sort()).toEqual([a.snapshotId, b.snapshotId].sort()); // really concurrent
  });

  it('concurrent publishers never leave a pointer to a missing or partial snapshot', async () => {
    const p1 = await open({ keepSnapshots: 50 });
    const p2 = await open({ keepSnapshots: 50 });
    await Promise.all(
      [p1, p2].map(async (reg, n) => {
        for (let i = 0; i < 5; i++) {
          const sha = `${n}${i}`.repeat(20);
          await reg.publishSnapshot(snapshotInput(sha, objects(30 + i, `p${n}-${i}`)));
        }
      }),
    );
    const current = await (await open()).readCurrent();
    expect(current?.objects.length).toBe(current?.pointer.objectCount);
    expect((await p1.listSnapshots()).every((s) => s.complete)).toBe(true);
  });

  it('finishes a snapshot an interrupted publisher left incomplete, and never points at it before', async () => {
    const reg = await open();
    await reg.publishSnapshot(snapshotInput(SHA_A, objects(5, 'old')));
    const input = snapshotInput(SHA_B, objects(40, 'new'));
    const result = await reg.publishSnapshot(input);
    // Simulate a crash mid-publish: mark it incomplete again, drop some objects, point back.
    const zk = await client(auth);
    const metaPath = reg.paths.snapshot(result.snapshotId);
    const meta = JSON.parse((await zk.get(metaPath)).data.toString()) as Record<string, unknown>;
    await zk.set(metaPath, JSON.stringify({ ...meta, complete: false }), -1);
    for (const o of input.objects.slice(0, 10)) await zk.delete(sharedPath(reg, o), -1);
    await reg.repoint(SHA_A);
    await expect(reg.repoint(SHA_B)).rejects.toThrow(/no complete snapshot/);
    expect((await reg.listSnapshots()).find((s) => s.id === result.snapshotId)?.complete).toBe(false);
    const again = await reg.publishSnapshot(input);
    expect(again.snapshotId).toBe(result.snapshotId);
    const current = await reg.readCurrent();
    expect(current?.pointer.snapshotId).toBe(result.snapshotId);
    expect(current?.objects).toHaveLength(40);
  });

  it('hands each record that reads back to onRecord as it comes, and never one that does not', async () => {
    const reg = await open();
    const record = (uuid: string, supersetId: number) => ({
      kind: 'chart',
      name: `c-${uuid}`,
      uuid,
      supersetId,
      hash: `h-${uuid}`,
      appliedAt: new Date(0).toISOString(),
      commit: 'c0ffee',
      changedOn: '2026-01-01T00:00:00Z',
    });
    const uuids = Array.from(
      { length: 70 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    for (const [i, uuid] of uuids.entries()) await reg.recordApplied(record(uuid, i + 1));
    // One record edited by hand into something that is not a record.
    const zk = await client(auth);
    await zk.set(reg.paths.appliedRecord('chart', uuids[3]!), Buffer.from('{"not":"a record"}'), -1);

    const seen: string[] = [];
    const state = await reg.readAppliedState({ onRecord: (r) => seen.push(r.uuid) });
    expect(state.unreadable.map((u) => u.uuid)).toEqual([uuids[3]]);
    expect(seen.sort()).toEqual(uuids.filter((_, i) => i !== 3));
    expect(state.records.map((r) => r.uuid)).toEqual(seen);
  });

  it('peekLock: taking a free lock is the one change its folder sees; another apply between is more', async () => {
    const reg = await open();
    const other = await open();
    const before = await reg.peekLock();
    expect(before.contenders).toBe(0);
    const lock = await reg.acquireLock({ holder: holder('h'), timeoutMs: 1000 });
    const held = await reg.peekLock();
    expect([held.contenders, held.changes]).toEqual([1, before.changes + 1]);
    await lock.release();

    const start = await reg.peekLock();
    const between = await other.acquireLock({ holder: holder('other'), timeoutMs: 1000 });
    await between.release();
    const mine = await reg.acquireLock({ holder: holder('h'), timeoutMs: 1000 });
    const after = await reg.peekLock();
    expect(after.changes).toBe(start.changes + 3);
    await mine.release();
  });

  it('a connect given up by its signal fails at once and leaves nothing open', async () => {
    const abort = new AbortController();
    const started = Date.now();
    // Nothing listens on port 1: the connect would wait for its whole timeout.
    const pending = ZkRegistry.connect({
      connect: '127.0.0.1:1',
      root,
      connectTimeoutMs: 20_000,
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 50);
    await expect(pending).rejects.toThrow(/given up/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  describe('access control', () => {
    it('gives every node it creates the digest ACL: ALL for the writer, READ for the world', async () => {
      const reg = await open();
      await reg.publishSnapshot(snapshotInput(SHA_A, objects(4, 'acl')));
      await reg.recordApplied(appliedRecord());
      await reg.appendHistory(historyEntry());
      await reg.writeDriftFindings([{ f: 1 }]);
      const lock = await reg.acquireLock({ holder: holder('h'), timeoutMs: 1000 });
      const zk = await client(auth);
      const paths = await listTree(zk, root);
      expect(paths.length).toBeGreaterThan(15);
      const want = [
        { perms: ['ALL'], scheme: 'digest', id: digestId(auth.user, password) },
        { perms: ['READ'], scheme: 'world', id: 'anyone' },
      ];
      for (const path of paths) expect((await zk.getAcl(path)).acl, path).toEqual(want);
      await lock.release();
    });

    it('refuses set, delete and create to a client without the digest (NOAUTH), which can still read', async () => {
      const reg = await open();
      await reg.publishSnapshot(snapshotInput(SHA_A, objects(3, 'x')));
      await reg.recordApplied(appliedRecord());
      const applied = reg.paths.appliedRecord('chart', 'u-1');
      for (const stranger of [await client(), await client({ user: auth.user, password: 'wrong' })]) {
        const noauth = async (work: Promise<unknown>) => {
          const err: unknown = await work.then(
            () => 'succeeded',
            (e: unknown) => e,
          );
          expect(isZkError(err, 'NOAUTH'), String(err)).toBe(true);
        };
        await noauth(stranger.set(reg.paths.current, '{"evil":1}', -1));
        await noauth(stranger.delete(applied, -1));
        await noauth(stranger.create(`${reg.paths.lock}/00000000-0000-0000-0000-000000000000-lock-`, 'x'));
        await noauth(stranger.create(`${reg.paths.snapshots}/forged`, '{}'));
        await noauth(
          stranger.setAcl(reg.paths.current, -1, [{ perms: ['ALL'], scheme: 'world', id: 'anyone' }]),
        );
        expect((await stranger.get(reg.paths.current)).data.length).toBeGreaterThan(0);
      }
      expect((await reg.readCurrent())?.objects).toHaveLength(3);
    });

    it('with a named reader, only that identity can read', async () => {
      const reader = { user: 'viewer', password: 'viewer-pw' };
      const reg = await open({ reader: { digestId: digestId(reader.user, reader.password) } });
      await reg.publishSnapshot(snapshotInput(SHA_A, objects(2, 'r')));
      const anonymous = await client();
      await expect(anonymous.get(reg.paths.current)).rejects.toMatchObject({ codeName: 'NOAUTH' });
      const viewer = await client(reader);
      expect((await viewer.get(reg.paths.current)).data.length).toBeGreaterThan(0);
      await expect(viewer.set(reg.paths.current, 'x', -1)).rejects.toMatchObject({ codeName: 'NOAUTH' });
    });

    it('stores no secret: after a publish no znode data or ACL under the tree contains the password', async () => {
      const reg = await open();
      await reg.publishSnapshot(snapshotInput(SHA_A, objects(25, 'secret-scan')));
      await reg.appendHistory(historyEntry());
      const lock = await reg.acquireLock({ holder: holder('h'), timeoutMs: 1000 });
      const zk = await client(auth);
      let scannedBytes = 0;
      let sawObjectData = false;
      for (const path of await listTree(zk, root)) {
        const { data } = await zk.get(path);
        const { acl } = await zk.getAcl(path);
        const text = data.toString('utf8') + JSON.stringify(acl) + path;
        scannedBytes += data.length;
        sawObjectData ||= text.includes('secret-scan');
        expect(text.includes(password), path).toBe(false);
        expect(data.includes(Buffer.from(password)), path).toBe(false);
      }
      expect(sawObjectData).toBe(true); // the scan really read the snapshot
      expect(scannedBytes).toBeGreaterThan(1000);
      await lock.release();
    });
  });

  describe('data read back is checked', () => {
    it('a corrupt pointer is a CorruptNodeError naming its path', async () => {
      const reg = await open();
      await reg.publishSnapshot(snapshotInput(SHA_A, objects(2, 'c')));
      const zk = await client(auth);
      await zk.set(reg.paths.current, '{"snapshotId": "x", "commit": ', -1);
      const err: unknown = await reg.readCurrent().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CorruptNodeError);
      expect((err as CorruptNodeError).path).toBe(reg.paths.current);
      await zk.set(reg.paths.current, '{"snapshotId": 7}', -1);
      await expect(reg.readPointer()).rejects.toThrow(/corrupt registry node .*current: unexpected content/);
    });

    it('a corrupt object or history node is a CorruptNodeError naming that node', async () => {
      const reg = await open();
      const { snapshotId } = await reg.publishSnapshot(snapshotInput(SHA_A, objects(3, 'c')));
      await reg.appendHistory(historyEntry());
      const zk = await client(auth);
      expect(snapshotId).toBeTruthy();
      const [first] = objects(3, 'c') as [SnapshotObject];
      const objPath = sharedPath(reg, first);
      await zk.set(objPath, Buffer.from([0xde, 0xad, 0xbe, 0xef]), -1);
      await expect(reg.readCurrent()).rejects.toMatchObject({ code: 'registry.corrupt-node', path: objPath });
      const [h] = await zk.children(reg.paths.history);
      await zk.set(`${reg.paths.history}/${h}`, '{"result": "success"}', -1);
      await expect(reg.readHistory()).rejects.toMatchObject({
        code: 'registry.corrupt-node',
        path: `${reg.paths.history}/${h}`,
      });
    });

    it('a changed or added object fails the content hash: tampering is reported, never returned', async () => {
      const reg = await open();
      const { snapshotId } = await reg.publishSnapshot(snapshotInput(SHA_A, objects(6, 't')));
      const zk = await client(auth);
      const [, second] = objects(6, 't') as [SnapshotObject, SnapshotObject];
      const objPath = sharedPath(reg, second);
      const original = (await zk.get(objPath)).data;
      await zk.set(objPath, JSON.stringify({ ...second, body: { sql: 'DROP TABLE users' } }), -1);
      await expect(reg.readCurrent()).rejects.toThrow(/object .* was rewritten/);
      await expect(reg.repoint(SHA_A)).rejects.toBeInstanceOf(SnapshotTamperedError);
      await zk.set(objPath, original, -1);
      expect((await reg.readCurrent())?.objects).toHaveLength(6);
      // A line added to the manifest (and its object stored): the manifest no longer gives the hash.
      const manifestPath = reg.paths.snapshotManifest(snapshotId, 0);
      const manifest = (await zk.get(manifestPath)).data;
      const extra = { kind: 'chart', name: 'sneaky', uuid: 'u-sneaky', body: {} };
      const hash = objectHash(encodeObject(extra));
      await zk.create(sharedPath(reg, extra), encodeObject(extra));
      const lines = JSON.parse(manifest.toString('utf8')) as object[];
      await zk.set(manifestPath, JSON.stringify([...lines, { ...extra, body: undefined, hash }]), -1);
      await expect(reg.readCurrent()).rejects.toThrow(/7 objects read, pointer says 6/);
      await expect(reg.repoint(SHA_A, { shallow: true })).rejects.toThrow(/7 objects in its manifest/);
      // An object of the manifest deleted: a shallow repoint finds it missing too.
      await zk.set(manifestPath, manifest, -1);
      await zk.delete(objPath, -1);
      await expect(reg.repoint(SHA_A, { shallow: true })).rejects.toThrow(/object .* is missing/);
      await expect(reg.readCurrent()).rejects.toThrow(/object .* is missing/);
    });
  });

  describe('objects shared between snapshots', () => {
    it('a snapshot that changes one object of 60 stores one object node and a manifest', async () => {
      const reg = await open();
      const first = objects(60, 'shared');
      await reg.publishSnapshot(snapshotInput(SHA_A, first));
      const zk = await client(auth);
      const stored = async () =>
        (await listTree(zk, reg.paths.objects)).filter(
          (p) => p.split('/').length === root.split('/').length + 3,
        );
      const before = await stored();
      expect(before).toHaveLength(60);
      const second = first.map((o, i) => (i === 7 ? { ...o, body: { changed: true } } : o));
      const { snapshotId } = await reg.publishSnapshot(snapshotInput(SHA_B, second));
      const after = await stored();
      expect(after.filter((p) => !before.includes(p))).toEqual([sharedPath(reg, second[7]!)]);
      expect(await zk.children(reg.paths.snapshot(snapshotId))).toEqual(['manifest-0000']);
      expect((await reg.readCurrent())?.objects.map((o) => o.body)).toEqual(
        [...second].sort(byKey).map((o) => o.body),
      );
      // Both snapshots read back whole: the first still has the object the second replaced.
      await reg.repoint(SHA_A);
      expect((await reg.readCurrent())?.objects).toEqual([...first].sort(byKey));
    });

    it('a prune deletes the objects only the pruned snapshots named, and keeps the shared ones', async () => {
      const reg = await open({ keepSnapshots: 2 });
      const base = objects(12, 'gc');
      const versions = [0, 1, 2].map((v) => base.map((o, i) => (i === 0 ? { ...o, body: { v } } : o)));
      for (const [v, objs] of versions.entries())
        await reg.publishSnapshot(snapshotInput(`${v}c`.repeat(20), objs));
      const zk = await client(auth);
      const all = (await listTree(zk, reg.paths.objects)).filter(
        (p) => p.split('/').length === root.split('/').length + 3,
      );
      // Snapshot 0 is pruned: its version of object 0 goes, the 11 it shared stay.
      expect(await zk.exists(sharedPath(reg, versions[0]![0]!))).toBe(false);
      expect(all.sort()).toEqual(
        [...new Set([...versions[1]!, ...versions[2]!].map((o) => sharedPath(reg, o)))].sort(),
      );
      expect(all).toHaveLength(13);
      expect((await reg.readCurrent())?.objects).toHaveLength(12);
    });

    it('reads, repoints to and prunes a snapshot written before objects were shared', async () => {
      const reg = await open({ keepSnapshots: 1 });
      await reg.publishSnapshot(snapshotInput(SHA_A, objects(2, 'init'))); // the layout exists
      const old = objects(5, 'legacy');
      const sorted = [...old].sort(byKey);
      const hash = legacyContentHash(old);
      const id = `${SHA_B}-${hash.slice(0, 12)}`;
      const zk = await client(auth);
      const meta = { id, commit: SHA_B, author: 'ann', time: '2024-01-01T00:00:00Z', objectCount: 5 };
      await zk.create(reg.paths.snapshot(id), JSON.stringify({ ...meta, contentHash: hash, complete: true }));
      for (const o of sorted) {
        await mkdirp(zk, reg.paths.snapshotKind(id, o.kind));
        await zk.create(reg.paths.snapshotObject(id, o.kind, o.name, o.uuid), encodeObject(o));
      }
      await reg.repoint(SHA_B);
      expect((await reg.readCurrent())?.objects).toEqual(sorted);
      const [, second] = sorted as [SnapshotObject, SnapshotObject];
      const objPath = reg.paths.snapshotObject(id, second.kind, second.name, second.uuid);
      await zk.set(objPath, JSON.stringify({ ...second, body: 'edited' }), -1);
      await expect(reg.readCurrent()).rejects.toBeInstanceOf(SnapshotTamperedError);
      await zk.set(objPath, encodeObject(second), -1);
      // A new snapshot replaces it; the prune removes its tree whole.
      await reg.publishSnapshot(snapshotInput('c3'.repeat(20), objects(3, 'next')));
      expect(await zk.exists(reg.paths.snapshot(id))).toBe(false);
      expect((await reg.readCurrent())?.objects).toHaveLength(3);
    });
  });

  it('keeps history bounded in ZooKeeper itself, not only in what it returns', async () => {
    const reg = await open({ keepHistory: 4 });
    for (let i = 0; i < 9; i++) await reg.appendHistory({ ...historyEntry(), commit: `c${i}` });
    const zk = await client(auth);
    expect(await zk.children(reg.paths.history)).toHaveLength(4);
    expect((await reg.readHistory()).map((e) => e.commit)).toEqual(['c8', 'c7', 'c6', 'c5']);
  });

  it('a holder whose session expires loses the lock, the waiter gets it, and the registry rebuilds its session', async () => {
    const notices: RegistryNotice[] = [];
    const doomed = await open({ onNotice: (n) => notices.push(n) });
    const waiterReg = await open();
    const held = await doomed.acquireLock({ holder: holder('crashing-ci'), timeoutMs: 2000 });
    const lostWhy: string[] = [];
    held.onLost((why) => lostWhy.push(why));
    const waiting = waiterReg.acquireLock({ holder: holder('next-ci'), timeoutMs: 30_000 });
    await expireSession(await doomed.client());
    const next = await waiting;
    expect(next.sequence).toBeGreaterThan(held.sequence);
    await expect.poll(() => held.lost, { timeout: 15_000 }).toBe(true);
    // Lost the moment the connection was suspended (before the expiry was even known), as Curator's
    // locks are: by then ZooKeeper may have handed the lock on.
    expect(lostWhy.join()).toMatch(/connection to ZooKeeper suspended|session expired/);
    // The next call opens a new session, checks the layout and says so.
    expect((await doomed.readLockHolder())?.host).toBe('next-ci');
    expect(notices.map((n) => n.code)).toEqual(['registry.session-rebuilt']);
    expect(notices[0]?.message).toMatch(/locks held by the old session are lost/);
    await next.release();
  });

  it('names its lock node <uuid>-lock-<seq> (found again by uuid after a connection loss) and removes it on release', async () => {
    const reg = await open();
    const handle = await reg.acquireLock({ holder: holder('once'), timeoutMs: 1000 });
    const zk: ZkClient = await client(auth);
    const names = await zk.children(reg.paths.lock);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^[0-9a-f-]{36}-lock-\d{10}$/);
    await handle.release();
    expect(await zk.children(reg.paths.lock)).toEqual([]);
  });

  it('can be opened read-only on an existing tree by a client without credentials', async () => {
    const writer = await open();
    await writer.publishSnapshot(snapshotInput(SHA_A, objects(3, 'ro')));
    const readOnly = await ZkRegistry.connect({ connect: zkConnect, root });
    opened.push(readOnly);
    expect((await readOnly.readCurrent())?.objects).toHaveLength(3);
    await expect(readOnly.recordApplied(appliedRecord())).rejects.toMatchObject({ codeName: 'NOAUTH' });
  });

  it('leaves ancestors above the root open, so other environments can use other credentials', async () => {
    await open();
    const zk = await client(auth);
    const parent = root.slice(0, root.lastIndexOf('/'));
    expect((await zk.getAcl(parent)).acl).toEqual([{ perms: ['ALL'], scheme: 'world', id: 'anyone' }]);
    const sibling = `${parent}/other-env-${randomBytes(3).toString('hex')}`;
    const other = await client({ user: 'other', password: 'other' });
    await mkdirp(other, sibling);
    await removeTree(sibling);
  });
});

function byKey(a: SnapshotObject, b: SnapshotObject): number {
  return a.kind === b.kind ? (a.uuid < b.uuid ? -1 : 1) : a.kind < b.kind ? -1 : 1;
}

function appliedRecord() {
  return {
    kind: 'chart',
    name: 'Revenue',
    uuid: 'u-1',
    supersetId: 12,
    hash: 'h',
    appliedAt: '2024-05-01T12:00:00Z',
    commit: SHA_A,
  };
}

function historyEntry() {
  return {
    commit: SHA_A,
    author: 'ann',
    startedAt: '2024-05-01T12:00:00Z',
    finishedAt: '2024-05-01T12:01:00Z',
    created: 1,
    updated: 2,
    deleted: 0,
    failed: 0,
    result: 'success' as const,
  };
}
