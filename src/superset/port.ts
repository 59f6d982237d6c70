// The Superset port: the only surface the sync engine sees. `client.ts` implements it over HTTP;
// tests and planners may implement it in memory.

import type { ObjectKind } from '../schema/index.js';
import type { Capabilities } from './capabilities.js';

export type SupersetKind = ObjectKind;

export interface ListedObject {
  id: number;
  uuid: string;
  /** database_name | table_name | slice_name | dashboard_title */
  name: string;
  /** ISO-8601 UTC (changed_on_utc; databases: their naive changed_on taken as UTC). */
  changedOn: string | null;
  /** Display name when Superset knows it. */
  changedBy: string | null;
  /**
   * For a kind whose list has no `changed_on` (CSS templates, row-level security rules): a hash of
   * the listed content, which a poll compares instead.
   */
  stamp?: string;
  /** The list row as returned. */
  raw: Record<string, unknown>;
}

/** Superset's users and roles: owners and dashboard roles are written by id and named in YAML. */
export interface Principals {
  users: { id: number; username: string }[];
  roles: { id: number; name: string }[];
}

/** An object's owners and (dashboards) roles, by id, as a list row has them. */
export interface AccessRow {
  id: number;
  owners: number[];
  roles?: number[];
  /** A chart's, dashboard's or saved query's custom tags, by name. */
  tags?: string[];
}

export interface CallCounts {
  list: number;
  get: number;
  write: number;
}

/** How a write is sent: `fence` runs just before each attempt (retries too) and may stop it by throwing. */
export interface WriteOptions {
  fence?: () => Promise<void>;
}

export interface SupersetPort {
  /** Every page; selects only the columns it needs (fast). */
  list(kind: SupersetKind): Promise<ListedObject[]>;
  /** Full object: database = GET /database/<id>/connection; dataset/chart/dashboard = GET /<kind>/<id> `result`. */
  get(kind: SupersetKind, id: number): Promise<Record<string, unknown>>;
  create(
    kind: SupersetKind,
    body: Record<string, unknown>,
    options?: WriteOptions,
  ): Promise<{ id: number; result: Record<string, unknown> }>;
  update(
    kind: SupersetKind,
    id: number,
    body: Record<string, unknown>,
    options?: WriteOptions,
  ): Promise<Record<string, unknown>>;
  remove(kind: SupersetKind, id: number, options?: WriteOptions): Promise<void>;
  /** GET /api/v1/chart/<id>/data/ */
  chartData(
    chartId: number,
  ): Promise<{ rowcount: number; colnames: string[]; data: Record<string, unknown>[] }[]>;
  /** Zip: /api/v1/assets/export/ or /api/v1/<kind>/export/?q=!(ids) */
  exportBundle(kind: SupersetKind | 'assets', ids?: number[]): Promise<Buffer>;
  /** POST /api/v1/assets/import/ (field `bundle`) */
  importBundle(
    zip: Buffer,
    options: { passwords?: Record<string, string>; overwrite?: boolean; sparse?: boolean } & WriteOptions,
  ): Promise<void>;
  /**
   * Objects changed after `since` (ISO UTC), newest first, and how many the kind has in all: what a
   * poll needs, in one list call unless more than a page changed.
   */
  listChangedSince(
    kind: SupersetKind,
    since: string | null,
    /** Stop reading pages once this many rows are in (the caller lists in full instead). */
    maxRows?: number,
    /** Rows the caller knows to be after `since` (kept from its last listing): their pages are read at once. */
    expectedRows?: number,
  ): Promise<{ count: number; rows: ListedObject[] }>;
  /** Names of the tables and views in a schema of a database, read fresh (`force`). */
  tables?(databaseId: number, schema: string): Promise<string[]>;
  /**
   * Every user (id, username) and role (id, name), from the security API
   * (`/api/v1/security/users/`, `/api/v1/security/roles/`; admin only, on with FAB_ADD_SECURITY_API).
   * Read only when YAML names owners or roles, or by an import. Absent in ports without users (fakes).
   */
  principals?(): Promise<Principals>;
  /**
   * Every object of a kind with its owners' ids (and a dashboard's roles' ids). Superset does not move
   * `changed_on` when only a dataset's or dashboard's owners or roles change, so a plan that manages
   * them compares these instead of trusting `changed_on`.
   */
  listAccess?(kind: 'dataset' | 'chart' | 'dashboard' | 'saved_query'): Promise<AccessRow[]>;
  /**
   * Every permission on a resource Superset has, by id, named `<permission> on <resource>` (FAB's
   * /api/v1/security/permissions-resources/): what a role's permissions are written by.
   */
  permissions?(): Promise<{ id: number; name: string }[]>;
  /** Superset's custom tags (its own `owner:` and `type:` tags left out). */
  tags?(): Promise<{ id: number; name: string }[]>;
  /** Makes a custom tag (POST /api/v1/tag/, which answers without the id) and returns its id. */
  createTag?(name: string, options?: WriteOptions): Promise<number>;
  /**
   * Tags a saved query (its PUT takes no tags) through the tag API: one `bulk_create` POST adds every
   * tag to add (made when missing), one DELETE per tag takes one off.
   */
  retag?(
    kind: 'saved_query',
    id: number,
    change: { add: readonly string[]; remove: readonly string[] },
    options?: WriteOptions,
  ): Promise<void>;
  /** What the server takes (learned once per run); absent in ports that do not know (fakes). */
  capabilities?(): Promise<Capabilities>;
  /**
   * Starts what the first write waits for (the server's version, a CSRF token) without waiting for
   * it: called when writes are likely, so those requests overlap the reads before them. A failure
   * here is not kept; the write asks again.
   */
  warmWrites?(): void;
  /** Counters for benchmarks and tests. */
  readonly calls: CallCounts;
}
