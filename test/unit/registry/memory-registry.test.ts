import { describe, expect, it } from 'vitest';
import { SnapshotTamperedError } from '../../../src/registry/index.js';
import { MemoryRegistry, MemoryStore } from '../../doubles/memory-registry.js';
import { objects, registryContract, snapshotInput } from './contract.js';

registryContract('MemoryRegistry', async () => {
  const store = new MemoryStore();
  return Promise.resolve({
    open: (options) => Promise.resolve(new MemoryRegistry({ store, ...options })),
    cleanup: () => Promise.resolve(),
  });
});

describe('MemoryRegistry specifics', () => {
  it('reports a tampered snapshot instead of returning it', async () => {
    const reg = new MemoryRegistry();
    const { snapshotId } = await reg.publishSnapshot(snapshotInput('c'.repeat(40), objects(3, 't')));
    reg.tamperObject(snapshotId, objects(3, 't')[1]!.uuid, { evil: true });
    await expect(reg.readCurrent()).rejects.toBeInstanceOf(SnapshotTamperedError);
  });

  it('hands out copies: changing what it returned does not change what it holds', async () => {
    const reg = new MemoryRegistry();
    await reg.publishSnapshot(snapshotInput('c'.repeat(40), objects(2, 't')));
    const first = await reg.readCurrent();
    first!.objects[0]!.body = 'changed';
    expect((await reg.readCurrent())?.objects[0]?.body).not.toBe('changed');
  });

  it('refuses calls after close', async () => {
    const reg = new MemoryRegistry();
    await reg.close();
    await expect(reg.readPointer()).rejects.toThrow(/closed/);
  });
});
