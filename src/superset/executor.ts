// Runs API requests: auth headers, CSRF on writes, retries, 401 recovery, counters, logging, and
// turning every failure into a redacted SupersetApiError.

import type { Auth } from './auth.js';
import type { CookieJar } from './cookies.js';
import { parseErrorBody, type ErrorBody } from './error-body.js';
import { SupersetApiError, type RequestContext } from './errors.js';
import { capitalize, codeForStatus, describeOperation, httpErrorMessage } from './messages.js';
import type { Redactor } from './redact.js';
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
  /** Set after construction: Auth needs the executor to log in. */
  auth?: Auth;
}

export interface ParsedBody {
  json: unknown;
  isJson: boolean;
}

export function parseBody(res: WireResponse): ParsedBody {
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
  constructor(private readonly deps: ExecutorDeps) {}

  attach(auth: Auth): void {
    this.deps.auth = auth;
  }

  async request(req: ApiRequest): Promise<WireResponse> {
    const { deps } = this;
    const isWrite = req.method !== 'GET';
    const bearer = req.bearer ?? 'access';
    const idempotent = req.idempotent ?? isIdempotent(req.method);
    let attempt = 0;
    let reauthenticated = false;
    let csrfRenewed = false;
    for (;;) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      let body: string | FormData | undefined = req.form;
      if (req.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        body = JSON.stringify(req.json);
      }
      if (bearer === 'access') headers.Authorization = `Bearer ${await this.auth().accessToken()}`;
      else if (bearer !== 'none') headers.Authorization = `Bearer ${bearer.token}`;
      if (isWrite && bearer === 'access') {
        headers['X-CSRFToken'] = await this.auth().csrfToken();
        const cookie = deps.cookies.header();
        if (cookie !== undefined) headers.Cookie = cookie;
      }

      deps.calls[req.category] += 1;
      if (attempt > 0) deps.calls.retries += 1;
      let res: WireResponse;
      try {
        res = await deps.send({ method: req.method, path: req.path, query: req.query, headers, body });
      } catch (err) {
        if (!(err instanceof WireFailure)) throw err;
        if (attempt < deps.retry.maxRetries && shouldRetryFailure(idempotent, err)) {
          await this.wait(req, attempt, backoffMs(attempt, deps.retry), err.message);
          attempt += 1;
          continue;
        }
        throw this.failureError(req, err, attempt + 1);
      }
      for (const value of this.storeCookies(res)) deps.redactor.add(value);
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
        await this.auth().recover(errorBody.message);
        continue;
      }
      if (isWrite && bearer === 'access' && !csrfRenewed && isCsrfRejection(res, errorBody)) {
        csrfRenewed = true;
        deps.log(
          'info',
          'superset.auth.csrf-renew',
          `Superset rejected the CSRF token (${errorBody.message ?? res.status}); fetching a new one`,
        );
        this.auth().invalidateCsrf();
        continue;
      }
      if (attempt < deps.retry.maxRetries && shouldRetryStatus(idempotent, res.status)) {
        const asked = res.status === 429 ? parseRetryAfter(res.headers['retry-after']) : undefined;
        const ms =
          asked !== undefined ? Math.min(asked, deps.retry.maxRetryAfterMs) : backoffMs(attempt, deps.retry);
        await this.wait(req, attempt, ms, `HTTP ${res.status}`);
        attempt += 1;
        continue;
      }
      throw this.httpError(req, res, parsed.isJson, errorBody);
    }
  }

  /** Parses a 2xx JSON body; a body that is not JSON is a bad-response error. */
  json(req: ApiRequest, res: WireResponse): unknown {
    const parsed = parseBody(res);
    if (!parsed.isJson) throw this.badResponse(req, res.status, 'the answer was not JSON');
    return parsed.json;
  }

  badResponse(req: ApiRequest, status: number, what: string): SupersetApiError {
    const message = `Superset gave an unexpected answer while ${describeOperation(req.ctx)}: ${what}.`;
    return new SupersetApiError(this.deps.redactor.redact(message), {
      code: 'bad-response',
      status,
      context: req.ctx,
      method: req.method,
      path: req.path,
    });
  }

  private auth(): Auth {
    if (this.deps.auth === undefined) throw new TypeError('Executor used before its Auth was attached');
    return this.deps.auth;
  }

  private storeCookies(res: WireResponse): string[] {
    return this.deps.cookies.store(res.headers['set-cookie']);
  }

  private async wait(req: ApiRequest, attempt: number, ms: number, reason: string): Promise<void> {
    this.deps.log(
      'warn',
      'superset.retry',
      `${req.method} ${req.path} failed (${reason}); retry ${attempt + 1} of ${this.deps.retry.maxRetries} in ${ms} ms`,
    );
    await sleep(ms);
  }

  private failureError(req: ApiRequest, failure: WireFailure, attempts: number): SupersetApiError {
    const op = describeOperation(req.ctx);
    const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
    const message =
      failure.kind === 'timeout'
        ? `Superset at ${this.deps.baseUrl} did not answer within ${this.deps.timeoutMs} ms while ${op}${tries}.`
        : `Cannot reach Superset at ${this.deps.baseUrl} while ${op}${tries} (${failure.errorCode}). Is it running?`;
    return new SupersetApiError(this.deps.redactor.redact(message), {
      code: failure.kind === 'timeout' ? 'timeout' : 'unreachable',
      status: 0,
      context: req.ctx,
      method: req.method,
      path: req.path,
    });
  }

  private httpError(req: ApiRequest, res: WireResponse, isJson: boolean, body: ErrorBody): SupersetApiError {
    const { redactor } = this.deps;
    const message =
      res.status >= 300 && res.status < 400
        ? `Superset redirected ${req.method} ${req.path} to ${String(res.headers.location ?? '?').split('?')[0]} while ${describeOperation(req.ctx)} (HTTP ${res.status}).`
        : httpErrorMessage(req.ctx, res.status, body, isJson);
    const fields: Record<string, string[]> = {};
    for (const [field, problems] of Object.entries(body.fields))
      fields[field] = problems.map((p) => redactor.redact(p));
    return new SupersetApiError(redactor.redact(capitalize(message)), {
      code: codeForStatus(res.status),
      status: res.status,
      context: req.ctx,
      method: req.method,
      path: req.path,
      fields,
      serverMessage: body.message === null ? null : redactor.redact(body.message),
      errorType: body.errorType,
    });
  }
}
