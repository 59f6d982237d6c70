import type { Json } from '../model/canonical.js';
import { chartsInLayout, chartsInTabs } from '../model/layout.js';
import type { DashboardSpec } from '../schema/index.js';
import { DASHBOARD_METADATA_DEFAULTS } from '../plan/attributes.js';
import { customTags, ownersFromSuperset, type NameLookup } from './from-superset.js';
import { bool, compact, parseJsonField, str, text } from './json-field.js';
import {
  chartIdsUnder,
  layoutToPosition,
  normalizeLayout,
  positionToLayout,
  ROOT_ID,
  tabsHolding,
} from './layout/layout.js';
import { configToFilters, filtersToConfig, normalizeNativeFilters } from './filters/native-filters.js';
import { chartRefMetadataFromSuperset, chartRefMetadataToSuperset, tabNames } from './metadata-refs.js';

type Raw = Record<string, unknown>;
type Body = Record<string, unknown>;

const METADATA_KEYS = Object.keys(DASHBOARD_METADATA_DEFAULTS);

/** `GET /api/v1/dashboard/<id>` `result` -> our dashboard spec, plus what could not be represented. */
export function dashboardFromSuperset(
  raw: Raw,
  names: NameLookup,
): { spec: DashboardSpec; warnings: string[] } {
  const uuid = String(raw.uuid);
  const title = text(raw.dashboard_title);
  const slug = str(raw.slug);
  const position = parseJsonField(raw.position_json);
  const metadata = parseJsonField(raw.json_metadata) ?? {};
  const { layout, warnings } = positionToLayout(
    position ?? {},
    (ref) =>
      (ref.uuid ? names.chartByUuid(ref.uuid) : undefined) ??
      (ref.chartId !== undefined ? names.chartById(ref.chartId) : undefined),
  );
  const filters = configToFilters(metadata.native_filter_configuration ?? [], {
    datasetName: (ref) =>
      (ref.uuid ? names.datasetByUuid(ref.uuid) : undefined) ??
      (ref.id !== undefined ? names.datasetById(ref.id) : undefined),
    chartName: (id) => names.chartById(id),
    placedChartIds: position ? chartIdsUnder(position, ROOT_ID) : [],
    chartsUnder: (id) => (position ? chartIdsUnder(position, id) : undefined),
    tabName: tabNames(position ?? {}).nameOf,
  });
  const kept: Record<string, unknown> = {};
  for (const key of METADATA_KEYS) if (metadata[key] !== undefined) kept[key] = metadata[key];
  const tabs = tabNames(position ?? {});
  const refWarnings: string[] = [];
  Object.assign(
    kept,
    chartRefMetadataFromSuperset(
      metadata,
      { chartName: (id) => names.chartById(id), nodeName: tabs.nameOf },
      (m) => refWarnings.push(m),
    ),
  );
  const spec = compact({
    kind: 'dashboard' as const,
    name: names.nameFor('dashboard', uuid, slug ?? title),
    uuid,
    title,
    slug,
    published: bool(raw.published),
    css: str(raw.css),
    certified_by: str(raw.certified_by),
    certification_details: str(raw.certification_details),
    layout,
    native_filters: filters.filters.length ? filters.filters : undefined,
    metadata: Object.keys(kept).length ? (kept as DashboardSpec['metadata']) : undefined,
    owners: ownersFromSuperset(raw.owners, names),
    // Roles come with their names; read with the owners (both are access, managed together).
    roles:
      names.userById && Array.isArray(raw.roles)
        ? (raw.roles as Raw[]).map((r) => text(r?.name)).sort()
        : undefined,
    tags: customTags(raw.tags),
    theme: themeOf(raw, names, (m) => refWarnings.push(m)),
  });
  return { spec, warnings: [...warnings, ...filters.warnings, ...refWarnings] };
}

/**
 * The dashboard's theme by name (6.0 on: the GET's `theme`), null for none (and before 6.0, which has
 * no themes). An import names only a theme it imports (`themeById`): another (Superset's own) is left
 * out, with a word.
 */
function themeOf(raw: Raw, names: NameLookup, warn: (message: string) => void): string | null | undefined {
  const theme = raw.theme as Raw | null | undefined;
  if (!theme || typeof theme !== 'object') return null;
  const id = typeof theme.id === 'number' ? theme.id : undefined;
  if (!names.themeById) return text(theme.theme_name);
  const name = id !== undefined ? names.themeById(id) : undefined;
  if (name === undefined)
    warn(
      `theme ${JSON.stringify(text(theme.theme_name))} is not imported (Superset's own themes never are); not kept`,
    );
  return name;
}

export function normalizeDashboard(spec: DashboardSpec): { layout: Json; filters: Json } {
  return {
    layout: normalizeLayout(spec.layout),
    filters: normalizeNativeFilters(spec.native_filters ?? [], chartsInLayout(spec.layout), (titles) =>
      chartsInTabs(spec.layout, titles),
    ) as unknown as Json,
  };
}

export interface DashboardRefs {
  chart: (name: string) => { id: number; uuid: string } | undefined;
  datasetId: (name: string) => number | undefined;
}

/** POST body: the plain fields. Layout and filters follow in a PUT, which also links the charts. */
export function dashboardCreateBody(spec: DashboardSpec, uuid: string): Body {
  return { ...dashboardFields(spec), uuid };
}

export function dashboardFields(spec: DashboardSpec): Body {
  return {
    dashboard_title: spec.title,
    slug: spec.slug ?? null,
    published: spec.published ?? false,
    css: spec.css ?? '',
    certified_by: spec.certified_by ?? null,
    certification_details: spec.certification_details ?? null,
  };
}

/**
 * position_json and json_metadata. Superset links a dashboard's charts from `json_metadata.positions`
 * (not from position_json), so both carry the layout.
 */
export function dashboardLayoutBody(spec: DashboardSpec, refs: DashboardRefs): Body {
  const position = layoutToPosition(spec.title, spec.layout, refs.chart);
  const placed = chartsInLayout(spec.layout).flatMap((name) => {
    const ref = refs.chart(name);
    return ref ? [ref.id] : [];
  });
  const nativeFilters = filtersToConfig(spec.native_filters ?? [], {
    datasetId: (name) => refs.datasetId(name),
    chartId: (name) => refs.chart(name)?.id,
    placedChartIds: placed,
    tabId: tabNames(position).idOf,
    chartsUnder: (id) => chartIdsUnder(position, id),
    tabsHolding: (ids) => tabsHolding(position, ids),
  });
  const metadata = {
    ...DASHBOARD_METADATA_DEFAULTS,
    ...(spec.metadata ?? {}),
    ...chartRefMetadataToSuperset(spec.metadata ?? {}, {
      chartId: (name) => refs.chart(name)?.id,
      nodeId: tabNames(position).idOf,
    }),
    positions: position,
    native_filter_configuration: nativeFilters,
  };
  return { position_json: JSON.stringify(position), json_metadata: JSON.stringify(metadata) };
}
