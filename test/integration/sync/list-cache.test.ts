// The listing a plan keeps for the next one, on live Superset: a plan after a plan lists only what
// changed since (one call per kind), still sees an edit made in Superset, and lists a kind in full
// when an object of it was deleted; `--read-all` lists everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixture, type Fixture } from './fixture.js';
import { engine, type Engine, type PortCall } from './harness.js';
import { actions, changeOf, idOf } from './read-back.js';
import { writeSampleTree, type SampleNames } from './sample-tree.js';

let fx: Fixture;
let n: SampleNames;
let eng: Engine;

beforeAll(async () => {
  fx = createFixture('lcache');
  n = writeSampleTree(fx);
  eng = await engine(fx);
  const first = await eng.apply();
  expect(first.outcome.failed).toBeUndefined();
});

afterAll(async () => {
  await eng?.close();
  await fx?.cleanup();
});

const lists = (log: PortCall[]) => ({
  full: log.filter((c) => c.op === 'list' && !c.fields).map((c) => c.kind),
  changedSince: log.filter((c) => c.op === 'list' && c.fields?.includes('changed-since')).length,
});

describe('the kept listing', () => {
  it('makes a plan after a plan list only what changed: one call per kind', async () => {
    await eng.plan(); // keeps the listing
    eng.port.reset();
    const { plan } = await eng.plan();
    expect(actions(plan)).toEqual([]);
    expect(lists(eng.port.log)).toEqual({ full: [], changedSince: 4 });
    expect(eng.port.log.filter((c) => c.op !== 'list')).toEqual([]);
  });

  it('still sees an edit made in Superset', async () => {
    const id = await idOf(fx.admin, 'chart', n.pie);
    await fx.admin.update('chart', id, { description: 'edited in the UI' });
    eng.port.reset();
    const { plan } = await eng.plan();
    expect(changeOf(plan, 'chart', n.pie).action).toBe('update');
    expect(lists(eng.port.log).full).toEqual([]);
    expect(eng.port.log.filter((c) => c.op === 'get')).toEqual([{ op: 'get', kind: 'chart', id }]);
    await eng.apply();
  });

  it('lists a kind in full when one of its objects was deleted, and plans its creation', async () => {
    await eng.plan();
    await fx.admin.remove('chart', await idOf(fx.admin, 'chart', n.bar));
    eng.port.reset();
    const { plan } = await eng.plan();
    expect(changeOf(plan, 'chart', n.bar).action).toBe('create');
    expect(lists(eng.port.log).full).toEqual(['chart']);
    eng.port.reset();
    const all = await eng.plan({ readAll: true });
    expect(changeOf(all.plan, 'chart', n.bar).action).toBe('create');
    expect(lists(eng.port.log)).toEqual({
      full: ['database', 'dataset', 'chart', 'dashboard'],
      changedSince: 0,
    });
    await eng.apply();
    expect(actions((await eng.plan({ readAll: true })).plan)).toEqual([]);
  });
});
