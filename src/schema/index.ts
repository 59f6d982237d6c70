import type { TSchema } from '@sinclair/typebox';
import { ChartSchema, type ChartSpec } from './chart.js';
import { DashboardSchema, type DashboardSpec } from './dashboard.js';
import { DatabaseSchema, type DatabaseSpec } from './database.js';
import { DatasetSchema, type DatasetSpec } from './dataset.js';
import { EnvironmentSchema, type EnvironmentSpec } from './environment.js';

export type { ChartSpec, DashboardSpec, DatabaseSpec, DatasetSpec, EnvironmentSpec };
export type { ColumnSpec, MetricSpec } from './dataset.js';
export type { LayoutItem, NativeFilterSpec } from './dashboard.js';

/** The four kinds that become Superset objects, in dependency order. */
export const OBJECT_KINDS = ['database', 'dataset', 'chart', 'dashboard'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];
export const FILE_KINDS = [...OBJECT_KINDS, 'environment'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export interface SpecByKind {
  database: DatabaseSpec;
  dataset: DatasetSpec;
  chart: ChartSpec;
  dashboard: DashboardSpec;
  environment: EnvironmentSpec;
}

export const SCHEMAS: Record<FileKind, TSchema> = {
  database: DatabaseSchema,
  dataset: DatasetSchema,
  chart: ChartSchema,
  dashboard: DashboardSchema,
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
