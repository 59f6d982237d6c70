import type { Marking } from '../model/managed.js';
import { objectKey, type AnyDesired, type AnySpec } from '../model/object.js';
import type { ObjectKind } from '../schema/index.js';
import type { LiveState } from '../live/read-live.js';
import type { Plan, PlannedChange } from '../plan/types.js';
import type { AppliedRecord, Registry } from '../registry/registry.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';
import { dashboardCreateBody, dashboardFields, dashboardLayoutBody } from '../superset-map/dashboard.js';
import {
  accessFields,
  chartBody,
  databaseBody,
  datasetCreateBody,
  datasetUpdateBody,
  withMarking,
  type DatabaseSecrets,
} from '../superset-map/to-superset.js';
import {
  cssTemplateBody,
  themeBody,
  reportBody,
  roleBody,
  rowLevelSecurityBody,
  savedQueryBody,
} from '../superset-map/named-kinds.js';
import { changedFields } from './fields.js';
import { BulkCreateError, bulkCandidates, bulkCreate, type BulkOptions } from './bulk-create.js';

export type ApplyEvent =
  | { type: 'start'; change: PlannedChange; index: number; total: number }
  | { type: 'done'; change: PlannedChange; index: number; total: number; supersetId?: number }
  | { type: 'failed'; change: PlannedChange; index: number; total: number; error: Error };

export interface ApplyContext {
  port: SupersetPort;
  registry: Registry;
  live: LiveState;
  /** Desired objects by uuid, resolved for the environment. */
  desired: ReadonlyMap<string, AnyDesired>;
  /** Secret values of a database, read from the environment at this moment; never stored. */
  secrets(db: AnyDesired & { kind: 'database' }): DatabaseSecrets;
  /** Keyed digests of an object's secrets, recorded as applied (rotation detection). */
  digests?(obj: AnyDesired): Record<string, string> | undefined;
  commit: string;
  now?: () => Date;
  onEvent?: (event: ApplyEvent) => void;
  /** New datasets, charts and dashboards in sparse imports when the server has them and there are enough. */
  bulk?: BulkOptions;
  /**
   * The environment marks what it writes (mark_managed): the fields each create and update of `obj`
   * carries. Absent: nothing is marked.
   */
  marking?: (obj: AnyDesired) => Marking | undefined;
  /** Permission ids by name for roles (default: read through `port` once, when a role is written). */
  permissionIds?: Promise<Map<string, number>>;
  /** Ids of custom tags by name, made in Superset when missing (default: through `port`, cached). */
  tagIds?: (names: readonly string[]) => Promise<number[]>;
  /** Whole listings of a kind made while applying (a bulk create's read-back), for the kept listing. */
  listed?: (kind: ObjectKind, rows: readonly ListedObject[]) => void;
}

export interface ApplyOutcome {
  done: PlannedChange[];
  failed?: { change: PlannedChange; error: Error };
  skipped: PlannedChange[];
  created: number;
  updated: number;
  deleted: number;
  /** Objects already recorded with Superset's changed_on (a bulk create read them back). */
  recorded?: Set<string>;
}

const ACTS = new Set(['create', 'update', 'delete', 'forget']);

/**
 * Chart updates sent at once. A chart update depends on nothing another chart update does (each
 * names its own chart and an existing dataset), so a run of them in the plan goes out a few at a
 * time; the server has few workers.
 */
export const UPDATE_CONCURRENCY = 4;

const concurrentUpdate = (c: PlannedChange) => c.action === 'update' && c.kind === 'chart';

/**
 * Applies a plan in its order, one object at a time but for runs of chart updates (a few at once). A
 * failure stops there: what was done is recorded as applied, what was not is reported, and a rerun
 * plans only what is left. Of chart updates in flight together, those that finish are done; should
 * more than one fail, the first is reported and the others are counted as not done.
 */
export async function applyPlan(plan: Plan, ctx: ApplyContext): Promise<ApplyOutcome> {
  const now = ctx.now ?? (() => new Date());
  const ids = new Map(ctx.live.ids);
  if (!ctx.tagIds) ctx = { ...ctx, tagIds: tagResolver(ctx.port) };
  const work = plan.changes.filter((c) => ACTS.has(c.action));
  const outcome: ApplyOutcome = { done: [], skipped: [], created: 0, updated: 0, deleted: 0 };
  const key = (k: string) => {
    const [kind, ...name] = k.split('/');
    return uuidOf(ctx, kind as ObjectKind, name.join('/'));
  };
  const bulk = bulkCandidates(
    work,
    ctx.desired,
    (u) => ids.has(u),
    key,
    ctx.bulk && { ...ctx.bulk, datasets: ctx.port.tables !== undefined, takenSlugs: takenSlugs(ctx.live) },
  );
  let bulkDone = false;
  /** One change, its record and its events; false when it failed (outcome.failed says how). */
  const applyChange = async (change: PlannedChange, index: number): Promise<boolean> => {
    const event = { change, index, total: work.length };
    ctx.onEvent?.({ type: 'start', ...event });
    // Datasets and dashboards are created in two calls (POST, then PUT): once the POST succeeds the
    // object is ours, so a failed PUT leaves an owned object the next apply updates, not a conflict.
    const created = async (id: number) => {
      ids.set(change.uuid, id);
      await ctx.registry.recordApplied({ ...record(change, id, ctx, now()), hash: '' });
    };
    try {
      const supersetId = await applyOne(change, ctx, ids, created);
      if (change.action === 'delete' || change.action === 'forget') {
        await ctx.registry.forgetApplied(change.kind, change.uuid);
      } else if (supersetId !== undefined) {
        ids.set(change.uuid, supersetId);
        await ctx.registry.recordApplied(record(change, supersetId, ctx, now()));
      }
      if (change.action === 'create') outcome.created++;
      if (change.action === 'update') outcome.updated++;
      if (change.action === 'delete') outcome.deleted++;
      outcome.done.push(change);
      ctx.onEvent?.({ type: 'done', ...event, ...(supersetId !== undefined ? { supersetId } : {}) });
      return true;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      if (outcome.failed) return false; // another change in flight failed first: that one is reported
      outcome.failed = { change, error };
      ctx.onEvent?.({ type: 'failed', ...event, error });
      return false;
    }
  };
  let runEnd = 0;
  for (const [index, change] of work.entries()) {
    if (index < runEnd) continue;
    const event = { change, index, total: work.length };
    if (bulk.has(change.uuid)) {
      if (bulkDone) continue;
      bulkDone = true;
      const changes = work.filter((c) => bulk.has(c.uuid));
      ctx.onEvent?.({ type: 'start', ...event });
      const finish = (made: ReadonlyMap<string, number>) => {
        outcome.recorded = new Set(made.keys());
        for (const c of changes) {
          const supersetId = made.get(c.uuid);
          if (supersetId === undefined) continue;
          outcome.created++;
          outcome.done.push(c);
          ctx.onEvent?.({ type: 'done', change: c, index: work.indexOf(c), total: work.length, supersetId });
        }
      };
      try {
        finish(
          await bulkCreate(
            changes,
            {
              port: ctx.port,
              registry: ctx.registry,
              desired: ctx.desired,
              ids,
              uuidOf: key,
              record: (c, id, changedOn) => ({ ...record(c, id, ctx, now()), changedOn }),
              claim: (c) => ({ ...record(c, 0, ctx, now()), hash: '' }),
              now,
              ...(ctx.bulk!.atOnce !== undefined ? { atOnce: ctx.bulk!.atOnce } : {}),
              ...(ctx.marking ? { marking: ctx.marking } : {}),
              ...(ctx.listed ? { listed: ctx.listed } : {}),
            },
            ctx.bulk!.caps,
          ),
        );
        continue;
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        // Chunks imported before the failure are done and recorded; the rest is reported.
        if (e instanceof BulkCreateError) finish(e.made);
        const failed = (e instanceof BulkCreateError && e.failed) || change;
        outcome.failed = { change: failed, error };
        outcome.skipped = work.slice(index).filter((c) => c !== failed && !outcome.recorded?.has(c.uuid));
        ctx.onEvent?.({
          type: 'failed',
          change: failed,
          index: work.indexOf(failed),
          total: work.length,
          error,
        });
        break;
      }
    }
    runEnd = index + 1;
    if (concurrentUpdate(change)) while (runEnd < work.length && concurrentUpdate(work[runEnd]!)) runEnd++;
    if (runEnd - index === 1) {
      if (await applyChange(change, index)) continue;
      outcome.skipped = work.slice(index + 1);
      break;
    }
    // A run of chart updates: a few at a time; after a failure none more is started.
    const run = work.slice(index, runEnd);
    let next = 0;
    const worker = async () => {
      while (!outcome.failed && next < run.length) {
        const at = next++;
        await applyChange(run[at]!, index + at);
      }
    };
    await Promise.all(Array.from({ length: Math.min(UPDATE_CONCURRENCY, run.length) }, worker));
    if (outcome.failed) {
      const done = new Set(outcome.done);
      outcome.skipped = work.slice(index).filter((c) => !done.has(c) && c !== outcome.failed!.change);
      break;
    }
  }
  await adoptNoops(plan, ctx, now());
  return outcome;
}

/** Slugs of the dashboards listed, or undefined when a row does not say (a server without the column). */
function takenSlugs(live: LiveState): Set<string> | undefined {
  const rows = live.listed?.dashboard ?? [];
  if (rows.some((r) => !('slug' in r.raw))) return undefined;
  return new Set(rows.map((r) => r.raw.slug).filter((s): s is string => typeof s === 'string' && s !== ''));
}

function record(change: PlannedChange, supersetId: number, ctx: ApplyContext, at: Date): AppliedRecord {
  const obj = ctx.desired.get(change.uuid);
  const spec = obj?.spec as { protected?: boolean } | undefined;
  const secrets = obj ? ctx.digests?.(obj) : undefined;
  return {
    kind: change.kind,
    name: change.name,
    uuid: change.uuid,
    supersetId,
    hash: change.hash ?? '',
    appliedAt: at.toISOString(),
    commit: ctx.commit,
    changedOn: null,
    ...(spec?.protected ? { protected: true } : {}),
    ...(secrets ? { secrets } : {}),
  };
}

/** With --adopt, objects that already matched become owned without any write to Superset. */
async function adoptNoops(plan: Plan, ctx: ApplyContext, at: Date): Promise<void> {
  for (const change of plan.changes) {
    if (change.action === 'noop' && change.note === 'adopted' && change.supersetId !== undefined) {
      await ctx.registry.recordApplied(record(change, change.supersetId, ctx, at));
    }
  }
}

function need(ids: Map<string, number>, uuid: string | undefined, what: string): number {
  const id = uuid ? ids.get(uuid) : undefined;
  if (id === undefined) throw new Error(`${what} does not exist in Superset yet; apply it first`);
  return id;
}

const uuidIndex = new WeakMap<ApplyContext, Map<string, string>>();

/** uuid of a desired object by kind and name (an index built once per apply). */
function uuidOf(ctx: ApplyContext, kind: ObjectKind, name: string): string | undefined {
  let index = uuidIndex.get(ctx);
  if (!index) {
    index = new Map([...ctx.desired.values()].map((o) => [objectKey(o.kind, o.name), o.uuid]));
    uuidIndex.set(ctx, index);
  }
  return index.get(objectKey(kind, name));
}

async function applyOne(
  change: PlannedChange,
  ctx: ApplyContext,
  ids: Map<string, number>,
  created: (id: number) => Promise<void>,
): Promise<number | undefined> {
  const { port } = ctx;
  if (change.action === 'forget') return undefined;
  if (change.action === 'delete') {
    await port.remove(change.kind, need(ids, change.uuid, `${change.kind} ${JSON.stringify(change.name)}`));
    return undefined;
  }
  const obj = ctx.desired.get(change.uuid);
  if (!obj) throw new Error(`internal: no desired object for ${change.kind} ${change.name}`);
  const fields = change.action === 'update' ? changedFields(change) : undefined;
  const marking = ctx.marking?.(obj);
  const existing =
    change.action === 'update'
      ? need(ids, change.uuid, `${change.kind} ${JSON.stringify(change.name)}`)
      : undefined;

  /** `{tags: ids}` when the YAML names tags and this write must send them (a create, or they changed). */
  const tagsField = async (names: readonly string[] | undefined): Promise<{ tags?: number[] }> =>
    names !== undefined && (!fields || fields.has('tags')) && ctx.tagIds
      ? { tags: await ctx.tagIds(names) }
      : {};

  /** A body with more fields (owners, roles, tags) it must carry, and then the marking too. */
  const withFields = (body: Record<string, unknown>, more: Record<string, unknown>) =>
    Object.keys(more).length ? withMarking({ ...body, ...more }, marking) : body;
  const access = (spec: Parameters<typeof accessFields>[0]) =>
    accessFields(spec, ctx.live.principals, fields);

  switch (obj.kind) {
    case 'database': {
      const body = databaseBody(obj.spec, obj.uuid, ctx.secrets(obj), fields, marking);
      if (existing === undefined) return (await port.create('database', body)).id;
      await port.update('database', existing, body);
      return existing;
    }
    case 'dataset': {
      const databaseId = need(
        ids,
        uuidOf(ctx, 'database', obj.spec.database),
        `database ${JSON.stringify(obj.spec.database)}`,
      );
      let id = existing;
      let live = ctx.live.full.get(obj.uuid)?.raw;
      if (id === undefined) {
        id = (await port.create('dataset', datasetCreateBody(obj.spec, obj.uuid, databaseId, marking))).id;
        await created(id);
        live = await port.get('dataset', id);
      }
      const body = withFields(
        datasetUpdateBody(obj.spec, live, databaseId, fields, marking),
        access(obj.spec),
      );
      if (Object.keys(body).length) await port.update('dataset', id, body);
      return id;
    }
    case 'chart': {
      const datasetId = need(
        ids,
        uuidOf(ctx, 'dataset', obj.spec.dataset),
        `dataset ${JSON.stringify(obj.spec.dataset)}`,
      );
      const tags = await tagsField(obj.spec.tags);
      const body = chartBody(obj.spec, obj.uuid, datasetId, fields, marking);
      if (existing === undefined) {
        const id = (await port.create('chart', withFields(body, access(obj.spec)))).id;
        // Superset makes the caller the owner of a chart created without owners: none means none.
        // Tags go in a PUT only (POST /chart/ has no `tags`).
        const after = {
          ...(obj.spec.owners?.length === 0 ? { owners: [] } : {}),
          ...(tags.tags && tags.tags.length ? tags : {}),
        };
        if (Object.keys(after).length) {
          await created(id);
          await port.update('chart', id, after);
        }
        return id;
      }
      await port.update('chart', existing, withFields(body, { ...access(obj.spec), ...tags }));
      return existing;
    }
    case 'dashboard': {
      const refs = {
        chart: (name: string) => {
          const uuid = uuidOf(ctx, 'chart', name);
          const id = uuid ? ids.get(uuid) : undefined;
          return uuid && id !== undefined ? { id, uuid } : undefined;
        },
        datasetId: (name: string) => {
          const uuid = uuidOf(ctx, 'dataset', name);
          return uuid ? ids.get(uuid) : undefined;
        },
      };
      let id = existing;
      if (id === undefined) {
        const access = accessFields(obj.spec, ctx.live.principals);
        id = (
          await port.create('dashboard', {
            ...dashboardCreateBody(obj.spec, obj.uuid),
            ...(access.owners && (access.owners as number[]).length ? { owners: access.owners } : {}),
            ...(access.roles ? { roles: access.roles } : {}),
            ...marking,
          })
        ).id;
        await created(id);
      }
      const plain = fields
        ? Object.fromEntries(
            Object.entries({ ...dashboardFields(obj.spec), ...marking }).filter(([k]) => fields.has(k)),
          )
        : {};
      const layout = !fields || fields.has('layout') ? dashboardLayoutBody(obj.spec, refs) : {};
      // A new dashboard without owners: Superset made the caller one, which the update takes back.
      const access =
        existing === undefined
          ? obj.spec.owners?.length === 0
            ? { owners: [] }
            : {}
          : accessFields(obj.spec, ctx.live.principals, fields);
      const tags = await tagsField(obj.spec.tags);
      // The theme by its id in this Superset (a theme of the YAML, made before the dashboard).
      const theme =
        obj.spec.theme !== undefined && (!fields || fields.has('theme_id'))
          ? {
              theme_id:
                obj.spec.theme === null
                  ? null
                  : need(
                      ids,
                      uuidOf(ctx, 'theme', obj.spec.theme),
                      `theme ${JSON.stringify(obj.spec.theme)}`,
                    ),
            }
          : {};
      const body = withMarking({ ...plain, ...layout, ...access, ...tags, ...theme }, marking);
      if (Object.keys(body).length) await port.update('dashboard', id, body);
      return id;
    }
    // Written whole: a create, or one PUT with every field (they are few and small).
    case 'css_template':
      return write(port, obj.kind, existing, cssTemplateBody(obj.spec));
    case 'theme':
      return write(port, obj.kind, existing, themeBody(obj.spec));
    case 'saved_query': {
      const databaseId = need(
        ids,
        uuidOf(ctx, 'database', obj.spec.database),
        `database ${JSON.stringify(obj.spec.database)}`,
      );
      const body = savedQueryBody(obj.spec, databaseId);
      // Its PUT takes no tags: they go through the tag API, and a change of tags alone is no PUT.
      const tagsOnly = fields !== undefined && [...fields].every((f) => f === 'tags');
      const id = tagsOnly && existing !== undefined ? existing : await write(port, obj.kind, existing, body);
      const want = obj.spec.tags;
      if (want !== undefined && (existing === undefined ? want.length > 0 : !fields || fields.has('tags'))) {
        if (!port.retag)
          throw new Error('tags on saved queries need a Superset port that tags (this one does not)');
        const have = existing === undefined ? [] : liveTags(ctx.live.full.get(obj.uuid)?.spec);
        const add = want.filter((t) => !have.includes(t));
        const remove = have.filter((t) => !want.includes(t));
        if (existing === undefined) await created(id);
        if (add.length || remove.length) await port.retag('saved_query', id, { add, remove });
      }
      return id;
    }
    case 'row_level_security': {
      const tables = obj.spec.tables.map((t) =>
        need(ids, uuidOf(ctx, 'dataset', t), `dataset ${JSON.stringify(t)}`),
      );
      const roleIds = new Map(ctx.live.principals?.roles.map((r) => [r.name, r.id]));
      const roles = obj.spec.roles.map((r) => {
        const id = roleIds.get(r);
        if (id === undefined) throw new Error(`Superset has no role ${JSON.stringify(r)}`);
        return id;
      });
      return write(port, obj.kind, existing, rowLevelSecurityBody(obj.spec, tables, roles));
    }
    case 'role': {
      const byName = await (ctx.permissionIds ??= readPermissionIds(port));
      const ids = obj.spec.permissions.map((p) => {
        const id = byName.get(p);
        if (id === undefined) throw new Error(`Superset has no permission ${JSON.stringify(p)}`);
        return id;
      });
      const id = await write(port, obj.kind, existing, roleBody(obj.spec, ids));
      // Dashboards and RLS rules written after it name it: they find its id with Superset's roles.
      const roles = ctx.live.principals?.roles;
      if (roles && !roles.some((r) => r.name === obj.name)) roles.push({ id, name: obj.name });
      return id;
    }
    case 'report': {
      const id = (kind: 'chart' | 'dashboard' | 'database', name: string | undefined) =>
        name === undefined
          ? undefined
          : need(ids, uuidOf(ctx, kind, name), `${kind} ${JSON.stringify(name)}`);
      const chart = id('chart', obj.spec.chart);
      const dashboard = id('dashboard', obj.spec.dashboard);
      const database = obj.spec.type === 'Alert' ? id('database', obj.spec.database) : undefined;
      return write(
        port,
        obj.kind,
        existing,
        reportBody(obj.spec, {
          ...(chart !== undefined ? { chart } : {}),
          ...(dashboard !== undefined ? { dashboard } : {}),
          ...(database !== undefined ? { database } : {}),
        }),
      );
    }
  }
}

/** The tags a live spec read in full has (none when it was not read). */
function liveTags(spec: AnySpec | undefined): string[] {
  const tags = (spec as { tags?: unknown } | undefined)?.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/** Superset's permissions on resources by `<permission> on <resource>`, read once per apply. */
async function readPermissionIds(port: SupersetPort): Promise<Map<string, number>> {
  if (!port.permissions) throw new Error('roles need a Superset port with permissions (this one has none)');
  return new Map((await port.permissions()).map((p) => [p.name, p.id]));
}

/** A create, or an update of every field. */
async function write(
  port: SupersetPort,
  kind: ObjectKind,
  existing: number | undefined,
  body: Record<string, unknown>,
): Promise<number> {
  if (existing === undefined) return (await port.create(kind, body)).id;
  await port.update(kind, existing, body);
  return existing;
}

/**
 * Tag ids by name, through the port: Superset's custom tags read once per apply, a missing one made
 * (and its id read back). Names are made one at a time, so two objects naming a new tag make it once.
 */
export function tagResolver(port: SupersetPort): (names: readonly string[]) => Promise<number[]> {
  let known: Promise<Map<string, number>> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  return (names) => {
    const run = queue.then(async () => {
      if (!port.tags || !port.createTag)
        throw new Error('tags need a Superset port with tags (this one has none)');
      const byName = await (known ??= port.tags().then((all) => new Map(all.map((t) => [t.name, t.id]))));
      const out: number[] = [];
      for (const name of new Set(names)) {
        let id = byName.get(name);
        if (id === undefined) {
          id = await port.createTag(name);
          byName.set(name, id);
        }
        out.push(id);
      }
      return out;
    });
    queue = run.catch(() => undefined);
    return run;
  };
}
