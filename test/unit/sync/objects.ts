// A desired object for unit tests of planning and applying: its uuid derived from kind and name.
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import type { ObjectKind } from '../../../src/schema/index.js';

export function object(kind: ObjectKind, name: string, spec: Record<string, unknown> = {}): AnyDesired {
  return {
    kind,
    name,
    uuid: deriveUuid(kind, name),
    spec: { kind, name, ...spec },
    source: { file: `${kind}.yaml`, line: 1, col: 1 },
  } as AnyDesired;
}
