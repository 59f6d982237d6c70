import type { ChartSpec, DashboardSpec, DatabaseSpec, DatasetSpec } from '../schema/index.js';
import type { Principals } from '../superset/port.js';
import { databaseSettings, uriWithoutPassword } from '../plan/attributes.js';
import type { Marking } from '../model/managed.js';
import type { DatabaseSecretField } from '../model/secrets.js';
import { buildQueryContext } from './query-context.js';

type Body = Record<string, unknown>;

/** Puts the password into `scheme://user@host` at the last moment; an empty one means none. */
export function uriWithPassword(uri: string, password: string | undefined): string {
  if (password === undefined || password === '') return uriWithoutPassword(uri);
  return uriWithUserinfoPassword(uri, encodeURIComponent(password));
}

/** `scheme://user@host` -> `scheme://user:TEXT@host`; a URI without a user is returned as it is. */
export function uriWithUserinfoPassword(uri: string, text: string): string {
  return uriWithoutPassword(uri).replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:?#]*)@/,
    (_m, head: string) => `${head}:${text}@`,
  );
}

/** Secret values of a database by field, read from the environment a moment before the request. */
export type DatabaseSecrets = ReadonlyMap<DatabaseSecretField, string>;

function sshTunnelBody(spec: DatabaseSpec, secrets: DatabaseSecrets): Body | null {
  const t = spec.ssh_tunnel;
  if (!t) return null;
  const secret = (f: DatabaseSecretField) => {
    const v = secrets.get(f);
    return v === undefined || v === '' ? {} : { [f.slice('ssh_tunnel.'.length)]: v };
  };
  return {
    server_address: t.server_address,
    server_port: t.server_port,
    username: t.username,
    ...secret('ssh_tunnel.password'),
    ...secret('ssh_tunnel.private_key'),
    ...secret('ssh_tunnel.private_key_password'),
  };
}

/** Fields of a database, as POST and PUT take them. `fields` limits an update to what changed. */
export function databaseBody(
  spec: DatabaseSpec,
  uuid: string,
  secrets: DatabaseSecrets,
  fields?: Set<string>,
  marking?: Marking,
): Body {
  const settings = databaseSettings(spec);
  const encrypted = secrets.get('masked_encrypted_extra');
  const tunnel = sshTunnelBody(spec, secrets);
  const all: Body = {
    database_name: spec.name,
    sqlalchemy_uri: uriWithPassword(spec.sqlalchemy_uri, secrets.get('password')),
    ...settings,
    extra: JSON.stringify(settings.extra),
    // A removed field is cleared (an update that lists it sends null).
    ...(encrypted !== undefined || fields?.has('masked_encrypted_extra')
      ? { masked_encrypted_extra: encrypted ?? null }
      : {}),
    ...(tunnel || fields?.has('ssh_tunnel') ? { ssh_tunnel: tunnel } : {}),
    ...marking,
  };
  return fields ? withMarking(pick(all, fields), marking) : { ...all, uuid };
}

/** POST /dataset/ takes only these; the rest follows in a PUT. */
export function datasetCreateBody(
  spec: DatasetSpec,
  uuid: string,
  databaseId: number,
  marking?: Marking,
): Body {
  return {
    database: databaseId,
    table_name: spec.table_name ?? spec.name,
    ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
    ...(spec.catalog !== undefined ? { catalog: spec.catalog } : {}),
    ...(spec.sql !== undefined ? { sql: spec.sql } : {}),
    ...marking,
    uuid,
  };
}

type Raw = Record<string, unknown>;

/**
 * PUT body for a dataset. Columns and metrics are full lists in Superset's API (an item left out is
 * deleted), so existing ones are sent with their id, matched by name; fields the YAML leaves to
 * Superset (a column's type) are carried over from what it has.
 */
export function datasetUpdateBody(
  spec: DatasetSpec,
  live: Raw | undefined,
  databaseId: number,
  fields?: Set<string>,
  marking?: Marking,
): Body {
  const liveColumns = new Map(
    ((live?.columns as Raw[] | undefined) ?? []).map((c) => [String(c.column_name), c]),
  );
  const liveMetrics = new Map(
    ((live?.metrics as Raw[] | undefined) ?? []).map((m) => [String(m.metric_name), m]),
  );
  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  const all: Body = {
    database_id: databaseId,
    table_name: spec.table_name ?? spec.name,
    sql: spec.sql ?? null,
    description: spec.description ?? null,
    always_filter_main_dttm: spec.always_filter_main_dttm ?? false,
    normalize_columns: spec.normalize_columns ?? false,
    filter_select_enabled: spec.filter_select_enabled ?? true,
    fetch_values_predicate: spec.fetch_values_predicate ?? null,
    default_endpoint: spec.default_endpoint ?? null,
    currency_code_column: spec.currency_code_column ?? null,
    offset: spec.offset ?? 0,
    cache_timeout: spec.cache_timeout ?? null,
    template_params: json(spec.template_params),
    extra: json(spec.extra),
    ...(spec.main_dttm_col !== undefined ? { main_dttm_col: spec.main_dttm_col } : {}),
    ...(spec.schema !== undefined ? { schema: spec.schema } : {}),
    ...(spec.catalog !== undefined ? { catalog: spec.catalog } : {}),
    ...marking,
  };
  if (spec.columns) {
    all.columns = spec.columns.map((c) => {
      const old = liveColumns.get(c.name);
      return {
        ...(old?.id !== undefined ? { id: old.id } : {}),
        column_name: c.name,
        verbose_name: c.verbose_name ?? null,
        description: c.description ?? null,
        expression: c.expression ?? null,
        groupby: c.groupby ?? true,
        filterable: c.filterable ?? true,
        is_active: c.is_active ?? true,
        python_date_format: c.python_date_format ?? null,
        advanced_data_type: c.advanced_data_type ?? null,
        extra: json(c.extra),
        type: c.type ?? (old?.type as string | undefined) ?? null,
        is_dttm: c.is_dttm ?? (old?.is_dttm as boolean | undefined) ?? false,
      };
    });
  }
  if (spec.metrics) {
    all.metrics = spec.metrics.map((m) => {
      const old = liveMetrics.get(m.name);
      return {
        ...(old?.id !== undefined ? { id: old.id } : {}),
        metric_name: m.name,
        expression: m.expression,
        verbose_name: m.verbose_name ?? null,
        description: m.description ?? null,
        metric_type: m.metric_type ?? null,
        d3format: m.d3format ?? null,
        warning_text: m.warning_text ?? null,
        currency: m.currency ?? null,
        extra: json(m.extra),
      };
    });
  }
  if (!fields) return all;
  const body = withMarking(pick(all, fields), marking);
  // Superset resets always_filter_main_dttm to false on any PUT that leaves it out (its load_default).
  return Object.keys(body).length ? { ...body, always_filter_main_dttm: all.always_filter_main_dttm } : body;
}

/** Chart body; params carry the viz type and datasource the way Superset's UI saves them. */
export function chartBody(
  spec: ChartSpec,
  uuid: string,
  datasetId: number,
  fields?: Set<string>,
  marking?: Marking,
): Body {
  const params = { ...(spec.params ?? {}), viz_type: spec.viz_type, datasource: `${datasetId}__table` };
  const queryContext = spec.query_context
    ? withDatasource(spec.query_context, datasetId, spec.viz_type)
    : buildQueryContext(spec.viz_type, spec.params ?? {}, datasetId);
  const all: Body = {
    slice_name: spec.title ?? spec.name,
    viz_type: spec.viz_type,
    datasource_id: datasetId,
    datasource_type: 'table',
    params: JSON.stringify(params),
    query_context: JSON.stringify(queryContext),
    description: spec.description ?? null,
    cache_timeout: spec.cache_timeout ?? null,
    certified_by: spec.certified_by ?? null,
    certification_details: spec.certification_details ?? null,
    ...marking,
  };
  return fields ? withMarking(pick(all, fields), marking) : { ...all, uuid };
}

/** A query context from YAML runs against this environment's dataset, whatever id it was written with. */
function withDatasource(queryContext: Record<string, unknown>, datasetId: number, vizType: string): Body {
  const formData = queryContext.form_data;
  return {
    ...queryContext,
    datasource: { id: datasetId, type: 'table' },
    ...(formData !== null && typeof formData === 'object' && !Array.isArray(formData)
      ? { form_data: { ...formData, datasource: `${datasetId}__table`, viz_type: vizType } }
      : {}),
  };
}

/**
 * An update body with the environment's marking (mark_managed): every update that sends something
 * carries `is_managed_externally` and `external_url` (naming the commit that made this change), and an
 * update that sends nothing stays empty, so the marking never causes a write by itself. The one
 * exception is the plan's own: an object not marked yet has `is_managed_externally` among its changed
 * fields, so its update body is not empty. Creates carry the marking whole.
 */
export function withMarking(body: Body, marking: Marking | undefined): Body {
  return marking && Object.keys(body).length ? { ...body, ...marking } : body;
}

function pick(body: Body, fields: Set<string>): Body {
  return Object.fromEntries(Object.entries(body).filter(([k]) => fields.has(k)));
}

/**
 * `owners` and (dashboards) `roles` as Superset takes them, by id: on a create whatever the YAML
 * names, on an update those among `fields`. Names were checked against `principals` by the plan; one
 * missing here is an internal error, never a silent drop.
 */
export function accessFields(
  spec: DatasetSpec | ChartSpec | DashboardSpec,
  principals: Principals | undefined,
  fields?: Set<string>,
): Body {
  const out: Body = {};
  const ids = (names: readonly string[], all: readonly { id: number; label: string }[], what: string) =>
    [...new Set(names)].map((name) => {
      const found = all.find((p) => p.label === name);
      if (!found)
        throw new Error(`internal: Superset has no ${what} ${JSON.stringify(name)} (the plan checks this)`);
      return found.id;
    });
  const users = () => (principals?.users ?? []).map((u) => ({ id: u.id, label: u.username }));
  const roles = () => (principals?.roles ?? []).map((r) => ({ id: r.id, label: r.name }));
  if (spec.owners !== undefined && (!fields || fields.has('owners')))
    out.owners = ids(spec.owners, users(), 'user');
  const dashboardRoles = 'roles' in spec ? spec.roles : undefined;
  if (dashboardRoles !== undefined && (!fields || fields.has('roles')))
    out.roles = ids(dashboardRoles, roles(), 'role');
  return out;
}
