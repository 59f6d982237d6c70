// The rules every Registry keeps, run against MemoryRegistry (unit) and ZkRegistry (integration),
// so the fake cannot drift from the real thing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  LockLostError,
  LockTimeoutError,
  PointerConflictError,
  SnapshotNotFoundError,
  type AppliedRecord,
  type HistoryInput,
  type LockHolder,
  type Registry,
  type SnapshotInput,
  type SnapshotObject,
} from '../../../src/registry/index.js';

export interface ContractEnv {
  /** A new client on the same shared state (same store / same ZooKeeper root). */
  open(options?: { keepSnapshots?: number; keepHistory?: number }): Promise<Registry>;
  cleanup(): Promise<void>;
}

export const objects = (count: number, tag: string): SnapshotObject[] =>
  Array.from({ length: count }, (_, i) => ({
    kind: i % 3 === 0 ? 'dataset' : 'chart',
    name: `Sales / ${tag} #${i} – ü`,
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    body: { tag, i, nested: { list: [i, `${tag}`], flag: i % 2 === 0 } },
  }));

export const snapshotInput = (commit: string, objs: SnapshotObject[], message?: string): SnapshotInput => ({
  commit,
  author: 'Ann <ann@example.com>',
  time: '2024-05-01T12:00:00Z',
  objects: objs,
  ...(message === undefined ? {} : { message }),
});

export const holder = (host: string, extra: Partial<LockHolder> = {}): LockHolder => ({
  host,
  pid: 4242,
  since: '2024-05-01T12:00:00.000Z',
  ...extra,
});

const history = (n: number, result: HistoryInput['result'] = 'success'): HistoryInput => ({
  commit: `c${n}`,
  author: 'ann',
  startedAt: `2024-05-01T12:00:0${n % 10}Z`,
  finishedAt: `2024-05-01T12:01:0${n % 10}Z`,
  created: n,
  updated: 1,
  deleted: 0,
  failed: result === 'success' ? 0 : 1,
  result,
});

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);

export function registryContract(name: string, makeEnv: () => Promise<ContractEnv>): void {
  describe(`${name}: Registry contract`, () => {
    let env: ContractEnv;
    let reg: Registry;
    const opened: Registry[] = [];
    const open = async (options?: Parameters<ContractEnv['open']>[0]) => {
      const r = await env.open(options);
      opened.push(r);
      return r;
    };

    beforeEach(async () => {
      env = await makeEnv();
      reg = await open();
    });
    afterEach(async () => {
      for (const r of opened.splice(0)) await r.close();
      await env.cleanup();
    });

    it('has no snapshot before the first publish', async () => {
      expect(await reg.readPointer()).toBeNull();
      expect(await reg.readCurrent()).toBeNull();
      expect(await reg.listSnapshots()).toEqual([]);
    });

    it('publishes a snapshot and reads it back whole, sorted, with the pointer metadata', async () => {
      const objs = objects(7, 'one');
      const result = await reg.publishSnapshot(snapshotInput(SHA_A, [...objs].reverse(), 'first'));
      expect(result.created).toBe(true);
      expect(result.snapshotId).toBe(`${SHA_A}-${result.contentHash.slice(0, 12)}`);
      const current = await (await open()).readCurrent();
      expect(current?.pointer).toMatchObject({
        snapshotId: result.snapshotId,
        commit: SHA_A,
        author: 'Ann <ann@example.com>',
        message: 'first',
        objectCount: 7,
        contentHash: result.contentHash,
      });
      const sorted = [...objs].sort((a, b) => (a.kind + a.uuid < b.kind + b.uuid ? -1 : 1));
      expect(current?.objects).toEqual(sorted);
    });

    it('treats re-publishing identical content as a no-op, whatever the object order', async () => {
      const first = await reg.publishSnapshot(snapshotInput(SHA_A, objects(5, 'x')));
      const again = await reg.publishSnapshot(snapshotInput(SHA_A, [...objects(5, 'x')].reverse()));
      expect(again.created).toBe(false);
      expect(again.snapshotId).toBe(first.snapshotId);
      expect(await reg.listSnapshots()).toHaveLength(1);
    });

    it('lists snapshots newest first, marks the current one, and repoints for a rollback', async () => {
      const a = await reg.publishSnapshot(snapshotInput(SHA_A, objects(3, 'a')));
      const b = await reg.publishSnapshot(snapshotInput(SHA_B, objects(4, 'b')));
      let list = await reg.listSnapshots();
      expect(list.map((s) => [s.id, s.current, s.complete])).toEqual([
        [b.snapshotId, true, true],
        [a.snapshotId, false, true],
      ]);
      const moved = await reg.repoint(SHA_A.slice(0, 7));
      expect(moved.snapshotId).toBe(a.snapshotId);
      expect((await reg.readCurrent())?.objects).toHaveLength(3);
      list = await reg.listSnapshots();
      expect(list.find((s) => s.current)?.id).toBe(a.snapshotId);
      await expect(reg.repoint('f'.repeat(40))).rejects.toBeInstanceOf(SnapshotNotFoundError);
    });

    it('moves the pointer only from the expected snapshot when asked (compare-and-set)', async () => {
      const a = await reg.publishSnapshot(snapshotInput(SHA_A, objects(2, 'a')), { expectCurrent: null });
      await expect(
        reg.publishSnapshot(snapshotInput(SHA_B, objects(2, 'b')), { expectCurrent: null }),
      ).rejects.toBeInstanceOf(PointerConflictError);
      expect((await reg.readPointer())?.snapshotId).toBe(a.snapshotId);
      const b = await reg.publishSnapshot(snapshotInput(SHA_B, objects(2, 'b')), {
        expectCurrent: a.snapshotId,
      });
      expect((await reg.readPointer())?.snapshotId).toBe(b.snapshotId);
      await expect(reg.repoint(SHA_A, { expectCurrent: a.snapshotId })).rejects.toBeInstanceOf(
        PointerConflictError,
      );
    });

    it('prunes to the keep count and never the current snapshot', async () => {
      const small = await open({ keepSnapshots: 2 });
      const ids: string[] = [];
      for (const [i, sha] of ['1', '2', '3'].map((d, i) => [i, d.repeat(40)] as const)) {
        ids.push((await small.publishSnapshot(snapshotInput(sha, objects(2, `v${i}`)))).snapshotId);
      }
      expect((await small.listSnapshots()).map((s) => s.id)).toEqual([ids[2], ids[1]]);
      await small.repoint('2'.repeat(40)); // the older one is current now: pruning must keep it
      expect(await small.pruneSnapshots(1)).toEqual([]);
      expect((await small.listSnapshots()).map((s) => s.id)).toEqual([ids[2], ids[1]]);
      await small.repoint('3'.repeat(40));
      expect(await small.pruneSnapshots(1)).toEqual([ids[1]]);
      expect((await small.listSnapshots()).map((s) => s.id)).toEqual([ids[2]]);
      expect((await small.readCurrent())?.pointer.snapshotId).toBe(ids[2]);
    });

    it('rejects a snapshot with two objects of one kind and uuid', async () => {
      const [o] = objects(1, 'dup');
      await expect(
        reg.publishSnapshot(snapshotInput(SHA_A, [o!, { ...o!, name: 'other' }])),
      ).rejects.toBeInstanceOf(InvalidInputError);
      expect(await reg.readPointer()).toBeNull();
    });

    it('records, updates, reads and forgets applied state', async () => {
      const rec = (uuid: string, supersetId: number, kind = 'chart'): AppliedRecord => ({
        kind,
        name: `name ${uuid}`,
        uuid,
        supersetId,
        hash: `h${supersetId}`,
        appliedAt: '2024-05-01T12:00:00Z',
        commit: SHA_A,
      });
      await reg.recordApplied(rec('u2', 2));
      await reg.recordApplied(rec('u1', 1));
      await reg.recordApplied(rec('u9', 9, 'dataset'));
      await reg.recordApplied(rec('u2', 22));
      expect(await (await open()).readApplied()).toEqual([
        rec('u1', 1),
        rec('u2', 22),
        rec('u9', 9, 'dataset'),
      ]);
      const extra = { ...rec('u7', 7), changedOn: '2024-05-01T12:00:00.123456', protected: true };
      await reg.recordApplied(extra);
      await reg.recordApplied({ ...rec('u8', 8), changedOn: null });
      const withExtras = await reg.readApplied();
      expect(withExtras.find((r) => r.uuid === 'u7')).toEqual(extra);
      expect(withExtras.find((r) => r.uuid === 'u8')?.changedOn).toBeNull();
      await reg.forgetApplied('chart', 'u7');
      await reg.forgetApplied('chart', 'u8');
      expect(await reg.forgetApplied('chart', 'u1')).toBe(true);
      expect(await reg.forgetApplied('chart', 'u1')).toBe(false);
      expect((await reg.readApplied()).map((r) => r.uuid)).toEqual(['u2', 'u9']);
      await expect(
        reg.recordApplied({ ...rec('u3', 3), supersetId: 'x' as unknown as number }),
      ).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('keeps the newest N history entries, newest first', async () => {
      const small = await open({ keepHistory: 3 });
      const seqs: number[] = [];
      for (let n = 1; n <= 5; n++)
        seqs.push((await small.appendHistory(history(n, n === 4 ? 'partial' : 'success'))).seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      const entries = await small.readHistory();
      expect(entries.map((e) => e.commit)).toEqual(['c5', 'c4', 'c3']);
      expect(entries[1]).toMatchObject({ result: 'partial', failed: 1, created: 4 });
      expect((await small.readHistory(1)).map((e) => e.commit)).toEqual(['c5']);
    });

    it('replaces the drift findings as a whole set', async () => {
      expect(await reg.readDriftFindings()).toEqual([]);
      await reg.writeDriftFindings([{ kind: 'chart', uuid: 'u1', field: 'title' }, 'x', 3]);
      await reg.writeDriftFindings([{ kind: 'dataset', uuid: 'u2' }]);
      expect(await (await open()).readDriftFindings()).toEqual([{ kind: 'dataset', uuid: 'u2' }]);
      await reg.writeDriftFindings([]);
      expect(await reg.readDriftFindings()).toEqual([]);
    });

    describe('apply lock', () => {
      it('lets a second client wait, then hands it over on release with a larger fencing number', async () => {
        const other = await open();
        const first = await reg.acquireLock({ holder: holder('ci-1'), timeoutMs: 2000 });
        expect(await other.readLockHolder()).toMatchObject({
          host: 'ci-1',
          pid: 4242,
          sequence: first.sequence,
        });
        const waiting = other.acquireLock({ holder: holder('ci-2'), timeoutMs: 10_000 });
        let got = false;
        void waiting.then(() => (got = true));
        await new Promise((r) => setTimeout(r, 300));
        expect(got).toBe(false);
        await first.release();
        const second = await waiting;
        expect(second.sequence).toBeGreaterThan(first.sequence);
        expect((await reg.readLockHolder())?.host).toBe('ci-2');
        await second.release();
        expect(await reg.readLockHolder()).toBeNull();
      });

      it('times out with a typed error that names the holder, its CI run and since when', async () => {
        const other = await open();
        const runUrl = 'https://github.com/acme/bi/actions/runs/123';
        await reg.acquireLock({ holder: holder('ci-7', { runUrl, user: 'bob' }), timeoutMs: 2000 });
        const started = Date.now();
        const err: unknown = await other
          .acquireLock({ holder: holder('ci-8'), timeoutMs: 400 })
          .catch((e: unknown) => e);
        expect(Date.now() - started).toBeGreaterThanOrEqual(390);
        expect(err).toBeInstanceOf(LockTimeoutError);
        const message = (err as Error).message;
        expect(message).toContain('ci-7');
        expect(message).toContain(runUrl);
        expect(message).toContain('2024-05-01T12:00:00.000Z');
        expect(message).toContain('user bob');
        expect((err as LockTimeoutError).holder?.host).toBe('ci-7');
        expect((await other.readLockHolder())?.host).toBe('ci-7'); // the waiter left no trace
      });

      it('is released when the holder closes (its session ends)', async () => {
        const holderReg = await open();
        const waiterReg = await open();
        await holderReg.acquireLock({ holder: holder('doomed'), timeoutMs: 2000 });
        const waiting = waiterReg.acquireLock({ holder: holder('next'), timeoutMs: 20_000 });
        await new Promise((r) => setTimeout(r, 200));
        await holderReg.close();
        const handle = await waiting;
        expect((await reg.readLockHolder())?.host).toBe('next');
        await handle.release();
      });

      it('force-unlock removes holder and waiters: the holder learns it lost the lock', async () => {
        const other = await open();
        const held = await reg.acquireLock({ holder: holder('stuck'), timeoutMs: 2000 });
        const reasons: string[] = [];
        held.onLost((why) => reasons.push(why));
        const waiting = other
          .acquireLock({ holder: holder('waiter'), timeoutMs: 20_000 })
          .catch((e: unknown) => e);
        await new Promise((r) => setTimeout(r, 200));
        const removed = await (await open()).forceUnlock();
        expect(removed.map((h) => h.host)).toEqual(['stuck', 'waiter']);
        expect(await waiting).toBeInstanceOf(LockLostError);
        await expect.poll(() => held.lost).toBe(true);
        expect(reasons).toHaveLength(1);
        await held.release(); // harmless after the fact
        expect(await reg.readLockHolder()).toBeNull();
      });

      it('rejects a holder without host or pid, and a timeout that is not a finite number', async () => {
        await expect(
          reg.acquireLock({ holder: { host: 'h' } as unknown as LockHolder, timeoutMs: 100 }),
        ).rejects.toBeInstanceOf(InvalidInputError);
        await expect(reg.acquireLock({ holder: holder('h'), timeoutMs: Number.NaN })).rejects.toBeInstanceOf(
          InvalidInputError,
        );
        expect(await reg.readLockHolder()).toBeNull();
      });
    });
  });
}
