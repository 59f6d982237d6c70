// Plain sentences for SupersetApiError: which operation, which object, which field.

import { describeFields, type ErrorBody } from './error-body.js';
import type { RequestContext, SupersetErrorCode } from './errors.js';

const PLURAL: Record<string, string> = {
  database: 'databases',
  dataset: 'datasets',
  chart: 'charts',
  dashboard: 'dashboards',
  assets: 'assets',
};

/** `database "sales" (id 3)`, `chart 12`, `dataset "orders"`, `a dashboard`. */
export function describeObject(ctx: RequestContext): string {
  const kind = ctx.kind ?? 'object';
  if (ctx.name !== undefined && ctx.id !== undefined) return `${kind} "${ctx.name}" (id ${ctx.id})`;
  if (ctx.name !== undefined) return `${kind} "${ctx.name}"`;
  if (ctx.id !== undefined) return `${kind} ${ctx.id}`;
  return `a ${kind}`;
}

/** The operation as a gerund phrase: "creating database "sales"". */
export function describeOperation(ctx: RequestContext): string {
  switch (ctx.op) {
    case 'login':
      return 'logging in';
    case 'refresh':
      return 'refreshing the access token';
    case 'csrf':
      return 'fetching a CSRF token';
    case 'list':
      return `listing ${PLURAL[ctx.kind ?? ''] ?? 'objects'}`;
    case 'get':
      return `reading ${describeObject(ctx)}`;
    case 'create':
      return `creating ${describeObject(ctx)}`;
    case 'update':
      return `updating ${describeObject(ctx)}`;
    case 'delete':
      return `deleting ${describeObject(ctx)}`;
    case 'chart-data':
      return `reading the data of ${describeObject({ ...ctx, kind: 'chart' })}`;
    case 'export':
      return ctx.kind === 'assets'
        ? 'exporting all assets'
        : `exporting ${PLURAL[ctx.kind ?? ''] ?? 'objects'}`;
    case 'import':
      return 'importing an asset bundle';
  }
}

// /api/v1/assets/import/ turns every validation problem into the same 500 (notes §8).
const IMPORT_500_HINT =
  'The assets import reports every invalid bundle this way: check that metadata.yaml says `type: assets`, ' +
  'that every dependency is in the bundle (or import with sparse), and that each new database has its password.';

// "<Kind> could not be created." is all Superset says when the database refused the row.
const CREATE_FAILED_HINT =
  'Superset gives no reason; usually the uuid is taken already, or (datasets on a SQLite metadata ' +
  'database) another dataset has the same table_name: there it is unique across all databases.';

export function codeForStatus(status: number): SupersetErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server-error';
  return 'http-error';
}

/** The detail after the colon: the field problems, else the server's sentence. */
function detail(body: ErrorBody, fallback: string): string {
  const fields = describeFields(body.fields);
  if (fields !== '' && body.message !== null) return `${body.message} ${fields}`;
  if (fields !== '') return fields;
  return body.message ?? fallback;
}

export function httpErrorMessage(
  site: { method: string; path: string; ctx: RequestContext },
  status: number,
  body: ErrorBody,
  isJson: boolean,
): string {
  const { ctx } = site;
  const op = describeOperation(ctx);
  const fallback = isJson ? 'no details given' : 'the answer was not JSON';
  const d = detail(body, fallback);
  switch (codeForStatus(status)) {
    case 'unauthorized':
      return ctx.op === 'login'
        ? `Superset refused the login (HTTP 401): check the username and password. ${d}`
        : `Superset refused the credentials while ${op} (HTTP 401): ${d}`;
    case 'forbidden':
      return `Superset forbids ${op} for this user (HTTP 403): ${d}`;
    case 'not-found':
      return ctx.id !== undefined || ctx.name !== undefined
        ? `Superset has no ${describeObject(ctx)} (HTTP 404 on ${site.method} ${site.path}).`
        : `Superset answered 404 while ${op}: ${d}`;
    case 'invalid':
      return ctx.op === 'create' && Object.keys(body.fields).length === 0 && /could not be created/i.test(d)
        ? `Superset rejected ${op} (HTTP ${status}): ${d} ${CREATE_FAILED_HINT}`
        : `Superset rejected ${op} (HTTP ${status}): ${d}`;
    case 'rate-limited':
      return `Superset kept answering 429 Too Many Requests while ${op}; gave up after the last retry.`;
    case 'server-error':
      return ctx.op === 'import' && status === 500
        ? `Superset failed while ${op} (HTTP 500): ${d}. ${IMPORT_500_HINT}`
        : `Superset failed while ${op} (HTTP ${status}): ${d}`;
    default:
      return `Superset answered HTTP ${status} while ${op}: ${d}`;
  }
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
