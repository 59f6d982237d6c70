import type { ObjectKind } from '../schema/index.js';
import type { Attributes } from './attributes.js';
import type { AttributeChange } from './diff.js';

/** One desired object, as the planner sees it: comparable attributes and what it needs first. */
export interface DesiredEntry {
  kind: ObjectKind;
  name: string;
  uuid: string;
  attributes: Attributes;
  /** Content hash of `attributes`: recorded as applied, compared on the next run. */
  hash: string;
  protected: boolean;
  dependsOn: string[];
  /**
   * Secret fields the YAML sets (`password`, `ssh_tunnel.password`, ...) and, where a key and the
   * values are at hand, their keyed digests: compared with the applied record's to see a rotation.
   */
  secrets?: { fields: string[]; digests?: Record<string, string> };
}

/** One object found in Superset. `attributes` is absent when the reader skipped a full read because the object has not changed since the last apply. */
export interface LiveEntry {
  kind: ObjectKind;
  uuid: string;
  id: number;
  name: string;
  changedOn: string | null;
  changedBy: string | null;
  attributes?: Attributes;
}

/** What the last apply recorded for an object: the record that the tool owns it. */
export interface AppliedEntry {
  kind: ObjectKind;
  name: string;
  uuid: string;
  supersetId: number;
  hash: string;
  changedOn?: string | null;
  protected?: boolean;
  /** Digests of the secrets last applied, by field; absent when unknown (no key at the time). */
  secrets?: Record<string, string>;
}

export type Action = 'create' | 'update' | 'delete' | 'noop' | 'orphan' | 'conflict' | 'forget' | 'skip';

export interface PlannedChange {
  action: Action;
  kind: ObjectKind;
  name: string;
  uuid: string;
  supersetId?: number;
  changes: AttributeChange[];
  /** Why, in a few words, when the action alone does not say it. */
  note?: string;
  dependsOn: string[];
  /** Hash of the desired attributes (create/update/noop). */
  hash?: string;
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  noop: number;
  orphan: number;
  conflict: number;
  forget: number;
  /** Objects left alone because their applied record cannot be read or trusted. */
  skip: number;
}

export interface Plan {
  environment: string;
  changes: PlannedChange[];
  summary: PlanSummary;
}

export interface PlanOptions {
  prune: boolean;
  /** `kind/name` keys: limit the plan to these and what they depend on. */
  targets?: string[];
  /** Take ownership of live objects whose uuid the YAML names, instead of reporting a conflict. */
  adopt?: boolean;
  /** Send every secret field again, whatever the digests say (no key, or a rotation done elsewhere). */
  rotateSecrets?: boolean;
}
