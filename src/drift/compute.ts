import { isManagedField } from '../model/managed.js';
import { diffAttributes } from '../plan/diff.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../plan/types.js';
import type { DriftFinding, DriftReport, DriftWhere } from './types.js';

export interface DriftInput {
  environment: string;
  now: string;
  gitCommit: string | null;
  desired: readonly DesiredEntry[];
  /** The registry's current snapshot: object hashes by uuid, or why it could not be trusted. */
  snapshot: { commit: string; hashes: ReadonlyMap<string, string> } | { tampered: string } | null;
  applied: readonly AppliedEntry[];
  live: readonly LiveEntry[];
  /** Registry nodes that could not be read as the tool wrote them (`applied` records, say). */
  registryProblems?: readonly { name: string; message: string }[];
  /** Leave objects the tool does not manage out of the report. */
  ignoreUnmanaged?: boolean;
}

/**
 * Compares git (desired), the registry (published snapshot and applied state) and live Superset.
 * Pure: the reader decides which live objects were read in full (`attributes` present).
 */
export function computeDrift(input: DriftInput): DriftReport {
  const findings: DriftFinding[] = [];
  const liveByUuid = new Map(input.live.map((l) => [l.uuid, l]));
  const appliedByUuid = new Map(input.applied.map((a) => [a.uuid, a]));
  const desiredUuids = new Set(input.desired.map((d) => d.uuid));
  const base = (o: { kind: string; name: string; uuid: string }, live?: LiveEntry) => ({
    environment: input.environment,
    kind: o.kind,
    name: o.name,
    uuid: o.uuid,
    detectedAt: input.now,
    changedBy: live?.changedBy ?? null,
    changedOn: live?.changedOn ?? null,
  });
  const add = (f: Omit<DriftFinding, 'environment' | 'detectedAt'> & { environment?: string }) =>
    findings.push({ environment: input.environment, detectedAt: input.now, ...f });

  const snapshot = input.snapshot;
  const problems = [
    ...(snapshot && 'tampered' in snapshot ? [{ name: 'current', message: snapshot.tampered }] : []),
    ...(input.registryProblems ?? []),
  ];
  for (const problem of problems) {
    add({
      kind: 'registry',
      name: problem.name,
      uuid: '',
      attribute: null,
      expected: null,
      actual: null,
      where: 'zookeeper',
      changedBy: null,
      changedOn: null,
      message: problem.message,
    });
  }

  for (const want of input.desired) {
    const live = liveByUuid.get(want.uuid);
    const applied = appliedByUuid.get(want.uuid);
    const published = snapshot && 'hashes' in snapshot ? snapshot.hashes.get(want.uuid) : undefined;
    const pending = !applied || applied.hash !== want.hash;
    if (pending) {
      const why =
        !snapshot || 'tampered' in snapshot || published !== want.hash
          ? 'git has a change that is not published to the registry yet'
          : 'published to the registry but not applied to Superset yet';
      findings.push({
        ...base(want, live),
        attribute: null,
        expected: null,
        actual: null,
        where: 'not-applied',
        message: `${why}; run apply`,
      });
    }
    if (!live) {
      findings.push({
        ...base(want),
        attribute: null,
        expected: null,
        actual: null,
        where: 'missing',
        message: applied ? 'deleted in Superset outside this tool' : 'not created in Superset yet',
      });
      continue;
    }
    if (!live.attributes) continue;
    // Superset's changed_on (and changed_by) did not move since the apply: the edit is one Superset does
    // not stamp (a dataset's or dashboard's owners, roles or tags), so who made it and when is unknown.
    const unstamped = applied?.changedOn != null && live.changedOn === applied.changedOn;
    for (const change of diffAttributes(live.attributes, want.attributes)) {
      // Whether Superset shows the object as managed externally is the plan's business (an environment
      // with `mark_managed` re-marks it at the next apply), not a drift finding: drift compares what
      // the YAML says, and neither `is_managed_externally` nor `external_url` is in the YAML.
      if (isManagedField(change.path)) continue;
      const where: DriftWhere = pending ? 'not-applied' : 'superset';
      findings.push({
        ...base(want, live),
        ...(unstamped ? { changedBy: null, changedOn: null } : {}),
        attribute: change.path,
        expected: change.after ?? null,
        actual: change.before ?? null,
        where,
        message:
          where !== 'superset'
            ? 'differs until the pending change is applied'
            : unstamped
              ? 'changed in Superset (an edit Superset does not stamp: who and when unknown)'
              : `changed in Superset${live.changedBy ? ` by ${live.changedBy}` : ''}${live.changedOn ? ` at ${live.changedOn}` : ''}`,
      });
    }
  }

  for (const record of input.applied) {
    if (desiredUuids.has(record.uuid)) continue;
    const live = liveByUuid.get(record.uuid);
    if (!live) continue;
    findings.push({
      ...base(record, live),
      attribute: null,
      expected: null,
      actual: null,
      where: 'not-applied',
      message: record.protected
        ? 'removed from git but protected: kept in Superset'
        : 'removed from git; `apply --prune` deletes it',
    });
  }

  if (!input.ignoreUnmanaged) {
    for (const live of input.live) {
      if (desiredUuids.has(live.uuid) || appliedByUuid.has(live.uuid)) continue;
      findings.push({
        ...base(live, live),
        attribute: null,
        expected: null,
        actual: null,
        where: 'unmanaged',
        message: 'exists in Superset but is not managed by this tool',
      });
    }
  }

  const counts: Record<DriftWhere, number> = {
    superset: 0,
    zookeeper: 0,
    'not-applied': 0,
    missing: 0,
    unmanaged: 0,
  };
  for (const f of findings) counts[f.where]++;
  return {
    environment: input.environment,
    generatedAt: input.now,
    registryCommit: snapshot && 'commit' in snapshot ? snapshot.commit : null,
    gitCommit: input.gitCommit,
    findings,
    counts,
    objectsChecked: new Set([...input.desired.map((d) => d.uuid), ...input.live.map((l) => l.uuid)]).size,
  };
}

/** Drift that calls for action: anything but objects the tool was never asked to manage. */
export function hasDrift(report: DriftReport): boolean {
  return report.findings.some((f) => f.where !== 'unmanaged');
}
