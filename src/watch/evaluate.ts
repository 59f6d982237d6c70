import { computeDrift } from '../drift/compute.js';
import type { DriftFinding } from '../drift/types.js';
import { liveSpecFromRaw } from '../live/read-live.js';
import { buildNameLookup } from '../live/names.js';
import { attributesOf, type AttributeOptions } from '../plan/attributes.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../plan/types.js';
import type { ObjectKind } from '../schema/index.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';

export interface Known {
  desired: ReadonlyMap<string, DesiredEntry>;
  applied: ReadonlyMap<string, AppliedEntry>;
}

/**
 * Findings for one object that changed in Superset: read it in full and compare it with the desired
 * state, as the one-shot `drift` does. Name lookups come from a fresh listing only when needed.
 */
export async function evaluateChanged(
  environment: string,
  port: SupersetPort,
  kind: ObjectKind,
  row: ListedObject,
  known: Known,
  options: AttributeOptions,
  now: string,
): Promise<DriftFinding[]> {
  const want = known.desired.get(row.uuid);
  const applied = known.applied.get(row.uuid);
  let live: LiveEntry = {
    kind,
    uuid: row.uuid,
    id: row.id,
    name: row.name,
    changedOn: row.changedOn,
    changedBy: row.changedBy,
  };
  if (want) {
    const raw = await port.get(kind, row.id);
    const names = await namesFor(port, kind, known);
    live = { ...live, attributes: attributesOf(kind, liveSpecFromRaw(kind, raw, names) as never, options) };
  }
  return computeDrift({
    environment,
    now,
    gitCommit: null,
    desired: want ? [want] : [],
    snapshot: null,
    applied: applied ? [applied] : [],
    live: [live],
  }).findings.filter((f) => f.where !== 'not-applied' || f.attribute !== null);
}

/** Findings for a watched object that is gone from Superset. */
export function evaluateDeleted(
  environment: string,
  uuid: string,
  known: Known,
  now: string,
): DriftFinding[] {
  const want = known.desired.get(uuid);
  if (!want) return [];
  const applied = known.applied.get(uuid);
  return computeDrift({
    environment,
    now,
    gitCommit: null,
    desired: [want],
    snapshot: null,
    applied: applied ? [applied] : [],
    live: [],
  }).findings.filter((f) => f.where === 'missing');
}

/** References inside an object (a chart's dataset, a dashboard's charts) need names for other kinds. */
async function namesFor(port: SupersetPort, kind: ObjectKind, known: Known) {
  const desiredNames = new Map([...known.desired.values()].map((d) => [d.uuid, d.name]));
  const empty: ListedObject[] = [];
  const listed = {
    database: kind === 'dataset' ? await port.list('database') : empty,
    dataset: kind === 'chart' || kind === 'dashboard' ? await port.list('dataset') : empty,
    chart: kind === 'dashboard' ? await port.list('chart') : empty,
    dashboard: empty,
  };
  return buildNameLookup(listed, desiredNames);
}
