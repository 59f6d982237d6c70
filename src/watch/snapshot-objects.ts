import { snapshotFile } from '../engine/apply-run.js';
import type { AnyDesired } from '../model/object.js';
import { OBJECT_KINDS } from '../schema/index.js';
import type { SnapshotObject } from '../registry/registry.js';

/** Desired objects back from a snapshot (bodies are `{spec, hash}` and maybe `file`, as apply publishes them). */
export function desiredFromSnapshot(objects: readonly SnapshotObject[]): AnyDesired[] {
  return objects.flatMap((o) => {
    const spec = (o.body as { spec?: unknown } | null)?.spec;
    const file = snapshotFile(o.body);
    if (!(OBJECT_KINDS as readonly string[]).includes(o.kind) || spec === null || typeof spec !== 'object')
      return [];
    return [
      {
        kind: o.kind,
        name: o.name,
        uuid: o.uuid,
        spec,
        source: {
          file: `registry:${o.kind}/${o.name}`,
          line: 1,
          col: 1,
          ...(file ? { repoPath: file } : {}),
        },
      } as AnyDesired,
    ];
  });
}
