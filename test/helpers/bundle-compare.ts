// Compares two Superset export bundles object by object, field by field: ids (numeric ids, layout
// node ids, filter ids made from ids) and timestamps aside, and what two sides say in different but
// equal words (absent, null, "" and Superset's default) counted as the same. Used by the offline
// round trip over real bundles and by the live one through stock Superset's export.
import { DASHBOARD_METADATA_DEFAULTS } from '../../src/plan/attributes.js';
import type { BundleDoc } from '../../src/import/bundle-read.js';
import { chartIdsUnder } from '../../src/superset-map/layout/layout.js';

/**
 * What the YAML does not hold, on purpose, each with its reason. A difference at one of these paths
 * is reported, not failed.
 */
export const NOT_HELD: { path: RegExp; why: string }[] = [
  {
    path: /^dashboard:metadata\.(show_native_filters|default_filters|filter_scopes)$/,
    why: 'legacy keys (filter boxes, the old native-filter switch); Superset 6.1 ignores them and its REST API refuses them',
  },
  {
    path: /^dashboard:metadata\.shared_label_colors$/,
    why: 'the pre-5.0 shape (a mapping); Superset 6.1 keeps a list and recomputes it when the dashboard is opened',
  },
  { path: /^dataset:data$/, why: "the examples loader's data URL; not a property of a dataset in Superset" },
  {
    path: /^dataset:main_dttm_col$/,
    why: 'names a column the dataset does not have (in the source bundle); reported by import and left out',
  },
];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const EMPTY = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  v === '{}' ||
  (Array.isArray(v) && v.length === 0) ||
  (isObj(v) && Object.keys(v).length === 0);

/** Superset's defaults: absent and default say the same. */
const DEFAULTS: Record<string, Obj> = {
  database: {
    impersonate_user: false,
    allow_file_upload: false,
    allow_csv_upload: false,
    allow_dml: false,
    allow_ctas: false,
    allow_cvas: false,
    allow_run_async: false,
    expose_in_sqllab: true,
    configuration_method: 'sqlalchemy_form',
  },
  dataset: {
    normalize_columns: false,
    always_filter_main_dttm: false,
    filter_select_enabled: true,
    offset: 0,
  },
  column: { is_active: true, is_dttm: false, groupby: true, filterable: true },
  metric: {},
  chart: {},
  dashboard: { published: false },
  metadata: { ...DASHBOARD_METADATA_DEFAULTS },
  // Filter settings Superset's filter plugins assume when absent.
  filter: { creatable: true, sortAscending: true, time_range: 'No filter' },
};

function same(kind: string, key: string, a: unknown, b: unknown): boolean {
  // A dataset that names no catalog gets its database's default one from Superset (4.1 on, for
  // engines with catalogs: PostgreSQL's is the database name), as it fills in a schema.
  if (kind === 'dataset' && key === 'catalog' && EMPTY(a) !== EMPTY(b)) return true;
  const norm = (v: unknown) => {
    if (EMPTY(v)) return undefined;
    // A metric's currency: an object from Superset 6.0 on, its JSON text in 4.1 and 5.0 exports.
    if (kind === 'metric' && key === 'currency' && typeof v === 'string') {
      try {
        v = JSON.parse(v) as unknown;
      } catch {
        return v;
      }
    }
    const d = DEFAULTS[kind]?.[key];
    return d !== undefined && JSON.stringify(d) === JSON.stringify(v) ? undefined : v;
  };
  return JSON.stringify(canonical(norm(a))) === JSON.stringify(canonical(norm(b)));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObj(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => !EMPTY(v[k]))
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

/**
 * Chart ids of a dashboard -> the charts' uuids, from its position (the only place a bundle pairs
 * them); charts the import left out (their dataset is missing, which it reports) are not there.
 */
function chartUuids(position: unknown, leftOut: ReadonlySet<string>): Map<number, string> {
  const ids = new Map<number, string>();
  if (!isObj(position)) return ids;
  for (const node of Object.values(position)) {
    if (!isObj(node) || node.type !== 'CHART' || !isObj(node.meta)) continue;
    const { chartId, uuid } = node.meta;
    if (typeof chartId === 'number' && typeof uuid === 'string' && !leftOut.has(uuid.toLowerCase()))
      ids.set(chartId, uuid);
  }
  return ids;
}

/** A position as a tree of node types and meta, without node ids; charts by uuid, not by id. */
function layoutShape(position: unknown, ids: Map<number, string>): unknown {
  if (!isObj(position)) return undefined;
  const seen = new Set<string>();
  const visit = (id: string): unknown => {
    const node = position[id];
    if (!isObj(node) || seen.has(id)) return null;
    seen.add(id);
    const meta: Obj = isObj(node.meta) ? { ...node.meta } : {};
    // Numbered keys: an old export bug copied the parents list into meta; they mean nothing.
    for (const k of Object.keys(meta)) if (/^\d+$/.test(k)) delete meta[k];
    if (node.type === 'CHART') {
      const uuid = typeof meta.chartId === 'number' ? ids.get(meta.chartId) : undefined;
      if (uuid === undefined) return null; // a chart the import left out
      meta.uuid = uuid;
    }
    delete meta.chartId;
    // An override equal to the chart's own title changes nothing; sliceName is the title at export
    // time; defaultText and placeholder are the editor's hint for an empty tab title.
    if (meta.sliceNameOverride === meta.sliceName) delete meta.sliceNameOverride;
    for (const k of ['sliceName', 'defaultText', 'placeholder']) delete meta[k];
    if (node.type === 'MARKDOWN' && typeof meta.code === 'string') meta.code = meta.code.trimEnd();
    const children = Array.isArray(node.children)
      ? node.children.map((c) => visit(String(c))).filter((c) => c !== null)
      : [];
    return canonical({ type: node.type, meta, children });
  };
  return visit('ROOT_ID');
}

/**
 * Chart ids anywhere in a value -> uuids (ids of charts that are not on the dashboard are left out,
 * lists of them sorted: their order means nothing), tab ids in a scope's rootPath -> tab titles.
 * Superset derives `chartsInScope` and `tabsInScope` from the scope and the layout: only the scope counts.
 */
function idsToUuids(value: unknown, ids: Map<number, string>, tabs: Map<string, string>): unknown {
  if (typeof value === 'number') return ids.get(value) ?? undefined;
  if (Array.isArray(value)) {
    const mapped = value
      .map((v) => (typeof v === 'number' ? ids.get(v) : idsToUuids(v, ids, tabs)))
      .filter((v) => v !== undefined);
    return mapped.every((v) => typeof v === 'string') ? [...mapped].sort() : mapped;
  }
  if (isObj(value)) {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id' || k === 'chartsInScope' || k === 'tabsInScope') continue;
      if (k === 'rootPath' && Array.isArray(v)) {
        // A tab id the position does not have (a tab since removed) reaches nothing.
        out[k] = (v as unknown[])
          .map(String)
          .filter((id) => id === 'ROOT_ID' || tabs.has(id))
          .map((id) => (id === 'ROOT_ID' ? id : tabs.get(id)));
        continue;
      }
      const key = /^\d+$/.test(k) ? ids.get(Number(k)) : k;
      if (key !== undefined) out[key] = idsToUuids(v, ids, tabs);
    }
    return out;
  }
  return value;
}

/** Tab ids of a position -> the tabs' titles (an untitled tab says so). */
function tabTitles(position: unknown): Map<string, string> {
  const titles = new Map<string, string>();
  if (!isObj(position)) return titles;
  for (const [id, node] of Object.entries(position)) {
    if (!isObj(node) || node.type !== 'TAB') continue;
    const text = isObj(node.meta) && typeof node.meta.text === 'string' ? node.meta.text : 'an untitled tab';
    titles.set(id, text);
  }
  return titles;
}

function filterShape(
  config: unknown,
  ids: Map<number, string>,
  tabs: Map<string, string>,
  leftOut: ReadonlySet<string>,
  position: unknown,
): unknown {
  if (!Array.isArray(config)) return config;
  return config.map((f: unknown) => {
    if (!isObj(f)) return f;
    // Charts excluded from a scope that does not reach them (outside its tabs) exclude nothing.
    let scope = f.scope;
    if (isObj(scope) && Array.isArray(scope.rootPath) && !scope.rootPath.includes('ROOT_ID')) {
      const reached = new Set(scope.rootPath.flatMap((id) => chartIdsUnder(position, String(id))));
      scope = {
        ...scope,
        excluded: Array.isArray(scope.excluded) ? scope.excluded.filter((id) => reached.has(Number(id))) : [],
      };
    }
    const mask = isObj(f.defaultDataMask) ? f.defaultDataMask : {};
    const filterState = isObj(mask.filterState) ? { ...mask.filterState } : {};
    if (filterState.value === null) delete filterState.value;
    // The value's display text, and the filter bar's validation state: recomputed by the filter.
    for (const k of ['label', 'validateStatus', 'validateMessage']) delete filterState[k];
    // A target on a dataset the import left out (which it reports) is not there either.
    const targets = Array.isArray(f.targets)
      ? (f.targets as unknown[]).map((t) =>
          isObj(t) && typeof t.datasetUuid === 'string' && leftOut.has(t.datasetUuid.toLowerCase()) ? {} : t,
        )
      : f.targets;
    return idsToUuids(
      {
        ...f,
        scope,
        targets,
        cascadeParentIds: undefined,
        defaultDataMask: { ...mask, filterState, ownState: undefined },
      },
      ids,
      tabs,
    );
  });
}

export interface Difference {
  path: string;
  before: unknown;
  after: unknown;
}

function compare(kind: string, a: unknown, b: unknown, at: string, out: Difference[]): void {
  const key = at.split('.').pop() ?? at;
  if (same(kind, key, a, b)) return;
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      compare(kind === 'dashboard' && k === 'metadata' ? 'metadata' : kind, a[k], b[k], `${at}.${k}`, out);
    return;
  }
  if (
    Array.isArray(a) &&
    Array.isArray(b) &&
    a.every(isObj) &&
    b.every(isObj) &&
    a.every((x) => typeof x.name === 'string')
  ) {
    // Named items (filters): matched by name.
    const byName = new Map(b.map((x) => [String(x.name), x]));
    for (const x of a)
      compare('filter', x, byName.get(String(x.name)) ?? {}, `${at}[${String(x.name)}]`, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && !/\.(columns|metrics)$/.test(at)) {
    a.forEach((x, i) => compare(kind, x, b[i], `${at}[${i}]`, out));
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && /\.(columns|metrics)$/.test(at)) {
    const name = at.endsWith('columns') ? 'column_name' : 'metric_name';
    const itemKind = at.endsWith('columns') ? 'column' : 'metric';
    const byName = new Map(b.filter(isObj).map((x) => [String(x[name]), x]));
    for (const x of a.filter(isObj))
      compare(itemKind, x, byName.get(String(x[name])) ?? {}, `${at}[${String(x[name])}]`, out);
    return;
  }
  out.push({ path: at, before: a, after: b });
}

/** Both sides of one object, with ids and timestamps taken out. */
function comparable(kind: string, doc: Obj, leftOut: ReadonlySet<string>): Obj {
  const d: Obj = { ...doc };
  for (const k of ['version', 'uuid', 'database_uuid', 'dataset_uuid', 'id', 'changed_on', 'created_on'])
    delete d[k];
  if (kind === 'chart' && isObj(d.params)) {
    const params: Obj = { ...d.params };
    for (const k of ['datasource', 'slice_id', 'dashboards']) delete params[k]; // ids
    d.params = params;
    // A chart without a query_context gets one built from params (so its data API works).
    delete d.query_context;
  }
  if (kind === 'dashboard') {
    const ids = chartUuids(d.position, leftOut);
    const tabs = tabTitles(d.position);
    d.position = layoutShape(d.position, ids);
    const metadata: Obj = isObj(d.metadata) ? { ...d.metadata } : {};
    delete metadata.positions; // a copy of the position
    const filters = filterShape(metadata.native_filter_configuration, ids, tabs, leftOut, doc.position);
    metadata.native_filter_configuration = filters;
    d.metadata = idsToUuids(metadata, ids, tabs);
    if (isObj(d.metadata)) d.metadata.native_filter_configuration = filters;
  }
  return d;
}

/**
 * Differences between an original bundle and one that came back, for the objects both have; those at
 * a NOT_HELD path are returned apart, with the reason.
 */
export function compareBundles(
  original: readonly BundleDoc[],
  back: readonly BundleDoc[],
): { compared: number; failures: string[]; held: string[] } {
  const byUuid = new Map(back.map((d) => [String(d.doc.uuid).toLowerCase(), d]));
  const leftOut = new Set(
    original.map((d) => String(d.doc.uuid).toLowerCase()).filter((u) => !byUuid.has(u)),
  );
  const failures: string[] = [];
  const held: string[] = [];
  let compared = 0;
  for (const doc of original) {
    const other = byUuid.get(String(doc.doc.uuid).toLowerCase());
    if (!other) continue;
    compared++;
    const differences: Difference[] = [];
    compare(
      doc.kind,
      comparable(doc.kind, doc.doc, leftOut),
      comparable(doc.kind, other.doc, leftOut),
      doc.kind,
      differences,
    );
    for (const d of differences) {
      const line = `${doc.path}: ${d.path}: ${JSON.stringify(d.before)?.slice(0, 160)} -> ${JSON.stringify(d.after)?.slice(0, 160)}`;
      const known = NOT_HELD.find((n) => n.path.test(`${doc.kind}:${d.path.slice(doc.kind.length + 1)}`));
      if (known) held.push(`${line}  (${known.why})`);
      else failures.push(line);
    }
  }
  return { compared, failures, held };
}
