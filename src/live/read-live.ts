import type { AnySpec } from '../model/object.js';
import { canonicalJson, type Json } from '../model/canonical.js';
import { MANAGED_ATTRIBUTE } from '../model/managed.js';
import { attributesOf, type AttributeOptions, type Attributes } from '../plan/attributes.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../plan/types.js';
import { isNamedKind, OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import {
  chartFromSuperset,
  databaseFromSuperset,
  datasetFromSuperset,
  type NameLookup,
} from '../superset-map/from-superset.js';
import { dashboardFromSuperset } from '../superset-map/dashboard.js';
import { namedFromSuperset } from '../superset-map/named-kinds.js';
import type { AccessRow, ListedObject, Principals, SupersetPort } from '../superset/port.js';
import { buildNameLookup } from './names.js';
import { mapLimit } from '../util/map-limit.js';
import { listKind, type KeptRows } from './cached-list.js';
import { usableAhead, type ReadAhead } from './read-ahead.js';

type Raw = Record<string, unknown>;

export interface LiveState {
  entries: LiveEntry[];
  listed: Record<ObjectKind, ListedObject[]>;
  /** Objects read in full, by uuid: the raw API object and our spec of it. */
  full: Map<string, { kind: ObjectKind; raw: Raw; spec: AnySpec }>;
  names: NameLookup;
  /** uuid -> Superset id, for every listed object. */
  ids: Map<string, number>;
  /** The rows differ from the kept ones (or were listed in full): worth keeping anew. */
  listingChanged?: boolean;
  /** Superset's users and roles, when read (owners and dashboard roles are compared only then). */
  principals?: Principals;
  /** Access list rows (owners, roles, tags) by `kind:id`, for kinds the desired objects manage them in. */
  access?: Map<string, AccessRow>;
}

export interface ReadOptions {
  /**
   * Read every managed object (in the YAML or owned) in full, without trusting changed_on; otherwise
   * only those that may differ. Objects this tool neither wants nor owns are never read in full.
   */
  fetchAll?: boolean;
  concurrency?: number;
  /**
   * The rows of an earlier listing: each kind is brought up to date with what changed since, and
   * listed in full only when Superset does not confirm them (see cached-list.ts).
   */
  kept?: KeptRows;
  /** The listing, started earlier by `listLive` (a plan lists while it reads the registry). */
  listing?: Promise<Listing>;
  /**
   * Superset's users and roles (read at the same time as the listing): owners are then read as
   * usernames and dashboard roles as names. Without them, neither is read.
   */
  principals?: Promise<Principals | undefined>;
  /** Called once, before reading, when some objects are to be read in full (they may differ). */
  onFullRead?: () => void;
  /** Full reads started before the listing was in (read-ahead.ts), used where they still hold. */
  ahead?: ReadonlyMap<string, ReadAhead>;
}

/** Whether any desired object names owners or dashboard roles: only then are users and roles read. */
export function managesPrincipals(desired: readonly DesiredEntry[]): boolean {
  return desired.some((d) => d.attributes.owners !== undefined || d.attributes.roles !== undefined);
}

/** Every kind's rows, and whether they differ from the kept ones. */
export interface Listing {
  listed: Record<ObjectKind, ListedObject[]>;
  listingChanged: boolean;
}

/**
 * The kinds a run lists: databases, datasets, charts and dashboards always; a kind Superset keeps no
 * uuid for (roles, CSS templates, saved queries, RLS rules, reports) only when the YAML has one or the
 * tool owns one,
 * so a run without them makes no list call more. Unmanaged ones are then not reported either.
 */
export function kindsInUse(...groups: readonly (readonly { kind: string }[])[]): ObjectKind[] {
  return OBJECT_KINDS.filter((k) => !isNamedKind(k) || groups.some((g) => g.some((o) => o.kind === k)));
}

/**
 * Lists the kinds at once (every kind unless `kinds` says which; the others have no rows): the kept
 * rows brought up to date when there are any, else in full.
 */
export async function listLive(
  port: SupersetPort,
  kept?: KeptRows,
  kinds: readonly ObjectKind[] = OBJECT_KINDS,
): Promise<Listing> {
  const lists = await Promise.all(
    OBJECT_KINDS.map((kind) =>
      !kinds.includes(kind)
        ? Promise.resolve({ rows: [], full: false, changed: 0 })
        : kept
          ? listKind(port, kind, kept[kind])
          : port.list(kind).then((rows) => ({ rows, full: true, changed: 0 })),
    ),
  );
  const listed = {} as Record<ObjectKind, ListedObject[]>;
  OBJECT_KINDS.forEach((kind, i) => (listed[kind] = lists[i]?.rows ?? []));
  return { listed, listingChanged: lists.some((l) => l.full || l.changed > 0) };
}

/** Kinds with owners (and dashboards with roles, charts and dashboards with tags), and saved queries' tags. */
export const ACCESS_KINDS = ['dataset', 'chart', 'dashboard', 'saved_query'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

/** The kinds some desired object of which names owners, roles or tags: their access rows are listed. */
export function accessKindsOf(desired: readonly DesiredEntry[]): (typeof ACCESS_KINDS)[number][] {
  return ACCESS_KINDS.filter((kind) =>
    desired.some(
      (d) =>
        d.kind === kind &&
        (d.attributes.owners !== undefined ||
          d.attributes.roles !== undefined ||
          d.attributes.tags !== undefined),
    ),
  );
}

/**
 * Whether the owners, roles or tags a list row shows differ from those the YAML names (owners and roles
 * by id, tags by name). Superset keeps `changed_on` when only a dataset's or a dashboard's owners or
 * roles change (measured on 6.1), so the row's `changed_on` cannot say; this can. A name Superset
 * lacks has no id and so always differs.
 */
export function accessDiffers(
  want: DesiredEntry,
  row: AccessRow | undefined,
  userIds: ReadonlyMap<string, number>,
  roleIds: ReadonlyMap<string, number>,
): boolean {
  if (!row) return false;
  const same = (
    names: Json | undefined,
    ids: readonly number[] | undefined,
    byName: ReadonlyMap<string, number>,
  ) => {
    if (!Array.isArray(names)) return true;
    const wanted = names
      .map((n) => (typeof n === 'string' ? byName.get(n) : undefined) ?? -1)
      .sort((a, b) => a - b);
    const have = [...new Set(ids ?? [])].sort((a, b) => a - b);
    return wanted.length === have.length && wanted.every((id, i) => id === have[i]);
  };
  const tags = want.attributes.tags;
  const sameTags =
    !Array.isArray(tags) || canonicalJson([...new Set(row.tags ?? [])].sort()) === canonicalJson(tags);
  return (
    !same(want.attributes.owners, row.owners, userIds) ||
    !same(want.attributes.roles, row.roles, roleIds) ||
    !sameTags
  );
}

/**
 * Whether an object must be read in full to be compared. If its desired hash is the one last applied and
 * Superset's changed_on has not moved since, the list row already says it is unchanged: a no-change
 * plan then costs list calls only.
 */
export function needsFullRead(
  want: DesiredEntry | undefined,
  row: ListedObject,
  applied: AppliedEntry | undefined,
): boolean {
  if (!want) return false;
  if (!applied || applied.hash !== want.hash) return true;
  return !applied.changedOn || applied.changedOn !== row.changedOn;
}

export function liveSpecFromRaw(kind: ObjectKind, raw: Raw, names: NameLookup): AnySpec {
  switch (kind) {
    case 'database':
      return databaseFromSuperset(raw, names);
    case 'dataset':
      return datasetFromSuperset(raw, names);
    case 'chart':
      return chartFromSuperset(raw, names);
    case 'dashboard':
      return dashboardFromSuperset(raw, names).spec;
    default:
      return namedFromSuperset(kind, raw, names);
  }
}

export async function readLive(
  port: SupersetPort,
  desired: readonly DesiredEntry[],
  applied: readonly AppliedEntry[],
  attributeOptions: AttributeOptions,
  options: ReadOptions = {},
): Promise<LiveState> {
  const accessKinds = accessKindsOf(desired);
  const [{ listed, listingChanged }, principals, accessLists] = await Promise.all([
    options.listing ?? listLive(port, options.kept, kindsInUse(desired, applied)),
    options.principals ?? (managesPrincipals(desired) && port.principals ? port.principals() : undefined),
    port.listAccess && !options.fetchAll
      ? Promise.all(accessKinds.map((kind) => port.listAccess!(kind)))
      : undefined,
  ]);
  const access = new Map<string, AccessRow>();
  accessKinds.forEach((kind, i) => accessLists?.[i]?.forEach((row) => access.set(`${kind}:${row.id}`, row)));
  const userIds = new Map(principals?.users.map((u) => [u.username, u.id]));
  const roleIds = new Map(principals?.roles.map((r) => [r.name, r.id]));
  const desiredByUuid = new Map(desired.map((d) => [d.uuid, d]));
  const appliedByUuid = new Map(applied.map((a) => [a.uuid, a]));
  const names = buildNameLookup(listed, new Map(desired.map((d) => [d.uuid, d.name])), principals);
  const ids = new Map<string, number>();
  const full = new Map<string, { kind: ObjectKind; raw: Raw; spec: AnySpec }>();

  const toRead: { kind: ObjectKind; row: ListedObject }[] = [];
  for (const kind of OBJECT_KINDS) {
    for (const row of listed[kind]) {
      ids.set(row.uuid, row.id);
      const want = desiredByUuid.get(row.uuid);
      const owned = appliedByUuid.get(row.uuid);
      if (
        (options.fetchAll && (want || owned)) ||
        needsFullRead(want, row, owned) ||
        (want !== undefined && accessDiffers(want, access.get(`${kind}:${row.id}`), userIds, roleIds))
      )
        toRead.push({ kind, row });
    }
  }
  const vanished = new Set<string>();
  if (toRead.length > 0) options.onFullRead?.();
  await mapLimit(toRead, options.concurrency ?? 8, async ({ kind, row }) => {
    let raw: Raw;
    const ahead = usableAhead(options.ahead, row, appliedByUuid.get(row.uuid));
    try {
      raw = ahead ? await ahead.raw.catch(() => port.get(kind, row.id)) : await port.get(kind, row.id);
    } catch (e) {
      // Deleted between the list and the read: it is not there any more, which the plan can handle.
      if (!isNotFound(e)) throw e;
      vanished.add(row.uuid);
      return;
    }
    raw = withListFields(row, raw);
    full.set(row.uuid, { kind, raw, spec: liveSpecFromRaw(kind, raw, names) });
  });
  if (vanished.size) {
    for (const kind of OBJECT_KINDS) listed[kind] = listed[kind].filter((r) => !vanished.has(r.uuid));
    for (const uuid of vanished) ids.delete(uuid);
  }

  const attributes = new Map<string, Attributes>();
  for (const [uuid, read] of full)
    attributes.set(uuid, liveAttributes(read.kind, read.raw, read.spec, attributeOptions));
  const databaseTimeout = databaseCacheTimeouts(desired, full, attributes);
  const entries: LiveEntry[] = [];
  for (const kind of OBJECT_KINDS) {
    for (const row of listed[kind]) {
      let attrs = attributes.get(row.uuid);
      if (attrs && kind === 'dataset')
        attrs = withoutInheritedCacheTimeout(attrs, desiredByUuid.get(row.uuid), databaseTimeout);
      entries.push(liveEntry(kind, row, attrs));
    }
  }
  return {
    entries,
    listed,
    listingChanged,
    full,
    names,
    ids,
    ...(principals ? { principals } : {}),
    ...(access.size ? { access } : {}),
  };
}

/**
 * The attributes of an object read in full: those of its spec, and whether Superset shows it as managed
 * externally (every version's GET has `is_managed_externally`; the column is never null). The latter is
 * compared only by a plan for an environment that marks objects (desiredEntry).
 */
export function liveAttributes(
  kind: ObjectKind,
  raw: Raw,
  spec: AnySpec,
  options: AttributeOptions,
): Attributes {
  return {
    ...attributesOf(kind, spec as never, options),
    ...(isNamedKind(kind) ? {} : { [MANAGED_ATTRIBUTE]: raw[MANAGED_ATTRIBUTE] === true }),
  };
}

/** The planner's view of one listed object; `attributes` only when it was read in full. */
export function liveEntry(kind: ObjectKind, row: ListedObject, attributes?: Attributes): LiveEntry {
  return {
    kind,
    uuid: row.uuid,
    id: row.id,
    name: row.name,
    changedOn: row.changedOn,
    changedBy: row.changedBy,
    ...(attributes ? { attributes } : {}),
  };
}

export const isNotFound = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'not-found';

/** A database's cache_timeout by name: as read from Superset when it was, else as the YAML has it. */
function databaseCacheTimeouts(
  desired: readonly DesiredEntry[],
  full: LiveState['full'],
  attributes: ReadonlyMap<string, Attributes>,
): (name: unknown) => Json | undefined {
  const byName = new Map<unknown, Json | undefined>();
  for (const d of desired) if (d.kind === 'database') byName.set(d.name, d.attributes.cache_timeout);
  for (const [uuid, read] of full) {
    const attrs = attributes.get(uuid);
    if (read.kind === 'database' && attrs) byName.set(attrs.database_name, attrs.cache_timeout);
  }
  return (name) => byName.get(name);
}

/**
 * Superset answers a dataset's cache_timeout with its database's when the dataset has none of its
 * own (SqlaTable.cache_timeout falls back). When the YAML leaves the dataset's unset and Superset
 * shows exactly the database's, the dataset has none of its own as far as the plan can tell.
 */
export function withoutInheritedCacheTimeout(
  live: Attributes,
  want: DesiredEntry | undefined,
  databaseTimeout: (name: unknown) => Json | undefined,
): Attributes {
  if (!want || want.attributes.cache_timeout !== null) return live;
  if (live.cache_timeout === null || live.cache_timeout === undefined) return live;
  if (live.cache_timeout !== databaseTimeout(live.database)) return live;
  return { ...live, cache_timeout: null };
}

/**
 * What the list row knows and the GET may lack (a chart's GET on Superset 4.1 and 5.0 has no uuid and
 * no dataset; a dataset's and a dashboard's have no uuid before 6.0; a saved query's has no tags). The
 * GET wins where it has a value.
 */
export function withListFields(row: ListedObject, raw: Raw): Raw {
  const fromList: Raw = { uuid: row.uuid };
  for (const key of ['datasource_id', 'datasource_type', 'tags'])
    if (row.raw[key] !== undefined && row.raw[key] !== null) fromList[key] = row.raw[key];
  return { ...fromList, ...Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)) };
}
