// CSS templates, saved queries and row-level security rules, both ways: Superset's REST objects to
// our specs, and our specs to REST bodies. Superset keeps no uuid for them; their name is their identity.
import type { CssTemplateSpec, RowLevelSecuritySpec, SavedQuerySpec } from '../schema/index.js';
import type { NameLookup } from './from-superset.js';
import { compact, int, str, text } from './json-field.js';

type Raw = Record<string, unknown>;

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
