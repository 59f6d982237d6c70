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
 * machine, so a chunk stays well inside the client's 30 s request timeout; chunks go one after the
 * other, so the lock's fencing window stays one request.
 */
export const IMPORT_CHUNK = 500;
/** How long after an import is sent the next chunk's bundle is made. */
const BUNDLE_AHEAD_MS = 50;
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
 * Claims every object in the registry, sends one sparse import with all of them, reads their ids
 * back from the lists and checks each is there under its name (and a chart on its dataset), then
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
  // In plan order, so what a chunk refers to is in it or in one before it (committed by then).
  const chunks: PlannedChange[][] = [];
  const size = deps.chunk ?? IMPORT_CHUNK;
  for (let i = 0; i < changes.length; i += size) chunks.push(changes.slice(i, i + size));
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
  // A bundle can fail to be made (a value this Superset's import schema has no field for): the first
  // is made before anything is written, so such a failure there leaves nothing behind.
  let zip: Buffer;
  try {
    zip = bundleOf(chunks[0]!);
  } catch (e) {
    throw unbundled(chunks[0]!, e, new Map<string, number>());
  }
  await mapLimit(changes, RECORD_CONCURRENCY, (c) => registry.recordApplied(deps.claim(c)));
  let sent = 0;
  let failure: { error: unknown; refused: boolean; unbundled?: boolean } | undefined;
  for (let i = 0; i < chunks.length; i++) {
    const importing = port.importBundle(zip, { sparse: true });
    // The next chunk's bundle (tens of ms of CPU) is made while Superset imports this one: a moment
    // after the request goes, which is once the fence's round trip is answered.
    const following = chunks[i + 1];
    const making = following && delay(BUNDLE_AHEAD_MS).then(() => bundleOf(following));
    making?.catch(() => undefined); // a failure of its own is handled below, once this import is over
    try {
      await importing;
      sent += 1;
    } catch (e) {
      failure = { error: e, refused: e instanceof SupersetApiError && REFUSED.has(e.code) };
      await making?.catch(() => undefined); // nothing started here runs on once the caller hears
      break;
    }
    if (!making) continue;
    try {
      zip = await making;
    } catch (e) {
      // The next chunk could not be bundled, so it was never sent: it and the ones after it made
      // nothing, as with a refused chunk; what was imported is read back and recorded.
      failure = { error: e, refused: true, unbundled: true };
      break;
    }
  }
  if (failure) {
    // Chunks never sent, and a refused one (its transaction rolled back), made nothing: their claims
    // go, and the next plan creates them anyway. A chunk that failed otherwise (a timeout) may have
    // been made: its claims stay, so the next plan takes whatever it made as ours.
    const unmade = chunks.slice(failure.refused ? sent : sent + 1).flat();
    await mapLimit(unmade, RECORD_CONCURRENCY, (c) => registry.forgetApplied(c.kind, c.uuid)).catch(
      () => undefined,
    );
  }
  const imported = chunks.slice(0, sent).flat();
  const made = imported.length ? await readBack(imported, deps) : new Map<string, number>();
  if (failure?.unbundled) throw unbundled(chunks[sent]!, failure.error, made);
  if (failure) {
    const failed = chunks[sent]!;
    throw new BulkCreateError(
      `${importOf(failed)} failed: ${(failure.error as Error).message}`,
      !failure.refused,
      { cause: failure.error, made, failed: failed[0]! },
    );
  }
  return made;
}

/** "The import of N new ... (from <its first object>)", as errors name a chunk. */
function importOf(chunk: readonly PlannedChange[]): string {
  const first = chunk[0]!;
  return `The import of ${chunk.length} new dataset(s), chart(s) and dashboard(s) (from ${first.kind} ${JSON.stringify(first.name)})`;
}

/** A chunk whose bundle could not be made: nothing of it was sent. */
function unbundled(
  chunk: readonly PlannedChange[],
  cause: unknown,
  made: Map<string, number>,
): BulkCreateError {
  return new BulkCreateError(`${importOf(chunk)} was not sent: ${(cause as Error).message}`, false, {
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
