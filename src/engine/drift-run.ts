import { computeDrift } from '../drift/compute.js';
import type { DriftReport } from '../drift/types.js';
import { readLive } from '../live/read-live.js';
import type { AnyDesired } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import type { Registry } from '../registry/registry.js';
import { RegistryError } from '../registry/errors.js';
import { ATTRIBUTE_OPTIONS, toAppliedEntry } from './plan-run.js';
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

/** The registry's current snapshot as object hashes, or why it cannot be trusted. */
export async function snapshotHashes(
  registry: Registry,
): Promise<{ commit: string; hashes: Map<string, string> } | { tampered: string } | null> {
  try {
    const current = await registry.readCurrent();
    if (!current) return null;
    const hashes = new Map<string, string>();
    for (const o of current.objects) {
      const hash = (o.body as { hash?: unknown } | null)?.hash;
      if (typeof hash === 'string') hashes.set(o.uuid, hash);
    }
    return { commit: current.pointer.commit, hashes };
  } catch (e) {
    if (e instanceof RegistryError) return { tampered: e.message };
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
  const applied = (await registry.readApplied()).flatMap((r) => toAppliedEntry(r) ?? []);
  const snapshot = await snapshotHashes(registry);
  const desired = objects.map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
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
    ...(options.ignoreUnmanaged ? { ignoreUnmanaged: true } : {}),
  });
  if (options.publish) await registry.writeDriftFindings(report.findings as never);
  return report;
}
