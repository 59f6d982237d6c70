import { readLive, type LiveState } from '../live/read-live.js';
import type { AnyDesired } from '../model/object.js';
import type { AttributeOptions } from '../plan/attributes.js';
import { desiredEntry } from '../plan/desired.js';
import { planChanges } from '../plan/plan.js';
import type { AppliedEntry, DesiredEntry, Plan, PlanOptions } from '../plan/types.js';
import type { AppliedRecord } from '../registry/registry.js';
import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import { normalizeDashboard } from '../superset-map/dashboard.js';
import type { Services } from './services.js';

export const ATTRIBUTE_OPTIONS: AttributeOptions = { normalizeDashboard };

export function toAppliedEntry(r: AppliedRecord): AppliedEntry | undefined {
  if (!(OBJECT_KINDS as readonly string[]).includes(r.kind)) return undefined;
  return {
    kind: r.kind as ObjectKind,
    name: r.name,
    uuid: r.uuid,
    supersetId: r.supersetId,
    hash: r.hash,
    changedOn: r.changedOn ?? null,
    ...(r.protected ? { protected: true } : {}),
  };
}

export interface PlanRun {
  plan: Plan;
  live: LiveState;
  entries: DesiredEntry[];
  applied: AppliedEntry[];
}

/** Reads the applied state and live Superset, and plans; the only IO is in the readers. */
export async function runPlan(
  environment: string,
  objects: readonly AnyDesired[],
  services: Services,
  options: PlanOptions & { readAll?: boolean },
): Promise<PlanRun> {
  const applied = (await services.registry.readApplied()).flatMap((r) => toAppliedEntry(r) ?? []);
  const entries = objects.map((o) => desiredEntry(o, ATTRIBUTE_OPTIONS));
  const live = await readLive(services.port, entries, applied, ATTRIBUTE_OPTIONS, {
    fetchAll: options.readAll ?? false,
  });
  const plan = planChanges(environment, entries, live.entries, applied, options);
  return { plan, live, entries, applied };
}
