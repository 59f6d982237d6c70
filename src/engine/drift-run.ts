import { computeDrift } from '../drift/compute.js';
import type { DriftReport } from '../drift/types.js';
import { readLive } from '../live/read-live.js';
import type { Json } from '../model/canonical.js';
import type { AnyDesired } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import type { AppliedEntry } from '../plan/types.js';
import type { Registry, SnapshotObject } from '../registry/registry.js';
import { RegistryError } from '../registry/errors.js';
import { ATTRIBUTE_OPTIONS, attributeOptionsFor } from '../superset-map/attribute-options.js';
import { describeUntrusted, readOwnership, type OwnershipSource } from './plan-run.js';
import type { Services } from './services.js';

export interface DriftOptions {
  environment: string;
  gitCommit: string | null;
  ignoreUnmanaged?: boolean;
  /** Read every object in full instead of trusting changed_on. */
  readAll?: boolean;
  /** Write the findings under the environment's root for other services to watch. */
  publish?: boolean;
}

export type SnapshotHashes = { commit: string; hashes: Map<string, string> } | { tampered: string } | null;

/** Object hashes by uuid, as apply stored them in the snapshot bodies (`{spec, hash}`). */
export function hashesOf(objects: readonly SnapshotObject[]): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const o of objects) {
    const hash = (o.body as { hash?: unknown } | null)?.hash;
    if (typeof hash === 'string') hashes.set(o.uuid, hash);
  }
  return hashes;
}

/** The registry's current snapshot as object hashes, or why it cannot be trusted. */
export async function snapshotHashes(registry: Registry): Promise<SnapshotHashes> {
  try {
    const current = await registry.readCurrent();
    if (!current) return null;
    return { commit: current.pointer.commit, hashes: hashesOf(current.objects) };
  } catch (e) {
    if (e instanceof RegistryError) return { tampered: e.message };
    throw e;
  }
}

/**
 * The applied records the tool trusts, and why others are not (a hand-edited record that no longer
 * decodes, or one whose MAC does not verify: `registry tampered`).
 */
export async function readAppliedEntries(
  services: OwnershipSource,
): Promise<{ applied: AppliedEntry[]; problems: { name: string; message: string }[] }> {
  try {
    const { applied, untrusted } = await readOwnership(services);
    return {
      applied,
      problems: untrusted.map((u) => ({
        name: `applied/${u.record.kind}/${u.record.uuid}`,
        message: describeUntrusted(u),
      })),
    };
  } catch (e) {
    if (e instanceof RegistryError)
      return { applied: [], problems: [{ name: 'applied', message: e.message }] };
    throw e;
  }
}

/** git vs registry vs live Superset, for one environment. */
export async function runDrift(
  objects: readonly AnyDesired[],
  services: Services,
  options: DriftOptions,
): Promise<DriftReport> {
  const { registry, port } = services;
  const read = await readAppliedEntries(services);
  const applied = read.applied;
  const snapshot = await snapshotHashes(registry);
  // The environment's options, so the hashes are the ones apply recorded (mark_managed included).
  const desired = objects.map((o) => desiredEntry(o, attributeOptionsFor(services.managed)));
  const live = await readLive(port, desired, applied, ATTRIBUTE_OPTIONS, {
    fetchAll: options.readAll ?? false,
  });
  const report = computeDrift({
    environment: options.environment,
    now: new Date().toISOString(),
    gitCommit: options.gitCommit,
    desired,
    snapshot,
    applied,
    live: live.entries,
    ...(read.problems.length ? { registryProblems: read.problems } : {}),
    ...(options.ignoreUnmanaged ? { ignoreUnmanaged: true } : {}),
  });
  if (options.publish) await registry.writeDriftFindings(report.findings as unknown as Json[]);
  return report;
}
