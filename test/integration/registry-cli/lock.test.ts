// The apply lock between CLI processes: a second apply waits for the first or gives up naming the
// holder; an apply killed with SIGKILL while holding the lock releases it when its ZooKeeper
// session times out. A proxy in front of Superset holds the first apply's writes so the timing is
// the test's, not the machine's.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceEndpoints } from '../endpoints.js';
import { ensureBuilt, looksLikeCleanFailure } from './cli-process.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';
import { createTestProject, type TestProject } from './test-project.js';
import { waitFor } from '../../helpers/wait.js';

const CI_RUN = {
  GITHUB_RUN_ID: '4242',
  GITHUB_REPOSITORY: 'acme/dashboards',
  GITHUB_SERVER_URL: 'https://github.example',
};

describe('the apply lock between CLI processes', () => {
  let project: TestProject | undefined;
  let proxy: DelayProxy | undefined;
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await proxy?.close();
    await project?.cleanup();
    project = proxy = undefined;
  });

  it('a concurrent apply fails after --lock-timeout naming the holder, another waits; nothing is applied twice', async () => {
    project = createTestProject('lock', { charts: 3 });
    proxy = await startDelayProxy(serviceEndpoints().supersetUrl);
    project.commit('first');
    const held = proxy.holdWriteAfter(0);
    const first = project.start(['apply'], { supersetUrl: proxy.url, extra: CI_RUN });
    const write = await held; // the first apply holds the lock and is about to create the database

    const second = await project.run(['apply', '--lock-timeout', '1']);
    expect(looksLikeCleanFailure(second), second.stderr).toBe(true);
    const [waiting, message, ...rest] = second.stderr.trim().split('\n');
    expect(rest).toEqual([]);
    expect(waiting).toContain(`Waiting for the apply lock, held by host`);
    expect(message).toMatch(/^error: apply lock not acquired within 1\.\d s: held by host \S+ \(pid \d+/);
    expect(message).toContain(`pid ${first.pid}`);
    expect(message).toContain('CI run https://github.example/acme/dashboards/actions/runs/4242');
    expect(message).toMatch(/since \d{4}-\d\d-\d\dT/);
    expect(message).toContain('`superset-gitops state unlock --env it`');

    // Through the proxy too, so its writes are counted.
    const third = project.start(['apply', '--lock-timeout', '60'], { supersetUrl: proxy.url });
    const registry = await project.registry();
    // Two contenders queued (holder + third) before the holder goes on.
    await waitFor('the third apply to queue', async () =>
      (await project!.lockContenders()) >= 2 ? true : undefined,
    );
    write.release();
    const firstResult = await first.done;
    const writesOfFirst = proxy.writesForwarded;
    const thirdResult = await third.done;
    expect(firstResult.code, firstResult.stderr).toBe(0);
    expect(firstResult.stdout).toContain('5 created, 0 updated, 0 deleted');
    expect(thirdResult.code, thirdResult.stderr).toBe(0);
    expect(thirdResult.stderr).toContain(`Waiting for the apply lock, held by host`);
    expect(thirdResult.stderr).toContain(`pid ${first.pid}`);
    expect(thirdResult.stdout).toContain('0 created, 0 updated, 0 deleted');

    expect(writesOfFirst).toBeGreaterThanOrEqual(5);
    expect(proxy.writesForwarded).toBe(writesOfFirst); // the third apply wrote nothing
    expect(await project.countInSuperset()).toEqual({ database: 1, dataset: 1, chart: 3, dashboard: 0 });
    const history = await registry.readHistory();
    expect(history.map((h) => [h.created, h.updated, h.result])).toEqual([
      [0, 0, 'success'],
      [5, 0, 'success'],
    ]);
    expect(await registry.readLockHolder()).toBeNull();
  });

  it('an apply killed with SIGKILL while holding the lock: the next one proceeds after the session timeout', async () => {
    project = createTestProject('kill9', { charts: 2 });
    proxy = await startDelayProxy(serviceEndpoints().supersetUrl);
    project.commit('first');
    const held = proxy.holdWriteAfter(1); // the database goes through, the dataset is held
    const victim = project.start(['apply'], { supersetUrl: proxy.url });
    const write = await held;
    expect(write.url).toMatch(/^\/api\/v1\/dataset\//);
    victim.child.kill('SIGKILL');
    const killed = await victim.done;
    expect(killed.signal).toBe('SIGKILL');
    write.release(); // its client is gone: the proxy drops it, Superset never sees it
    await waitFor('the held write to be dropped', () =>
      Promise.resolve(proxy!.writesDropped === 1 ? true : undefined),
    );

    const next = await project.run(['apply', '--lock-timeout', '30']);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toContain(`Waiting for the apply lock, held by host`);
    expect(next.stderr).toContain(`pid ${victim.pid}`);
    // It waited for the dead session to time out (4 s asked, the server's minimum).
    expect(next.ms).toBeGreaterThan(2000);
    expect(next.stdout).toContain('3 created, 0 updated, 0 deleted'); // the database was done already

    const plan = await project.run(['plan']);
    expect(plan.code, plan.stdout).toBe(0);
    expect(await project.countInSuperset()).toEqual({ database: 1, dataset: 1, chart: 2, dashboard: 0 });
    const registry = await project.registry();
    expect(await registry.readLockHolder()).toBeNull();
    expect((await registry.readHistory()).map((h) => h.created)).toEqual([3]); // the killed one recorded none
    expect((await registry.readApplied()).map((r) => r.kind).sort()).toEqual([
      'chart',
      'chart',
      'database',
      'dataset',
    ]);
  });
});
