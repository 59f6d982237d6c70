// Runs API requests: auth headers, CSRF on writes, retries, 401 recovery, counters, logging, and
// turning every failure into a redacted SupersetApiError.

import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Auth } from './auth.js';
import type { CookieJar } from './cookies.js';
import { parseErrorBody, type ErrorBody } from './error-body.js';
import type { RequestContext, SupersetApiError } from './errors.js';
import { badResponseError, failureError, responseError } from './make-error.js';
import type { Redactor } from './redact.js';
import { firstMismatch } from './responses.js';
import {
  backoffMs,
  isIdempotent,
  parseRetryAfter,
  shouldRetryFailure,
  shouldRetryStatus,
  sleep,
  type RetryPolicy,
} from './retry.js';
import { WireFailure, type HttpMethod, type Send, type WireResponse } from './transport.js';

export type CallCategory = 'list' | 'get' | 'write' | 'auth';

export interface ApiRequest {
  method: HttpMethod;
  path: string;
  query?: string;
  json?: unknown;
  form?: FormData;
  category: CallCategory;
  ctx: RequestContext;
  /** Which token goes in Authorization: the access token (default), a given token, or none. */
  bearer?: 'access' | { token: string } | 'none';
  /** Overrides the method's idempotency for retries (a login POST is safe to repeat). */
  idempotent?: boolean;
  /** Runs just before every attempt is sent, retries included; throwing stops the request there. */
  fence?: () => Promise<void>;
  /** Sent on a connection of its own (see WireRequest). */
  freshConnection?: boolean;
}

export interface ClientCalls {
  list: number;
  get: number;
  write: number;
  /** login, token refresh and CSRF requests */
  auth: number;
  /** requests that were a retry of an earlier attempt (also counted in their category) */
  retries: number;
}

export type LogFn = (level: 'debug' | 'info' | 'warn', code: string, message: string) => void;

export interface ExecutorDeps {
  baseUrl: string;
  timeoutMs: number;
  send: Send;
  retry: RetryPolicy;
  redactor: Redactor;
  cookies: CookieJar;
  calls: ClientCalls;
  log: LogFn;
  /** Aborted when the client is closed: requests in flight and retry waits end, new ones are refused. */
  closed?: AbortSignal;
}

/** A request made or pending when its client was closed (the run that made it gave up). */
export class ClientClosedError extends Error {
  override readonly name = 'ClientClosedError';
  constructor() {
    super('the Superset client was closed');
  }
}

export function parseBody(res: WireResponse): { json: unknown; isJson: boolean } {
  const type = String(res.headers['content-type'] ?? '');
  const text = res.body.toString('utf8');
  if (!/json/i.test(type) && !/^\s*[[{]/.test(text)) return { json: undefined, isJson: false };
  try {
    return { json: JSON.parse(text) as unknown, isJson: true };
  } catch {
    return { json: undefined, isJson: false };
  }
}

function isCsrfRejection(res: WireResponse, body: ErrorBody): boolean {
  if (res.status === 302) return /\/login/.test(String(res.headers.location ?? ''));
  return res.status === 400 && /csrf/i.test(body.message ?? '');
}

export class Executor {
  private auth: Auth | undefined;

  constructor(private readonly deps: ExecutorDeps) {}

  /** Auth needs the executor to log in, so it is attached after construction. */
  attach(auth: Auth): void {
    this.auth = auth;
  }

  /** Sends and checks the JSON answer against a schema. */
  async call<S extends TSchema>(req: ApiRequest, schema: S): Promise<Static<S>> {
    return this.decode(req, await this.request(req), schema);
  }

  /** Checks a 2xx JSON answer against a schema. */
  decode<S extends TSchema>(req: ApiRequest, res: WireResponse, schema: S): Static<S> {
    const { json, isJson } = parseBody(res);
    if (!isJson) throw this.badResponse(req, res.status, 'the answer was not JSON');
    if (Value.Check(schema, json)) return json;
    const mismatch = firstMismatch(schema, json) ?? 'does not match';
    throw this.badResponse(req, res.status, `the JSON does not have the expected shape (${mismatch})`);
  }

  badResponse(req: ApiRequest, status: number, what: string): SupersetApiError {
    return badResponseError(req, status, what, this.deps.redactor);
  }

  /** Sends until a 2xx answer, retrying what is safe to retry; throws SupersetApiError otherwise. */
  async request(req: ApiRequest): Promise<WireResponse> {
    const { deps } = this;
    const bearer = req.bearer ?? 'access';
    const idempotent = req.idempotent ?? isIdempotent(req.method);
    // Writes made with the access token need the CSRF token and its session cookie.
    const carriesSession = req.method !== 'GET' && bearer === 'access';
    let attempt = 0;
    let reauthenticated = false;
    let csrfRenewed = false;
    for (;;) {
      const headers = await this.headers(req, bearer, carriesSession);
      deps.calls[req.category] += 1;
      if (attempt > 0) deps.calls.retries += 1;
      // The apply lock (and deadline) checked at the last moment, for each attempt.
      if (req.fence) await req.fence();
      if (deps.closed?.aborted) throw new ClientClosedError();
      let res: WireResponse;
      try {
        res = await deps.send({
          method: req.method,
          path: req.path,
          query: req.query,
          headers,
          body: this.body(req),
          ...(deps.closed ? { signal: deps.closed } : {}),
          ...(req.freshConnection ? { freshConnection: true } : {}),
        });
      } catch (err) {
        if (deps.closed?.aborted) throw new ClientClosedError();
        if (!(err instanceof WireFailure)) throw err;
        if (attempt < deps.retry.maxRetries && shouldRetryFailure(idempotent, err)) {
          await this.wait(req, attempt, backoffMs(attempt, deps.retry), err.message);
          attempt += 1;
          continue;
        }
        throw failureError(req, err, attempt + 1, deps, deps.redactor);
      }
      // Only the CSRF fetch and requests that carried the session may change it: a cookieless GET
      // is answered with a fresh session cookie ({"locale":"en"}) that lacks the CSRF secret.
      if (carriesSession || req.ctx.op === 'csrf') {
        for (const value of deps.cookies.store(res.headers['set-cookie'])) deps.redactor.add(value);
      }
      deps.log(
        'debug',
        'superset.http',
        `${req.method} ${req.path} -> ${res.status} in ${res.ms.toFixed(1)} ms`,
      );
      if (res.status >= 200 && res.status < 300) return res;

      const parsed = parseBody(res);
      const errorBody = parseErrorBody(parsed.json);
      if (res.status === 401 && bearer === 'access' && !reauthenticated) {
        reauthenticated = true;
        await this.requireAuth().recover(errorBody.message);
        continue;
      }
      if (carriesSession && !csrfRenewed && isCsrfRejection(res, errorBody)) {
        csrfRenewed = true;
        const why = errorBody.message ?? `HTTP ${res.status}`;
        deps.log(
          'info',
          'superset.auth.csrf-renew',
          `Superset rejected the CSRF token (${why}); fetching a new one`,
        );
        this.requireAuth().invalidateCsrf();
        continue;
      }
      if (attempt < deps.retry.maxRetries && shouldRetryStatus(idempotent, res.status)) {
        const asked = res.status === 429 ? parseRetryAfter(res.headers['retry-after']) : undefined;
        const ms =
          asked === undefined ? backoffMs(attempt, deps.retry) : Math.min(asked, deps.retry.maxRetryAfterMs);
        await this.wait(req, attempt, ms, `HTTP ${res.status}`);
        attempt += 1;
        continue;
      }
      throw responseError(req, res, errorBody, parsed.isJson, deps.redactor);
    }
  }

  private async headers(
    req: ApiRequest,
    bearer: NonNullable<ApiRequest['bearer']>,
    carriesSession: boolean,
  ): Promise<Record<string, string>> {
    // Without `Accept: application/json` Superset turns errors into HTML 500 pages (notes §9).
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (req.json !== undefined) headers['Content-Type'] = 'application/json';
    if (bearer === 'access') headers.Authorization = `Bearer ${await this.requireAuth().accessToken()}`;
    else if (bearer !== 'none') headers.Authorization = `Bearer ${bearer.token}`;
    if (carriesSession) {
      headers['X-CSRFToken'] = await this.requireAuth().csrfToken();
      const cookie = this.deps.cookies.header();
      if (cookie !== undefined) headers.Cookie = cookie;
    }
    return headers;
  }

  private body(req: ApiRequest): string | FormData | undefined {
    return req.json === undefined ? req.form : JSON.stringify(req.json);
  }

  private requireAuth(): Auth {
    if (this.auth === undefined) throw new TypeError('Executor used before its Auth was attached');
    return this.auth;
  }

  private async wait(req: ApiRequest, attempt: number, ms: number, reason: string): Promise<void> {
    const { maxRetries } = this.deps.retry;
    this.deps.log(
      'warn',
      'superset.retry',
      `${req.method} ${req.path} failed (${reason}); retry ${attempt + 1} of ${maxRetries} in ${ms} ms`,
    );
    await sleep(ms, this.deps.closed);
    if (this.deps.closed?.aborted) throw new ClientClosedError();
  }
}
