// `watch --heal`: the leader puts an object edited in Superset back (read back through the API) and
// logs heal-start/heal-done; an owned object removed from git stays unless --prune.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, stopAgent, type AgentProcess } from './agent-process.js';
import { applyFixture, createDriftFixture, listOwn, type DriftFixture } from './fixture.js';

let fx: DriftFixture | undefined;
let agent: AgentProcess | undefined;

afterEach(async () => {
  await stopAgent(agent);
  await fx?.cleanup();
  agent = fx = undefined;
});

async function rowLimit(f: DriftFixture): Promise<unknown> {
  const id = await f.idOf('chart', f.names.chart);
  return (JSON.parse(String((await f.admin.get('chart', id)).params)) as { row_limit?: unknown }).row_limit;
}

describe('watch --heal', () => {
  it('restores an edited chart, never deletes without --prune, deletes with it', async () => {
    fx = createDriftFixture('heal');
    await applyFixture(fx);
    // The second chart leaves git; applied without --prune it stays in Superset, still owned.
    fs.rmSync(path.join(fx.metadataDir, fx.files.extra));
    await applyFixture(fx);
    const extraExists = async () =>
      (await listOwn(fx!.admin, 'chart', fx!.runId)).some((c) => c.name === fx?.names.extra);
    expect(await extraExists()).toBe(true);

    agent = startAgent(fx.argv('watch', '--interval', '1', '--heal'));
    await agent.waitFor((l) => l.event === 'check', 30_000);
    let from = agent.lines.length;
    const id = await fx.idOf('chart', fx.names.chart);
    const params = JSON.parse(String((await fx.admin.get('chart', id)).params)) as Record<string, unknown>;
    await fx.admin.update('chart', id, { params: JSON.stringify({ ...params, row_limit: 7 }) });
    expect(await rowLimit(fx)).toBe(7);

    const start = await agent.waitFor((l) => l.event === 'heal-start', 30_000, from);
    expect(start.targets).toEqual([`chart/${fx.names.chart}`]);
    const done = await agent.waitFor((l) => l.event === 'heal-done', 30_000, from);
    expect(done).toMatchObject({ updated: 1, created: 0, deleted: 0 });
    expect(await rowLimit(fx)).toBe(100);
    await agent.waitFor(
      (l) => l.event === 'drift-resolved' && l.name === fx?.names.chart && l.attribute === 'params.row_limit',
      30_000,
      from,
    );
    expect(await extraExists()).toBe(true); // removed from git, but no --prune
    expect(agent.lines.filter((l) => l.event === 'heal-start')).toHaveLength(1);
    await stopAgent(agent);

    // With --prune the leader deletes the owned chart the registry no longer wants.
    agent = startAgent(fx.argv('watch', '--interval', '1', '--heal', '--prune'));
    from = 0;
    const pruned = await agent.waitFor((l) => l.event === 'heal-start', 30_000, from);
    expect(pruned.targets).toEqual([`chart/${fx.names.extra}`]);
    expect(await agent.waitFor((l) => l.event === 'heal-done', 30_000, from)).toMatchObject({ deleted: 1 });
    expect(await extraExists()).toBe(false);
    expect(await rowLimit(fx)).toBe(100);
  });

  it("notices and heals a dataset's owners taken away in Superset, an edit that keeps its changed_on", async () => {
    fx = createDriftFixture('healowners');
    const file = path.join(fx.metadataDir, 'datasets/orders.yaml');
    fs.appendFileSync(file, 'owners: [admin]\n');
    await applyFixture(fx);
    const id = await fx.idOf('dataset', fx.names.dataset);
    const owners = async () =>
      ((await fx!.admin.get('dataset', id)).owners as { id: number }[]).map((o) => o.id);
    const before = await owners();
    expect(before).toHaveLength(1);

    agent = startAgent(fx.argv('watch', '--interval', '1', '--heal'));
    await agent.waitFor((l) => l.event === 'check', 30_000);
    const from = agent.lines.length;
    await fx.admin.update('dataset', id, { owners: [] });
    expect(await owners()).toEqual([]);

    const found = await agent.waitFor(
      (l) => l.event === 'drift' && l.name === fx?.names.dataset && l.attribute === 'owners',
      30_000,
      from,
    );
    expect(found).toMatchObject({ expected: ['admin'], actual: [] });
    const start = await agent.waitFor((l) => l.event === 'heal-start', 30_000, from);
    expect(start.targets).toEqual([`dataset/${fx.names.dataset}`]);
    const done = await agent.waitFor((l) => l.event === 'heal-done', 30_000, from);
    expect(done).toMatchObject({ updated: 1, created: 0, deleted: 0 });
    expect(await owners()).toEqual(before);
  });
});
