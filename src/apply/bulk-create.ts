// Many new datasets, charts and dashboards in one request: Superset's assets import with `sparse=true`
// takes a bundle of only the new objects and finds what they refer to (databases, existing datasets
// and charts) by uuid, so nothing that exists is in the bundle and nothing that exists is rewritten.
// One request is also one write for the lock's fence.
//
// What the import does differently from a REST create decides what may go in it:
// - it matches existing rows by every unique key, not only uuid, and updates what it finds: a
//   dashboard goes in only when no dashboard in Superset has its slug (the list rows carry slugs),
//   and a dataset on a table another dataset uses is a conflict the plan reports;
// - it reads nothing from the warehouse: a dataset goes in only when the YAML lists every column
//   with its type and the metrics (what a REST create would read or add), is physical (a virtual
//   one's SQL is run by a REST create), and its table exists (checked before anything is written);
// - it migrates legacy viz types and deletes filter boxes: such charts keep their REST create.
// Databases always keep theirs: a REST create tests the connection.
// An environment that marks objects (mark_managed) marks these too: the import schemas of every
// version take `is_managed_externally` and `external_url` and store them, as a REST create does.
import { setTimeout as delay } from 'node:timers/promises';
import { writeZip } from '../import/zip.js';
import { mapLimit } from '../util/map-limit.js';
import type { Marking } from '../model/managed.js';
import { objectKey, type AnyDesired } from '../model/object.js';
import { dependenciesOf } from '../plan/desired.js';
import type { PlannedChange } from '../plan/types.js';
import type { AppliedRecord, Registry } from '../registry/registry.js';
import type { Capabilities } from '../superset/capabilities.js';
import { SupersetApiError } from '../superset/errors.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';

/** Below this many eligible creates the REST path is as quick and says more per object. */
export const BULK_CREATE_MIN = 25;
/** ZooKeeper writes in flight at once for the claims and records of a bulk create. */
const RECORD_CONCURRENCY = 64;
/**
 * Objects per import request. Superset imports about a hundred objects a second on this 2-core
 * machine, so a chunk stays well inside the client's 30 s request timeout. Each import is fenced as
 * it goes, so the lock's fencing window stays one request long however many go at once.
 */
export const IMPORT_CHUNK = 500;
/**
 * A bulk create of at least this many objects goes in waves by dependency level (see importWaves);
 * a smaller one goes in plan order, in as few imports as IMPORT_CHUNK allows.
 */
export const WAVES_MIN = 100;
/** A level of at least this many objects is split into as many imports as go at once. */
const SPLIT_MIN = 2 * BULK_CREATE_MIN;
/**
 * The last objects of a level split that way go in an import of their own, after the others. The
 * next plan reads again what Superset changed in the 2 s before the newest row it kept (the
 * look-back, src/live/cached-list.ts); after imports side by side those 2 s hold twice as many rows,
 * often more than its MAX_RECENT_ROWS, and the kind is then listed in full. With this tail on its own
 * they hold about as many as after imports one at a time.
 */
const LEVEL_TAIL = 100;
/** How long after an import is sent the next chunk's bundle is made. */
const BUNDLE_AHEAD_MS = 50;
/**
 * How long after each other the imports that start a wave together are sent. Each goes on a new
 * connection, which whichever Superset worker is quickest takes: sent in the same instant, one idle
 * worker often takes both and imports them one after the other. A moment later, the worker that took
 * the first is busy with it, and another takes the second.
 */
const IMPORT_STAGGER_MS = 150;
const BULK_KINDS = new Set(['dataset', 'chart', 'dashboard']);
/**
 * Viz types Superset's chart importer rewrites (legacy types it migrates to their ECharts successors,
 * filter boxes it deletes): such charts keep their REST create, which stores them as the YAML says.
 */
const IMPORT_REWRITES = new Set([
  'area',
  'bar',
  'bubble',
  'dist_bar',
  'dual_line',
  'filter_box',
  'heatmap',
  'histogram',
  'line',
  'pivot_table',
  'sankey',
  'sunburst',
  'treemap',
]);
/** Superset answered and refused: the import's transaction was rolled back, nothing was created. */
const REFUSED = new Set(['invalid', 'forbidden', 'unauthorized', 'not-found', 'unsupported', 'rate-limited']);

export interface BulkOptions {
  caps: Capabilities;
  /** Datasets may go in: the port can list a schema's tables to check theirs exist first. */
  datasets?: boolean;
  /** Slugs of the dashboards Superset has (from the plan's listing): a dashboard with one of them, or with a slug when this is unknown, keeps its REST create. */
  takenSlugs?: ReadonlySet<string>;
  /** Fewest eligible creates that go through one import (default BULK_CREATE_MIN). */
  min?: number;
  /** Imports sent at once (default 1: one after another). */
  atOnce?: number;
}

export interface BulkDeps {
  port: SupersetPort;
  registry: Registry;
  desired: ReadonlyMap<string, AnyDesired>;
  /** uuid -> Superset id of what exists now; the bulk create adds what it made. */
  ids: Map<string, number>;
  /** uuid of a desired object by kind and name. */
  uuidOf(key: string): string | undefined;
  record(change: PlannedChange, supersetId: number, changedOn: string | null): AppliedRecord;
  claim(change: PlannedChange): AppliedRecord;
  now(): Date;
  /** Objects per import request (default IMPORT_CHUNK). */
  chunk?: number;
  /** Imports sent at once, each to a Superset worker of its own (default 1). */
  atOnce?: number;
  /** The environment marks what it writes (mark_managed): the bundle's files carry the fields. */
  marking?: (obj: AnyDesired) => Marking | undefined;
  /** Each whole listing of a kind the read-back made (after the import), for the kept listing. */
  listed?: (kind: 'dataset' | 'chart' | 'dashboard', rows: readonly ListedObject[]) => void;
}

/** A bulk create that failed; `created` says whether Superset may hold some of it (not a refusal). */
export class BulkCreateError extends Error {
  /** What earlier chunks made (ids by uuid), recorded as applied. */
  readonly made: Map<string, number>;
  /** The first object of the chunk that failed. */
  readonly failed: PlannedChange | undefined;
  constructor(
    message: string,
    readonly mayExist: boolean,
    options: { cause?: unknown; made?: Map<string, number>; failed?: PlannedChange } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'BulkCreateError';
    this.made = options.made ?? new Map<string, number>();
    this.failed = options.failed;
  }
}

/** Whether the import would store `obj` as its REST create does (see the top of this file). */
function importable(
  obj: AnyDesired,
  datasets: boolean,
  takenSlugs: ReadonlySet<string> | undefined,
): boolean {
  // A bundle carries no owners or roles (the import makes the importing user an owner), tags only
  // with Superset's TAGGING_SYSTEM flag on, and a theme by Superset's uuid for it (ours is the name's):
  // objects that name any are created over REST, which writes them.
  if (obj.kind !== 'dataset' && obj.kind !== 'chart' && obj.kind !== 'dashboard') return false;
  if (
    obj.spec.owners !== undefined ||
    (obj.kind !== 'dataset' && obj.spec.tags !== undefined) ||
    (obj.kind === 'dashboard' && (obj.spec.roles !== undefined || typeof obj.spec.theme === 'string'))
  )
    return false;
  switch (obj.kind) {
    case 'chart':
      return !IMPORT_REWRITES.has(obj.spec.viz_type);
    case 'dashboard':
      return (
        obj.spec.slug === undefined ||
        obj.spec.slug === null ||
        (takenSlugs !== undefined && !takenSlugs.has(obj.spec.slug))
      );
    case 'dataset': {
      const s = obj.spec;
      return (
        datasets &&
        (s.sql === undefined || s.sql === null || s.sql === '') &&
        typeof s.schema === 'string' &&
        s.schema !== '' &&
        s.catalog === undefined &&
        Array.isArray(s.metrics) &&
        Array.isArray(s.columns) &&
        s.columns.length > 0 &&
        s.columns.every((c) => typeof c.type === 'string' && c.type !== '' && !c.expression)
      );
    }
    default:
      return false;
  }
}

/**
 * The creates of `work` that one sparse import can make. It runs where the first of them stands in
 * plan order, so a dependency must exist by then: in Superset already (`exists`), created over REST
 * earlier in the plan, or in the same import. Empty when the server has no sparse import or fewer
 * than `min` qualify.
 */
export function bulkCandidates(
  work: readonly PlannedChange[],
  desired: ReadonlyMap<string, AnyDesired>,
  exists: (uuid: string) => boolean,
  uuidOf: (key: string) => string | undefined,
  options: BulkOptions | undefined,
): Set<string> {
  if (!options?.caps.sparseImport) return new Set();
  const position = new Map(work.map((c, i) => [c.uuid, i]));
  const creates = work.filter((c) => c.action === 'create' && desired.has(c.uuid));
  const chosen = new Set(
    creates
      .filter(
        (c) =>
          BULK_KINDS.has(c.kind) &&
          importable(desired.get(c.uuid)!, options.datasets ?? false, options.takenSlugs),
      )
      .map((c) => c.uuid),
  );
  // Drop what misses a dependency until nothing more drops (a dashboard of a dropped chart, say).
  // Dropping only moves the import later, which never makes a kept object's dependency miss.
  for (let dropped = true; dropped;) {
    dropped = false;
    const at = Math.min(...[...chosen].map((u) => position.get(u)!));
    for (const uuid of chosen) {
      const ok = dependenciesOf(desired.get(uuid)!).every((key) => {
        const dep = uuidOf(key);
        if (dep === undefined) return false;
        if (exists(dep) || chosen.has(dep)) return true;
        const i = position.get(dep);
        return i !== undefined && i < at && work[i]!.action === 'create';
      });
      if (!ok) {
        chosen.delete(uuid);
        dropped = true;
      }
    }
  }
  return chosen.size >= (options.min ?? BULK_CREATE_MIN) ? chosen : new Set();
}

/** Datasets whose table is not in its schema, as "schema.table (dataset name)"; one list per schema. */
async function missingTables(
  datasets: readonly (AnyDesired & { kind: 'dataset' })[],
  port: SupersetPort,
  databaseId: (name: string) => number | undefined,
): Promise<string[]> {
  const schemas = new Map<string, { id: number; schema: string }>();
  for (const d of datasets) {
    const id = databaseId(d.spec.database);
    if (id !== undefined) schemas.set(`${id}/${d.spec.schema}`, { id, schema: d.spec.schema! });
  }
  const tables = new Map<string, Set<string>>();
  for (const [key, { id, schema }] of schemas) tables.set(key, new Set(await port.tables!(id, schema)));
  return datasets
    .filter((d) => {
      const id = databaseId(d.spec.database);
      return id === undefined || !tables.get(`${id}/${d.spec.schema}`)?.has(d.spec.table_name ?? d.name);
    })
    .map((d) => `${d.spec.schema}.${d.spec.table_name ?? d.name} (dataset ${JSON.stringify(d.name)})`);
}

/**
 * Claims every object in the registry, sends them in sparse imports (importWaves says which go
 * together and which at once), reads their ids back from the lists and checks each is there under its name (and a chart on its dataset), then
 * records each as applied with Superset's changed_on. Returns the Superset id of each.
 */
export async function bulkCreate(
  changes: readonly PlannedChange[],
  deps: BulkDeps,
  caps: Capabilities,
): Promise<Map<string, number>> {
  const { port, registry, desired, ids } = deps;
  const datasets = changes
    .map((c) => desired.get(c.uuid)!)
    .filter((o): o is AnyDesired & { kind: 'dataset' } => o.kind === 'dataset');
  if (datasets.length) {
    // As a REST create would refuse it: no dataset on a table its database does not have.
    const missing = await missingTables(datasets, port, (name) =>
      ids.get(deps.uuidOf(objectKey('database', name)) ?? ''),
    );
    if (missing.length)
      throw new BulkCreateError(
        `Nothing imported: ${missing.length} dataset table(s) could not be found in their database: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`,
        false,
      );
  }
  const atOnce = Math.max(1, deps.atOnce ?? 1);
  const waves = importWaves(changes, desired, (key) => deps.uuidOf(key), deps.chunk ?? IMPORT_CHUNK, atOnce);
  const chunks = waves.flat();
  // Loaded here, not at start: the bundle writer (and the slug library it uses) costs every other
  // apply about 15 ms of module loading (bench/profile.ts).
  const { toBundle } = await import('../export/to-bundle.js');
  const bundleOf = (chunk: readonly PlannedChange[]) =>
    Buffer.from(
      writeZip(
        toBundle([...desired.values()], deps.now(), caps, new Set(chunk.map((c) => c.uuid)), deps.marking),
        { store: true },
      ),
    );
  // Where each wave's chunks start in `chunks`.
  const starts = waves.map((_, w) => waves.slice(0, w).reduce((n, wave) => n + wave.length, 0));
  // A bundle can fail to be made (a value this Superset's import schema has no field for). The first
  // wave's are made before anything is written, so such a failure there leaves nothing behind; a
  // later wave's are made while the wave before it imports, and a wave goes only when all of its
  // bundles were made.
  const zips = new Map<number, { zip: Buffer } | { error: unknown }>();
  const bundleAt = (i: number) => {
    if (!zips.has(i)) {
      try {
        zips.set(i, { zip: bundleOf(chunks[i]!) });
      } catch (error) {
        zips.set(i, { error });
      }
    }
    return zips.get(i)!;
  };
  /** The first chunk of wave `w` that could not be bundled, by its index in `chunks`. */
  const unbundledIn = (w: number) =>
    waves[w]!.map((_, k) => starts[w]! + k).find((i) => 'error' in bundleAt(i));
  const firstUnbundled = unbundledIn(0);
  if (firstUnbundled !== undefined) {
    const { error } = zips.get(firstUnbundled) as { error: unknown };
    throw unbundled(chunks[firstUnbundled]!, error, new Map<string, number>(), false);
  }
  await mapLimit(changes, RECORD_CONCURRENCY, (c) => registry.recordApplied(deps.claim(c)));
  // What became of each chunk: imported, failed (refused: its transaction was rolled back), or never
  // sent (no entry). After a failure nothing more is sent; the imports in flight finish.
  const outcomes: ({ ok: true } | { ok: false; error: unknown; refused: boolean; unbundled?: boolean })[] =
    [];
  let stopped = false;
  for (let w = 0; w < waves.length && !stopped; w++) {
    const bad = unbundledIn(w);
    if (bad !== undefined) {
      outcomes[bad] = {
        ok: false,
        error: (zips.get(bad) as { error: unknown }).error,
        refused: true,
        unbundled: true,
      };
      break;
    }
    // The next wave's bundles (tens of ms of CPU each) are made while Superset imports this one: a
    // moment after the requests go, which is once the fence's round trip is answered.
    const ahead =
      w + 1 < waves.length
        ? delay(BUNDLE_AHEAD_MS).then(() => {
            if (!stopped) unbundledIn(w + 1);
          })
        : undefined;
    // A wave's chunks need nothing from each other: they go at once. What they refer to is in an
    // earlier wave (imported, so committed) or in Superset already.
    await mapLimit(waves[w]!, atOnce, async (_, k) => {
      const i = starts[w]! + k;
      if (k > 0 && k < atOnce) await delay(k * IMPORT_STAGGER_MS);
      if (stopped) return;
      try {
        await port.importBundle((zips.get(i) as { zip: Buffer }).zip, { sparse: true });
        outcomes[i] = { ok: true };
      } catch (e) {
        outcomes[i] = { ok: false, error: e, refused: e instanceof SupersetApiError && REFUSED.has(e.code) };
        stopped = true;
      }
    });
    await ahead; // nothing started here runs on once the caller hears
  }
  const failures = chunks.flatMap((chunk, i) => {
    const o = outcomes[i];
    return o && !o.ok ? [{ chunk, ...o }] : [];
  });
  if (failures.length) {
    // Chunks never sent, and refused ones (their transactions rolled back), made nothing: their
    // claims go, and the next plan creates them anyway. A chunk that failed otherwise (a timeout)
    // may have been made: its claims stay, so the next plan takes whatever it made as ours.
    const unmade = chunks.filter((_, i) => {
      const o = outcomes[i];
      return o === undefined || (!o.ok && o.refused);
    });
    await mapLimit(unmade.flat(), RECORD_CONCURRENCY, (c) => registry.forgetApplied(c.kind, c.uuid)).catch(
      () => undefined,
    );
  }
  const imported = chunks.filter((_, i) => outcomes[i]?.ok === true).flat();
  const made = imported.length ? await readBack(imported, deps) : new Map<string, number>();
  const failure = failures[0];
  if (failure) {
    const mayExist = failures.some((f) => !f.refused);
    if (failure.unbundled) throw unbundled(failure.chunk, failure.error, made, mayExist);
    throw new BulkCreateError(
      `${importOf(failure.chunk)} failed: ${(failure.error as Error).message}`,
      mayExist,
      {
        cause: failure.error,
        made,
        failed: failure.chunk[0]!,
      },
    );
  }
  return made;
}

/**
 * The imports of a bulk create: waves that go one after the other, each a list of chunks (of at most
 * `size` objects) that go at once, up to `atOnce` at a time. What an object refers to among
 * `changes` is always in an earlier wave, so it is committed before the object's import starts.
 *
 * Fewer than WAVES_MIN objects (or one import at a time) go as before: chunks in plan order, one per
 * wave, where what a chunk refers to is in it or in one before it. More go by level: an object that
 * refers to nothing in `changes` is on level 0, one that does on the level after the highest it
 * refers to (datasets, then their charts, then the dashboards of those). Each level is one wave,
 * split evenly into at least `atOnce` chunks when it has SPLIT_MIN objects or more, so that
 * Superset's workers import it side by side (its last LEVEL_TAIL objects, when it has SPLIT_MIN more,
 * in a wave of their own after the others); a level's datasets go one chunk at a time, first.
 */
export function importWaves(
  changes: readonly PlannedChange[],
  desired: ReadonlyMap<string, AnyDesired>,
  uuidOf: (key: string) => string | undefined,
  size: number,
  atOnce: number,
): PlannedChange[][][] {
  if (atOnce <= 1 || changes.length < WAVES_MIN)
    return splitEvenly(changes, Math.ceil(changes.length / size)).map((c) => [c]);
  const inBulk = new Set(changes.map((c) => c.uuid));
  const levels = new Map<string, number>();
  const levelOf = (uuid: string): number => {
    const known = levels.get(uuid);
    if (known !== undefined) return known;
    levels.set(uuid, 0); // a cycle (none can pass the plan) would stop here, not loop
    let level = 0;
    for (const key of dependenciesOf(desired.get(uuid)!)) {
      const dep = uuidOf(key);
      if (dep !== undefined && dep !== uuid && inBulk.has(dep)) level = Math.max(level, levelOf(dep) + 1);
    }
    levels.set(uuid, level);
    return level;
  };
  const byLevel: PlannedChange[][] = [];
  for (const c of changes) (byLevel[levelOf(c.uuid)] ??= []).push(c);
  const sideBySide = (level: readonly PlannedChange[]): PlannedChange[][][] =>
    level.length === 0
      ? []
      : level.length < SPLIT_MIN
        ? [splitEvenly(level, Math.ceil(level.length / size))]
        : level.length - LEVEL_TAIL < SPLIT_MIN
          ? [splitEvenly(level, Math.max(Math.ceil(level.length / size), atOnce))]
          : [
              splitEvenly(
                level.slice(0, -LEVEL_TAIL),
                Math.max(Math.ceil((level.length - LEVEL_TAIL) / size), atOnce),
              ),
              [level.slice(-LEVEL_TAIL)],
            ];
  // Superset adds a permission for a new dataset's schema as it inserts the dataset: two imports at
  // once that both add the same one fail (a duplicate key). A level's datasets go one import at a
  // time, before the rest of the level (which refers to none of them).
  return byLevel.flatMap((level) => {
    const datasets = level.filter((c) => c.kind === 'dataset');
    return [
      ...splitEvenly(datasets, Math.ceil(datasets.length / size)).map((chunk) => [chunk]),
      ...sideBySide(level.filter((c) => c.kind !== 'dataset')),
    ];
  });
}

/** `items` in `count` runs of (nearly) equal length, in order. */
function splitEvenly<T>(items: readonly T[], count: number): T[][] {
  const each = Math.ceil(items.length / Math.max(1, count));
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += each) runs.push(items.slice(i, i + each));
  return runs;
}

/** "The import of N new ... (from <its first object>)", as errors name a chunk. */
function importOf(chunk: readonly PlannedChange[]): string {
  const first = chunk[0]!;
  return `The import of ${chunk.length} new dataset(s), chart(s) and dashboard(s) (from ${first.kind} ${JSON.stringify(first.name)})`;
}

/** A chunk whose bundle could not be made: nothing of it was sent (`mayExist`: another chunk's may be). */
function unbundled(
  chunk: readonly PlannedChange[],
  cause: unknown,
  made: Map<string, number>,
  mayExist: boolean,
): BulkCreateError {
  return new BulkCreateError(`${importOf(chunk)} was not sent: ${(cause as Error).message}`, mayExist, {
    cause,
    made,
    failed: chunk[0]!,
  });
}

/**
 * Reads the ids of what was imported from the lists and checks each is there under its name (and a
 * chart on its dataset); records each as applied with Superset's changed_on.
 */
async function readBack(changes: readonly PlannedChange[], deps: BulkDeps): Promise<Map<string, number>> {
  const { port, registry, desired, ids } = deps;
  const made = new Map<string, number>();
  const rows = new Map<string, ListedObject>();
  const kinds = (['dataset', 'chart', 'dashboard'] as const).filter((k) => changes.some((c) => c.kind === k));
  const listings = await Promise.all(kinds.map((k) => port.list(k)));
  listings.forEach((listed, i) => {
    deps.listed?.(kinds[i]!, listed);
    for (const row of listed) rows.set(row.uuid, row);
  });
  const problems: string[] = [];
  for (const change of changes) {
    const obj = desired.get(change.uuid)!;
    const row = rows.get(change.uuid);
    const label = `${change.kind} ${JSON.stringify(change.name)}`;
    if (!row) {
      problems.push(`${label} is not in Superset`);
      continue;
    }
    const title =
      obj.kind === 'chart' || obj.kind === 'dashboard'
        ? (obj.spec.title ?? obj.name)
        : obj.kind === 'dataset'
          ? (obj.spec.table_name ?? obj.name)
          : obj.name;
    if (row.name !== title) problems.push(`${label} is titled ${JSON.stringify(row.name)}`);
    if (obj.kind === 'chart') {
      const datasetId = ids.get(deps.uuidOf(objectKey('dataset', obj.spec.dataset)) ?? '');
      if (row.raw.datasource_id !== datasetId)
        problems.push(`${label} is on dataset id ${String(row.raw.datasource_id)}, not ${String(datasetId)}`);
    }
    made.set(change.uuid, row.id);
    ids.set(change.uuid, row.id);
  }
  if (problems.length) {
    throw new BulkCreateError(
      `Superset accepted the import of ${changes.length} new object(s) but does not show them as sent:\n${problems
        .slice(0, 20)
        .map((p) => `  ${p}`)
        .join('\n')}${problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : ''}`,
      true,
      { made: new Map<string, number>(), failed: changes[0]! },
    );
  }
  await mapLimit(changes, RECORD_CONCURRENCY, (c) =>
    registry.recordApplied(deps.record(c, made.get(c.uuid)!, rows.get(c.uuid)?.changedOn ?? null)),
  );
  return made;
}
