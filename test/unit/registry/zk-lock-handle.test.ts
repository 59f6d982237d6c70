// The lock's fence: concurrent writes share one check sent after each of them asked, and fences
// asked for once a check is on its way share the next one. Against a fake of the few
// ZkClient members the handle uses; the live behaviour is in test/integration/registry-cli/fencing.
import { describe, expect, it } from 'vitest';
import { LockLostError } from '../../../src/registry/errors.js';
import { lockHandle } from '../../../src/registry/zk-lock-handle.js';
import type { ZkClient, ZkStat } from '../../../src/zookeeper/index.js';

const PATH = '/gitops/lock/lock-0000000001';
const STAT = { version: 0 } as unknown as ZkStat;

function fakeZk() {
  const pending: Array<{ sentAt: number; answer: (stat: ZkStat | null) => void; fail: (e: Error) => void }> =
    [];
  let asked = 0;
  const zk = {
    dead: false,
    state: 'connected',
    sessionTimeoutMs: 6000,
    statWatched: () => new Promise<ZkStat | null>(() => undefined),
    onWatch: () => () => undefined,
    onState: () => () => undefined,
    stat: (path: string) => {
      expect(path).toBe(PATH);
      return new Promise<ZkStat | null>((answer, fail) => pending.push({ sentAt: asked, answer, fail }));
    },
    delete: () => Promise.resolve(),
  };
  const handle = lockHandle(zk as unknown as ZkClient, PATH, 1, {
    host: 'x',
    pid: 1,
    since: '2026-12-07T00:00:00Z',
  });
  const fence = () => {
    asked++;
    return handle.fence();
  };
  const sent = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    return pending.splice(0);
  };
  return { zk, handle, fence, sent };
}

describe('lock fence', () => {
  it('sends one check for the fences asked for before it goes, after the last of them', async () => {
    const { fence, sent } = fakeZk();
    let passed = 0;
    const fences = Array.from({ length: 64 }, () => fence().then(() => passed++));
    const checks = await sent();
    expect(checks).toHaveLength(1);
    expect(checks[0]?.sentAt).toBe(64);
    expect(passed).toBe(0); // none passes before the answer
    checks[0]?.answer(STAT);
    await Promise.all(fences);
    expect(passed).toBe(64);
  });

  it('fences asked for while a check is on its way share the next one, sent once that one is answered', async () => {
    const { fence, sent } = fakeZk();
    let early = false;
    let late = 0;
    const first = fence().then(() => (early = true));
    const [check1] = await sent();
    const second = Promise.all([fence(), fence(), fence()]).then(() => (late = 3));
    expect(await sent()).toHaveLength(0); // one check on its way at a time
    check1?.answer(STAT);
    await first;
    expect(early).toBe(true);
    const checks = await sent();
    expect(checks).toHaveLength(1);
    expect(checks[0]?.sentAt).toBe(4); // after the last of the three was asked for
    expect(late).toBe(0);
    checks[0]?.answer(STAT);
    await second;
    expect(late).toBe(3);
  });

  it('a check that finds the lock node gone fails every fence that shared it, and every later one at once', async () => {
    const { fence, sent, handle } = fakeZk();
    const fences = [fence(), fence(), fence()];
    const [check] = await sent();
    check?.answer(null);
    for (const f of fences) await expect(f).rejects.toThrow(LockLostError);
    expect(handle.lost).toBe(true);
    await expect(fence()).rejects.toThrow(/is gone/);
    expect(await sent()).toHaveLength(0);
  });

  it('a failed check and a released lock fail their fences', async () => {
    const a = fakeZk();
    const f = a.fence();
    const [check] = await a.sent();
    check?.fail(new Error('connection loss'));
    await expect(f).rejects.toThrow(/could not confirm the lock: connection loss/);

    const b = fakeZk();
    const waiting = b.fence();
    await b.handle.release();
    await expect(waiting).rejects.toThrow(/released/); // released before its check was sent
    expect(await b.sent()).toHaveLength(0);
  });

  it('a dead session fails the fence without a check', async () => {
    const { zk, fence, sent } = fakeZk();
    zk.dead = true;
    zk.state = 'expired';
    await expect(fence()).rejects.toThrow(/session expired/);
    expect(await sent()).toHaveLength(0);
  });
});
