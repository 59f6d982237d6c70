import { canonicalJson, type Json } from '../model/canonical.js';
import type {
  ChartSpec,
  CssTemplateSpec,
  ThemeSpec,
  DashboardSpec,
  DatabaseSpec,
  DatasetSpec,
  ObjectKind,
  ReportSpec,
  RoleSpec,
  RowLevelSecuritySpec,
  SavedQuerySpec,
  SpecByKind,
} from '../schema/index.js';

/**
 * The attributes the tool manages for one object, with Superset's defaults filled in, so that a desired
 * object and a live one compare equal when Superset would show the same thing. `undefined` means "not
 * managed here": the YAML left it to Superset (a column type read from the source, say).
 */
export type Attributes = Record<string, Json | undefined>;

const DATABASE_EXTRA_DEFAULTS = {
  metadata_params: {},
  engine_params: {},
  metadata_cache_timeout: {},
  schemas_allowed_for_file_upload: [],
};

/** Superset hides a stored password as XXXXXXXXXX; ours live outside the URI. Both compare without it. */
export function uriWithoutPassword(uri: string): string {
  return uri.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:?#]*):[^@/?#]*@/, '$1@');
}

/** Whitespace differences in SQL are not changes: trailing blanks, CRLF, leading/trailing blank lines. */
export function normalizeSql(sql: string | null | undefined): string | null {
  if (sql === null || sql === undefined) return null;
  const text = sql
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
  return text === '' ? null : text;
}

/**
 * Owners (usernames) or dashboard roles (role names) as compared: sorted, each once. `undefined` when
 * the YAML leaves them to Superset (not compared, not written).
 */
export function nameSet(names: readonly string[] | undefined): Json | undefined {
  return names === undefined ? undefined : [...new Set(names)].sort();
}

const orNull = <T>(v: T | undefined | null | ''): T | null => (v === undefined || v === '' ? null : v);

/** A database's settings with Superset's defaults filled in: what the API stores, and what we compare. */
export function databaseSettings(spec: DatabaseSpec) {
  return {
    expose_in_sqllab: spec.expose_in_sqllab ?? true,
    allow_run_async: spec.allow_run_async ?? false,
    allow_ctas: spec.allow_ctas ?? false,
    allow_cvas: spec.allow_cvas ?? false,
    allow_dml: spec.allow_dml ?? false,
    allow_file_upload: spec.allow_file_upload ?? false,
    cache_timeout: spec.cache_timeout ?? null,
    force_ctas_schema: orNull(spec.force_ctas_schema),
    impersonate_user: spec.impersonate_user ?? false,
    configuration_method: spec.configuration_method ?? 'sqlalchemy_form',
    extra: { ...DATABASE_EXTRA_DEFAULTS, ...(spec.extra ?? {}) } as Json,
  };
}

function database(spec: DatabaseSpec): Attributes {
  return {
    database_name: spec.name,
    sqlalchemy_uri: uriWithoutPassword(spec.sqlalchemy_uri),
    ...databaseSettings(spec),
  };
}

function dataset(spec: DatasetSpec): Attributes {
  return {
    table_name: spec.table_name ?? spec.name,
    database: spec.database,
    catalog: spec.catalog,
    schema: spec.schema,
    sql: normalizeSql(spec.sql),
    description: orNull(spec.description),
    main_dttm_col: spec.main_dttm_col,
    always_filter_main_dttm: spec.always_filter_main_dttm ?? false,
    normalize_columns: spec.normalize_columns ?? false,
    filter_select_enabled: spec.filter_select_enabled ?? true,
    fetch_values_predicate: orNull(spec.fetch_values_predicate),
    default_endpoint: orNull(spec.default_endpoint),
    currency_code_column: orNull(spec.currency_code_column),
    offset: spec.offset ?? 0,
    cache_timeout: spec.cache_timeout ?? null,
    template_params: (spec.template_params as Json | undefined) ?? null,
    extra: (spec.extra as Json | undefined) ?? null,
    columns: spec.columns?.map((c) => ({
      name: c.name,
      verbose_name: orNull(c.verbose_name),
      description: orNull(c.description),
      expression: orNull(c.expression),
      groupby: c.groupby ?? true,
      filterable: c.filterable ?? true,
      is_active: c.is_active ?? true,
      python_date_format: orNull(c.python_date_format),
      advanced_data_type: orNull(c.advanced_data_type),
      extra: (c.extra as Json | undefined) ?? null,
      // Read from the source by Superset unless the YAML pins them.
      ...(c.type !== undefined ? { type: c.type } : {}),
      ...(c.is_dttm !== undefined ? { is_dttm: c.is_dttm } : {}),
    })),
    owners: nameSet(spec.owners),
    metrics: spec.metrics?.map((m) => ({
      name: m.name,
      expression: m.expression,
      verbose_name: orNull(m.verbose_name),
      description: orNull(m.description),
      metric_type: orNull(m.metric_type),
      d3format: orNull(m.d3format),
      warning_text: orNull(m.warning_text),
      currency: (m.currency as Json | undefined) ?? null,
      extra: (m.extra as Json | undefined) ?? null,
    })),
  };
}

/** Keys Superset or this tool put into chart params themselves; they say nothing the YAML manages. */
export const DERIVED_PARAM_KEYS = ['datasource', 'slice_id', 'viz_type', 'dashboards'] as const;

export function chartParams(params: Record<string, unknown> | undefined): Json {
  const out: Record<string, unknown> = { ...(params ?? {}) };
  for (const key of DERIVED_PARAM_KEYS) delete out[key];
  // No annotation layers, said or not: Superset's explore view and its chart importer write `[]`,
  // and both it and the query builder read a missing list as empty.
  if (Array.isArray(out.annotation_layers) && out.annotation_layers.length === 0)
    delete out.annotation_layers;
  return out as Json;
}

/**
 * A query context as the YAML manages it: the datasource it names (an id, different in every
 * environment) is filled in by the tool when it writes the chart, so it is not compared.
 */
export function chartQueryContext(queryContext: Record<string, unknown> | undefined): Json | undefined {
  if (queryContext === undefined) return undefined;
  const rest: Record<string, unknown> = { ...queryContext };
  delete rest.datasource;
  const formData = rest.form_data;
  if (formData !== null && typeof formData === 'object' && !Array.isArray(formData))
    rest.form_data = chartParams(formData as Record<string, unknown>);
  return rest as Json;
}

function chart(spec: ChartSpec): Attributes {
  return {
    slice_name: spec.title ?? spec.name,
    viz_type: spec.viz_type,
    dataset: spec.dataset,
    description: orNull(spec.description),
    params: chartParams(spec.params),
    query_context: chartQueryContext(spec.query_context),
    cache_timeout: spec.cache_timeout ?? null,
    certified_by: orNull(spec.certified_by),
    certification_details: orNull(spec.certification_details),
    owners: nameSet(spec.owners),
    tags: nameSet(spec.tags),
  };
}

/** json_metadata keys Superset fills in when a dashboard is saved; absent and default mean the same. */
export const DASHBOARD_METADATA_DEFAULTS: Record<string, Json> = {
  color_scheme: '',
  color_namespace: null,
  label_colors: {},
  shared_label_colors: [],
  map_label_colors: {},
  color_scheme_domain: [],
  refresh_frequency: 0,
  stagger_refresh: true,
  stagger_time: 5000,
  cross_filters_enabled: true,
  show_chart_timestamps: false,
  filter_bar_orientation: 'VERTICAL',
};

/**
 * Colours Superset's dashboard page computes from the scheme and the data, and saves by itself
 * whenever an owner opens the dashboard (PUT .../colors?mark_updated=false, without touching
 * changed_on). They are compared only when the YAML sets them.
 */
export const COMPUTED_COLOR_KEYS = [
  'color_scheme_domain',
  'shared_label_colors',
  'map_label_colors',
] as const;

/**
 * Settings that name charts (cross-filter scopes, timed-refresh exceptions, expanded charts). Superset
 * fills some in when a dashboard is saved in its UI, so they too are compared only when the YAML sets them.
 */
export const CHART_REF_KEYS = [
  'chart_configuration',
  'global_chart_configuration',
  'timed_refresh_immune_slices',
  'expanded_slices',
] as const;

export function dashboardMetadata(metadata: Record<string, unknown> | undefined): Json {
  const out: Record<string, Json> = {};
  for (const [key, fallback] of Object.entries(DASHBOARD_METADATA_DEFAULTS)) {
    if ((COMPUTED_COLOR_KEYS as readonly string[]).includes(key)) continue;
    out[key] = (metadata?.[key] as Json | undefined) ?? fallback;
  }
  return out;
}

/** The computed colours, one attribute each: `undefined` (not managed) unless the YAML sets one that is not empty. */
function computedColors(metadata: Record<string, unknown> | undefined): Attributes {
  const set = (v: unknown): Json | undefined =>
    v === null || v === undefined || (typeof v === 'object' && Object.keys(v).length === 0)
      ? undefined
      : (v as Json);
  return Object.fromEntries(
    [...COMPUTED_COLOR_KEYS, ...CHART_REF_KEYS].map((key) => [key, set(metadata?.[key])]),
  );
}

function dashboard(
  spec: DashboardSpec,
  layoutNormalizer: (s: DashboardSpec) => { layout: Json; filters: Json },
): Attributes {
  const { layout, filters } = layoutNormalizer(spec);
  return {
    dashboard_title: spec.title,
    slug: orNull(spec.slug),
    published: spec.published ?? false,
    css: orNull(spec.css),
    certified_by: orNull(spec.certified_by),
    certification_details: orNull(spec.certification_details),
    layout,
    native_filters: filters,
    metadata: dashboardMetadata(spec.metadata),
    ...computedColors(spec.metadata),
    owners: nameSet(spec.owners),
    roles: nameSet(spec.roles),
    tags: nameSet(spec.tags),
    theme: spec.theme,
  };
}

function cssTemplate(spec: CssTemplateSpec): Attributes {
  return { template_name: spec.name, css: spec.css };
}

/** The configuration as JSON: compared key by key, so order and formatting do not count. */
function theme(spec: ThemeSpec): Attributes {
  return { theme_name: spec.name, config: spec.config as Json };
}

function savedQuery(spec: SavedQuerySpec): Attributes {
  return {
    label: spec.name,
    database: spec.database,
    catalog: spec.catalog ?? null,
    schema: orNull(spec.schema),
    sql: normalizeSql(spec.sql),
    description: orNull(spec.description),
    tags: nameSet(spec.tags),
  };
}

function rowLevelSecurity(spec: RowLevelSecuritySpec): Attributes {
  return {
    name: spec.name,
    filter_type: spec.filter_type,
    tables: nameSet(spec.tables),
    roles: nameSet(spec.roles),
    clause: normalizeSql(spec.clause),
    group_key: orNull(spec.group_key),
    description: orNull(spec.description),
  };
}

/** Superset's defaults for a report's settings: a missing YAML value compares as these. */
export const REPORT_DEFAULTS = {
  timezone: 'UTC',
  format: 'PNG',
  active: true,
  grace_period: 14400,
  working_timeout: 3600,
  log_retention: 90,
} as const;

function report(spec: ReportSpec): Attributes {
  const alert = spec.type === 'Alert';
  return {
    name: spec.name,
    type: spec.type,
    description: orNull(spec.description),
    // Optional chaining: import's compaction asks what the attributes are without each field.
    crontab: spec.crontab?.trim().replace(/\s+/g, ' '),
    timezone: spec.timezone ?? REPORT_DEFAULTS.timezone,
    chart: spec.chart ?? null,
    dashboard: spec.dashboard ?? null,
    format: spec.format ?? REPORT_DEFAULTS.format,
    // Superset keeps recipients as rows of their own, in no order of ours.
    recipients: [...(spec.recipients ?? [])]
      .map((r) => ({ type: r.type, target: r.target }))
      .sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b))),
    active: spec.active ?? REPORT_DEFAULTS.active,
    grace_period: spec.grace_period ?? REPORT_DEFAULTS.grace_period,
    working_timeout: spec.working_timeout ?? REPORT_DEFAULTS.working_timeout,
    log_retention: spec.log_retention ?? REPORT_DEFAULTS.log_retention,
    database: alert ? (spec.database ?? null) : undefined,
    sql: alert ? normalizeSql(spec.sql) : undefined,
    validator: alert ? (spec.validator ?? null) : undefined,
  };
}

export interface AttributeOptions {
  /** Puts a dashboard's layout and filters into the comparable form (defaults filled). */
  normalizeDashboard: (spec: DashboardSpec) => { layout: Json; filters: Json };
  /**
   * The environment marks objects as managed externally (`mark_managed`): desired objects then also
   * want `is_managed_externally: true` (see desiredEntry). Without it nothing changes, hashes included.
   */
  markManaged?: boolean;
}

export function attributesOf<K extends ObjectKind>(
  kind: K,
  spec: SpecByKind[K],
  options: AttributeOptions,
): Attributes {
  switch (kind) {
    case 'database':
      return database(spec as DatabaseSpec);
    case 'dataset':
      return dataset(spec as DatasetSpec);
    case 'chart':
      return chart(spec as ChartSpec);
    case 'dashboard':
      return dashboard(spec as DashboardSpec, options.normalizeDashboard);
    case 'css_template':
      return cssTemplate(spec as CssTemplateSpec);
    case 'theme':
      return theme(spec as ThemeSpec);
    case 'saved_query':
      return savedQuery(spec as SavedQuerySpec);
    case 'row_level_security':
      return rowLevelSecurity(spec as RowLevelSecuritySpec);
    case 'role':
      return { name: spec.name, permissions: nameSet((spec as RoleSpec).permissions) };
    default:
      return report(spec as ReportSpec);
  }
}
