// `pull`: what people changed in Superset's UI, written back into the YAML files it came from, with
// the smallest edit. The reverse of apply; it writes files only, never Superset or the registry.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readLive } from '../live/read-live.js';
import { canonicalJson, type Json } from '../model/canonical.js';
import { objectKey, type AnyDesired } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import { diffAttributes } from '../plan/diff.js';
import { describeUnknownTargets, unknownTargets } from '../plan/targets.js';
import { planEdits, pathText, type Edit } from '../pull/edits.js';
import { spliceYaml } from '../pull/splice.js';
import { UserError } from '../errors/user-error.js';
import { readAppliedEntries } from './drift-run.js';
import { ATTRIBUTE_OPTIONS } from './plan-run.js';
import type { Project } from './project.js';
import type { Services } from './services.js';

export interface PullOptions {
  /** `kind/name` of the objects to pull; all drifted objects when empty. */
  targets?: string[];
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
  fromVariables: { kind: string; name: string; file: string; attribute: string; yaml: Json; live: Json }[];
  /** Git has a change to these that is not applied yet: pulling would overwrite it, so they are skipped. */
  pending: { kind: string; name: string }[];
  /** Managed, but gone from Superset. */
  missing: { kind: string; name: string }[];
  /** After the edits, attributes that still differ (a live value the YAML format cannot hold). */
  inexact: { kind: string; name: string; attributes: string[] }[];
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
  const desired = project.objects.map((o) => ({ object: o, entry: desiredEntry(o, ATTRIBUTE_OPTIONS) }));
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
    ATTRIBUTE_OPTIONS,
  );
  const liveByUuid = new Map(live.entries.map((e) => [e.uuid, e]));

  const result: PullResult = { files: [], fromVariables: [], pending: [], missing: [], inexact: [] };
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
    if (!now.attributes || diffAttributes(now.attributes, entry.attributes).length === 0) continue;
    if (!record || record.hash !== entry.hash) {
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
      desiredEntry({ ...object, spec: value } as unknown as AnyDesired, ATTRIBUTE_OPTIONS).attributes;
    const plan = planEdits(
      source.spec as unknown as Json,
      object.spec as unknown as Json,
      liveSpec,
      (value) => canonicalJson(diffAttributes(attributes, attributesOf(value))),
    );
    const file = source.source.file;
    for (const v of plan.fromVariables) {
      result.fromVariables.push({ ...id, file, attribute: pathText(v.path), yaml: v.file, live: v.live });
    }
    // What still differs after the edits: expected where a variable holds the value, else reported.
    const left = diffAttributes(attributes, attributesOf(plan.after)).map((c) => c.path);
    if (left.length && !plan.fromVariables.length) result.inexact.push({ ...id, attributes: left });
    if (!plan.edits.length) continue;
    const absolute = path.resolve(source.source.file);
    const pulled = byFile.get(absolute) ?? {
      file,
      absolute,
      text: readFileSync(absolute, 'utf8'),
      inPlace: true,
      objects: [],
    };
    const spliced = spliceYaml(pulled.text, plan.edits);
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
  return result;
}
