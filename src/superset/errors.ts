// The one error type of the Superset adapter. It carries only what a caller may show or branch
// on: never a request body, a header, a token, a cookie or a password, and never the AxiosError
// (which holds all of those). Messages pass through the client's Redactor before construction.

import type { SupersetKind } from './port.js';

export type SupersetErrorCode =
  | 'unreachable' // no connection (refused, reset, DNS)
  | 'timeout' // no answer within timeoutMs
  | 'unauthorized' // 401: login failed or token refused
  | 'forbidden' // 403
  | 'not-found' // 404
  | 'invalid' // 400 / 422: the request was rejected, see `fields`
  | 'rate-limited' // 429 after the last retry
  | 'server-error' // 5xx
  | 'bad-response' // 2xx with a body that is not what the endpoint promises
  | 'unsupported' // a request this client refuses to send
  | 'http-error'; // any other status

export type SupersetOp =
  | 'login'
  | 'refresh'
  | 'csrf'
  | 'list'
  | 'get'
  | 'create'
  | 'update'
  | 'delete'
  | 'chart-data'
  | 'export'
  | 'import';

/** What a request was about, for messages: "creating database "sales"". */
export interface RequestContext {
  op: SupersetOp;
  kind?: SupersetKind | 'assets';
  id?: number;
  name?: string;
}

export interface SupersetApiErrorInit {
  code: SupersetErrorCode;
  status: number;
  context: RequestContext;
  method: string;
  path: string;
  fields?: Record<string, string[]>;
  serverMessage?: string | null;
  errorType?: string | null;
}

export class SupersetApiError extends Error {
  override readonly name = 'SupersetApiError';
  readonly code: SupersetErrorCode;
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  readonly kind: SupersetKind | 'assets' | null;
  readonly objectId: number | null;
  readonly objectName: string | null;
  readonly op: SupersetOp;
  /** Field (or bundle file) -> problems, e.g. {database_name: ["A database with the same name already exists."]}. */
  readonly fields: Record<string, string[]>;
  /** The server's own sentence(s), redacted. */
  readonly serverMessage: string | null;
  /** SIP-40 error_type, e.g. GENERIC_DB_ENGINE_ERROR. */
  readonly errorType: string | null;
  readonly method: string;
  /** Request path without the query string. */
  readonly path: string;

  constructor(message: string, init: SupersetApiErrorInit) {
    super(message);
    this.code = init.code;
    this.status = init.status;
    this.kind = init.context.kind ?? null;
    this.objectId = init.context.id ?? null;
    this.objectName = init.context.name ?? null;
    this.op = init.context.op;
    this.fields = init.fields ?? {};
    this.serverMessage = init.serverMessage ?? null;
    this.errorType = init.errorType ?? null;
    this.method = init.method;
    this.path = init.path;
  }

  /** A JSON view without the stack, for reporters. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      status: this.status,
      kind: this.kind,
      objectId: this.objectId,
      objectName: this.objectName,
      op: this.op,
      fields: this.fields,
      errorType: this.errorType,
      method: this.method,
      path: this.path,
    };
  }
}

export function isSupersetApiError(err: unknown): err is SupersetApiError {
  return err instanceof SupersetApiError;
}
