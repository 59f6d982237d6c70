// What differs between the four kinds on the REST API.

import type { SupersetKind } from './port.js';

export interface KindSpec {
  /** Base path, with the trailing slash Superset's list/create routes want. */
  base: string;
  /** The list column holding the object's name. */
  nameColumn: string;
  /** Columns a list selects: selecting few makes a 100-row page ~5x faster (notes §7). */
  listColumns: string[];
  /** Databases return a naive `changed_on`; the others offer `changed_on_utc`. */
  changedOnColumn: 'changed_on' | 'changed_on_utc';
  /** Databases allow page_size -1 (everything in one page); FAB caps the others at 100. */
  pageSize: number;
  /** A sortable column (FAB adds the primary key as tie-breaker, so pages do not overlap). */
  orderColumn: string;
}

const CHANGED_BY = ['changed_by.first_name', 'changed_by.last_name'];

function spec(
  kind: SupersetKind,
  nameColumn: string,
  changedOn: KindSpec['changedOnColumn'],
  pageSize: number,
  extra: string[] = [],
): KindSpec {
  return {
    base: `/api/v1/${kind}/`,
    nameColumn,
    listColumns: ['id', 'uuid', nameColumn, changedOn, ...CHANGED_BY, ...extra],
    changedOnColumn: changedOn,
    pageSize,
    orderColumn: nameColumn,
  };
}

export const KINDS: Record<SupersetKind, KindSpec> = {
  database: spec('database', 'database_name', 'changed_on', -1),
  dataset: spec('dataset', 'table_name', 'changed_on_utc', 100),
  // A chart's GET on Superset 4.1 and 5.0 has neither its uuid nor its dataset: the list has both.
  chart: spec('chart', 'slice_name', 'changed_on_utc', 100, ['datasource_id', 'datasource_type']),
  // The slug: a bulk create must know which slugs are taken (the import takes over their dashboard).
  dashboard: spec('dashboard', 'dashboard_title', 'changed_on_utc', 100, ['slug']),
};

export const SUPERSET_KINDS: readonly SupersetKind[] = ['database', 'dataset', 'chart', 'dashboard'];

/** The name field in a create/update body, for error messages. */
export function nameInBody(kind: SupersetKind, body: Record<string, unknown>): string | undefined {
  const v = body[KINDS[kind].nameColumn];
  return typeof v === 'string' ? v : undefined;
}
