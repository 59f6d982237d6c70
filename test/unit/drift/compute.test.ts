import { describe, expect, it } from 'vitest';
import { computeDrift, hasDrift, type DriftInput } from '../../../src/drift/compute.js';
import { contentHash } from '../../../src/model/canonical.js';
import type { Attributes } from '../../../src/plan/attributes.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../../../src/plan/types.js';

const want = (name: string, attributes: Attributes, kind: DesiredEntry['kind'] = 'chart'): DesiredEntry => ({
  kind,
  name,
  uuid: `u-${kind}-${name}`,
  attributes,
  hash: contentHash(attributes),
  protected: false,
  dependsOn: [],
});
const live = (
  o: { kind: DesiredEntry['kind']; name: string; uuid: string },
  attributes?: Attributes,
  who: { changedBy?: string; changedOn?: string } = {},
): LiveEntry => ({
  kind: o.kind,
  uuid: o.uuid,
  id: 7,
  name: o.name,
  changedBy: who.changedBy ?? null,
  changedOn: who.changedOn ?? null,
  ...(attributes ? { attributes } : {}),
});
const owned = (d: DesiredEntry, extra: Partial<AppliedEntry> = {}): AppliedEntry => ({
  kind: d.kind,
  name: d.name,
  uuid: d.uuid,
  supersetId: 7,
  hash: d.hash,
  ...extra,
});
const published = (...entries: DesiredEntry[]): DriftInput['snapshot'] => ({
  commit: 'c1',
  hashes: new Map(entries.map((d) => [d.uuid, d.hash])),
});
const drift = (input: Partial<DriftInput>) =>
  computeDrift({
    environment: 'prod',
    now: '2026-01-01T00:00:00.000Z',
    gitCommit: 'g1',
    desired: [],
    snapshot: null,
    applied: [],
    live: [],
    ...input,
  });

const chart = want('Revenue', { viz_type: 'pie', params: { row_limit: 100, metric: 'sum' } });

describe('computeDrift', () => {
  it('finds nothing when git, the registry and Superset agree', () => {
    const report = drift({
      desired: [chart],
      snapshot: published(chart),
      applied: [owned(chart)],
      live: [live(chart, chart.attributes)],
    });
    expect(report.findings).toEqual([]);
    expect(hasDrift(report)).toBe(false);
    expect(report).toMatchObject({ registryCommit: 'c1', gitCommit: 'g1', objectsChecked: 1 });
    expect(Object.values(report.counts)).toEqual([0, 0, 0, 0, 0]);
  });

  it('superset: an attribute edited out of band, with who changed it and when', () => {
    const edited = { ...chart.attributes, params: { row_limit: 7, metric: 'sum' } };
    const report = drift({
      desired: [chart],
      snapshot: published(chart),
      applied: [owned(chart)],
      live: [live(chart, edited, { changedBy: 'Ada Lovelace', changedOn: '2026-01-01T10:00:00.000000Z' })],
    });
    expect(report.findings).toEqual([
      {
        environment: 'prod',
        kind: 'chart',
        name: 'Revenue',
        uuid: chart.uuid,
        attribute: 'params.row_limit',
        expected: 100,
        actual: 7,
        where: 'superset',
        detectedAt: '2026-01-01T00:00:00.000Z',
        changedBy: 'Ada Lovelace',
        changedOn: '2026-01-01T10:00:00.000000Z',
        message: 'changed in Superset by Ada Lovelace at 2026-01-01T10:00:00.000000Z',
      },
    ]);
    expect(report.counts.superset).toBe(1);
    expect(hasDrift(report)).toBe(true);
  });

  it('superset: an edit Superset did not stamp (changed_on as applied) names no one and no time', () => {
    const dash = want('sales', { dashboard_title: 'Sales', owners: ['admin', 'bob'] }, 'dashboard');
    const at = '2026-01-01T09:00:00.000000Z';
    const report = drift({
      desired: [dash],
      applied: [owned(dash, { changedOn: at })],
      live: [
        live(dash, { ...dash.attributes, owners: ['admin'] }, { changedBy: 'Ada Lovelace', changedOn: at }),
      ],
    });
    expect(report.findings).toMatchObject([
      {
        where: 'superset',
        attribute: 'owners',
        changedBy: null,
        changedOn: null,
        message: 'changed in Superset (an edit Superset does not stamp: who and when unknown)',
      },
    ]);
  });

  it('superset: a key removed inside params is reported with the value git expects', () => {
    const report = drift({
      desired: [chart],
      applied: [owned(chart)],
      live: [live(chart, { ...chart.attributes, params: { row_limit: 100 } })],
    });
    expect(report.findings).toMatchObject([
      { where: 'superset', attribute: 'params.metric', expected: 'sum', actual: null },
    ]);
  });

  it('an object not read in full (changed_on did not move) gives no attribute findings', () => {
    const report = drift({ desired: [chart], applied: [owned(chart)], live: [live(chart)] });
    expect(report.findings).toEqual([]);
  });

  it('not-applied: published but not applied, or not even published; attribute diffs then wait for the apply', () => {
    const next = { ...chart, attributes: { ...chart.attributes, viz_type: 'bar' }, hash: 'h-next' };
    const old = { ...chart.attributes };
    const pending = drift({
      desired: [next],
      snapshot: published(next),
      applied: [owned(chart)],
      live: [live(chart, old)],
    });
    expect(pending.findings.map((f) => [f.where, f.attribute, f.message])).toEqual([
      ['not-applied', null, 'published to the registry but not applied to Superset yet; run apply'],
      ['not-applied', 'viz_type', 'differs until the pending change is applied'],
    ]);
    const unpublished = drift({
      desired: [next],
      snapshot: published(chart),
      applied: [owned(chart)],
      live: [live(chart, old)],
    });
    expect(unpublished.findings[0]?.message).toBe(
      'git has a change that is not published to the registry yet; run apply',
    );
    expect(unpublished.counts['not-applied']).toBe(2);
  });

  it('missing: deleted in Superset after an apply, or never created', () => {
    const deleted = drift({ desired: [chart], snapshot: published(chart), applied: [owned(chart)] });
    expect(deleted.findings).toMatchObject([
      { where: 'missing', attribute: null, message: 'deleted in Superset outside this tool' },
    ]);
    const never = drift({ desired: [chart] });
    expect(never.findings.map((f) => [f.where, f.message])).toEqual([
      ['not-applied', 'git has a change that is not published to the registry yet; run apply'],
      ['missing', 'not created in Superset yet'],
    ]);
    expect(never.counts).toMatchObject({ missing: 1, 'not-applied': 1 });
  });

  it('unmanaged: listed and counted, but not drift; left out with ignoreUnmanaged', () => {
    const stray = { kind: 'dashboard' as const, name: 'Scratch', uuid: 'u-stray' };
    const input = { live: [live(stray, undefined, { changedBy: 'Bob' })] };
    const report = drift(input);
    expect(report.findings).toMatchObject([
      { where: 'unmanaged', kind: 'dashboard', name: 'Scratch', changedBy: 'Bob' },
    ]);
    expect(report.counts.unmanaged).toBe(1);
    expect(hasDrift(report)).toBe(false);
    expect(drift({ ...input, ignoreUnmanaged: true }).findings).toEqual([]);
  });

  it('zookeeper: a tampered snapshot and unreadable registry nodes', () => {
    const report = drift({
      desired: [chart],
      snapshot: { tampered: 'snapshot s1 does not match its content hash' },
      applied: [owned(chart)],
      live: [live(chart, chart.attributes)],
      registryProblems: [{ name: 'applied', message: 'corrupt registry node /r/applied/chart/x' }],
    });
    expect(report.findings.map((f) => [f.where, f.kind, f.name, f.message])).toEqual([
      ['zookeeper', 'registry', 'current', 'snapshot s1 does not match its content hash'],
      ['zookeeper', 'registry', 'applied', 'corrupt registry node /r/applied/chart/x'],
    ]);
    expect(report.counts.zookeeper).toBe(2);
    expect(report.registryCommit).toBeNull();
    expect(hasDrift(report)).toBe(true);
  });

  it('an owned object removed from git: waiting for --prune, or kept because protected', () => {
    const gone = want('Old', { viz_type: 'table' });
    const kept = want('Kept', { viz_type: 'table' });
    const report = drift({
      applied: [owned(gone), owned(kept, { protected: true })],
      live: [live(gone), live(kept)],
    });
    expect(report.findings.map((f) => [f.name, f.where, f.message])).toEqual([
      ['Old', 'not-applied', 'removed from git; `apply --prune` deletes it'],
      ['Kept', 'not-applied', 'removed from git but protected: kept in Superset'],
    ]);
    // Gone from both git and Superset: nothing left to report.
    expect(drift({ applied: [owned(gone)] }).findings).toEqual([]);
  });

  it('counts every finding once per where and checks each object once', () => {
    const a = want('A', { viz_type: 'pie' });
    const b = want('B', { viz_type: 'pie' });
    const report = drift({
      desired: [a, b],
      snapshot: published(a, b),
      applied: [owned(a), owned(b)],
      live: [
        live(a, { viz_type: 'bar' }),
        live({ kind: 'chart', name: 'X', uuid: 'u-x' }),
        live({ kind: 'chart', name: 'Y', uuid: 'u-y' }),
      ],
    });
    expect(report.counts).toEqual({ superset: 1, zookeeper: 0, 'not-applied': 0, missing: 1, unmanaged: 2 });
    expect(report.findings).toHaveLength(4);
    expect(report.objectsChecked).toBe(4);
  });
});
