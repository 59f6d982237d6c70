import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZkClient, ZkError, deleteTree, isZkError, listTree, mkdirp } from '../../../src/zookeeper/index.js';
import { connect, expireSession, removeTree, uniqueRoot } from './helpers.js';

describe('ZkClient against a live ZooKeeper', () => {
  let zk: ZkClient;
  let root: string;

  beforeEach(async () => {
    zk = await connect();
    root = uniqueRoot('client');
    await mkdirp(zk, root);
  });
  afterEach(async () => {
    if (!zk.dead) zk.close();
    await removeTree(root);
  });

  it('fails a connect to an unreachable server after its own timeout, with a clear message', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r())); // now nothing listens there
    const started = Date.now();
    const err: unknown = await ZkClient.connect({
      connect: `127.0.0.1:${port}`,
      connectTimeoutMs: 800,
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(790);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(isZkError(err, 'CONNECTIONLOSS')).toBe(true);
    expect((err as Error).message).toContain(`127.0.0.1:${port} within 800 ms`);
  });

  it('reports errors with their numeric code and name', async () => {
    const path = `${root}/node`;
    const created = await zk.create(path, 'v0');
    expect(created).toBe(path);
    await expect(zk.create(path, 'again')).rejects.toMatchObject({
      code: -110,
      codeName: 'NODEEXISTS',
      path,
    });
    await expect(zk.get(`${root}/missing`)).rejects.toMatchObject({ code: -101, codeName: 'NONODE' });
    await zk.create(`${path}/child`, '');
    await expect(zk.delete(path, -1)).rejects.toMatchObject({ code: -111, codeName: 'NOTEMPTY' });
    expect(await zk.tryGet(`${root}/missing`)).toBeNull();
  });

  it('checks versions on set and delete: -1 means any, undefined is refused', async () => {
    const path = `${root}/v`;
    await zk.create(path, 'a');
    const { stat } = await zk.get(path);
    expect(stat.version).toBe(0);
    const after = await zk.set(path, 'b', 0);
    expect(after.version).toBe(1);
    await expect(zk.set(path, 'c', 0)).rejects.toMatchObject({ codeName: 'BADVERSION' });
    await zk.set(path, 'd', -1);
    expect((await zk.get(path)).data.toString()).toBe('d');
    await expect(zk.set(path, 'e', undefined as unknown as number)).rejects.toMatchObject({
      codeName: 'BADARGUMENTS',
    });
    await expect(zk.delete(path, 0)).rejects.toMatchObject({ codeName: 'BADVERSION' });
    await zk.delete(path, 2);
    expect(await zk.exists(path)).toBe(false);
  });

  it('returns a typed stat', async () => {
    const path = `${root}/s`;
    const before = Date.now();
    await zk.create(path, 'hello');
    const { data, stat } = await zk.get(path);
    expect(data.toString()).toBe('hello');
    expect(stat).toMatchObject({ version: 0, dataLength: 5, numChildren: 0, ephemeralOwner: '0' });
    expect(stat.mtime).toBeGreaterThanOrEqual(before - 5000);
    expect(typeof stat.ctime).toBe('number');
  });

  it('creates ephemeral and sequential nodes; ephemerals go with the session', async () => {
    const other = await connect();
    const seq1 = await other.create(`${root}/e-`, '', { mode: 'ephemeral_sequential' });
    const seq2 = await other.create(`${root}/e-`, '', { mode: 'ephemeral_sequential' });
    expect(seq1).toMatch(/e-\d{10}$/);
    expect(seq2 > seq1).toBe(true);
    expect((await zk.get(seq1)).stat.ephemeralOwner).not.toBe('0');
    other.close();
    await expect.poll(() => zk.exists(seq1), { timeout: 5000 }).toBe(false);
    expect(await zk.children(root)).toEqual([]);
  });

  it('arms one watch per path and kind, fires once, and survives repeated registration', async () => {
    const path = `${root}/w`;
    await zk.create(path, 'a');
    const events: string[] = [];
    zk.onWatch((e) => events.push(`${e.type} ${e.path}`));
    await zk.getWatched(path);
    await zk.getWatched(path);
    await zk.statWatched(path);
    expect(zk.armedWatches).toBe(1);
    const writer = await connect();
    await writer.set(path, 'b', -1);
    await expect.poll(() => events.length).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(events).toEqual([`changed ${path}`]);
    expect(zk.armedWatches).toBe(0);
    await zk.childrenWatched(path);
    await writer.create(`${path}/kid`, '');
    await expect.poll(() => events.length).toBe(2);
    expect(events[1]).toBe(`children ${path}`);
    writer.close();
  });

  it('watches a missing node for creation with statWatched, not with getWatched', async () => {
    const path = `${root}/later`;
    expect(await zk.getWatched(path)).toBeNull();
    expect(zk.armedWatches).toBe(0);
    expect(await zk.statWatched(path)).toBeNull();
    expect(zk.armedWatches).toBe(1);
    const next = zk.nextEvent(path, 5000);
    const writer = await connect();
    await writer.create(path, '');
    expect(await next.promise).toEqual({ type: 'created', path });
    writer.close();
  });

  it('builds and removes trees', async () => {
    await mkdirp(zk, `${root}/a/b/c`);
    await zk.create(`${root}/a/b/c/d`, 'x');
    await zk.create(`${root}/a/e`, 'y');
    expect(await listTree(zk, `${root}/a`)).toEqual([
      `${root}/a`,
      `${root}/a/b`,
      `${root}/a/b/c`,
      `${root}/a/b/c/d`,
      `${root}/a/e`,
    ]);
    expect(await deleteTree(zk, `${root}/a`)).toBe(5);
    expect(await zk.exists(`${root}/a`)).toBe(false);
    expect(await deleteTree(zk, `${root}/a`)).toBe(0);
  });

  it('says when its session expired, and fails every later call with SESSIONEXPIRED', async () => {
    const victim = await connect();
    const states: string[] = [];
    victim.onState((s) => states.push(s));
    await expireSession(victim);
    await expect.poll(() => victim.state, { timeout: 15_000 }).toBe('expired');
    expect(victim.dead).toBe(true);
    expect(states).toContain('expired');
    const err: unknown = await victim.get(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ZkError);
    expect((err as ZkError).codeName).toBe('SESSIONEXPIRED');
    expect((err as Error).message).toMatch(/open a new client/);
  });
});
