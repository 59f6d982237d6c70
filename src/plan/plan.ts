import { objectKey } from '../model/object.js';
import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import { diffAttributes, type AttributeChange } from './diff.js';
import type {
  AppliedEntry,
  DesiredEntry,
  LiveEntry,
  Plan,
  PlanOptions,
  PlannedChange,
  PlanSummary,
} from './types.js';

const KIND_ORDER = new Map<ObjectKind, number>(OBJECT_KINDS.map((k, i) => [k, i]));

/**
 * The plan: what to create, change and delete so that Superset matches the desired state. Pure and
 * synchronous; the reader and the apply step do all IO. Live objects are matched by uuid; an object
 * the tool does not own (no applied record) is never changed or deleted.
 */
export function planChanges(
  environment: string,
  desired: readonly DesiredEntry[],
  live: readonly LiveEntry[],
  applied: readonly AppliedEntry[],
  options: PlanOptions,
  /** Objects whose applied record is unreadable or untrusted, with why: left alone, said so. */
  skip: ReadonlyMap<string, string> = new Map(),
): Plan {
  const liveByUuid = new Map(live.map((l) => [l.uuid, l]));
  const appliedByUuid = new Map(applied.map((a) => [a.uuid, a]));
  const desiredUuids = new Set(desired.map((d) => d.uuid));
  const changes: PlannedChange[] = [];

  for (const want of desired) {
    const base = {
      kind: want.kind,
      name: want.name,
      uuid: want.uuid,
      dependsOn: want.dependsOn,
      hash: want.hash,
    };
    const found = liveByUuid.get(want.uuid);
    const owned = appliedByUuid.get(want.uuid);
    const skipped = skip.get(want.uuid);
    if (skipped !== undefined) {
      changes.push({
        ...base,
        action: 'skip',
        changes: [],
        note: skipped,
        ...(found ? { supersetId: found.id } : {}),
      });
      continue;
    }
    if (!found) {
      const clash = naturalKeyClash(want, live);
      if (clash) {
        changes.push({
          ...base,
          action: 'conflict',
          changes: [],
          note: `Superset already has a ${want.kind} named ${JSON.stringify(clash.name)} (id ${clash.id}, uuid ${clash.uuid}) that this tool does not manage; import it to adopt it, or rename one of them`,
        });
        continue;
      }
      const creates: AttributeChange[] = [
        ...Object.entries(want.attributes)
          .filter(([, v]) => v !== undefined)
          .map(([path, after]) => ({ path, after })),
        ...(want.secrets?.fields ?? []).map((path) => ({ path, sensitive: 'set' as const })),
      ];
      changes.push({
        ...base,
        action: 'create',
        changes: creates,
        // supersetId 0 is a claim taken before a create that never finished (see guarded-port).
        ...(owned
          ? {
              note:
                owned.supersetId > 0
                  ? 'deleted in Superset outside this tool; recreating'
                  : 'an earlier apply stopped before creating it',
            }
          : {}),
      });
      continue;
    }
    if (!owned && !options.adopt) {
      changes.push({
        ...base,
        action: 'conflict',
        supersetId: found.id,
        changes: [],
        note: `uuid ${want.uuid} already exists in Superset (id ${found.id}) but is not owned by this tool; import it to adopt it, or apply with --adopt`,
      });
      continue;
    }
    const secret = owned ? secretChanges(want, owned, options.rotateSecrets === true) : [];
    if (!found.attributes) {
      changes.push({
        ...base,
        action: secret.length ? 'update' : 'noop',
        supersetId: found.id,
        changes: secret,
      });
      continue;
    }
    const diff = [...diffAttributes(found.attributes, want.attributes), ...secret];
    changes.push({
      ...base,
      action: diff.length ? 'update' : 'noop',
      supersetId: found.id,
      changes: diff,
      ...(!owned ? { note: 'adopted' } : {}),
    });
  }

  for (const record of applied) {
    if (desiredUuids.has(record.uuid)) continue;
    const found = liveByUuid.get(record.uuid);
    const base = { kind: record.kind, name: record.name, uuid: record.uuid, dependsOn: [], changes: [] };
    if (!found)
      changes.push({
        ...base,
        action: 'forget',
        note: 'already gone from Superset; dropping it from the applied state',
      });
    else if (record.protected)
      changes.push({
        ...base,
        action: 'orphan',
        supersetId: found.id,
        note: 'protected: never deleted; remove `protected` and apply first',
      });
    else if (!options.prune)
      changes.push({
        ...base,
        action: 'orphan',
        supersetId: found.id,
        note: 'no longer in git; deleted only with --prune',
      });
    else changes.push({ ...base, action: 'delete', supersetId: found.id });
  }

  const selected = options.targets?.length ? selectTargets(changes, options.targets) : changes;
  const ordered = orderChanges(selected);
  return { environment, changes: ordered, summary: summarize(ordered) };
}

/**
 * Secret fields to send again: a digest that moved since the last apply, a field added or removed, or
 * every field with --rotate-secrets. Without digests on either side (no key, or a record from before
 * digests) a field cannot be compared and is left alone.
 */
export function secretChanges(want: DesiredEntry, owned: AppliedEntry, rotate: boolean): AttributeChange[] {
  const fields = want.secrets?.fields ?? [];
  const now = want.secrets?.digests;
  const was = owned.secrets;
  const out: AttributeChange[] = [];
  for (const path of fields) {
    if (rotate) out.push({ path, sensitive: 'changed' });
    else if (now?.[path] !== undefined && was !== undefined) {
      if (was[path] === undefined) out.push({ path, sensitive: 'set' });
      else if (was[path] !== now[path]) out.push({ path, sensitive: 'changed' });
    }
  }
  if (was !== undefined && now !== undefined) {
    for (const path of Object.keys(was).sort()) {
      if (!fields.includes(path)) out.push({ path, sensitive: 'removed' });
    }
  }
  return out;
}

/** Names Superset itself keeps unique: a create with one of these would fail. */
function naturalKeyClash(want: DesiredEntry, live: readonly LiveEntry[]): LiveEntry | undefined {
  if (want.kind === 'chart') return undefined;
  const key =
    want.kind === 'dashboard'
      ? want.attributes.slug
      : want.kind === 'dataset'
        ? want.attributes.table_name
        : want.attributes.database_name;
  if (key === null || key === undefined) return undefined;
  return live.find((l) => {
    if (l.kind !== want.kind) return false;
    if (want.kind === 'dashboard') return l.attributes?.slug === key || (l.attributes === undefined && false);
    // A dataset's identity in Superset is (database, schema, table): the same table name in another
    // database or schema is another dataset, not a clash.
    if (want.kind === 'dataset')
      return (
        l.name === key &&
        (l.attributes?.database ?? want.attributes.database) === want.attributes.database &&
        (l.attributes === undefined || (l.attributes.schema ?? null) === (want.attributes.schema ?? null))
      );
    return l.name === key;
  });
}

/** Creates and updates in dependency order (databases first), then deletes in reverse. */
export function orderChanges(changes: PlannedChange[]): PlannedChange[] {
  const removing = (c: PlannedChange) =>
    c.action === 'delete' || c.action === 'forget' || c.action === 'orphan';
  const rank = (c: PlannedChange) => {
    const k = KIND_ORDER.get(c.kind) ?? 0;
    return removing(c) ? 10 + (OBJECT_KINDS.length - k) : k;
  };
  return [...changes].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function selectTargets(changes: PlannedChange[], targets: string[]): PlannedChange[] {
  const byKey = new Map(changes.map((c) => [objectKey(c.kind, c.name), c]));
  const keep = new Set<string>();
  const visit = (key: string) => {
    if (keep.has(key)) return;
    keep.add(key);
    for (const dep of byKey.get(key)?.dependsOn ?? []) visit(dep);
  };
  targets.forEach(visit);
  return changes.filter((c) => keep.has(objectKey(c.kind, c.name)));
}

export function summarize(changes: readonly PlannedChange[]): PlanSummary {
  const summary: PlanSummary = {
    create: 0,
    update: 0,
    delete: 0,
    noop: 0,
    orphan: 0,
    conflict: 0,
    forget: 0,
    skip: 0,
  };
  for (const c of changes) summary[c.action]++;
  return summary;
}

export function hasChanges(plan: Plan): boolean {
  return plan.summary.create + plan.summary.update + plan.summary.delete + plan.summary.forget > 0;
}
