import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_OPTIONS } from '../../../src/superset-map/attribute-options.js';
import { readLive } from '../../../src/live/read-live.js';
import { desiredEntry } from '../../../src/plan/desired.js';
import { planChanges } from '../../../src/plan/plan.js';
import type { AppliedEntry } from '../../../src/plan/types.js';
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import type { SupersetKind } from '../../../src/superset/port.js';
import { FakePort } from './fake-port.js';

const database = (name: string): AnyDesired => ({
  kind: 'database',
  name,
  uuid: deriveUuid('database', name),
  spec: { kind: 'database', name, sqlalchemy_uri: `sqlite:////tmp/${name}.db` },
  source: { file: 'db.yaml', line: 1, col: 1 },
});

/** A port whose GET of some ids answers "not found", as when an object is deleted after the list. */
class VanishingPort extends FakePort {
  readonly gone = new Set<number>();
  override get(kind: SupersetKind, id: number) {
    if (this.gone.has(id))
      return Promise.reject(Object.assign(new Error('Not found'), { code: 'not-found' }));
    return super.get(kind, id);
  }
}

async function seed(port: FakePort, name: string): Promise<number> {
  const { id } = await port.create('database', {
    database_name: name,
    uuid: deriveUuid('database', name),
    sqlalchemy_uri: `sqlite:////tmp/${name}.db`,
  });
  return id;
}

describe('readLive', () => {
  it('treats an object deleted between the list and the full read as gone', async () => {
    const port = new VanishingPort();
    const want = database('wh');
    port.gone.add(await seed(port, 'wh'));
    const desired = [desiredEntry(want, ATTRIBUTE_OPTIONS)];
    const applied: AppliedEntry[] = [
      { kind: 'database', name: 'wh', uuid: want.uuid, supersetId: 1, hash: 'old' },
    ];
    const live = await readLive(port, desired, applied, ATTRIBUTE_OPTIONS, { fetchAll: true });
    expect(live.entries).toEqual([]);
    expect(live.ids.has(want.uuid)).toBe(false);
    const plan = planChanges('t', desired, live.entries, applied, { prune: false });
    expect(plan.changes.map((c) => [c.action, c.note])).toEqual([
      ['create', 'deleted in Superset outside this tool; recreating'],
    ]);
  });

  it('reads managed objects in full with fetchAll, never ones it neither wants nor owns', async () => {
    const port = new FakePort();
    await seed(port, 'wh');
    await seed(port, 'someone-elses');
    const desired = [desiredEntry(database('wh'), ATTRIBUTE_OPTIONS)];
    const live = await readLive(port, desired, [], ATTRIBUTE_OPTIONS, { fetchAll: true });
    expect(port.calls.get).toBe(1);
    expect(live.entries.map((e) => [e.name, e.attributes !== undefined])).toEqual([
      ['wh', true],
      ['someone-elses', false],
    ]);
  });
});
