// Drift and `watch`: how long from a change to the agent's report, and what a Superset poll costs.
//   npx tsx bench/drift.ts      (the services of scripts/services.sh)
//   BENCH_OBJECTS (default 1000) charts for the calls-per-poll figure, BENCH_EDITS (default 10).
// Everything runs in a scratch environment (own ZooKeeper root, own SQLite file, names carrying a run
// id) that is deleted at the end.
import { ATTRIBUTE_OPTIONS } from '../src/superset-map/attribute-options.js';
import { readLive } from '../src/live/read-live.js';
import { OBJECT_KINDS } from '../src/schema/index.js';
import { mapLimit } from '../src/util/map-limit.js';
import { SupersetPoller } from '../src/watch/poller.js';
import { startAgent, stopAgent, type AgentProcess } from '../test/integration/drift/agent-process.js';
import { applyFixture, createDriftFixture } from '../test/integration/drift/fixture.js';

const objects = Number(process.env.BENCH_OBJECTS ?? 1000);
const edits = Number(process.env.BENCH_EDITS ?? 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stats(label: string, values: number[]): void {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  console.log(
    `${label}: median ${median} ms, worst ${sorted.at(-1)} ms, best ${sorted[0]} ms (n=${values.length})`,
  );
}

const fx = createDriftFixture('bench');
let agent: AgentProcess | undefined;
try {
  await applyFixture(fx);
  const chartId = await fx.idOf('chart', fx.names.chart);
  const params = JSON.parse(String((await fx.admin.get('chart', chartId)).params)) as object;

  // Many objects in Superset while measuring: the agent's checks and polls see all of them.
  const datasetId = await fx.idOf('dataset', fx.names.dataset);
  let started = Date.now();
  await mapLimit(
    Array.from({ length: objects }, (_, i) => i),
    8,
    (i) =>
      fx.admin.create('chart', {
        slice_name: `Bench ${i} ${fx.runId}`,
        viz_type: 'table',
        datasource_id: datasetId,
        datasource_type: 'table',
        params: '{}',
      }),
  );
  console.log(`created ${objects} charts in ${Date.now() - started} ms`);
  agent = startAgent(fx.argv('watch', '--interval', '1'));
  await agent.waitFor((l) => l.event === 'check', 60_000);

  // ZooKeeper: a write to <root>/current (same bytes, new version) until its zk-change line.
  const zk = await fx.zk();
  const zkLatency: number[] = [];
  try {
    const path = `${fx.zkRoot}/current`;
    for (let i = 0; i < 20; i++) {
      const node = await zk.get(path);
      const from = agent.lines.length;
      const at = Date.now();
      await zk.set(path, node.data, node.stat.version);
      const line = await agent.waitFor(
        (l) => l.event === 'zk-change' && l.path === path && l.version === node.stat.version + 1,
        5000,
        from,
      );
      zkLatency.push(line.at - at);
      await sleep(50);
    }
  } finally {
    zk.close();
  }

  // Superset: a chart edited through the REST API until the agent's drift line (1 s interval).
  const supersetLatency: number[] = [];
  for (let i = 0; i < edits; i++) {
    await sleep(Math.random() * 1000); // edits land anywhere in the interval
    const value = 1000 + i;
    const from = agent.lines.length;
    await fx.admin.update('chart', chartId, { params: JSON.stringify({ ...params, row_limit: value }) });
    const at = Date.now();
    const line = await agent.waitFor(
      (l) => l.event === 'drift' && l.attribute === 'params.row_limit' && l.actual === value,
      30_000,
      from,
    );
    supersetLatency.push(line.at - at);
  }
  const polls = agent.lines.filter((l) => l.event === 'poll');
  await stopAgent(agent);
  agent = undefined;

  // What a poll costs with that many objects: the poller's list calls, counted.
  const port = fx.admin;
  let calls = port.calls.list;
  started = Date.now();
  const live = await readLive(port, [], [], ATTRIBUTE_OPTIONS);
  const counts = OBJECT_KINDS.map((k) => `${live.listed[k].length} ${k}s`).join(', ');
  console.log(
    `full listing (what a one-shot drift and the agent's check read): ${port.calls.list - calls} list calls, ${Date.now() - started} ms (${counts})`,
  );
  const poller = new SupersetPoller(port);
  poller.seed(live.listed);
  const perPoll: number[] = [];
  const changedRows: number[] = [];
  const pollMs: number[] = [];
  const poll = async () => {
    calls = port.calls.list;
    const at = Date.now();
    const result = await poller.poll();
    perPoll.push(port.calls.list - calls);
    pollMs.push(Date.now() - at);
    return result;
  };
  for (let i = 0; i < 5; i++) await poll();
  for (let i = 0; i < 5; i++) {
    await fx.admin.update('chart', chartId, { params: JSON.stringify({ ...params, row_limit: 2000 + i }) });
    const result = await poll();
    // Others may be using the same Superset: their changes show up too.
    if (!result.changed.some((c) => c.row.id === chartId)) throw new Error('the edit was not seen');
    changedRows.push(result.changed.length);
  }
  const quietAndEdited = [...perPoll];
  await fx.admin.remove('chart', await fx.idOf('chart', `Bench 0 ${fx.runId}`));
  const afterDelete = await poll();

  console.log('');
  console.log(`watch --interval 1, ${live.listed.chart.length} charts in Superset while measuring latency`);
  stats('ZooKeeper change -> zk-change line', zkLatency);
  stats('Superset edit (PUT returned) -> drift line', supersetLatency);
  stats(
    'agent poll duration',
    polls.map((l) => Number(l.ms)),
  );
  console.log(
    `Superset list calls per poll with ${live.listed.chart.length} charts: ${quietAndEdited.join(', ')} (5 quiet, 5 with one edit of ours; rows seen changed in those: ${changedRows.join(', ')}; each changed managed object costs the agent one GET)`,
  );
  console.log(
    `after a deletion: ${perPoll.at(-1)} list calls (the kind whose count dropped is listed in full once), found ${afterDelete.deleted.length} deleted`,
  );
  stats('poller.poll() duration, 4 kinds at once', pollMs);
} finally {
  await stopAgent(agent);
  const started = Date.now();
  await fx.cleanup();
  console.log(`cleaned up in ${Date.now() - started} ms`);
}
