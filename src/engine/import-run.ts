import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readTree } from '../load/read-tree.js';
import { validateTree } from '../validate/validate-tree.js';
import path from 'node:path';
import { bundleDocAsApiObject, readBundle } from '../import/bundle-read.js';
import { convertSources, type Converted, type SourceObject } from '../import/to-specs.js';
import { readZip } from '../import/zip.js';
import { mapLimit } from '../util/map-limit.js';
import { isNotFound } from '../live/read-live.js';
import { objectKey, type AnyDesired } from '../model/object.js';
import { desiredEntry, dependenciesOf } from '../plan/desired.js';
import type { Registry } from '../registry/registry.js';
import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import { kindRefusal } from '../superset/capabilities.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';
import { ATTRIBUTE_OPTIONS } from '../superset-map/attribute-options.js';
import { UserError } from '../errors/user-error.js';
import { closestName } from '../model/suggest.js';
import { withListFields } from '../live/read-live.js';

/** A bundle's files from a ZIP, or from a folder holding an unzipped one. */
export function readBundleFiles(source: string): Map<string, string> {
  if (!statSync(source).isDirectory()) return readZip(readFileSync(source));
  const files = new Map<string, string>();
  for (const rel of readdirSync(source, { recursive: true, encoding: 'utf8' })) {
    const full = path.join(source, rel);
    if (statSync(full).isFile()) files.set(rel.split(path.sep).join('/'), readFileSync(full, 'utf8'));
  }
  return files;
}

/** uuid -> name of the objects already in a metadata tree, so a re-import keeps the names chosen there. */
export async function existingNames(dir: string): Promise<Map<string, string>> {
  if (!existsSync(dir)) return new Map();
  const tree = validateTree(await readTree(dir, dir));
  return new Map(tree.objects.map((o) => [o.uuid, o.name]));
}

export function convertBundle(
  files: ReadonlyMap<string, string>,
  existing: ReadonlyMap<string, string> = new Map(),
  options: LiveImportOptions = {},
): Converted {
  const { docs, warnings } = readBundle(files);
  const sources: SourceObject[] = docs.map((d) => ({
    kind: d.kind,
    uuid: String(d.doc.uuid).toLowerCase(),
    raw: bundleDocAsApiObject(d),
    origin: d.path,
  }));
  const converted = selectObjects(convertSources(sources, ATTRIBUTE_OPTIONS, existing), options);
  return { ...converted, warnings: [...warnings, ...converted.warnings] };
}

export interface LiveImportOptions {
  kinds?: ObjectKind[];
  dashboards?: string[];
  /** `kind/name` keys of single objects (with what they depend on). */
  targets?: string[];
}

/** Reads every object of Superset in full and converts them; a selection keeps what it depends on. */
export async function convertLive(
  port: SupersetPort,
  options: LiveImportOptions,
  existing: ReadonlyMap<string, string> = new Map(),
): Promise<Converted & { listed: Map<string, ListedObject> }> {
  const listed = new Map<string, ListedObject>();
  const sources: SourceObject[] = [];
  // Owners and dashboard roles come along when Superset lets this user read its users (an admin).
  const principals = port.principals ? await port.principals().catch(() => undefined) : undefined;
  const users = new Map(principals?.users.map((u) => [u.id, u.username]));
  // A kind the server is too old for (themes before 6.0) has nothing to import, unless it was asked for.
  const caps = port.capabilities ? await port.capabilities() : undefined;
  const refused = (kind: ObjectKind) => (caps ? kindRefusal(kind, caps) : undefined);
  for (const kind of options.kinds ?? []) {
    const why = refused(kind);
    if (why) throw new Error(why);
  }
  for (const kind of OBJECT_KINDS.filter((k) => !refused(k))) {
    const rows = await port.list(kind);
    for (const row of rows) listed.set(row.uuid, row);
    await mapLimit(rows, 8, async (row) => {
      // Deleted between the list and the read: nothing to import.
      const raw = await port.get(kind, row.id).catch((e: unknown) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      if (!raw) return;
      sources.push({
        kind,
        uuid: row.uuid,
        id: row.id,
        raw: { ...withListFields(row, raw), id: row.id },
        origin: `Superset ${kind} id ${row.id}`,
      });
    });
  }
  const converted = convertSources(
    sources,
    ATTRIBUTE_OPTIONS,
    existing,
    principals ? { userById: (id) => users.get(id) } : {},
  );
  if (!principals && port.principals)
    converted.warnings.push(
      "Superset's users could not be read (an admin can, with its security API on): owners and dashboard roles were left out",
    );
  return { ...selectObjects(converted, options), listed };
}

/**
 * The chosen objects (--kinds, --dashboard, --target) plus everything they need, so the tree is valid
 * on its own.
 */
export function selectObjects(converted: Converted, options: LiveImportOptions): Converted {
  if (!options.kinds?.length && !options.dashboards?.length && !options.targets?.length) return converted;
  const asDesired = converted.objects.map(
    (o) => ({ ...o, name: o.spec.name, source: { file: '', line: 1, col: 1 } }) as AnyDesired,
  );
  const byKey = new Map(asDesired.map((o) => [objectKey(o.kind, o.name), o]));
  const keep = new Set<string>();
  // A role a dashboard or an RLS rule names is not brought along: the import would take ownership of
  // it (Superset's Gamma, say), and a later --prune could delete it. Roles come in when chosen.
  const visit = (key: string) => {
    const o = byKey.get(key);
    if (!o || keep.has(key)) return;
    keep.add(key);
    dependenciesOf(o)
      .filter((dep) => !dep.startsWith('role/'))
      .forEach(visit);
  };
  const slugs = asDesired
    .filter((o) => o.kind === 'dashboard')
    .map((o) => (o.spec as { slug?: string }).slug ?? o.name);
  const missing = (options.dashboards ?? []).filter((d) => !slugs.includes(d));
  if (missing.length) {
    throw new UserError(
      `--dashboard names no dashboard: ${missing.map((m) => `${m}${closestName(m, slugs) ? ` (did you mean ${closestName(m, slugs)}?)` : ''}`).join(', ')}; dashboards here: ${slugs.join(', ') || 'none'}.`,
      'unknown-dashboard',
    );
  }
  const unknown = (options.targets ?? []).filter((t) => !byKey.has(t));
  if (unknown.length) {
    const keys = [...byKey.keys()];
    throw new UserError(
      `--target names nothing Superset has: ${unknown.map((t) => `${t}${closestName(t, keys) ? ` (did you mean ${closestName(t, keys)}?)` : ''}`).join(', ')}.`,
      'unknown-target',
    );
  }
  options.targets?.forEach(visit);
  for (const o of asDesired) {
    if (options.targets?.length && !options.kinds?.length && !options.dashboards?.length) break;
    const slug = o.kind === 'dashboard' ? ((o.spec as { slug?: string }).slug ?? o.name) : undefined;
    if (
      options.dashboards?.length
        ? slug !== undefined && options.dashboards.includes(slug)
        : options.kinds?.includes(o.kind)
    )
      visit(objectKey(o.kind, o.name));
  }
  return { ...converted, objects: converted.objects.filter((o) => keep.has(objectKey(o.kind, o.spec.name))) };
}

/**
 * Imported objects become owned: recorded as applied with the hash the planner will compute. The hash
 * is that of an environment that does not mark objects: in one that does (mark_managed) it differs
 * from the planner's, so the next plan reads each imported object and marks it with one update (or
 * finds it marked already), and only then is it settled. Import itself neither reads nor writes
 * `is_managed_externally` or `external_url`: the YAML has no such fields.
 */
export async function recordImported(
  registry: Registry,
  converted: Converted,
  listed: ReadonlyMap<string, ListedObject>,
  variables: (o: AnyDesired) => AnyDesired,
): Promise<number> {
  let n = 0;
  for (const o of converted.objects) {
    const row = listed.get(o.uuid);
    if (!row) continue;
    const entry = desiredEntry(
      variables({ ...o, name: o.spec.name, source: { file: '', line: 1, col: 1 } } as AnyDesired),
      ATTRIBUTE_OPTIONS,
    );
    await registry.recordApplied({
      kind: o.kind,
      name: entry.name,
      uuid: o.uuid,
      supersetId: row.id,
      hash: entry.hash,
      appliedAt: new Date().toISOString(),
      commit: 'import',
      changedOn: row.changedOn,
    });
    n++;
  }
  return n;
}
