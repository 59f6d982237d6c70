import { beforeEach, describe, expect, it } from 'vitest';
import { SupersetPoller } from '../../../src/watch/poller.js';
import { MemoryPort } from './memory-port.js';

let port: MemoryPort;
let poller: SupersetPoller;

function seedWith(charts: number): void {
  port.add('database', 'warehouse');
  port.add('dataset', 'orders');
  for (let i = 0; i < charts; i++) port.add('chart', `chart ${i}`);
  port.add('dashboard', 'sales');
  poller.seed(port.snapshot());
}

const names = (rows: { row: { name: string } }[]) => rows.map((r) => r.row.name);

beforeEach(() => {
  port = new MemoryPort();
  poller = new SupersetPoller(port);
});

describe('SupersetPoller', () => {
  it('needs a baseline first', async () => {
    expect(poller.ready).toBe(false);
    await expect(poller.poll()).rejects.toThrow(/no baseline/);
    seedWith(1);
    expect(poller.ready).toBe(true);
    poller.reset();
    expect(poller.ready).toBe(false);
  });

  it('costs four list calls a poll, with 10 objects or 1,000', async () => {
    for (const charts of [10, 1000]) {
      port = new MemoryPort();
      poller = new SupersetPoller(port);
      seedWith(charts);
      const before = port.calls.list;
      const quiet = await poller.poll();
      expect(quiet).toEqual({ changed: [], deleted: [], listCalls: 4 });
      port.edit('uuid-chart-3');
      const busy = await poller.poll();
      expect(busy.listCalls).toBe(4);
      expect(port.calls.list - before).toBe(8);
    }
  });

  it('reports an edit once, with who made it', async () => {
    seedWith(3);
    port.edit('uuid-chart-4', undefined, 'Carol');
    const first = await poller.poll();
    expect(first.changed).toMatchObject([
      { kind: 'chart', row: { uuid: 'uuid-chart-4', changedBy: 'Carol' } },
    ]);
    expect((await poller.poll()).changed).toEqual([]);
    port.edit('uuid-chart-4');
    expect(names((await poller.poll()).changed)).toEqual(['chart 1']);
  });

  it('reports a creation as a change without a full listing', async () => {
    seedWith(2);
    port.add('dashboard', 'new one');
    const result = await poller.poll();
    expect(names(result.changed)).toEqual(['new one']);
    expect(result.listCalls).toBe(4);
    expect(poller.listed().dashboard.map((r) => r.name)).toEqual(['sales', 'new one']);
  });

  it('finds a deletion with one full listing of that kind', async () => {
    seedWith(3);
    port.delete('uuid-chart-3');
    const result = await poller.poll();
    expect(result.deleted).toMatchObject([{ kind: 'chart', row: { name: 'chart 0' } }]);
    expect(result.listCalls).toBe(5);
    expect(poller.listed().chart).toHaveLength(2);
    expect(await poller.poll()).toEqual({ changed: [], deleted: [], listCalls: 4 });
  });

  it('finds a deletion even when a creation in the same interval keeps the count', async () => {
    seedWith(3);
    port.delete('uuid-chart-3');
    port.add('chart', 'replacement');
    const result = await poller.poll();
    expect(names(result.changed)).toEqual(['replacement']);
    expect(names(result.deleted)).toEqual(['chart 0']);
  });

  it('still sees a write that became visible after a later one was seen (slow commit)', async () => {
    seedWith(2);
    port.edit('uuid-chart-3'); // seen first
    expect(names((await poller.poll()).changed)).toEqual(['chart 0']);
    // Stamped 1.5 s before the newest change seen, committed only now.
    port.edit('uuid-chart-4', port.stamp(-1500));
    expect(names((await poller.poll()).changed)).toEqual(['chart 1']);
  });

  it('starts from the baseline: changes made before it are not reported', async () => {
    port.add('chart', 'old');
    port.edit('uuid-chart-1');
    poller.seed(port.snapshot());
    expect((await poller.poll()).changed).toEqual([]);
  });
});
