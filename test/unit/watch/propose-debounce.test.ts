import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../../src/drift/types.js';
import { ProposalDebounce } from '../../../src/watch/propose.js';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function finding(name: string, attribute: string, actual: unknown, changedOn: number | null): DriftFinding {
  return {
    environment: 'staging',
    kind: 'chart',
    name,
    uuid: `u-${name}`,
    attribute,
    expected: null,
    actual: actual as never,
    where: 'superset',
    detectedAt: iso(T0),
    changedBy: 'ana',
    changedOn: changedOn === null ? null : iso(changedOn),
    message: '',
  };
}

describe('ProposalDebounce', () => {
  it('waits for five quiet minutes after the last edit of each object', () => {
    let now = T0;
    const d = new ProposalDebounce(300_000, () => now);
    const edit = [finding('A', 'params.row_limit', 5, T0)];
    expect(d.due(edit)).toEqual({ targets: [], signature: '', wakeInMs: 300_000 });
    now = T0 + 200_000;
    // A second edit at T0+200 s moves the object's quiet period on.
    const again = [finding('A', 'params.row_limit', 6, T0 + 200_000)];
    expect(d.due(again).wakeInMs).toBe(300_000);
    now = T0 + 499_999;
    expect(d.due(again).targets).toEqual([]);
    now = T0 + 500_000;
    const due = d.due(again);
    expect(due.targets).toEqual(['chart/A']);
    expect(due.wakeInMs).toBeUndefined();
    // Nothing new: the same signature, so the caller proposes nothing again.
    now += 60_000;
    expect(d.due(again).signature).toBe(due.signature);
  });

  it('proposes the quiet objects and wakes for the one still being edited', () => {
    let now = T0 + 400_000;
    const d = new ProposalDebounce(300_000, () => now);
    const findings = [
      finding('A', 'description', 'x', T0),
      finding('B', 'description', 'y', T0 + 350_000),
      { ...finding('C', 'description', 'z', T0), where: 'missing' as const },
    ];
    const due = d.due(findings);
    expect(due.targets).toEqual(['chart/A']);
    expect(due.wakeInMs).toBe(250_000);
    now = T0 + 650_000;
    expect(d.due(findings).targets).toEqual(['chart/A', 'chart/B']);
  });

  it('without changed_on, counts from when it first saw the current differences', () => {
    let now = T0;
    const d = new ProposalDebounce(1_000, () => now);
    expect(d.due([finding('A', 'description', 'x', null)]).targets).toEqual([]);
    now += 1_000;
    expect(d.due([finding('A', 'description', 'x', null)]).targets).toEqual(['chart/A']);
    // A new difference starts the wait again.
    expect(d.due([finding('A', 'description', 'x2', null)]).targets).toEqual([]);
  });
});
