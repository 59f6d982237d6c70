// Several `watch` agents on one environment: one leads, the others stand by; when the leader is
// killed (-9, no goodbye) a standby takes over and goes on reporting Superset edits. SIGTERM stops an
// agent cleanly: exit 0, its election znode gone at once, the health file saying `stopping`.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../../src/drift/types.js';
import { ZkRegistry } from '../../../src/registry/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { startAgent, stopAgent, type AgentProcess } from './agent-process.js';
import { applyFixture, createDriftFixture, type DriftFixture } from './fixture.js';

let fx: DriftFixture | undefined;
let agents: AgentProcess[] = [];

afterEach(async () => {
  await Promise.all(agents.map((a) => stopAgent(a)));
  await fx?.cleanup();
  agents = [];
  fx = undefined;
});

async function editRowLimit(f: DriftFixture, value: number): Promise<void> {
  const id = await f.idOf('chart', f.names.chart);
  const params = JSON.parse(String((await f.admin.get('chart', id)).params)) as Record<string, unknown>;
  await f.admin.update('chart', id, { params: JSON.stringify({ ...params, row_limit: value }) });
}

describe('watch: agents', () => {
  it('a standby takes over when the leader is killed and still reports a Superset edit', async () => {
    fx = createDriftFixture('failover');
    await applyFixture(fx);
    const first = startAgent(fx.argv('watch', '--interval', '1'));
    agents.push(first);
    await first.waitFor((l) => l.event === 'leader-elected');
    const second = startAgent(fx.argv('watch', '--interval', '1'));
    agents.push(second);
    await second.waitFor((l) => l.event === 'standing-by');
    expect(second.lines.some((l) => l.event === 'leader-elected')).toBe(false);

    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    const elected = await second.waitFor((l) => l.event === 'leader-elected', 20_000);
    // No goodbye from a killed process: its node goes when the server expires its 4 s session.
    console.log(`standby took over ${elected.at - killedAt} ms after kill -9`);

    const from = second.lines.length;
    await editRowLimit(fx, 3);
    const drift = await second.waitFor(
      (l) => l.event === 'drift' && l.name === fx?.names.chart && l.attribute === 'params.row_limit',
      30_000,
      from,
    );
    expect(drift).toMatchObject({ where: 'superset', expected: 100, actual: 3 });
    expect(drift.changedBy).toBeTruthy();
    // The new leader writes its findings under the environment's root for others to read.
    const registry = await ZkRegistry.connect({ connect: serviceEndpoints().zkConnect, root: fx.zkRoot });
    try {
      let published: DriftFinding[] = [];
      for (let i = 0; i < 50 && !published.some((f) => f.actual === 3); i++) {
        published = (await registry.readDriftFindings()) as unknown as DriftFinding[];
        if (!published.some((f) => f.actual === 3)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(published.find((f) => f.where === 'superset')).toMatchObject({
        name: fx.names.chart,
        attribute: 'params.row_limit',
        expected: 100,
        actual: 3,
      });
    } finally {
      await registry.close();
    }
  });

  it('SIGTERM: exit 0, the agent znode is gone at once, the health file says stopping', async () => {
    fx = createDriftFixture('sigterm');
    await applyFixture(fx);
    const healthFile = path.join(fx.dir, 'health.json');
    const agent = startAgent(
      fx.argv('watch', '--interval', '1', '--health-file', healthFile, '--health-port', '0'),
    );
    agents.push(agent);
    const listening = await agent.waitFor((l) => l.event === 'health-listening');
    await agent.waitFor((l) => l.event === 'started');
    await agent.waitFor((l) => l.event === 'poll', 30_000);
    const running = JSON.parse(fs.readFileSync(healthFile, 'utf8')) as Record<string, unknown>;
    expect(running).toMatchObject({ state: 'running', leader: true, pid: agent.pid });
    expect(running.lastPollAt).toEqual(expect.any(String));
    const served = (await (await fetch(String(listening.url))).json()) as Record<string, unknown>;
    expect(served).toMatchObject({ state: 'running', leader: true, agent: running.agent });

    const zk = await fx.zk();
    try {
      const dir = `${fx.zkRoot}/agents`;
      expect(await zk.children(dir)).toHaveLength(1);
      const sentAt = Date.now();
      agent.child.kill('SIGTERM');
      let goneAt = 0;
      while (!goneAt && Date.now() - sentAt < 10_000) {
        if ((await zk.children(dir)).length === 0) goneAt = Date.now();
        else await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const exit = await agent.exited;
      expect(exit).toEqual({ code: 0, signal: null });
      // Deleted by the agent, not left to the 4 s session timeout.
      expect(goneAt - sentAt).toBeLessThan(2000);
      console.log(`agent znode gone ${goneAt - sentAt} ms after SIGTERM`);
    } finally {
      zk.close();
    }
    expect(agent.lines.at(-1)?.event).toBe('stopped');
    // Every line on stdout is one JSON event (nothing else writes there).
    expect(agent.lines.filter((l) => l.event === 'non-json')).toEqual([]);
    expect(agent.lines.every((l) => typeof l.time === 'string' && l.environment === 'drifttest')).toBe(true);
    const stopped = JSON.parse(fs.readFileSync(healthFile, 'utf8')) as Record<string, unknown>;
    expect(stopped).toMatchObject({ state: 'stopping', leader: false });
  });
});
