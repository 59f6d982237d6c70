// createSupersetClient: the SupersetPort over Superset's REST API (axios). Wiring only; the
// moving parts live beside it: transport (one exchange), executor (auth, CSRF, retries, errors),
// auth (tokens), pagination (lists), responses (schemas), redact (secrets out of messages).

import { Auth } from './auth.js';
import { CookieJar } from './cookies.js';
import { SupersetApiError, type RequestContext } from './errors.js';
import { Executor, type ApiRequest, type ClientCalls } from './executor.js';
import { KINDS, nameInBody } from './kinds.js';
import { listAll, type ListOptions } from './pagination.js';
import type { ListedObject, SupersetKind, SupersetPort } from './port.js';
import { Redactor } from './redact.js';
import {
  ChartDataResponse,
  CreateResponse,
  CsrfResponse,
  ListResponse,
  LoginResponse,
  RefreshResponse,
  ResultResponse,
  firstMismatch,
} from './responses.js';
import { DEFAULT_RETRY } from './retry.js';
import { rison } from './rison.js';
import { createTransport, type Send, type WireResponse } from './transport.js';
import { Value } from '@sinclair/typebox/value';
import type { TSchema, Static } from '@sinclair/typebox';

export interface SupersetLogEvent {
  level: 'debug' | 'info' | 'warn';
  code: string;
  message: string;
}

export interface SupersetClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** Bound of one HTTP exchange (connect to last byte). */
  timeoutMs?: number;
  /** Retries after the first attempt. */
  maxRetries?: number;
  /** Every line is redacted before it gets here. */
  log?: (event: SupersetLogEvent) => void;
  /** First backoff step (doubles per retry, jittered); tests make it small. */
  retryBaseMs?: number;
  /** Longest Retry-After the client honours. */
  maxRetryAfterMs?: number;
  /** Replaces the axios transport (tests). */
  send?: Send;
}

export interface ChartDataResult {
  rowcount: number;
  colnames: string[];
  data: Record<string, unknown>[];
}

export interface ImportOptions {
  passwords?: Record<string, string>;
  /** The assets endpoint always overwrites; `false` is refused rather than ignored. */
  overwrite?: boolean;
  /** Let a bundle reference objects that already exist instead of carrying them (`sparse=true`). */
  sparse?: boolean;
}

/** The port plus what only the HTTP client has. */
export interface SupersetClient extends SupersetPort {
  list(kind: SupersetKind, options?: ListOptions): Promise<ListedObject[]>;
  importBundle(zip: Buffer, options: ImportOptions): Promise<void>;
  readonly calls: ClientCalls;
  readonly baseUrl: string;
}

export function createSupersetClient(options: SupersetClientOptions): SupersetClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const redactor = new Redactor();
  redactor.add(options.password);
  const calls: ClientCalls = { list: 0, get: 0, write: 0, auth: 0, retries: 0 };
  const cookies = new CookieJar();
  const sink = options.log;
  const log = (level: SupersetLogEvent['level'], code: string, message: string): void => {
    sink?.({ level, code, message: redactor.redact(message) });
  };

  const executor = new Executor({
    baseUrl,
    timeoutMs,
    send: options.send ?? createTransport(baseUrl, timeoutMs),
    retry: {
      ...DEFAULT_RETRY,
      maxRetries: options.maxRetries ?? 3,
      baseMs: options.retryBaseMs ?? DEFAULT_RETRY.baseMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
    },
    redactor,
    cookies,
    calls,
    log,
  });

  /** Checks a JSON answer against a schema. */
  function decode<S extends TSchema>(req: ApiRequest, res: WireResponse, schema: S): Static<S> {
    const body = executor.json(req, res);
    if (Value.Check(schema, body)) return body;
    const mismatch = firstMismatch(schema, body) ?? 'does not match';
    throw executor.badResponse(req, res.status, `the JSON does not have the expected shape (${mismatch})`);
  }

  /** Sends and checks the JSON answer against a schema. */
  async function call<S extends TSchema>(req: ApiRequest, schema: S): Promise<Static<S>> {
    return decode(req, await executor.request(req), schema);
  }

  const authCtx = (op: 'login' | 'refresh' | 'csrf'): RequestContext => ({ op });
  executor.attach(
    new Auth(
      {
        async login() {
          const body = await call(
            {
              method: 'POST',
              path: '/api/v1/security/login',
              json: { username: options.username, password: options.password, provider: 'db', refresh: true },
              category: 'auth',
              ctx: authCtx('login'),
              bearer: 'none',
              idempotent: true,
            },
            LoginResponse,
          );
          return { accessToken: body.access_token, refreshToken: body.refresh_token ?? null };
        },
        async refresh(token) {
          const req: ApiRequest = {
            method: 'POST',
            path: '/api/v1/security/refresh',
            category: 'auth',
            ctx: authCtx('refresh'),
            bearer: { token },
            idempotent: true,
          };
          return (await call(req, RefreshResponse)).access_token;
        },
        async csrf() {
          const req: ApiRequest = {
            method: 'GET',
            path: '/api/v1/security/csrf_token/',
            category: 'auth',
            ctx: authCtx('csrf'),
          };
          return (await call(req, CsrfResponse)).result;
        },
      },
      cookies,
      redactor,
      log,
    ),
  );

  function objectPath(kind: SupersetKind, id: number): string {
    return `${KINDS[kind].base}${id}`;
  }

  function requireId(kind: SupersetKind | 'assets', id: number, op: RequestContext['op']): void {
    if (Number.isInteger(id) && id > 0) return;
    throw new SupersetApiError(`Refused ${op} ${kind} with id ${String(id)}: ids are positive integers.`, {
      code: 'unsupported',
      status: 0,
      context: { op, kind },
      method: '-',
      path: '-',
    });
  }

  const client: SupersetClient = {
    calls,
    baseUrl,

    async list(kind, listOptions = {}) {
      return listAll(
        kind,
        (query) =>
          call(
            {
              method: 'GET',
              path: KINDS[kind].base,
              query: `q=${encodeURIComponent(query)}`,
              category: 'list',
              ctx: { op: 'list', kind },
            },
            ListResponse,
          ),
        listOptions,
        (message) => log('warn', 'superset.list.unstable', message),
      );
    },

    async get(kind, id) {
      requireId(kind, id, 'get');
      const path = kind === 'database' ? `${objectPath(kind, id)}/connection` : objectPath(kind, id);
      return (
        await call({ method: 'GET', path, category: 'get', ctx: { op: 'get', kind, id } }, ResultResponse)
      ).result;
    },

    async create(kind, body) {
      redactor.addFromBody(body);
      const ctx: RequestContext = { op: 'create', kind, name: nameInBody(kind, body) };
      const res = await call(
        { method: 'POST', path: KINDS[kind].base, json: body, category: 'write', ctx },
        CreateResponse,
      );
      return { id: res.id, result: res.result };
    },

    async update(kind, id, body) {
      requireId(kind, id, 'update');
      redactor.addFromBody(body);
      const ctx: RequestContext = { op: 'update', kind, id, name: nameInBody(kind, body) };
      return (
        await call(
          { method: 'PUT', path: objectPath(kind, id), json: body, category: 'write', ctx },
          ResultResponse,
        )
      ).result;
    },

    async remove(kind, id) {
      requireId(kind, id, 'delete');
      // A JSON content type keeps a CSRF failure a 400 instead of a 302 to the login page.
      await executor.request({
        method: 'DELETE',
        path: objectPath(kind, id),
        json: {},
        category: 'write',
        ctx: { op: 'delete', kind, id },
      });
    },

    async chartData(chartId) {
      requireId('chart', chartId, 'chart-data');
      const req: ApiRequest = {
        method: 'GET',
        path: `/api/v1/chart/${chartId}/data/`,
        category: 'get',
        ctx: { op: 'chart-data', kind: 'chart', id: chartId },
      };
      const res = await executor.request(req);
      if (res.status === 202)
        throw executor.badResponse(
          req,
          202,
          'the query runs asynchronously (GLOBAL_ASYNC_QUERIES), which this client does not follow',
        );
      return decode(req, res, ChartDataResponse).result.map(({ rowcount, colnames, data }) => ({
        rowcount,
        colnames,
        data,
      }));
    },

    async exportBundle(kind, ids) {
      let req: ApiRequest;
      if (kind === 'assets') {
        req = { method: 'GET', path: '/api/v1/assets/export/', category: 'get', ctx: { op: 'export', kind } };
      } else {
        const wanted = ids ?? (await client.list(kind)).map((o) => o.id);
        for (const id of wanted) requireId(kind, id, 'export');
        if (wanted.length === 0) {
          throw new SupersetApiError(
            `Nothing to export: Superset has no ${kind} objects${ids ? ' in the given id list' : ''}.`,
            {
              code: 'not-found',
              status: 0,
              context: { op: 'export', kind },
              method: 'GET',
              path: `${KINDS[kind].base}export/`,
            },
          );
        }
        req = {
          method: 'GET',
          path: `${KINDS[kind].base}export/`,
          query: `q=${encodeURIComponent(rison(wanted))}`,
          category: 'get',
          ctx: { op: 'export', kind },
        };
      }
      const res = await executor.request(req);
      // A zip starts with "PK\x03\x04".
      if (res.body.length < 4 || res.body.readUInt32LE(0) !== 0x04034b50)
        throw executor.badResponse(req, res.status, 'the answer is not a zip file');
      return res.body;
    },

    async importBundle(zip, importOptions) {
      const ctx: RequestContext = { op: 'import', kind: 'assets' };
      if (importOptions.overwrite === false) {
        throw new SupersetApiError(
          'Refused to import with overwrite: false: /api/v1/assets/import/ always overwrites existing objects.',
          {
            code: 'unsupported',
            status: 0,
            context: ctx,
            method: 'POST',
            path: '/api/v1/assets/import/',
          },
        );
      }
      const form = new FormData();
      form.append('bundle', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'bundle.zip');
      if (importOptions.passwords !== undefined) {
        for (const pw of Object.values(importOptions.passwords)) redactor.add(pw);
        form.append('passwords', JSON.stringify(importOptions.passwords));
      }
      if (importOptions.sparse === true) form.append('sparse', 'true');
      await executor.request({
        method: 'POST',
        path: '/api/v1/assets/import/',
        form,
        category: 'write',
        ctx,
      });
    },
  };
  return client;
}
