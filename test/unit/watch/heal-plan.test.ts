import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../../src/drift/types.js';
import type { AppliedEntry } from '../../../src/plan/types.js';
import { healPlan } from '../../../src/watch/heal.js';

const finding = (
  name: string,
  where: DriftFinding['where'],
  extra: Partial<DriftFinding> = {},
): DriftFinding => ({
  environment: 'prod',
  kind: 'chart',
  name,
  uuid: `u-${name}`,
  attribute: null,
  expected: null,
  actual: null,
  where,
  detectedAt: '2026-01-01T00:00:00Z',
  changedBy: null,
  changedOn: null,
  message: '',
  ...extra,
});
const owned = (name: string, extra: Partial<AppliedEntry> = {}): [string, AppliedEntry] => [
  `u-${name}`,
  { kind: 'chart', name, uuid: `u-${name}`, supersetId: 1, hash: 'h', ...extra },
];

const edited = finding('A', 'superset', { attribute: 'params.row_limit', expected: 100, actual: 7 });
const deleted = finding('B', 'missing');
const removed = finding('Old', 'not-applied');
const keptProtected = finding('Kept', 'not-applied');
const applied = new Map([owned('A'), owned('B'), owned('Old'), owned('Kept', { protected: true })]);
const desired = new Set(['u-A', 'u-B', 'u-New']);

describe('healPlan', () => {
  it('re-applies owned objects edited or deleted in Superset', () => {
    expect(healPlan([edited, deleted], desired, applied, false)?.targets).toEqual(['chart/A', 'chart/B']);
  });

  it('never targets an object removed from git unless prune, and never a protected one', () => {
    const findings = [edited, removed, keptProtected];
    expect(healPlan(findings, desired, applied, false)?.targets).toEqual(['chart/A']);
    expect(healPlan(findings, desired, applied, true)?.targets).toEqual(['chart/A', 'chart/Old']);
    expect(healPlan([removed], desired, applied, false)).toBeNull();
  });

  it('leaves alone what the tool never applied and what is not drift', () => {
    const findings = [
      finding('New', 'missing'), // never created: an apply's job
      finding('Stray', 'unmanaged'),
      finding('A', 'not-applied'), // pending apply
      finding('', 'zookeeper', { kind: 'registry', uuid: '' }),
    ];
    expect(healPlan(findings, desired, applied, true)).toBeNull();
  });

  it('has the same signature for the same differences, whoever made them and whenever', () => {
    const later = { ...edited, changedBy: 'Bob', changedOn: '2026-02-02T00:00:00Z', detectedAt: 'x' };
    const first = healPlan([edited], desired, applied, false);
    expect(healPlan([later], desired, applied, false)?.signature).toBe(first?.signature);
    const other = { ...edited, actual: 8 };
    expect(healPlan([other], desired, applied, false)?.signature).not.toBe(first?.signature);
  });
});
