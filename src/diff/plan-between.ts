import { orderChanges, planChanges, summarize } from '../plan/plan.js';
import type { AppliedEntry, DesiredEntry, LiveEntry, Plan, PlannedChange } from '../plan/types.js';

/** The name Superset shows for an object, which the planner's clash check compares. */
function supersetName(e: DesiredEntry): string {
  const a = e.attributes;
  const name =
    e.kind === 'dataset'
      ? a.table_name
      : e.kind === 'database'
        ? a.database_name
        : e.kind === 'chart'
          ? a.slice_name
          : a.dashboard_title;
  return typeof name === 'string' ? name : e.name;
}

/** Superset keeps these unique per kind; a create that repeats one is refused. */
function naturalKey(e: DesiredEntry): string | undefined {
  const a = e.attributes;
  if (e.kind === 'dataset') return JSON.stringify([a.database, a.schema ?? null, a.table_name]);
  if (e.kind === 'dashboard') return a.slug ? JSON.stringify(a.slug) : undefined;
  if (e.kind === 'database') return JSON.stringify(a.database_name);
  return undefined;
}

const KEY_LABEL: Record<DesiredEntry['kind'], string> = {
  dataset: 'table',
  dashboard: 'slug',
  database: 'database name',
  chart: 'name',
  css_template: 'name',
  theme: 'name',
  saved_query: 'name',
  row_level_security: 'name',
  report: 'name',
  role: 'name',
};

/**
 * The plan a change makes: `head` planned against `base` as if base were live in Superset and owned
 * by the tool (applied). Pure. Objects are matched by uuid, so a renamed file, or a renamed object
 * whose uuid is pinned, is an update of the name rather than a delete and a create.
 */
export function planBetween(
  environment: string,
  base: readonly DesiredEntry[],
  head: readonly DesiredEntry[],
  options: { prune: boolean },
): Plan {
  const live: LiveEntry[] = base.map((e) => ({
    kind: e.kind,
    uuid: e.uuid,
    id: 0,
    name: supersetName(e),
    changedOn: null,
    changedBy: null,
    attributes: e.attributes,
  }));
  const applied: AppliedEntry[] = base.map((e) => ({
    kind: e.kind,
    name: e.name,
    uuid: e.uuid,
    supersetId: 0,
    hash: e.hash,
    ...(e.protected ? { protected: true } : {}),
  }));
  const planned = planChanges(environment, head, live, applied, { prune: options.prune });
  const baseByUuid = new Map(base.map((e) => [e.uuid, e]));
  const headByUuid = new Map(head.map((e) => [e.uuid, e]));
  const changes = planned.changes.map((change): PlannedChange => {
    // There are no Superset ids in git.
    const c: PlannedChange = { ...change };
    delete c.supersetId;
    const before = baseByUuid.get(c.uuid);
    if (before && before.name !== c.name && (c.action === 'update' || c.action === 'noop'))
      return renamed(c, before.name);
    if (c.action === 'conflict') {
      const want = headByUuid.get(c.uuid);
      const note = want && clashNote(want, base, headByUuid);
      return note ? { ...c, note } : c;
    }
    return c;
  });
  const ordered = orderChanges(changes);
  return { environment, changes: ordered, summary: summarize(ordered) };
}

function renamed(c: PlannedChange, oldName: string): PlannedChange {
  // Charts carry their name as slice_name already; other kinds get an explicit `name` line.
  const shown = c.changes.some((a) => a.before === oldName && a.after === c.name);
  return {
    ...c,
    action: 'update',
    changes: shown ? c.changes : [{ path: 'name', before: oldName, after: c.name }, ...c.changes],
    note: `renamed from ${JSON.stringify(oldName)}`,
  };
}

function clashNote(
  want: DesiredEntry,
  base: readonly DesiredEntry[],
  head: ReadonlyMap<string, DesiredEntry>,
): string | undefined {
  const key = naturalKey(want);
  const other = base.find((b) => b.kind === want.kind && b.uuid !== want.uuid && naturalKey(b) === key);
  if (!key || !other) return undefined;
  const label = KEY_LABEL[want.kind];
  if (head.has(other.uuid))
    return `${other.kind} ${JSON.stringify(other.name)} already has the same ${label}; Superset refuses the duplicate`;
  return `replaces ${other.kind} ${JSON.stringify(other.name)} (uuid ${other.uuid}), which has the same ${label}: apply creates before it deletes and Superset refuses the duplicate; keep \`uuid: ${other.uuid}\` in the file to rename it in place`;
}
