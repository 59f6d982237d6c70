import { describe, expect, it } from 'vitest';
import { checkRoot, registryPaths, registryRoot, sequenceOf } from '../../../src/registry/paths.js';

describe('registry paths', () => {
  it('puts each environment under the base, encoded', () => {
    expect(registryRoot('prod')).toBe('/superset-gitops/prod');
    expect(registryRoot('eu west/1', '/x')).toBe('/x/eu%20west%2F1');
  });

  it('lays out the tree under one root', () => {
    const p = registryPaths('/superset-gitops/prod');
    expect(p.current).toBe('/superset-gitops/prod/current');
    expect(p.snapshot('abc-123')).toBe('/superset-gitops/prod/snapshots/abc-123');
    expect(p.snapshotObject('s1', 'chart', 'Sales / EU', 'u-1')).toBe(
      '/superset-gitops/prod/snapshots/s1/chart/Sales%20%2F%20EU~u-1',
    );
    expect(p.appliedRecord('dataset', 'u 2')).toBe('/superset-gitops/prod/applied/dataset/u%202');
    expect(p.lock).toBe('/superset-gitops/prod/lock');
    expect(p.history).toBe('/superset-gitops/prod/history');
    expect(p.drift).toBe('/superset-gitops/prod/drift');
  });

  it.each(['', '/', 'relative/path', '/trailing/', '/a//b', '/a/./b', '/a/../b'])(
    'rejects root %j',
    (root) => {
      expect(() => checkRoot(root)).toThrow(/absolute znode path/);
    },
  );

  it('reads the sequence number ZooKeeper appends', () => {
    expect(sequenceOf('h-0000000042')).toBe(42);
    expect(sequenceOf('0b6e-lock-0000000007')).toBe(7);
    expect(sequenceOf('no-sequence')).toBeUndefined();
  });
});
