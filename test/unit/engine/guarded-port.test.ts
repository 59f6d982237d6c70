// The port an apply writes through: claims before creates, stops on a lost lock (the fence runs
// before the claim, and the port runs it again before each attempt it sends).
import { describe, expect, it } from 'vitest';
import { guardedPort } from '../../../src/engine/guarded-port.js';
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import { type LockHandle } from '../../../src/registry/index.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { SupersetApiError, type SupersetErrorCode } from '../../../src/superset/errors.js';
import type { SupersetPort, WriteOptions } from '../../../src/superset/port.js';
import { LockLostError } from '../../../src/registry/errors.js';

const chart: AnyDesired = {
  kind: 'chart',
  name: 'Revenue',
  uuid: deriveUuid('chart', 'Revenue'),
  spec: { kind: 'chart', name: 'Revenue', dataset: 'orders', viz_type: 'pie' },
  source: { file: 'charts/revenue.yaml', line: 1, col: 1 },
};

function fakeLock(): LockHandle & { lose(): void } {
  let lost = false;
  return {
    sequence: 1,
    holder: { host: 'h', pid: 1, since: '2024-01-01T00:00:00Z' },
    get lost() {
      return lost;
    },
    lose: () => (lost = true),
    onLost: () => undefined,
    fence: () => (lost ? Promise.reject(new LockLostError('test')) : Promise.resolve()),
    release: () => Promise.resolve(),
  };
}

/** A port whose create sees what the registry holds at that moment, then answers or fails. */
function fakePort(registry: MemoryRegistry, fail?: SupersetErrorCode) {
  const seenAtCreate: string[][] = [];
  // Like the HTTP client: the fence runs just before the request is sent.
  const port = {
    create: async (_kind: string, _body: unknown, options: WriteOptions = {}) => {
      await options.fence?.();
      seenAtCreate.push((await registry.readApplied()).map((r) => `${r.kind}/${r.supersetId}/${r.hash}`));
      if (fail)
        throw new SupersetApiError('refused', {
          code: fail,
          status: fail === 'invalid' ? 422 : 0,
          context: { op: 'create', kind: 'chart' },
          method: 'POST',
          path: '/api/v1/chart/',
        });
      return { id: 7, result: {} };
    },
    update: async (_k: string, _id: number, _b: unknown, options: WriteOptions = {}) => {
      await options.fence?.();
      return {};
    },
    remove: async (_k: string, _id: number, options: WriteOptions = {}) => {
      await options.fence?.();
    },
  } as unknown as SupersetPort;
  return { port, seenAtCreate };
}

function setup(fail?: SupersetErrorCode, owned: string[] = []) {
  const registry = new MemoryRegistry();
  const lock = fakeLock();
  const { port, seenAtCreate } = fakePort(registry, fail);
  const guarded = guardedPort({
    port,
    fence: () => lock.fence(),
    registry,
    desired: new Map([[chart.uuid, chart]]),
    owned: new Set(owned),
    commit: 'c1',
  });
  return { registry, lock, guarded, seenAtCreate };
}

describe('guardedPort', () => {
  it('claims the object in the registry before the create is sent', async () => {
    const { registry, guarded, seenAtCreate } = setup();
    await guarded.create('chart', { slice_name: 'Revenue', uuid: chart.uuid });
    expect(seenAtCreate).toEqual([['chart/0/']]);
    const [claim] = await registry.readApplied();
    expect(claim).toMatchObject({ kind: 'chart', name: 'Revenue', uuid: chart.uuid, commit: 'c1' });
  });

  it('claims a kind Superset keeps no uuid for by the uuid its name gives', async () => {
    const registry = new MemoryRegistry();
    const { port, seenAtCreate } = fakePort(registry);
    const template: AnyDesired = {
      kind: 'css_template',
      name: 'brand',
      uuid: deriveUuid('css_template', 'brand'),
      spec: { kind: 'css_template', name: 'brand', css: '.a {}' },
      source: { file: 'css-templates/brand.yaml', line: 1, col: 1 },
    };
    const guarded = guardedPort({
      port,
      fence: () => Promise.resolve(),
      registry,
      desired: new Map([[template.uuid, template]]),
      owned: new Set(),
      commit: 'c1',
    });
    await guarded.create('css_template', { template_name: 'brand', css: '.a {}' });
    expect(seenAtCreate).toEqual([['css_template/0/']]);
    // A template of another name (not in the YAML) is not claimed.
    await guarded.create('css_template', { template_name: 'other', css: '' });
    expect((await registry.readApplied()).map((r) => r.uuid)).toEqual([template.uuid]);
  });

  it('drops the claim when Superset refused the create, keeps it when the outcome is unknown', async () => {
    const refused = setup('invalid');
    await expect(refused.guarded.create('chart', { uuid: chart.uuid })).rejects.toThrow('refused');
    expect(await refused.registry.readApplied()).toEqual([]);

    const unknown = setup('timeout');
    await expect(unknown.guarded.create('chart', { uuid: chart.uuid })).rejects.toThrow('refused');
    expect((await unknown.registry.readApplied()).map((r) => r.uuid)).toEqual([chart.uuid]);
  });

  it('keeps the claim of an object owned before (a recreate) even when refused', async () => {
    const { registry, guarded } = setup('invalid', [chart.uuid]);
    await expect(guarded.create('chart', { uuid: chart.uuid })).rejects.toThrow('refused');
    expect((await registry.readApplied()).map((r) => r.uuid)).toEqual([chart.uuid]);
  });

  it('writes nothing once the lock is lost', async () => {
    const { registry, lock, guarded, seenAtCreate } = setup();
    lock.lose();
    await expect(guarded.create('chart', { uuid: chart.uuid })).rejects.toThrow(/apply lock lost/);
    await expect(guarded.update('chart', 7, {})).rejects.toThrow(/apply lock lost/);
    await expect(guarded.remove('chart', 7)).rejects.toThrow(/apply lock lost/);
    expect(seenAtCreate).toEqual([]);
    expect(await registry.readApplied()).toEqual([]);
  });
});
