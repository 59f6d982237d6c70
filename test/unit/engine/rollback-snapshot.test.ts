// Snapshot objects back to desired objects for a rollback: the inverse of snapshotObjects, with each
// spec checked against its kind's schema.
import { describe, expect, it } from 'vitest';
import { snapshotObjects } from '../../../src/engine/apply-run.js';
import { desiredFromSnapshot } from '../../../src/engine/rollback-run.js';
import type { AnyDesired } from '../../../src/model/object.js';
import { CorruptNodeError, type Snapshot, type SnapshotObject } from '../../../src/registry/index.js';
import { validateWith } from '../../helpers/tree.js';

function snapshotOf(objects: SnapshotObject[]): Snapshot {
  return {
    pointer: {
      snapshotId: 'abc-123',
      commit: 'abc',
      author: 'a',
      time: '2024-01-01T00:00:00Z',
      objectCount: objects.length,
      contentHash: '0'.repeat(64),
      movedAt: '2024-01-01T00:00:00Z',
    },
    objects,
  };
}

describe('desiredFromSnapshot', () => {
  const objects = validateWith({}).objects;

  it('gives back the objects snapshotObjects stored, secrets still as references', () => {
    expect(objects.length).toBe(4);
    const stored = snapshotObjects(objects, new Map(objects.map((o) => [o.uuid, `h-${o.name}`])));
    const back = desiredFromSnapshot(snapshotOf(JSON.parse(JSON.stringify(stored)) as SnapshotObject[]));
    const strip = (o: AnyDesired) => ({ kind: o.kind, name: o.name, uuid: o.uuid, spec: o.spec });
    expect(back.map(strip)).toEqual(objects.map(strip));
    const db = back.find((o) => o.kind === 'database');
    expect((db?.spec as { password?: string }).password).toBe('${env.WAREHOUSE_PASSWORD}');
  });

  it('accepts a pinned uuid (the schema has format: uuid)', () => {
    const [chart] = snapshotObjects(
      objects.filter((o) => o.kind === 'chart'),
      new Map(),
    );
    const spec = { ...(chart!.body as { spec: object }).spec, uuid: '6f1b0c8e-3a52-4c1e-9d7a-0a1b2c3d4e5f' };
    const pinned = { ...chart!, body: { spec, hash: '' } } as SnapshotObject;
    expect(desiredFromSnapshot(snapshotOf([pinned]))[0]?.spec).toMatchObject({ uuid: spec.uuid });
    const bad = { ...chart!, body: { spec: { ...spec, uuid: 'not-a-uuid' }, hash: '' } } as SnapshotObject;
    expect(() => desiredFromSnapshot(snapshotOf([bad]))).toThrow(/uuid/);
  });

  it('refuses a body that is not a valid spec of its kind, or an unknown kind', () => {
    const [chart] = snapshotObjects(
      objects.filter((o) => o.kind === 'chart'),
      new Map(),
    );
    const broken = { ...chart!, body: { spec: { kind: 'chart', name: 'x' }, hash: '' } };
    expect(() => desiredFromSnapshot(snapshotOf([broken]))).toThrow(CorruptNodeError);
    expect(() => desiredFromSnapshot(snapshotOf([broken]))).toThrow(/chart "Revenue".*schema/);
    expect(() => desiredFromSnapshot(snapshotOf([{ ...chart!, kind: 'widget' }]))).toThrow(/unknown kind/);
  });
});
