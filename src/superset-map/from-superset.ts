import type { ChartSpec, ColumnSpec, DatabaseSpec, DatasetSpec, MetricSpec } from '../schema/index.js';
import { chartParams, uriWithoutPassword } from '../plan/attributes.js';
import { bool, compact, int, parseJsonField, str, text } from './json-field.js';

type Raw = Record<string, unknown>;

/** Names of objects Superset knows by id or uuid; the desired tree's names win for the same uuid. */
export interface NameLookup {
  databaseByUuid(uuid: string): string | undefined;
  /** A database by Superset id (saved queries name theirs by id); absent in lookups without ids. */
  databaseById?(id: number): string | undefined;
  datasetByUuid(uuid: string): string | undefined;
  datasetById(id: number): string | undefined;
  chartById(id: number): string | undefined;
  chartByUuid(uuid: string): string | undefined;
  /** A dashboard by Superset id (reports name theirs by id); absent in lookups without ids. */
  dashboardById?(id: number): string | undefined;
  /**
   * A theme by Superset id, for an import: undefined when the theme is not imported (Superset's own
   * system themes never are). Absent in a plan's lookup, which takes the theme's name as Superset has it.
   */
  themeById?(id: number): string | undefined;
  nameFor(kind: 'database' | 'dataset' | 'chart' | 'dashboard', uuid: string, fallback: string): string;
  /**
   * A username by Superset user id. Absent when Superset's users were not read (no object manages
   * owners): owners are then not read either.
   */
  userById?: (id: number) => string | undefined;
}

/** Whether a tag's `type` is Superset's custom type (1), as a number or by name. */
export function isCustomTag(type: unknown): boolean {
  return type === 1 || type === '1' || type === 'custom' || type === 'TagType.custom';
}

/**
 * The custom tags of a GET's `tags` (`[{id, name, type}]`), by name, sorted; Superset's own tags (its
 * `owner:` and `type:` ones, made with its TAGGING_SYSTEM flag) are not ours. Superset 6.1 gives the
 * type as a number (custom = 1); a name-typed `custom` is read too. `[]` for none.
 */
export function customTags(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((t) => isCustomTag((t as Raw | null)?.type))
    .map((t) => text((t as Raw).name))
    .filter((n) => n !== '')
    .sort();
}

/**
 * `owners` of a GET (`[{id, first_name, last_name}]`) as usernames, sorted. An id Superset's user list
 * did not have reads `#<id>` (never equal to a username in YAML, so the plan shows it). `undefined`
 * when the users are not known or the GET has no owners field.
 */
export function ownersFromSuperset(raw: unknown, names: NameLookup): string[] | undefined {
  const byId = names.userById;
  if (!byId || !Array.isArray(raw)) return undefined;
  return raw
    .map((o) => {
      const id = int((o as Raw | null)?.id);
      return id === undefined ? '#?' : (byId(id) ?? `#${id}`);
    })
    .sort();
}

/** The environment variable a masked database password is expected in, e.g. WAREHOUSE_PASSWORD. */
export function passwordVariable(databaseName: string): string {
  const base = databaseName
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${/^[A-Z_]/.test(base) ? base : `DB_${base}`}_PASSWORD`;
}

/** `GET /api/v1/database/<id>/connection` -> our database spec. The masked password becomes a reference. */
export function databaseFromSuperset(raw: Raw, _names: NameLookup): DatabaseSpec {
  const uuid = String(raw.uuid);
  // The object's own name is what Superset shows (a rename there is a change); references use lookups.
  const name = String(raw.database_name);
  const uri = text(raw.sqlalchemy_uri);
  const hasPassword = uri !== uriWithoutPassword(uri);
  const extra = parseJsonField(raw.extra);
  return compact({
    kind: 'database' as const,
    name,
    uuid,
    sqlalchemy_uri: uriWithoutPassword(uri),
    password: hasPassword ? `\${env.${passwordVariable(String(raw.database_name))}}` : undefined,
    expose_in_sqllab: bool(raw.expose_in_sqllab),
    allow_run_async: bool(raw.allow_run_async),
    allow_ctas: bool(raw.allow_ctas),
    allow_cvas: bool(raw.allow_cvas),
    allow_dml: bool(raw.allow_dml),
    allow_file_upload: bool(raw.allow_file_upload),
    cache_timeout: int(raw.cache_timeout) ?? null,
    force_ctas_schema: str(raw.force_ctas_schema) ?? null,
    impersonate_user: bool(raw.impersonate_user),
    configuration_method:
      raw.configuration_method === 'dynamic_form' || raw.configuration_method === 'sqlalchemy_form'
        ? raw.configuration_method
        : undefined,
    extra,
  });
}

function columnFromSuperset(c: Raw): ColumnSpec {
  return compact({
    name: String(c.column_name),
    type: str(c.type),
    verbose_name: str(c.verbose_name),
    description: str(c.description),
    expression: str(c.expression),
    is_dttm: bool(c.is_dttm),
    groupby: bool(c.groupby),
    filterable: bool(c.filterable),
    is_active: bool(c.is_active),
    python_date_format: str(c.python_date_format),
    advanced_data_type: str(c.advanced_data_type),
    extra: parseJsonField(c.extra),
  });
}

function metricFromSuperset(m: Raw): MetricSpec {
  return compact({
    name: String(m.metric_name),
    expression: text(m.expression),
    verbose_name: str(m.verbose_name),
    description: str(m.description),
    metric_type: str(m.metric_type),
    d3format: str(m.d3format),
    warning_text: str(m.warning_text),
    currency: parseJsonField(m.currency),
    extra: parseJsonField(m.extra),
  });
}

/** `GET /api/v1/dataset/<id>` `result` -> our dataset spec (columns and metrics in full). */
export function datasetFromSuperset(raw: Raw, names: NameLookup): DatasetSpec {
  const uuid = String(raw.uuid);
  const tableName = String(raw.table_name);
  const name = names.nameFor('dataset', uuid, tableName);
  const database = (raw.database ?? {}) as Raw;
  const databaseName = names.databaseByUuid(String(database.uuid)) ?? text(database.database_name);
  return compact({
    kind: 'dataset' as const,
    name,
    uuid,
    database: databaseName,
    catalog: str(raw.catalog),
    schema: str(raw.schema),
    table_name: tableName,
    sql: str(raw.sql),
    description: str(raw.description),
    main_dttm_col: str(raw.main_dttm_col),
    always_filter_main_dttm: bool(raw.always_filter_main_dttm),
    normalize_columns: bool(raw.normalize_columns),
    filter_select_enabled: bool(raw.filter_select_enabled),
    fetch_values_predicate: str(raw.fetch_values_predicate),
    default_endpoint: str(raw.default_endpoint),
    currency_code_column: str(raw.currency_code_column),
    offset: int(raw.offset),
    cache_timeout: int(raw.cache_timeout) ?? null,
    template_params: parseJsonField(raw.template_params),
    extra: parseJsonField(raw.extra),
    columns: Array.isArray(raw.columns) ? (raw.columns as Raw[]).map(columnFromSuperset) : undefined,
    metrics: Array.isArray(raw.metrics) ? (raw.metrics as Raw[]).map(metricFromSuperset) : undefined,
    owners: ownersFromSuperset(raw.owners, names),
  });
}

/** `GET /api/v1/chart/<id>` `result` -> our chart spec. Params keep what Superset stores, minus ids. */
export function chartFromSuperset(raw: Raw, names: NameLookup): ChartSpec {
  const uuid = String(raw.uuid);
  const params = parseJsonField(raw.params) ?? {};
  const dsUuid = str(raw.datasource_uuid);
  const dsId = int(raw.datasource_id);
  const dataset =
    (dsUuid && names.datasetByUuid(dsUuid)) ??
    (dsId !== undefined ? names.datasetById(dsId) : undefined) ??
    text(raw.datasource_name_text);
  // The name is the tree's for this uuid (titles may repeat in Superset); the title is Superset's.
  const title = String(raw.slice_name);
  const name = names.nameFor('chart', uuid, title);
  return compact({
    kind: 'chart' as const,
    name,
    ...(name !== title ? { title } : {}),
    uuid,
    dataset,
    viz_type: text(raw.viz_type) || text(params.viz_type) || 'table',
    description: str(raw.description),
    params: chartParams(params) as Record<string, unknown>,
    query_context: parseJsonField(raw.query_context),
    cache_timeout: int(raw.cache_timeout) ?? null,
    certified_by: str(raw.certified_by),
    certification_details: str(raw.certification_details),
    owners: ownersFromSuperset(raw.owners, names),
    tags: customTags(raw.tags),
  });
}
