import { computeDrift, type DriftInput } from '../drift/compute.js';
import type { DriftFinding } from '../drift/types.js';
import type { AttributeOptions } from '../plan/attributes.js';
import {
  liveAttributes,
  liveEntry,
  liveSpecFromRaw,
  withoutInheritedCacheTimeout,
} from '../live/read-live.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../plan/types.js';
import type { ObjectKind } from '../schema/index.js';
import { buildNameLookup } from '../live/names.js';
import type { NameLookup } from '../superset-map/from-superset.js';
import type { ListedObject, Principals, SupersetPort } from '../superset/port.js';
import type { PollResult } from './poller.js';
import { withListFields } from '../live/read-live.js';

/** What the agent knows about the desired and applied state, as the one-shot drift reads it. */
export interface Known {
  environment: string;
  desired: ReadonlyMap<string, DesiredEntry>;
  applied: ReadonlyMap<string, AppliedEntry>;
  snapshot: DriftInput['snapshot'];
}

/**
 * Findings for one object that changed in Superset: a managed object is read in full and compared
 * with the desired state exactly as the one-shot `drift` compares it. Names for references (a chart's
 * dataset) come from the poller's mirror of the list rows, so this costs one GET and no list call.
 */
export async function evaluateChanged(
  port: SupersetPort,
  kind: ObjectKind,
  row: ListedObject,
  known: Known,
  names: () => NameLookup,
  options: AttributeOptions,
  now: string,
): Promise<DriftFinding[]> {
  const want = known.desired.get(row.uuid);
  if (!want) return forOne(known, row.uuid, [liveEntry(kind, row)], now);
  const raw = withListFields(row, await port.get(kind, row.id));
  const attributes = liveAttributes(kind, raw, liveSpecFromRaw(kind, raw, names()), options);
  // The database was not read here: its desired cache_timeout is what Superset falls back to.
  const databaseTimeout = (name: unknown) =>
    [...known.desired.values()].find((d) => d.kind === 'database' && d.name === name)?.attributes
      .cache_timeout;
  const compared =
    kind === 'dataset' ? withoutInheritedCacheTimeout(attributes, want, databaseTimeout) : attributes;
  const live = liveEntry(kind, row, compared);
  return forOne(known, row.uuid, [live], now);
}

/** Findings for an object that is gone from Superset (none when nobody wants it). */
export function evaluateDeleted(known: Known, uuid: string, now: string): DriftFinding[] {
  return forOne(known, uuid, [], now);
}

function forOne(known: Known, uuid: string, live: LiveEntry[], now: string): DriftFinding[] {
  const want = known.desired.get(uuid);
  const applied = known.applied.get(uuid);
  return computeDrift({
    environment: known.environment,
    now,
    gitCommit: null,
    desired: want ? [want] : [],
    snapshot: known.snapshot,
    applied: applied ? [applied] : [],
    live,
  }).findings.filter((f) => f.uuid === uuid);
}

/**
 * Findings, by uuid, for everything one poll saw change or disappear. Names for references come from
 * the listing the poller keeps (`listed`), built once and only if a managed object changed.
 */
export async function evaluatePoll(
  port: SupersetPort,
  poll: PollResult,
  known: Known,
  listed: () => Record<ObjectKind, ListedObject[]>,
  options: AttributeOptions,
  now: string,
  /** Superset's users and roles as the last full check read them: owners are read by username. */
  principals?: Principals,
): Promise<Map<string, DriftFinding[]>> {
  const out = new Map<string, DriftFinding[]>();
  let names: NameLookup | undefined;
  const lookup = () =>
    (names ??= buildNameLookup(
      listed(),
      new Map([...known.desired.values()].map((d) => [d.uuid, d.name])),
      principals,
    ));
  for (const { kind, row } of poll.changed)
    out.set(row.uuid, await evaluateChanged(port, kind, row, known, lookup, options, now));
  for (const { row } of poll.deleted) out.set(row.uuid, evaluateDeleted(known, row.uuid, now));
  return out;
}
