// ZooKeeper going away in the middle of an apply: a separate single server (port 2191) stopped and
// started again, and the leader of the 3-node ensemble killed. The apply completes or fails with a
// clear message (exit 1, no stack); a rerun converges (plan exits 0) and nothing exists twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceEndpoints } from '../endpoints.js';
import { ensureBuilt, looksLikeCleanFailure, type CliResult } from './cli-process.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';
import { createTestProject, type TestProject } from './test-project.js';
import {
  ENSEMBLE_CONNECT,
  ENSEMBLE_PORTS,
  SPARE_PORT,
  isServing,
  leaderNode,
  modeOf,
  zookeeperScript,
} from './zk-servers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ZooKeeper outages during an apply', () => {
  let project: TestProject | undefined;
  let proxy: DelayProxy | undefined;
  const stopAfter: Array<() => Promise<unknown>> = [];
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await proxy?.close();
    await project?.cleanup();
    project = proxy = undefined;
  });
  afterAll(async () => {
    for (const stop of stopAfter.splice(0)) await stop();
  });

  /** The outcome either way, then a rerun that converges. */
  async function expectCleanThenConverges(p: TestProject, result: CliResult): Promise<void> {
    expect(result.code === 0 || looksLikeCleanFailure(result), result.stdout + result.stderr).toBe(true);
    const rerun = await p.run(['apply', '--lock-timeout', '30']);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    const plan = await p.run(['plan']);
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(await p.countInSuperset()).toEqual({ database: 1, dataset: 1, chart: 3, dashboard: 0 });
  }

  it('the ZooKeeper server stops and starts again mid-apply', async () => {
    if (!(await isServing(SPARE_PORT))) {
      await zookeeperScript(['start'], SPARE_PORT);
      stopAfter.push(() => zookeeperScript(['stop'], SPARE_PORT));
    }
    project = createTestProject('zkrestart', { zkConnect: `127.0.0.1:${SPARE_PORT}`, charts: 3 });
    proxy = await startDelayProxy(serviceEndpoints().supersetUrl);
    project.commit('first');
    const held = proxy.holdWriteAfter(1); // the database is created and recorded; the dataset waits
    const apply = project.start(['apply'], { supersetUrl: proxy.url });
    const write = await held;
    await zookeeperScript(['stop'], SPARE_PORT);
    write.release(); // the dataset is created in Superset while ZooKeeper is down
    await sleep(1000);
    await zookeeperScript(['start'], SPARE_PORT);
    await expectCleanThenConverges(project, await apply.done);
  });

  it('the ensemble loses its leader mid-apply', async () => {
    const modes = await Promise.all(ENSEMBLE_PORTS.map((port) => modeOf(port)));
    const wasRunning = modes.every((m) => m === 'leader' || m === 'follower');
    if (!wasRunning) {
      await zookeeperScript(['ensemble-start']);
      stopAfter.push(() => zookeeperScript(['ensemble-stop']));
    }
    project = createTestProject('ensemble', { zkConnect: ENSEMBLE_CONNECT, charts: 3 });
    proxy = await startDelayProxy(serviceEndpoints().supersetUrl);
    project.commit('first');
    const held = proxy.holdWriteAfter(1);
    const apply = project.start(['apply'], { supersetUrl: proxy.url });
    const write = await held;
    const leader = await leaderNode();
    await zookeeperScript(['node-kill', String(leader)]);
    // Someone else's ensemble gets its member back; ours is stopped whole afterwards.
    if (wasRunning) stopAfter.push(() => zookeeperScript(['node-start', String(leader)]));
    write.release();
    await expectCleanThenConverges(project, await apply.done);
  });
});
