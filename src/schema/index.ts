import type { TSchema } from '@sinclair/typebox';
import { ChartSchema, type ChartSpec } from './chart.js';
import { CssTemplateSchema, type CssTemplateSpec } from './css-template.js';
import { DashboardSchema, type DashboardSpec } from './dashboard.js';
import { DatabaseSchema, type DatabaseSpec } from './database.js';
import { DatasetSchema, type DatasetSpec } from './dataset.js';
import { EnvironmentSchema, type EnvironmentSpec } from './environment.js';
import { ReportSchema, type ReportSpec } from './report.js';
import { RoleSchema, type RoleSpec } from './role.js';
import { RowLevelSecuritySchema, type RowLevelSecuritySpec } from './row-level-security.js';
import { SavedQuerySchema, type SavedQuerySpec } from './saved-query.js';
import { ThemeSchema, type ThemeSpec } from './theme.js';

export type {
  ChartSpec,
  CssTemplateSpec,
  DashboardSpec,
  DatabaseSpec,
  DatasetSpec,
  EnvironmentSpec,
  ReportSpec,
  RoleSpec,
  RowLevelSecuritySpec,
  SavedQuerySpec,
  ThemeSpec,
};
export type { ColumnSpec, MetricSpec } from './dataset.js';
export type { LayoutItem, NativeFilterSpec } from './dashboard.js';

/** The kinds that become Superset objects, in dependency order. */
export const OBJECT_KINDS = [
  // Roles first: dashboards and RLS rules name them.
  'role',
  'theme',
  'database',
  'dataset',
  'chart',
  'dashboard',
  'css_template',
  'saved_query',
  'row_level_security',
  'report',
] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];
/**
 * Kinds Superset keeps no uuid for (or, for themes, makes its own on create): identified by name (see
 * namedObjectFields).
 */
export const NAMED_KINDS = [
  'role',
  'theme',
  'css_template',
  'saved_query',
  'row_level_security',
  'report',
] as const;
export type NamedKind = (typeof NAMED_KINDS)[number];
export const isNamedKind = (kind: string): kind is NamedKind =>
  (NAMED_KINDS as readonly string[]).includes(kind);

export const FILE_KINDS = [...OBJECT_KINDS, 'environment'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export interface SpecByKind {
  database: DatabaseSpec;
  dataset: DatasetSpec;
  chart: ChartSpec;
  dashboard: DashboardSpec;
  css_template: CssTemplateSpec;
  saved_query: SavedQuerySpec;
  row_level_security: RowLevelSecuritySpec;
  report: ReportSpec;
  role: RoleSpec;
  theme: ThemeSpec;
  environment: EnvironmentSpec;
}

export const SCHEMAS: Record<FileKind, TSchema> = {
  database: DatabaseSchema,
  dataset: DatasetSchema,
  chart: ChartSchema,
  dashboard: DashboardSchema,
  css_template: CssTemplateSchema,
  saved_query: SavedQuerySchema,
  row_level_security: RowLevelSecuritySchema,
  report: ReportSchema,
  role: RoleSchema,
  theme: ThemeSchema,
  environment: EnvironmentSchema,
};

export const SCHEMA_BASE_URL = 'https://superset-gitops.dev/schemas/';

/** The JSON Schema document committed under schemas/ for one kind. */
export function schemaDocument(kind: FileKind): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${SCHEMA_BASE_URL}${kind}.schema.json`,
    title: `superset-gitops ${kind}`,
    ...structuredClone(SCHEMAS[kind]),
  };
}
