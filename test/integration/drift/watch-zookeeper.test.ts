// `watch` as a child process against the live ZooKeeper: a znode changed by hand is reported within a
// second, and after a session expiry the agent rebuilds its tree cache and reports what changed while
// it was away. The expiry comes from a cut TCP proxy between the agent and the shared ZooKeeper.
import { afterEach, describe, expect, it } from 'vitest';
import { serviceEndpoints } from '../endpoints.js';
import { startAgent, stopAgent, type AgentProcess } from './agent-process.js';
import { applyFixture, createDriftFixture, type DriftFixture } from './fixture.js';
import { startProxy, type TcpProxy } from './tcp-proxy.js';

let fx: DriftFixture | undefined;
let agent: AgentProcess | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await stopAgent(agent);
  await proxy?.close();
  await fx?.cleanup();
  agent = proxy = fx = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watch: ZooKeeper', () => {
  it('reports a znode changed by hand in well under a second', async () => {
    fx = createDriftFixture('zkwatch');
    await applyFixture(fx);
    agent = startAgent(fx.argv('watch', '--interval', '5'));
    await agent.waitFor((l) => l.event === 'started');
    const zk = await fx.zk();
    const latencies: number[] = [];
    try {
      const chartUuid = (await zk.children(`${fx.zkRoot}/applied/chart`))[0];
      const targets = [`${fx.zkRoot}/current`, `${fx.zkRoot}/applied/chart/${chartUuid}`];
      for (let i = 0; i < 6; i++) {
        const path = targets[i % 2] as string;
        const node = await zk.get(path);
        const from = agent.lines.length;
        const written = Date.now();
        await zk.set(path, node.data, node.stat.version); // the same bytes: still a write
        const line = await agent.waitFor(
          (l) => l.event === 'zk-change' && l.path === path && l.version === node.stat.version + 1,
          5000,
          from,
        );
        expect(line.type).toBe('changed');
        latencies.push(line.at - written);
        await sleep(100);
      }
    } finally {
      zk.close();
    }
    // A pointer that no longer reads back as written is a finding of its own, and resolves when put back.
    const zk2 = await fx.zk();
    try {
      const path = `${fx.zkRoot}/current`;
      const node = await zk2.get(path);
      const from = agent.lines.length;
      await zk2.set(path, '{"snapshotId":"hand-edited"}', node.stat.version);
      const tampered = await agent.waitFor((l) => l.event === 'drift' && l.where === 'zookeeper', 5000, from);
      expect(tampered).toMatchObject({ kind: 'registry', name: 'current' });
      await zk2.set(path, node.data, -1);
      await agent.waitFor((l) => l.event === 'drift-resolved' && l.where === 'zookeeper', 5000, from);
    } finally {
      zk2.close();
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(`zk change -> log line: ${latencies.join(', ')} ms (median ${median})`);
    expect(median).toBeLessThan(1000);
    expect(Math.max(...latencies)).toBeLessThan(2000);
  });

  it('survives a short disconnect and a session expiry, and reports what changed while it was away', async () => {
    const { zkHost, zkPort } = serviceEndpoints();
    proxy = await startProxy(zkHost, zkPort);
    fx = createDriftFixture('zkexpiry', { zkConnect: proxy.address, sessionTimeoutMs: 4000 });
    await applyFixture(fx);
    agent = startAgent(fx.argv('watch', '--interval', '1'));
    await agent.waitFor((l) => l.event === 'started');
    await agent.waitFor((l) => l.event === 'leader-elected');
    const current = `${fx.zkRoot}/current`;
    const zk = await fx.zk(); // straight to ZooKeeper, not through the proxy
    const touch = async () => {
      const node = await zk.get(current);
      return (await zk.set(current, node.data, node.stat.version)).version;
    };
    try {
      // A short disconnect: the session survives, the change made meanwhile arrives after it.
      proxy.cut();
      await sleep(300);
      let from = agent.lines.length;
      let version = await touch();
      await sleep(700);
      proxy.restore();
      await agent.waitFor(
        (l) => l.event === 'zk-change' && l.path === current && l.version === version,
        10_000,
        from,
      );

      // Longer than the 4 s session timeout: the server expires the session.
      proxy.cut();
      await agent.waitFor((l) => l.event === 'standing-by', 10_000, from); // it stops acting
      version = await touch();
      await sleep(6000);
      from = agent.lines.length;
      proxy.restore();
      const expired = await agent.waitFor((l) => l.event === 'session-expired', 20_000, from);
      const rebuilt = await agent.waitFor((l) => l.event === 'session-rebuilt', 20_000, from);
      const change = await agent.waitFor(
        (l) => l.event === 'zk-change' && l.path === current && l.version === version,
        5000,
        from,
      );
      const order = [expired, change, rebuilt].map((l) => agent?.lines.indexOf(l));
      expect(order).toEqual([...order].sort((a = 0, b = 0) => a - b)); // reported by the rebuild
      expect(change.type).toBe('changed');

      // A new session, a new place in the election: it leads again and keeps watching.
      await agent.waitFor((l) => l.event === 'leader-elected', 10_000, from);
      from = agent.lines.length;
      version = await touch();
      await agent.waitFor(
        (l) => l.event === 'zk-change' && l.path === current && l.version === version,
        2000,
        from,
      );
    } finally {
      zk.close();
    }
  });
});
