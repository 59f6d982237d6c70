// What differs between the kinds on the REST API.

import { OBJECT_KINDS } from '../schema/index.js';
import type { SupersetKind } from './port.js';

export interface KindSpec {
  /** Base path, with the trailing slash Superset's list/create routes want. */
  base: string;
  /** The list column holding the object's name. */
  nameColumn: string;
  /** Columns a list selects: selecting few makes a 100-row page ~5x faster (notes §7). */
  listColumns: string[];
  /**
   * Databases and saved queries return a naive `changed_on`; datasets, charts and dashboards offer
   * `changed_on_utc`. CSS templates, RLS rules and roles list none (only `changed_on_delta_humanized`,
   * or nothing), and a report's is not trusted (kinds.ts `report`): null.
   */
  changedOnColumn: 'changed_on' | 'changed_on_utc' | null;
  /**
   * Superset keeps no uuid for the kind: the listing derives one from the name (NAMED_KINDS), and the
   * list columns say nothing of `uuid`.
   */
  named?: boolean;
  /** Databases allow page_size -1 (everything in one page); FAB caps the others at 100. */
  pageSize: number;
  /** A sortable column (FAB adds the primary key as tie-breaker, so pages do not overlap). */
  orderColumn: string;
}

const CHANGED_BY = ['changed_by.first_name', 'changed_by.last_name'];

function spec(
  kind: SupersetKind,
  nameColumn: string,
  changedOn: 'changed_on' | 'changed_on_utc',
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

/**
 * A kind Superset keeps no uuid for. Without a `changed_on` column, its content columns are listed
 * instead: the watch agent compares them from poll to poll (list-row.ts `stamp`).
 */
function named(
  base: string,
  nameColumn: string,
  changedOn: 'changed_on' | null,
  content: string[],
): KindSpec {
  return {
    base: `/api/v1/${base}/`,
    nameColumn,
    listColumns: ['id', nameColumn, ...(changedOn ? [changedOn] : []), ...CHANGED_BY, ...content],
    changedOnColumn: changedOn,
    named: true,
    pageSize: 100,
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
  css_template: named('css_template', 'template_name', null, ['css']),
  // Superset 6.0 on. Its list has no changed_on (only changed_on_delta_humanized); `is_system` marks
  // Superset's own themes, which the client leaves out of every listing (client.ts list).
  theme: named('theme', 'theme_name', null, ['json_data', 'is_system']),
  // Superset lists a saved query only to the user who saved it (its SavedQueryFilter).
  // Its GET has no tags: the list has them (read-live.ts withListFields).
  saved_query: named('saved_query', 'label', 'changed_on', ['tags.name', 'tags.type']),
  // The list has no description: an edit of only that is seen by a plan (it reads every rule), not a poll.
  row_level_security: named('rowlevelsecurity', 'name', null, [
    'filter_type',
    'tables.id',
    'roles.id',
    'clause',
    'group_key',
  ]),
  // FAB's roles: no changed_on, and the permissions are read with each role (client.ts).
  role: {
    base: '/api/v1/security/roles/',
    nameColumn: 'name',
    listColumns: ['id', 'name'],
    changedOnColumn: null,
    named: true,
    pageSize: 100,
    orderColumn: 'name',
  },
  // A report's changed_on stays when only its recipients (rows of their own) change: none is trusted.
  report: named('report', 'name', null, [
    'type',
    'active',
    'crontab',
    'timezone',
    'description',
    'chart_id',
    'dashboard_id',
    'recipients.id',
    'recipients.type',
  ]),
};

export const SUPERSET_KINDS: readonly SupersetKind[] = OBJECT_KINDS;

/** The name field in a create/update body, for error messages. */
export function nameInBody(kind: SupersetKind, body: Record<string, unknown>): string | undefined {
  const v = body[KINDS[kind].nameColumn];
  return typeof v === 'string' ? v : undefined;
}
