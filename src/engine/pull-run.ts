// `pull`: what people changed in Superset's UI, written back into the YAML files it came from, with
// the smallest edit. The reverse of apply; it writes files only, never Superset or the registry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertSources, type SourceObject } from '../import/to-specs.js';
import { isNotFound, readLive, withListFields, type LiveState } from '../live/read-live.js';
import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';
import { canonicalJson, type Json } from '../model/canonical.js';
import { objectKey, type AnyDesired, type AnySpec } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import { diffAttributes } from '../plan/diff.js';
import type { Attributes } from '../plan/attributes.js';
import { isManagedField } from '../model/managed.js';
import { chartIdsUnder } from '../superset-map/layout/read.js';
import { ROOT_ID } from '../superset-map/layout/types.js';
import { describeUnknownTargets, unknownTargets } from '../plan/targets.js';
import { getAt, planEdits, pathText, type Edit } from '../pull/edits.js';
import { spliceYaml } from '../pull/splice.js';
import { UserError } from '../errors/user-error.js';
import { readAppliedEntries } from './drift-run.js';
import { ATTRIBUTE_OPTIONS, attributeOptionsFor } from '../superset-map/attribute-options.js';
import type { Project } from './project.js';
import type { Services } from './services.js';

export interface PullOptions {
  /** `kind/name` of the objects to pull; all drifted objects when empty. */
  targets?: string[];
  /**
   * Also convert objects made in Superset on top of the tree: a dataset on one of its databases, a
   * chart on one of its datasets, a dashboard that shows one of its charts (and so on, transitively).
   */
  includeUnmanaged?: boolean;
}

/** An object made in Superset that the tree does not have yet, as a spec for a new file. */
export interface NewObject {
  kind: ObjectKind;
  uuid: string;
  spec: AnySpec;
  changedBy: string | null;
  changedOn: string | null;
}

export interface PulledObject {
  kind: string;
  name: string;
  uuid: string;
  /** The file, as the tree was read (relative to the working directory). */
  file: string;
  edits: Edit[];
  /** Who last changed it in Superset, and when, as Superset says. */
  changedBy: string | null;
  changedOn: string | null;
}

export interface PulledFile {
  file: string;
  /** Absolute path, and the new text. */
  absolute: string;
  text: string;
  /** False when the file had to be written whole (see SpliceResult.inPlace). */
  inPlace: boolean;
  objects: PulledObject[];
}

export interface PullResult {
  files: PulledFile[];
  /** A live value differs where the YAML has a `${var.*}`: the environment file is the place to edit. */
  /**
   * A live value differs where the YAML has a `${var.*}`: the environment file is the place to edit.
   * Where it has an `${env.*}` (a secret's place) the values are left out (null, `secret` true).
   */
  fromVariables: {
    kind: string;
    name: string;
    file: string;
    attribute: string;
    yaml: Json;
    live: Json;
    secret?: boolean;
  }[];
  /** Git has a change to these that is not applied yet: pulling would overwrite it, so they are skipped. */
  pending: { kind: string; name: string }[];
  /** Managed, but gone from Superset. */
  missing: { kind: string; name: string }[];
  /** After the edits, attributes that still differ (a live value the YAML format cannot hold). */
  inexact: { kind: string; name: string; attributes: string[] }[];
  /** Edits not written, with why: a new name, a credential, a file that cannot be edited safely. */
  withheld: { kind: string; name: string; file: string; attribute: string; why: string }[];
  /** With includeUnmanaged: objects for new files, and what of them the YAML cannot hold. */
  created: NewObject[];
  warnings: string[];
}

/**
 * Reads Superset as drift does (only objects whose changed_on moved are read in full) and, for each
 * object edited there since it was applied, plans the edits to its file. Files are not written here.
 */
export async function runPull(
  project: Project,
  services: Services,
  options: PullOptions = {},
): Promise<PullResult> {
  const raw = new Map(project.validation.objects.map((o) => [o.uuid, o]));
  // The environment's options (mark_managed adds is_managed_externally), as apply hashed them.
  const attributeOptions = attributeOptionsFor(services.managed);
  const desired = project.objects.map((o) => ({ object: o, entry: desiredEntry(o, attributeOptions) }));
  const targets = options.targets ?? [];
  if (targets.length) {
    const unknown = unknownTargets(
      targets,
      desired.map((d) => objectKey(d.object.kind, d.object.name)),
    );
    if (unknown.length) throw new UserError(describeUnknownTargets(unknown));
  }
  const chosen = (o: AnyDesired) => !targets.length || targets.includes(objectKey(o.kind, o.name));

  const { applied } = await readAppliedEntries(services);
  const appliedByUuid = new Map(applied.map((a) => [a.uuid, a]));
  const live = await readLive(
    services.port,
    desired.map((d) => d.entry),
    applied,
    attributeOptions,
  );
  const liveByUuid = new Map(live.entries.map((e) => [e.uuid, e]));

  const result: PullResult = {
    files: [],
    fromVariables: [],
    pending: [],
    missing: [],
    inexact: [],
    withheld: [],
    created: [],
    warnings: [],
  };
  const byFile = new Map<string, PulledFile>();
  for (const { object, entry } of desired) {
    if (!chosen(object)) continue;
    const id = { kind: object.kind, name: object.name };
    const now = liveByUuid.get(object.uuid);
    const record = appliedByUuid.get(object.uuid);
    if (!now) {
      if (record) result.missing.push(id);
      continue;
    }
    if (!now.attributes || differences(now.attributes, entry.attributes).length === 0) continue;
    // An object imported into a marking environment is recorded with its unmarked hash until the
    // next apply marks it: only the marking is pending then, not a change in git.
    const unmarked = services.managed ? desiredEntry(object, ATTRIBUTE_OPTIONS).hash : undefined;
    if (!record || (record.hash !== entry.hash && record.hash !== unmarked)) {
      result.pending.push(id);
      continue;
    }
    const read = live.full.get(object.uuid);
    const source = raw.get(object.uuid);
    if (!read || !source) continue;
    const liveSpec = { ...(read.spec as unknown as Record<string, Json>) };
    // A dataset Superset shows with its database's cache timeout has none of its own (read-live.ts).
    if (object.kind === 'dataset' && now.attributes.cache_timeout === null) delete liveSpec.cache_timeout;
    const attributes = now.attributes;
    const attributesOf = (value: Json) =>
      desiredEntry({ ...object, spec: value } as unknown as AnyDesired, attributeOptions).attributes;
    const plan = planEdits(
      source.spec as unknown as Json,
      object.spec as unknown as Json,
      liveSpec,
      (value) => canonicalJson(differences(attributes, attributesOf(value))),
    );
    const file = source.source.file;
    for (const v of plan.fromVariables) {
      const attribute = pathText(v.path);
      const secret = JSON.stringify(getAt(source.spec as unknown as Json, v.path) ?? null).includes('${env.');
      result.fromVariables.push(
        secret
          ? { ...id, file, attribute, yaml: null, live: null, secret: true }
          : { ...id, file, attribute, yaml: v.file, live: v.live },
      );
    }
    for (const w of plan.withheld)
      result.withheld.push({ ...id, file, attribute: pathText(w.path), why: w.why });
    // What still differs after the edits: expected where a variable holds the value or an edit was
    // withheld, else reported.
    const left = differences(attributes, attributesOf(plan.after)).map((c) => c.path);
    if (left.length && !plan.fromVariables.length && !plan.withheld.length)
      result.inexact.push({ ...id, attributes: left });
    if (!plan.edits.length) continue;
    const absolute = path.resolve(source.source.file);
    const pulled = byFile.get(absolute) ?? {
      file,
      absolute,
      text: readFileSync(absolute, 'utf8'),
      inPlace: true,
      objects: [],
    };
    let spliced;
    try {
      spliced = spliceYaml(pulled.text, plan.edits);
    } catch (e) {
      // YAML the editor cannot rewrite safely (anchors and aliases, say): said, not half-written.
      const why = `the file could not be edited safely (${(e as Error).message}); edit it by hand`;
      for (const edit of plan.edits)
        result.withheld.push({ ...id, file, attribute: pathText(edit.path), why });
      continue;
    }
    pulled.text = spliced.text;
    pulled.inPlace &&= spliced.inPlace;
    pulled.objects.push({
      ...id,
      uuid: object.uuid,
      file,
      edits: plan.edits,
      changedBy: now.changedBy,
      changedOn: now.changedOn,
    });
    byFile.set(absolute, pulled);
  }
  result.files = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
  if (options.includeUnmanaged) {
    const made = await madeOnTop(services.port, project.objects, live, new Set(applied.map((a) => a.uuid)));
    result.created = made.objects;
    result.warnings = made.warnings;
  }
  return result;
}

/** Attribute differences, less Superset's marking fields: the YAML never holds those (as in drift). */
function differences(live: Attributes, desired: Attributes) {
  return diffAttributes(live, desired).filter((c) => !isManagedField(c.path));
}

/**
 * Objects nobody declared or owns that sit on the tree: found from the list rows where they say enough
 * (a chart's dataset), else read in full (datasets, dashboards), then converted as `import` does.
 */
async function madeOnTop(
  port: SupersetPort,
  objects: readonly AnyDesired[],
  live: LiveState,
  owned: ReadonlySet<string>,
): Promise<{ objects: NewObject[]; warnings: string[] }> {
  const names = new Map(objects.map((o) => [o.uuid, o.name]));
  const known = (uuid: string) => names.has(uuid) || owned.has(uuid);
  const uuidById = new Map<string, string>();
  for (const kind of OBJECT_KINDS)
    for (const row of live.listed[kind]) uuidById.set(`${kind}:${row.id}`, row.uuid);
  const onTree = new Set(objects.map((o) => o.uuid)); // the tree and what joins it
  const sources: SourceObject[] = [];
  const rows = new Map<string, ListedObject>();
  const read = async (kind: ObjectKind, row: ListedObject) => {
    try {
      return withListFields(row, await port.get(kind, row.id));
    } catch (e) {
      if (isNotFound(e)) return undefined; // deleted since the list
      throw e;
    }
  };
  const add = (kind: ObjectKind, row: ListedObject, raw: Record<string, unknown>) => {
    sources.push({
      kind,
      uuid: row.uuid,
      id: row.id,
      raw: { ...raw, id: row.id },
      origin: `Superset ${kind} id ${row.id}`,
    });
    rows.set(row.uuid, row);
    onTree.add(row.uuid);
  };
  // Pull-request previews (`preview`) sit on the tree too, but they are not anyone's new work.
  const fresh = (kind: ObjectKind) =>
    live.listed[kind].filter((r) => !known(r.uuid) && !isPreviewCopy(kind, r));
  for (const row of fresh('dataset')) {
    const raw = await read('dataset', row);
    const database = (raw?.database as { id?: number; uuid?: string } | undefined) ?? {};
    const dbUuid = database.uuid ?? uuidById.get(`database:${database.id}`);
    if (raw && dbUuid && onTree.has(dbUuid)) add('dataset', row, raw);
  }
  for (const row of fresh('chart')) {
    const datasetUuid = uuidById.get(`dataset:${String(row.raw.datasource_id)}`);
    if (!datasetUuid || !onTree.has(datasetUuid)) continue;
    const raw = await read('chart', row);
    if (raw) add('chart', row, raw);
  }
  for (const row of fresh('dashboard')) {
    const raw = await read('dashboard', row);
    const placed = raw ? chartIdsUnder(raw.position_json, ROOT_ID) : [];
    if (raw && placed.some((id) => onTree.has(uuidById.get(`chart:${id}`) ?? ''))) add('dashboard', row, raw);
  }
  const taken = new Map<ObjectKind, Set<string>>(OBJECT_KINDS.map((k) => [k, new Set()]));
  for (const o of objects) taken.get(o.kind)?.add(o.name);
  const converted = convertSources(sources, ATTRIBUTE_OPTIONS, new Map(), {
    taken,
    outside: { nameOf: (uuid) => names.get(uuid), uuidById: (key) => uuidById.get(key) },
  });
  return {
    objects: converted.objects.map((o) => ({
      ...o,
      changedBy: rows.get(o.uuid)?.changedBy ?? null,
      changedOn: rows.get(o.uuid)?.changedOn ?? null,
    })),
    warnings: converted.warnings,
  };
}

/**
 * A preview copy, by the name `preview` gives it: `[PR 12] …` titles, `pr_12_…` dataset tables. (A
 * dataset of someone's own named like that is left out too; `import` still brings it in.)
 */
function isPreviewCopy(kind: ObjectKind, row: ListedObject): boolean {
  if (kind === 'dataset') return /^pr_\d+_/.test(row.name);
  return /^\[(PR \d+|preview [a-z0-9-]+)\] /.test(row.name);
}
