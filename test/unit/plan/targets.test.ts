import { describe, expect, it } from 'vitest';
import { describeUnknownTargets, unknownTargets } from '../../../src/plan/targets.js';

const known = ['chart/Revenue by month', 'chart/Revenue by region', 'dashboard/sales', 'dataset/orders'];

describe('--target entries that name nothing', () => {
  it('are found, with the closest key of the same kind', () => {
    expect(unknownTargets(['chart/Revenue by mnth', 'dashboard/sales'], known)).toEqual([
      { target: 'chart/Revenue by mnth', suggestion: 'chart/Revenue by month' },
    ]);
  });

  it('a wrong kind is suggested across kinds; nothing near gives no suggestion', () => {
    expect(unknownTargets(['dashbord/sales'], known)).toEqual([
      { target: 'dashbord/sales', suggestion: 'dashboard/sales' },
    ]);
    expect(unknownTargets(['chart/zzzzzzzzzzzzzzzzzzzzzz'], known)).toEqual([
      { target: 'chart/zzzzzzzzzzzzzzzzzzzzzz' },
    ]);
  });

  it('known targets pass, and the message names each unknown one', () => {
    expect(unknownTargets(known, known)).toEqual([]);
    expect(describeUnknownTargets(unknownTargets(['chart/Revenue by mnth', 'x/y'], known))).toBe(
      '--target names no object: chart/Revenue by mnth (did you mean chart/Revenue by month?), x/y. Targets are kind/name, e.g. chart/Revenue by month.',
    );
  });
});
