// Dashboard settings in json_metadata that point at charts by id and at layout nodes by id: which
// charts a cross filter reaches (`chart_configuration`, `global_chart_configuration`), which charts
// skip the timed refresh, which are expanded. Ids differ in every environment, so the YAML holds the
// same structures with chart names for chart ids and tab titles for tab ids (`ROOT_ID` stays), and
// they are turned back into ids when the dashboard is written. Pure.
import type { Json } from '../model/canonical.js';

/** The keys translated here, as json_metadata names them. */
export const CHART_REF_METADATA_KEYS = [
  'chart_configuration',
  'global_chart_configuration',
  'timed_refresh_immune_slices',
  'expanded_slices',
] as const;

export interface ReadRefs {
  chartName(id: number): string | undefined;
  /** A layout node id (a tab) -> the tab's title; ROOT_ID is kept as it is. */
  nodeName(id: string): string | undefined;
}

export interface WriteRefs {
  chartId(name: string): number | undefined;
  nodeId(name: string): string | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const asId = (v: unknown): number | undefined => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};

/** Maps a list, leaving out (and reporting) what does not resolve. */
function mapList<T, U>(values: unknown, map: (v: T) => U | undefined, lost: (v: unknown) => void): U[] {
  if (!Array.isArray(values)) return [];
  return values.flatMap((v) => {
    const m = map(v as T);
    if (m === undefined) lost(v);
    return m === undefined ? [] : [m];
  });
}

function scopeOut(scope: unknown, refs: ReadRefs, lost: (what: string) => void): Json {
  if (!isObj(scope)) return scope as Json;
  return {
    ...scope,
    rootPath: mapList<string, string>(
      scope.rootPath,
      (id) => (id === 'ROOT_ID' ? id : refs.nodeName(String(id))),
      (v) => lost(`layout node ${String(v)}`),
    ),
    excluded: mapList<unknown, string>(
      scope.excluded,
      (id) => (asId(id) !== undefined ? refs.chartName(asId(id) as number) : undefined),
      (v) => lost(`chart ${String(v)}`),
    ),
  };
}

function scopeIn(scope: unknown, refs: WriteRefs): Json {
  if (!isObj(scope)) return scope as Json;
  return {
    ...scope,
    rootPath: mapList<string, string>(
      scope.rootPath,
      (name) => (name === 'ROOT_ID' ? name : refs.nodeId(String(name))),
      () => undefined,
    ),
    excluded: mapList<string, number>(
      scope.excluded,
      (n) => refs.chartId(String(n)),
      () => undefined,
    ),
  };
}

function crossFiltersOut(cf: Obj, refs: ReadRefs, lost: (what: string) => void): Obj {
  const out: Obj = { ...cf };
  if (cf.scope !== undefined) out.scope = cf.scope === 'global' ? 'global' : scopeOut(cf.scope, refs, lost);
  if (cf.chartsInScope !== undefined)
    out.chartsInScope = mapList<unknown, string>(
      cf.chartsInScope,
      (id) => (asId(id) !== undefined ? refs.chartName(asId(id) as number) : undefined),
      (v) => lost(`chart ${String(v)}`),
    );
  return out;
}

function crossFiltersIn(cf: Obj, refs: WriteRefs): Obj {
  const out: Obj = { ...cf };
  if (cf.scope !== undefined) out.scope = cf.scope === 'global' ? 'global' : scopeIn(cf.scope, refs);
  if (cf.chartsInScope !== undefined)
    out.chartsInScope = mapList<string, number>(
      cf.chartsInScope,
      (n) => refs.chartId(String(n)),
      () => undefined,
    );
  return out;
}

/**
 * json_metadata -> the YAML's form of the four keys (only those present and not empty). What names a
 * chart or node that is not there is left out and reported through `warn`.
 */
export function chartRefMetadataFromSuperset(
  metadata: Obj,
  refs: ReadRefs,
  warn: (message: string) => void,
): Obj {
  const out: Obj = {};
  // Superset keeps entries for charts long gone from a dashboard: one line per key says which.
  const lostByKey = new Map<string, string[]>();
  const lost = (key: string) => (what: string) => {
    const list = lostByKey.get(key) ?? [];
    if (!list.includes(what)) list.push(what);
    lostByKey.set(key, list);
  };
  const chartConfig = metadata.chart_configuration;
  if (isObj(chartConfig) && Object.keys(chartConfig).length) {
    const translated: Obj = {};
    for (const [id, config] of Object.entries(chartConfig)) {
      const name = asId(id) !== undefined ? refs.chartName(asId(id) as number) : undefined;
      if (name === undefined) {
        lost('chart_configuration')(`chart ${id}`);
        continue;
      }
      if (!isObj(config)) continue;
      const { id: _id, ...rest } = config;
      translated[name] = {
        ...rest,
        ...(isObj(config.crossFilters)
          ? { crossFilters: crossFiltersOut(config.crossFilters, refs, lost('chart_configuration')) }
          : {}),
      };
    }
    if (Object.keys(translated).length) out.chart_configuration = translated;
  }
  const global = metadata.global_chart_configuration;
  if (isObj(global) && Object.keys(global).length)
    out.global_chart_configuration = crossFiltersOut(global, refs, lost('global_chart_configuration'));
  const immune = mapList<unknown, string>(
    metadata.timed_refresh_immune_slices,
    (id) => (asId(id) !== undefined ? refs.chartName(asId(id) as number) : undefined),
    (v) => lost('timed_refresh_immune_slices')(`chart ${String(v)}`),
  );
  if (immune.length) out.timed_refresh_immune_slices = immune;
  const expanded = metadata.expanded_slices;
  if (isObj(expanded)) {
    const named: Obj = {};
    for (const [id, value] of Object.entries(expanded)) {
      const name = asId(id) !== undefined ? refs.chartName(asId(id) as number) : undefined;
      if (name === undefined) lost('expanded_slices')(`chart ${id}`);
      else named[name] = value;
    }
    if (Object.keys(named).length) out.expanded_slices = named;
  }
  for (const [key, items] of lostByKey) {
    const shown = items.slice(0, 5).join(', ') + (items.length > 5 ? `, and ${items.length - 5} more` : '');
    warn(
      `json_metadata.${key}: ${shown} ${items.length === 1 ? 'is' : 'are'} not in this dashboard; left out`,
    );
  }
  return out;
}

/** The YAML's form of the four keys -> json_metadata, chart names and tab titles back to ids. */
export function chartRefMetadataToSuperset(metadata: Obj, refs: WriteRefs): Obj {
  const out: Obj = {};
  if (isObj(metadata.chart_configuration)) {
    const byId: Obj = {};
    for (const [name, config] of Object.entries(metadata.chart_configuration)) {
      const id = refs.chartId(name);
      if (id === undefined || !isObj(config)) continue;
      byId[String(id)] = {
        ...config,
        id,
        ...(isObj(config.crossFilters) ? { crossFilters: crossFiltersIn(config.crossFilters, refs) } : {}),
      };
    }
    out.chart_configuration = byId;
  }
  if (isObj(metadata.global_chart_configuration))
    out.global_chart_configuration = crossFiltersIn(metadata.global_chart_configuration, refs);
  if (metadata.timed_refresh_immune_slices !== undefined)
    out.timed_refresh_immune_slices = mapList<string, number>(
      metadata.timed_refresh_immune_slices,
      (n) => refs.chartId(String(n)),
      () => undefined,
    );
  if (isObj(metadata.expanded_slices)) {
    const byId: Obj = {};
    for (const [name, value] of Object.entries(metadata.expanded_slices)) {
      const id = refs.chartId(name);
      if (id !== undefined) byId[String(id)] = value;
    }
    out.expanded_slices = byId;
  }
  return out;
}

/** Tab titles of a position by node id, and node ids by title (the first tab of a title wins). */
export function tabNames(position: unknown): {
  nameOf: (id: string) => string | undefined;
  idOf: (name: string) => string | undefined;
} {
  const byId = new Map<string, string>();
  const byName = new Map<string, string>();
  if (isObj(position)) {
    for (const [id, node] of Object.entries(position)) {
      if (!isObj(node) || node.type !== 'TAB') continue;
      const meta = isObj(node.meta) ? node.meta : {};
      const text = typeof meta.text === 'string' ? meta.text : undefined;
      if (text === undefined) continue;
      byId.set(id, text);
      if (!byName.has(text)) byName.set(text, id);
    }
  }
  return { nameOf: (id) => byId.get(id), idOf: (name) => byName.get(name) };
}
