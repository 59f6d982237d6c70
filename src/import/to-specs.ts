import slugifyText from '@sindresorhus/slugify';
import type { AnySpec } from '../model/object.js';
import type { AttributeOptions } from '../plan/attributes.js';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { DashboardSchema } from '../schema/dashboard.js';
import {
  isNamedKind,
  OBJECT_KINDS,
  type ChartSpec,
  type DashboardSpec,
  type DatasetSpec,
  type ObjectKind,
} from '../schema/index.js';
import { canonicalJson } from '../model/canonical.js';
import { buildQueryContext } from '../superset-map/query-context.js';
import { dashboardFromSuperset } from '../superset-map/dashboard.js';
import {
  chartFromSuperset,
  databaseFromSuperset,
  datasetFromSuperset,
  type NameLookup,
} from '../superset-map/from-superset.js';
import { namedFromSuperset } from '../superset-map/named-kinds.js';
import { compactSpec } from './compact.js';

/** One object to convert: a REST API object or an export document in that shape. */
export interface SourceObject {
  kind: ObjectKind;
  uuid: string;
  id?: number;
  raw: Record<string, unknown>;
  /** Where it came from, for messages: a bundle path or `Superset id N`. */
  origin: string;
}

export interface Converted {
  objects: { kind: ObjectKind; uuid: string; spec: AnySpec }[];
  warnings: string[];
  /** Environment variables that must hold database passwords at apply time. */
  secrets: string[];
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');
const ORDER: readonly ObjectKind[] = OBJECT_KINDS;

/**
 * Names must be unique per kind in YAML; Superset allows repeats, so later ones get a suffix in their
 * name only: what Superset shows (a chart's title, a dataset's table, a dashboard's title) is kept as
 * it is, so importing never renames anything in Superset. An object already in the tree keeps the name
 * it has there (a database's name is what Superset shows, so it always follows Superset).
 */
const NAME_FIELD = {
  css_template: 'template_name',
  theme: 'theme_name',
  saved_query: 'label',
  row_level_security: 'name',
  report: 'name',
  role: 'name',
};

function assignNames(
  sources: readonly SourceObject[],
  existing: ReadonlyMap<string, string>,
  taken: ReadonlyMap<ObjectKind, ReadonlySet<string>> = new Map(),
): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Map<ObjectKind, Set<string>>(ORDER.map((k) => [k, new Set(taken.get(k))]));
  const dbNames = new Map(
    sources.filter((s) => s.kind === 'database').map((s) => [s.uuid, text(s.raw.database_name)]),
  );
  for (const s of [...sources].sort(
    (a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind) || a.uuid.localeCompare(b.uuid),
  )) {
    const taken = used.get(s.kind) as Set<string>;
    const database = (s.raw.database as { uuid?: string; database_name?: string } | undefined) ?? {};
    // A kind Superset keeps no uuid for is known by its name: the name is never changed.
    if (isNamedKind(s.kind)) {
      const name = text(s.raw[NAME_FIELD[s.kind]]);
      if (!taken.has(name)) names.set(s.uuid, name);
      taken.add(name);
      continue;
    }
    const kept = s.kind !== 'database' ? existing.get(s.uuid) : undefined;
    const candidates = kept
      ? [kept]
      : s.kind === 'database'
        ? [text(s.raw.database_name)]
        : s.kind === 'dataset'
          ? [
              text(s.raw.table_name),
              `${dbNames.get(database.uuid ?? '') ?? text(database.database_name)}_${text(s.raw.table_name)}`,
            ]
          : s.kind === 'chart'
            ? [text(s.raw.slice_name)]
            : [text(s.raw.slug) || slugify(text(s.raw.dashboard_title))];
    const base =
      candidates.find((c) => c && !taken.has(c)) ?? `${candidates[0] || s.kind} (${s.uuid.slice(0, 8)})`;
    taken.add(base);
    names.set(s.uuid, base);
  }
  return names;
}

/**
 * A name or file name from a title: letters transliterated (Durée -> duree, Straße -> strasse), then
 * lower-case words joined by `-`; `fallback` when nothing is left (a title in a script the library
 * cannot transliterate).
 */
export function slugify(title: string, fallback = 'dashboard'): string {
  return slugifyText(title, { decamelize: false }) || fallback;
}

/** Objects converted next to a tree that exists: `pull --include-unmanaged` adds files to it. */
export interface AroundTree {
  /** Names used in the tree, by kind: new objects get other names. */
  taken?: ReadonlyMap<ObjectKind, ReadonlySet<string>>;
  /** The tree's objects, which new ones may refer to: name by uuid, uuid by `kind:id`. */
  outside?: { nameOf(uuid: string): string | undefined; uuidById(key: string): string | undefined };
  /** Usernames by Superset user id (a live import): owners and dashboard roles are imported too. */
  userById?: (id: number) => string | undefined;
}

/**
 * Superset objects (live or from a bundle) as our specs: names instead of ids, secrets as `${env.*}`
 * references, defaults left out. Objects whose dependencies are missing are left out and reported.
 */
export function convertSources(
  sources: readonly SourceObject[],
  options: AttributeOptions,
  existingNames: ReadonlyMap<string, string> = new Map(),
  around: AroundTree = {},
): Converted {
  const warnings: string[] = [];
  const unique = withoutRepeatedNames(sources, warnings);
  const names = assignNames(unique, existingNames, around.taken);
  const present = new Map(sources.map((s) => [s.uuid, s.kind]));
  const kept = new Set<string>();
  // Only objects already converted resolve: a reference to one left out is dropped, not left dangling.
  const outside = around.outside;
  const keptName = (uuid: string | undefined) =>
    uuid === undefined ? undefined : kept.has(uuid) ? names.get(uuid) : outside?.nameOf(uuid);
  const uuidById = new Map(
    sources.filter((s) => s.id !== undefined).map((s) => [`${s.kind}:${s.id}`, s.uuid]),
  );
  const lookup: NameLookup = {
    databaseByUuid: keptName,
    databaseById: (id) => keptName(uuidById.get(`database:${id}`) ?? outside?.uuidById(`database:${id}`)),
    datasetByUuid: keptName,
    datasetById: (id) => keptName(uuidById.get(`dataset:${id}`) ?? outside?.uuidById(`dataset:${id}`)),
    chartById: (id) => keptName(uuidById.get(`chart:${id}`) ?? outside?.uuidById(`chart:${id}`)),
    chartByUuid: keptName,
    dashboardById: (id) => keptName(uuidById.get(`dashboard:${id}`) ?? outside?.uuidById(`dashboard:${id}`)),
    themeById: (id) => keptName(uuidById.get(`theme:${id}`) ?? outside?.uuidById(`theme:${id}`)),
    nameFor: (_kind, uuid, fallback) => names.get(uuid) ?? fallback,
    ...(around.userById ? { userById: around.userById } : {}),
  };
  const secrets = new Set<string>();
  const objects: Converted['objects'] = [];
  const ordered = [...unique].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  for (const s of ordered) {
    if (isNamedKind(s.kind)) {
      const missing = namedKindMissing(s, (key) => {
        const uuid = uuidById.get(key) ?? outside?.uuidById(key);
        return uuid !== undefined && (kept.has(uuid) || outside?.nameOf(uuid) !== undefined);
      });
      if (missing) {
        warnings.push(
          `${s.origin}: ${s.kind} ${JSON.stringify(text(s.raw[NAME_FIELD[s.kind]]))} ${missing}; left out`,
        );
        continue;
      }
    }
    const dependency = dependencyUuid(s);
    if (dependency !== undefined && !kept.has(dependency) && !outside?.nameOf(dependency)) {
      const what = present.has(dependency) ? 'which was left out' : 'which is not there';
      warnings.push(
        `${s.origin}: ${s.kind} ${JSON.stringify(names.get(s.uuid))} needs ${s.kind === 'dataset' ? 'database' : 'dataset'} ${dependency} ${what}; left out`,
      );
      continue;
    }
    const spec = escapeTemplates(convert(s, lookup, names, warnings, existingNames));
    const password = (spec as { password?: string }).password;
    if (password) secrets.add(password.slice('${env.'.length, -1));
    // Column types are kept as Superset has them (a virtual dataset's are not re-read from its SQL the
    // same way); `is_dttm: false` is Superset's default on import, so it is left out like one.
    const plain = s.kind === 'dataset' ? withoutFalseTimeFlags(spec as DatasetSpec) : spec;
    objects.push({ kind: s.kind, uuid: s.uuid, spec: compactSpec(s.kind, plain, options) });
    kept.add(s.uuid);
  }
  return { objects, warnings, secrets: [...secrets].sort() };
}

/**
 * Two CSS templates (saved queries, RLS rules) of one name are one identity here: the first (lowest
 * id) is imported, the others are reported.
 */
function withoutRepeatedNames(sources: readonly SourceObject[], warnings: string[]): SourceObject[] {
  const first = new Map<string, SourceObject>();
  for (const s of sources) {
    if (!isNamedKind(s.kind)) continue;
    const seen = first.get(s.uuid);
    if (!seen || (s.id ?? 0) < (seen.id ?? 0)) first.set(s.uuid, s);
  }
  return sources.filter((s) => {
    if (!isNamedKind(s.kind) || first.get(s.uuid) === s) return true;
    const kept = first.get(s.uuid)!;
    warnings.push(
      `${s.origin}: ${s.kind} ${JSON.stringify(text(s.raw[NAME_FIELD[s.kind]]))} has the name of ${kept.origin} (names identify them); left out`,
    );
    return false;
  });
}

/**
 * Why a CSS template, saved query or RLS rule cannot be imported, if it cannot: its database or a
 * dataset it filters was left out, or it filters none.
 */
function namedKindMissing(s: SourceObject, have: (key: string) => boolean): string | undefined {
  const ids = (v: unknown) =>
    Array.isArray(v)
      ? v.map((r) => (r as { id?: unknown } | null)?.id).filter((id) => typeof id === 'number')
      : [];
  if (s.kind === 'saved_query') {
    const db = (s.raw.database as { id?: unknown } | undefined)?.id ?? s.raw.db_id;
    if (typeof db !== 'number' || !have(`database:${db}`)) return 'needs a database which is not imported';
  }
  if (s.kind === 'report') {
    const ref = (v: unknown, kind: string) => {
      const id = (v as { id?: unknown } | null)?.id ?? v;
      return typeof id === 'number' && !have(`${kind}:${id}`) ? `${kind} id ${id}` : undefined;
    };
    const gone =
      ref(s.raw.chart, 'chart') ?? ref(s.raw.dashboard, 'dashboard') ?? ref(s.raw.database, 'database');
    if (gone) return `needs ${gone}, which is not imported`;
  }
  if (s.kind === 'row_level_security' && ids(s.raw.tables).length === 0)
    return 'filters no dataset (Superset keeps such a rule, but it does nothing)';
  if (s.kind === 'row_level_security')
    for (const id of ids(s.raw.tables))
      if (!have(`dataset:${id}`)) return `filters dataset id ${id}, which is not imported`;
  return undefined;
}

function dependencyUuid(s: SourceObject): string | undefined {
  if (s.kind === 'dataset') return (s.raw.database as { uuid?: string } | undefined)?.uuid;
  if (s.kind === 'chart')
    return typeof s.raw.datasource_uuid === 'string' ? s.raw.datasource_uuid : undefined;
  return undefined;
}

/** Keys the YAML cannot hold (legacy filter-box settings, 6.1's chart customisations): reported. */
const DASHBOARD_METADATA_UNSUPPORTED = ['chart_customization_config', 'filter_scopes', 'default_filters'];

function convert(
  s: SourceObject,
  lookup: NameLookup,
  names: Map<string, string>,
  warnings: string[],
  existing: ReadonlyMap<string, string>,
): AnySpec {
  const where = `${s.origin}: ${s.kind} ${JSON.stringify(names.get(s.uuid))}`;
  switch (s.kind) {
    case 'database':
      return databaseFromSuperset(s.raw, lookup);
    case 'dataset': {
      const full: DatasetSpec = datasetFromSuperset(s.raw, lookup);
      // An empty list in an export means "not listed", not "no columns" (no dataset has none).
      const { columns, metrics, ...rest } = full;
      const spec: DatasetSpec = {
        ...rest,
        ...(columns?.length ? { columns } : {}),
        ...(metrics?.length ? { metrics } : {}),
      };
      if (s.raw.params && s.raw.params !== '{}') warnings.push(`${where}: legacy \`params\` not kept`);
      if (
        spec.main_dttm_col !== undefined &&
        spec.columns &&
        !spec.columns.some((c) => c.name === spec.main_dttm_col)
      ) {
        warnings.push(
          `${where}: main_dttm_col ${JSON.stringify(spec.main_dttm_col)} is not one of its columns; not kept`,
        );
        const { main_dttm_col: _gone, ...rest } = spec;
        return rest;
      }
      return spec;
    }
    case 'chart': {
      const spec = withoutBuiltQueryContext({ ...chartFromSuperset(s.raw, lookup) });
      if (spec.title !== undefined && !existing.has(s.uuid))
        warnings.push(
          `${where}: the title ${JSON.stringify(spec.title)} is used by another chart too; named ${JSON.stringify(spec.name)} in YAML (dashboards refer to it by that name), its title in Superset unchanged`,
        );
      return spec;
    }
    case 'dashboard': {
      const { spec, warnings: w } = dashboardFromSuperset(
        s.raw,
        withPositionIds(lookup, s.raw.position_json),
      );
      warnings.push(...w.map((m) => `${where}: ${m}`));
      const metadata = (
        typeof s.raw.json_metadata === 'string' ? safeParse(s.raw.json_metadata) : s.raw.json_metadata
      ) as Record<string, unknown> | null;
      for (const key of DASHBOARD_METADATA_UNSUPPORTED) {
        const value = metadata?.[key];
        if (
          value !== undefined &&
          value !== null &&
          JSON.stringify(value) !== '{}' &&
          JSON.stringify(value) !== '[]' &&
          value !== '{}'
        ) {
          warnings.push(`${where}: json_metadata.${key} cannot be represented; not kept`);
        }
      }
      const checked = keepValidMetadata(spec, (key) =>
        warnings.push(
          `${where}: json_metadata.${key} has a shape this Superset version does not use; not kept`,
        ),
      );
      if (checked !== spec) return checked;
      if (spec.slug !== undefined && !/^[A-Za-z0-9_-]+$/.test(spec.slug)) {
        warnings.push(`${where}: slug ${JSON.stringify(spec.slug)} has characters Superset drops; not kept`);
        const { slug: _slug, ...rest } = spec;
        return rest;
      }
      return spec;
    }
    default:
      return namedFromSuperset(s.kind, s.raw, lookup);
  }
}

/**
 * Filter scopes name charts by id. In a bundle those are the exporting system's ids; the position
 * pairs each with its uuid, which is what names the chart here.
 */
function withPositionIds(lookup: NameLookup, position: unknown): NameLookup {
  const nodes = (typeof position === 'string' ? safeParse(position) : position) as Record<
    string,
    { type?: string; meta?: { chartId?: unknown; uuid?: unknown } }
  > | null;
  const byId = new Map<number, string>();
  for (const node of Object.values(nodes ?? {})) {
    const { chartId, uuid } = node?.meta ?? {};
    const name = typeof uuid === 'string' ? lookup.chartByUuid(uuid) : undefined;
    if (node?.type === 'CHART' && typeof chartId === 'number' && name) byId.set(chartId, name);
  }
  return { ...lookup, chartById: (id) => lookup.chartById(id) ?? byId.get(id) };
}

/** A query context this tool would build from the params anyway says nothing the YAML must keep. */
function withoutBuiltQueryContext(spec: ChartSpec): ChartSpec {
  const qc = spec.query_context as { datasource?: { id?: unknown } } | undefined;
  const id = qc?.datasource?.id;
  if (!qc || typeof id !== 'number') return spec;
  const built = buildQueryContext(spec.viz_type, spec.params ?? {}, id);
  if (canonicalJson(built) !== canonicalJson(qc)) return spec;
  const { query_context: _built, ...rest } = spec;
  return rest;
}

/** Superset's values are literal: a `${` in them is written as `$${` so it is not read as a reference. */
function escapeTemplates(spec: AnySpec): AnySpec {
  const visit = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key === 'password' ? v : v.replace(/\$\{/g, '$$${');
    if (Array.isArray(v)) return v.map((x) => visit(x));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, visit(x, k)]));
    return v;
  };
  return visit(spec) as AnySpec;
}

/** Keeps only dashboard metadata values of the shape the schema describes (older exports differ). */
function keepValidMetadata(spec: DashboardSpec, warn: (key: string) => void): DashboardSpec {
  const given = spec.metadata as Record<string, unknown> | undefined;
  if (!given) return spec;
  // null says nothing Superset would not assume: it is the same as leaving the key out.
  const metadata = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== null));
  const shapes = (DashboardSchema.properties.metadata as unknown as { properties: Record<string, TSchema> })
    .properties;
  const bad = Object.keys(metadata).filter((key) => shapes[key] && !Value.Check(shapes[key], metadata[key]));
  if (!bad.length)
    return Object.keys(metadata).length === Object.keys(given).length ? spec : { ...spec, metadata };
  bad.forEach(warn);
  return {
    ...spec,
    metadata: Object.fromEntries(Object.entries(metadata).filter(([k]) => !bad.includes(k))),
  };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function withoutFalseTimeFlags(spec: DatasetSpec): DatasetSpec {
  if (!spec.columns) return spec;
  return {
    ...spec,
    columns: spec.columns.map((c) => {
      if (c.is_dttm !== false) return c;
      const { is_dttm: _false, ...rest } = c;
      return rest;
    }),
  };
}
