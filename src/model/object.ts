import { v5 as uuidV5 } from 'uuid';
import type { ObjectKind, SpecByKind } from '../schema/index.js';

/** Where a value came from in the metadata tree, 1-based. */
export interface SourceRef {
  file: string;
  line: number;
  col: number;
  /**
   * The file's path from the root of its git repository (`/` separators), when an environment that
   * marks objects needs it for their `external_url` (see managed.ts).
   */
  repoPath?: string;
}

/** One validated object of the desired state. */
export interface DesiredObject<K extends ObjectKind = ObjectKind> {
  kind: K;
  name: string;
  uuid: string;
  spec: SpecByKind[K];
  source: SourceRef;
}

export type AnyDesired = { [K in ObjectKind]: DesiredObject<K> }[ObjectKind];
export type AnySpec = SpecByKind[ObjectKind];

/** Fixed namespace: derived uuids must be the same on every machine and in every environment. */
const UUID_NAMESPACE = '5d7c4f0e-2b1a-4c3e-9f6d-8a1b2c3d4e5f';

export function deriveUuid(kind: ObjectKind, name: string): string {
  return uuidV5(`${kind}/${name}`, UUID_NAMESPACE);
}

export function objectKey(kind: ObjectKind, name: string): string {
  return `${kind}/${name}`;
}
