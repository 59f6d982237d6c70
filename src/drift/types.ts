import type { Json } from '../model/canonical.js';

/**
 * Where a difference sits: Superset edited outside the tool, the ZooKeeper registry tampered with,
 * git ahead of what was applied, an object missing from Superset, or one the tool does not manage.
 */
export type DriftWhere = 'superset' | 'zookeeper' | 'not-applied' | 'missing' | 'unmanaged';

export interface DriftFinding {
  environment: string;
  kind: string;
  name: string;
  uuid: string;
  /** Attribute path (`params.row_limit`), or null when the finding is about the whole object. */
  attribute: string | null;
  expected: Json | null;
  actual: Json | null;
  where: DriftWhere;
  detectedAt: string;
  /** Who last changed the object in Superset, and when, when Superset says. */
  changedBy: string | null;
  changedOn: string | null;
  message: string;
}

export interface DriftReport {
  environment: string;
  generatedAt: string;
  /** The commit the registry's `current` names, if any. */
  registryCommit: string | null;
  gitCommit: string | null;
  findings: DriftFinding[];
  counts: Record<DriftWhere, number>;
  objectsChecked: number;
}
