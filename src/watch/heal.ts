import type { DriftFinding } from '../drift/types.js';
import { runApplyOf } from '../engine/apply-run.js';
import type { AppliedEntry } from '../plan/types.js';
import type { Services } from '../engine/services.js';
import { UserError } from '../errors/user-error.js';
import { desiredFromSnapshot } from './snapshot-objects.js';

export interface HealOutcome {
  created: number;
  updated: number;
  deleted: number;
}

/** Re-applies desired state for `kind/name` targets; throws when the apply failed. */
export type Healer = (targets: string[]) => Promise<HealOutcome>;

export interface HealOptions {
  environment: string;
  lockTimeoutMs: number;
  /** Let the apply delete owned objects the registry no longer wants (only those targeted). */
  prune: boolean;
}

/**
 * Heals through the ordinary apply path: under the apply lock, the registry's current snapshot (read
 * there, so an apply that moved it meanwhile is what gets applied, never the agent's older view) is
 * applied to the targets and what they depend on. Nothing is published.
 */
export function applyHealer(services: Services, options: HealOptions): Healer {
  return async (targets) => {
    const run = await runApplyOf(
      async (registry) => {
        const current = await registry.readCurrent();
        if (!current)
          throw new UserError(
            'Nothing to heal to: the registry has no current snapshot.',
            'heal-no-snapshot',
          );
        return {
          objects: desiredFromSnapshot(current.objects),
          commit: {
            sha: current.pointer.commit,
            author: 'superset-gitops watch --heal',
            message: 'heal',
            time: new Date().toISOString(),
            dirty: false,
          },
          snapshotId: current.pointer.snapshotId,
          note: `heal ${targets.join(', ')}`,
        };
      },
      services,
      {
        environment: options.environment,
        lockTimeoutMs: options.lockTimeoutMs,
        prune: options.prune,
        targets,
      },
    );
    if (run.outcome.failed) throw run.outcome.failed.error;
    return { created: run.outcome.created, updated: run.outcome.updated, deleted: run.outcome.deleted };
  };
}

export interface HealPlan {
  /** `kind/name` keys for the apply. */
  targets: string[];
  /** What differs for them, without who and when (those change with every write, the heal's too). */
  signature: string;
}

/**
 * What a heal re-applies: objects the tool owns that were edited or deleted in Superset, and with
 * prune, owned objects the registry no longer wants (not protected), which the apply then deletes.
 * Objects the tool never applied are not touched: creating them is an apply's job.
 */
export function healPlan(
  findings: readonly DriftFinding[],
  desired: ReadonlySet<string>,
  applied: ReadonlyMap<string, AppliedEntry>,
  prune: boolean,
): HealPlan | null {
  const targets = new Set<string>();
  const differences: unknown[] = [];
  for (const f of findings) {
    const owned = applied.get(f.uuid);
    if (!owned) continue;
    const wanted = desired.has(f.uuid);
    if (wanted && (f.where === 'superset' || f.where === 'missing')) targets.add(`${f.kind}/${f.name}`);
    else if (!wanted && prune && !owned.protected && f.where === 'not-applied')
      targets.add(`${owned.kind}/${owned.name}`);
    else continue;
    differences.push([f.uuid, f.where, f.attribute, f.expected, f.actual]);
  }
  return targets.size ? { targets: [...targets], signature: JSON.stringify(differences) } : null;
}
