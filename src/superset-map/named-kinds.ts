// Roles, CSS templates, saved queries, row-level security rules and reports, both ways: Superset's
// REST objects to our specs, and our specs to REST bodies. Superset keeps no uuid for them; their name
// is their identity.
import type {
  CssTemplateSpec,
  ReportSpec,
  RoleSpec,
  RowLevelSecuritySpec,
  NamedKind,
  SavedQuerySpec,
  ThemeSpec,
} from '../schema/index.js';
import type { AnySpec } from '../model/object.js';
import { REPORT_DEFAULTS } from '../plan/attributes.js';
import { customTags, type NameLookup } from './from-superset.js';
import { compact, int, str, text } from './json-field.js';

type Raw = Record<string, unknown>;

/** Superset's object of a kind it keeps no uuid for, as our spec. */
export function namedFromSuperset(kind: NamedKind, raw: Raw, names: NameLookup): AnySpec {
  switch (kind) {
    case 'css_template':
      return cssTemplateFromSuperset(raw);
    case 'saved_query':
      return savedQueryFromSuperset(raw, names);
    case 'row_level_security':
      return rowLevelSecurityFromSuperset(raw, names);
    case 'report':
      return reportFromSuperset(raw, names);
    case 'role':
      return roleFromSuperset(raw);
    case 'theme':
      return themeFromSuperset(raw);
  }
}

const rows = (v: unknown): Raw[] =>
  Array.isArray(v) ? v.filter((r): r is Raw => r !== null && typeof r === 'object') : [];

/** `GET /api/v1/css_template/<id>` `result` -> our spec. */
export function cssTemplateFromSuperset(raw: Raw): CssTemplateSpec {
  return { kind: 'css_template', name: text(raw.template_name), css: text(raw.css) };
}

/**
 * `GET /api/v1/saved_query/<id>` `result` -> our spec. The database by our name for it (the listing's
 * or the YAML's), else Superset's.
 */
export function savedQueryFromSuperset(raw: Raw, names: NameLookup): SavedQuerySpec {
  const database = (raw.database ?? {}) as Raw;
  const dbId = int(database.id) ?? int(raw.db_id);
  return compact({
    kind: 'saved_query' as const,
    name: text(raw.label),
    database: (dbId !== undefined ? names.databaseById?.(dbId) : undefined) ?? text(database.database_name),
    catalog: str(raw.catalog),
    schema: str(raw.schema),
    sql: text(raw.sql),
    description: str(raw.description),
    // The GET has no tags: the listing's (read-live.ts withListFields).
    tags: customTags(raw.tags),
  });
}

/**
 * `GET /api/v1/rowlevelsecurity/<id>` `result` -> our spec: tables by our dataset names (Superset's
 * table name for a dataset we have no name for), roles by name, both sorted.
 */
export function rowLevelSecurityFromSuperset(raw: Raw, names: NameLookup): RowLevelSecuritySpec {
  const tables = rows(raw.tables).map((t) => {
    const id = int(t.id);
    return (id !== undefined ? names.datasetById(id) : undefined) ?? text(t.table_name);
  });
  const roles = rows(raw.roles).map((r) => text(r.name));
  return compact({
    kind: 'row_level_security' as const,
    name: text(raw.name),
    filter_type: raw.filter_type === 'Base' ? ('Base' as const) : ('Regular' as const),
    tables: tables.sort(),
    roles: roles.sort(),
    clause: text(raw.clause),
    group_key: str(raw.group_key),
    description: str(raw.description),
  });
}

/** `GET /api/v1/theme/<id>` `result` -> our spec: `json_data` (a JSON string) as an object. */
export function themeFromSuperset(raw: Raw): ThemeSpec {
  return { kind: 'theme', name: text(raw.theme_name), config: jsonObject(raw.json_data) };
}

/** Superset takes `json_data` as a JSON string. */
export function themeBody(spec: ThemeSpec): Raw {
  return { theme_name: spec.name, json_data: JSON.stringify(spec.config) };
}

export function cssTemplateBody(spec: CssTemplateSpec): Raw {
  return { template_name: spec.name, css: spec.css };
}

export function savedQueryBody(spec: SavedQuerySpec, databaseId: number): Raw {
  return {
    label: spec.name,
    db_id: databaseId,
    catalog: spec.catalog ?? null,
    schema: spec.schema ?? null,
    sql: spec.sql,
    description: spec.description ?? '',
  };
}

/** Ids of the tables and roles come from the caller (the datasets' and roles' in this Superset). */
export function rowLevelSecurityBody(
  spec: RowLevelSecuritySpec,
  tableIds: readonly number[],
  roleIds: readonly number[],
): Raw {
  return {
    name: spec.name,
    filter_type: spec.filter_type,
    tables: [...tableIds],
    roles: [...roleIds],
    clause: spec.clause,
    group_key: spec.group_key ?? null,
    description: spec.description ?? null,
  };
}

const jsonObject = (v: unknown): Raw => {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Raw;
  if (typeof v !== 'string' || v === '') return {};
  try {
    const parsed: unknown = JSON.parse(v);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Raw) : {};
  } catch {
    return {};
  }
};

const RECIPIENT_TYPES = ['Email', 'Slack', 'SlackV2'] as const;
const OPS = ['<', '<=', '>', '>=', '==', '!='] as const;

/**
 * `GET /api/v1/report/<id>` `result` -> our spec: the chart, dashboard and database by our names for
 * them, recipients as type and target, and an alert's SQL and validator (a report's are not read).
 */
export function reportFromSuperset(raw: Raw, names: NameLookup): ReportSpec {
  const ref = (v: unknown, byId: (id: number) => string | undefined, label: string) => {
    const o = (v ?? null) as Raw | null;
    const id = o === null ? undefined : (int(o.id) ?? int(v));
    if (id === undefined) return undefined;
    return byId(id) ?? (str(o?.[label]) || `#${id}`);
  };
  const alert = raw.type === 'Alert';
  const recipients = rows(raw.recipients).map((r) => {
    // A type the YAML has no name for (6.1's Webhook) is kept as Superset says it: it then differs.
    const type = RECIPIENT_TYPES.find((t) => t === r.type) ?? (text(r.type) as 'Email');
    return { type, target: text(jsonObject(r.recipient_config_json).target) };
  });
  const config = jsonObject(raw.validator_config_json);
  const op = OPS.find((o) => o === config.op);
  const threshold = typeof config.threshold === 'number' ? config.threshold : undefined;
  const validator =
    raw.validator_type === 'not null'
      ? { type: 'not null' as const }
      : raw.validator_type === 'operator' && op !== undefined && threshold !== undefined
        ? { type: 'operator' as const, op, threshold }
        : undefined;
  const format = (['PNG', 'CSV', 'PDF', 'TEXT'] as const).find((f) => f === raw.report_format);
  return compact({
    kind: 'report' as const,
    name: text(raw.name),
    type: alert ? ('Alert' as const) : ('Report' as const),
    description: str(raw.description),
    crontab: text(raw.crontab),
    timezone: str(raw.timezone),
    chart: ref(raw.chart, (id) => names.chartById(id), 'slice_name'),
    dashboard: ref(raw.dashboard, (id) => names.dashboardById?.(id), 'dashboard_title'),
    format,
    recipients,
    active: typeof raw.active === 'boolean' ? raw.active : undefined,
    grace_period: int(raw.grace_period),
    working_timeout: int(raw.working_timeout),
    log_retention: int(raw.log_retention),
    ...(alert
      ? {
          database: ref(raw.database, (id) => names.databaseById?.(id), 'database_name'),
          sql: str(raw.sql),
          validator,
        }
      : {}),
  });
}

/** Ids of the chart, dashboard and database come from the caller. Every field is sent. */
export function reportBody(
  spec: ReportSpec,
  ids: { chart?: number; dashboard?: number; database?: number },
): Raw {
  const alert = spec.type === 'Alert';
  return {
    type: spec.type,
    name: spec.name,
    description: spec.description ?? '',
    crontab: spec.crontab,
    timezone: spec.timezone ?? REPORT_DEFAULTS.timezone,
    chart: ids.chart ?? null,
    dashboard: ids.dashboard ?? null,
    report_format: spec.format ?? REPORT_DEFAULTS.format,
    recipients: spec.recipients.map((r) => ({ type: r.type, recipient_config_json: { target: r.target } })),
    active: spec.active ?? REPORT_DEFAULTS.active,
    grace_period: spec.grace_period ?? REPORT_DEFAULTS.grace_period,
    working_timeout: spec.working_timeout ?? REPORT_DEFAULTS.working_timeout,
    log_retention: spec.log_retention ?? REPORT_DEFAULTS.log_retention,
    // Reports and alerts made in Superset's own list (not from a chart's or dashboard's menu, which
    // allows one per object: creating a second there fails).
    creation_method: 'alerts_reports',
    ...(alert
      ? {
          database: ids.database ?? null,
          sql: spec.sql ?? null,
          validator_type: spec.validator?.type ?? null,
          validator_config_json:
            spec.validator?.type === 'operator'
              ? { op: spec.validator.op, threshold: spec.validator.threshold }
              : {},
        }
      : {}),
  };
}

/** A role with its permissions, as client.ts reads it (`permissions`: FAB's role permission rows). */
export function roleFromSuperset(raw: Raw): RoleSpec {
  const permissions = rows(raw.permissions)
    .map((p) => `${text(p.permission_name)} on ${text(p.view_menu_name)}`)
    .sort();
  return { kind: 'role', name: text(raw.name), permissions: [...new Set(permissions)] };
}

/** `permission_view_menu_ids`: the ids of the role's permissions in this Superset. */
export function roleBody(spec: RoleSpec, permissionIds: readonly number[]): Raw {
  return { name: spec.name, permission_view_menu_ids: [...permissionIds] };
}
