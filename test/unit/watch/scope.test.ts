import { describe, expect, it } from 'vitest';
import { agentScope, changesRegistryState } from '../../../src/watch/scope.js';

const root = '/sg/prod';
const scope = agentScope(root, () => 's2');

describe('agent scope', () => {
  it('follows the registry but not its own findings nor old snapshots in depth', () => {
    expect(scope(root)).toEqual({ data: true, descend: true });
    expect(scope(`${root}/current`)).toEqual({ data: true, descend: true });
    expect(scope(`${root}/applied/chart/u1`)).toEqual({ data: true, descend: true });
    expect(scope(`${root}/drift`)).toBeNull();
    expect(scope(`${root}/drift/g1/f-000000`)).toBeNull();
    expect(scope(`${root}/history/h-0000000001`)).toEqual({ data: false, descend: false });
    expect(scope(`${root}/lock`)).toEqual({ data: false, descend: true });
    expect(scope(`${root}/snapshots/s2`)).toEqual({ data: true, descend: true });
    expect(scope(`${root}/snapshots/s1`)).toEqual({ data: true, descend: false });
    expect(scope(`${root}/objects`)).toEqual({ data: false, descend: true });
    expect(scope(`${root}/objects/chart`)).toEqual({ data: false, descend: true });
    expect(scope(`${root}/objects/chart/x~u1~${'a'.repeat(64)}`)).toEqual({ data: true, descend: false });
  });

  it('knows which changes move the desired or applied state', () => {
    expect(changesRegistryState(root, `${root}/current`, 's2')).toBe(true);
    expect(changesRegistryState(root, `${root}/applied/chart/u1`, 's2')).toBe(true);
    expect(changesRegistryState(root, `${root}/snapshots/s2/chart/x~u1`, 's2')).toBe(true);
    expect(changesRegistryState(root, `${root}/snapshots/s20`, 's2')).toBe(false);
    expect(changesRegistryState(root, `${root}/snapshots/s1/chart/x~u1`, 's2')).toBe(false);
    expect(changesRegistryState(root, `${root}/history/h-1`, 's2')).toBe(false);
    expect(changesRegistryState(root, `${root}/objects/chart/x~u1~${'a'.repeat(64)}`, 's2')).toBe(true);
    expect(changesRegistryState(root, `${root}/objects/chart`, 's2')).toBe(false);
    expect(changesRegistryState(root, `${root}/agents/a-agent-1`, null)).toBe(false);
  });
});
