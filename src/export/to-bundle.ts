import { stringify } from 'yaml';
import type { Marking } from '../model/managed.js';
import type { AnyDesired } from '../model/object.js';
import { objectKey } from '../model/object.js';
import { DASHBOARD_METADATA_DEFAULTS, databaseSettings, uriWithoutPassword } from '../plan/attributes.js';
import type { ChartSpec, DashboardSpec, DatabaseSpec, DatasetSpec, ObjectKind } from '../schema/index.js';
import { chartIdsUnder, layoutToPosition, tabsHolding } from '../superset-map/layout/layout.js';
import { filtersToConfig } from '../superset-map/filters/native-filters.js';
import { chartRefMetadataToSuperset, tabNames } from '../superset-map/metadata-refs.js';
import { buildQueryContext } from '../superset-map/query-context.js';
import { uriWithUserinfoPassword } from '../superset-map/to-superset.js';
import { slugify } from '../import/to-specs.js';
import { LATEST, fitBundleDoc, type Capabilities } from '../superset/capabilities.js';
import { UserError } from '../errors/user-error.js';

const VERSION = '1.0.0';
/** Superset's own mask: an import asks for the real password (its `passwords` field). */
const MASK = 'XXXXXXXXXX';

/** The kinds a bundle of this export carries (Superset's has saved queries too, which it does not write). */
export const BUNDLE_KINDS: readonly ObjectKind[] = ['database', 'dataset', 'chart', 'dashboard'];

/**
 * The objects a bundle leaves out, as `kind "name"`: roles, themes, CSS templates, saved queries, RLS
 * rules and reports (an export says so rather than dropping them without a word).
 */
export function notInBundle(objects: readonly AnyDesired[]): string[] {
  return objects
    .filter((o) => !BUNDLE_KINDS.includes(o.kind))
    .map((o) => `${o.kind} ${JSON.stringify(o.name)}`);
}

/**
 * Desired objects (resolved for an environment) as a Superset assets bundle that stock Superset
 * imports (`POST /api/v1/assets/import/` or the UI). Passwords are masked as Superset masks them.
 */
export function toBundle(
  objects: readonly AnyDesired[],
  now = new Date(),
  caps: Capabilities = LATEST,
  /** Files only for these uuids; the others are only referred to (a sparse import finds them by uuid). */
  only?: ReadonlySet<string>,
  /**
   * Superset's `is_managed_externally` / `external_url` for an object, which its import schemas take
   * and store (an apply's bulk create in an environment that marks objects). `export` writes none.
   */
  marking?: (o: AnyDesired) => Marking | undefined,
): Map<string, string> {
  const root = `superset_gitops_export_${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
  const uuidOf = new Map(objects.map((o) => [objectKey(o.kind, o.name), o.uuid]));
  const files = new Map<string, string>();
  const refused: string[] = [];
  let current = '';
  // Each file as the target version's import schema takes it: keys it lacks are left out when they
  // hold nothing, and a value it would lose stops the export.
  let mark: Marking | undefined;
  const put = (path: string, doc: Record<string, unknown>) => {
    const kind = path.split('/')[0]!.replace(/s$/, '');
    const fit = fitBundleDoc(kind, { ...doc, ...mark }, caps);
    for (const field of fit.refused) refused.push(`${current}: ${field}`);
    files.set(`${root}/${path}`, stringify(fit.body, { lineWidth: 0 }));
  };
  // Quoted: unquoted, PyYAML reads it as a datetime object, which Superset's schema refuses as "Not a valid datetime".
  files.set(
    `${root}/metadata.yaml`,
    `version: ${VERSION}\ntype: assets\ntimestamp: '${now.toISOString().replace('Z', '+00:00')}'\n`,
  );
  const datasetIds = new Map<string, number>();
  const chartIds = new Map<string, number>();
  objects.forEach((o, i) => {
    if (o.kind === 'dataset') datasetIds.set(o.name, i + 1);
    if (o.kind === 'chart') chartIds.set(o.name, i + 1);
  });
  for (const o of objects) {
    if (only && !only.has(o.uuid)) continue;
    current = `${o.kind} "${o.name}"`;
    mark = marking?.(o);
    const file = slugify(o.name).slice(0, 80);
    switch (o.kind) {
      case 'database':
        put(`databases/${file}.yaml`, database(o.spec, o.uuid));
        break;
      case 'dataset':
        put(
          `datasets/${slugify(o.spec.database)}/${file}.yaml`,
          dataset(o.spec, o.uuid, uuidOf.get(objectKey('database', o.spec.database))),
        );
        break;
      case 'chart':
        put(
          `charts/${file}_${o.uuid.slice(0, 8)}.yaml`,
          chart(
            o.spec,
            o.uuid,
            uuidOf.get(objectKey('dataset', o.spec.dataset)),
            datasetIds.get(o.spec.dataset) ?? 0,
          ),
        );
        break;
      case 'dashboard':
        put(
          `dashboards/${file}.yaml`,
          dashboard(
            o.spec,
            o.uuid,
            (name) => {
              const uuid = uuidOf.get(objectKey('chart', name));
              const id = chartIds.get(name);
              return uuid && id !== undefined ? { id, uuid } : undefined;
            },
            (name) => uuidOf.get(objectKey('dataset', name)),
          ),
        );
        break;
    }
  }
  if (refused.length)
    throw new UserError(
      `Superset ${caps.version} cannot import these values (its import schema has no such field; remove them from the YAML or export for a newer Superset):\n${refused.map((r) => `  ${r}`).join('\n')}`,
    );
  return files;
}

function database(spec: DatabaseSpec, uuid: string) {
  return {
    database_name: spec.name,
    sqlalchemy_uri: spec.password
      ? uriWithUserinfoPassword(spec.sqlalchemy_uri, MASK)
      : uriWithoutPassword(spec.sqlalchemy_uri),
    // The import schema has no force_ctas_schema (an unknown field fails the whole bundle).
    ...withoutKey(databaseSettings(spec), 'force_ctas_schema'),
    uuid,
    version: VERSION,
  };
}

function dataset(spec: DatasetSpec, uuid: string, databaseUuid: string | undefined) {
  return {
    table_name: spec.table_name ?? spec.name,
    main_dttm_col: spec.main_dttm_col ?? null,
    description: spec.description ?? null,
    default_endpoint: spec.default_endpoint ?? null,
    currency_code_column: spec.currency_code_column ?? null,
    offset: spec.offset ?? 0,
    cache_timeout: spec.cache_timeout ?? null,
    catalog: spec.catalog ?? null,
    schema: spec.schema ?? null,
    sql: spec.sql ?? null,
    params: null,
    // Mappings, as Superset's own exports write them (the import schema takes a dict; a JSON string
    // is only tolerated for `extra`, as a fix for old exports).
    template_params: spec.template_params ?? null,
    filter_select_enabled: spec.filter_select_enabled ?? true,
    fetch_values_predicate: spec.fetch_values_predicate ?? null,
    extra: spec.extra ?? null,
    normalize_columns: spec.normalize_columns ?? false,
    always_filter_main_dttm: spec.always_filter_main_dttm ?? false,
    uuid,
    metrics: (spec.metrics ?? []).map((m) => ({
      metric_name: m.name,
      verbose_name: m.verbose_name ?? null,
      metric_type: m.metric_type ?? null,
      expression: m.expression,
      description: m.description ?? null,
      d3format: m.d3format ?? null,
      currency: m.currency ?? null,
      extra: m.extra ?? null,
      warning_text: m.warning_text ?? null,
    })),
    columns: (spec.columns ?? []).map((c) => ({
      column_name: c.name,
      verbose_name: c.verbose_name ?? null,
      is_dttm: c.is_dttm ?? false,
      is_active: c.is_active ?? true,
      type: c.type ?? null,
      advanced_data_type: c.advanced_data_type ?? null,
      groupby: c.groupby ?? true,
      filterable: c.filterable ?? true,
      expression: c.expression ?? null,
      description: c.description ?? null,
      python_date_format: c.python_date_format ?? null,
      extra: c.extra ?? null,
    })),
    version: VERSION,
    database_uuid: databaseUuid,
  };
}

function chart(spec: ChartSpec, uuid: string, datasetUuid: string | undefined, datasetId: number) {
  return {
    slice_name: spec.title ?? spec.name,
    description: spec.description ?? null,
    certified_by: spec.certified_by ?? null,
    certification_details: spec.certification_details ?? null,
    viz_type: spec.viz_type,
    params: { ...(spec.params ?? {}), viz_type: spec.viz_type },
    // Superset's importer points the query context at the imported dataset id itself.
    query_context: JSON.stringify(
      spec.query_context ?? buildQueryContext(spec.viz_type, spec.params ?? {}, datasetId),
    ),
    cache_timeout: spec.cache_timeout ?? null,
    uuid,
    version: VERSION,
    dataset_uuid: datasetUuid,
  };
}

function dashboard(
  spec: DashboardSpec,
  uuid: string,
  chartRef: (name: string) => { id: number; uuid: string } | undefined,
  datasetUuid: (name: string) => string | undefined,
) {
  const position = layoutToPosition(spec.title, spec.layout, chartRef);
  const placed = Object.values(position).flatMap((n) =>
    typeof n === 'object' && n.type === 'CHART' && typeof n.meta?.chartId === 'number'
      ? [n.meta.chartId]
      : [],
  );
  const nativeFilters = filtersToConfig(spec.native_filters ?? [], {
    datasetId: () => 0,
    datasetUuid,
    chartId: (name) => chartRef(name)?.id,
    placedChartIds: placed,
    bundle: true,
    tabId: tabNames(position).idOf,
    chartsUnder: (id) => chartIdsUnder(position, id),
    tabsHolding: (ids) => tabsHolding(position, ids),
  });
  return {
    dashboard_title: spec.title,
    description: null,
    css: spec.css ?? '',
    slug: spec.slug ?? null,
    certified_by: spec.certified_by ?? null,
    certification_details: spec.certification_details ?? null,
    published: spec.published ?? false,
    uuid,
    position,
    metadata: {
      ...DASHBOARD_METADATA_DEFAULTS,
      ...(spec.metadata ?? {}),
      ...chartRefMetadataToSuperset(spec.metadata ?? {}, {
        chartId: (name) => chartRef(name)?.id,
        nodeId: tabNames(position).idOf,
      }),
      native_filter_configuration: nativeFilters,
    },
    version: VERSION,
  };
}

function withoutKey<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}
