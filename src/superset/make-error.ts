// Builds SupersetApiErrors from what went wrong. Every string passes the Redactor: the server may
// echo a URI or a value from the request in its message.

import type { ErrorBody } from './error-body.js';
import { SupersetApiError, type RequestContext } from './errors.js';
import {
  capitalize,
  codeForStatus,
  describeObject,
  describeOperation,
  httpErrorMessage,
} from './messages.js';
import type { Redactor } from './redact.js';
import type { HttpMethod, WireFailure, WireResponse } from './transport.js';

export interface ErrorSite {
  method: HttpMethod;
  path: string;
  ctx: RequestContext;
}

export function failureError(
  site: ErrorSite,
  failure: WireFailure,
  attempts: number,
  server: { baseUrl: string; timeoutMs: number },
  redactor: Redactor,
): SupersetApiError {
  const op = describeOperation(site.ctx);
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const message =
    failure.kind === 'timeout'
      ? `Superset at ${server.baseUrl} did not answer within ${server.timeoutMs} ms while ${op}${tries}.`
      : `Cannot reach Superset at ${server.baseUrl} while ${op}${tries} (${failure.errorCode}). Is it running?`;
  return new SupersetApiError(redactor.redact(message), {
    code: failure.kind === 'timeout' ? 'timeout' : 'unreachable',
    status: 0,
    context: site.ctx,
    method: site.method,
    path: site.path,
  });
}

export function responseError(
  site: ErrorSite,
  res: WireResponse,
  body: ErrorBody,
  isJson: boolean,
  redactor: Redactor,
): SupersetApiError {
  const redirect = res.status >= 300 && res.status < 400;
  const message = redirect
    ? `Superset redirected ${site.method} ${site.path} to ${String(res.headers.location ?? '?').split('?')[0]} ` +
      `while ${describeOperation(site.ctx)} (HTTP ${res.status}).`
    : httpErrorMessage(site, res.status, body, isJson);
  const fields: Record<string, string[]> = {};
  for (const [field, problems] of Object.entries(body.fields)) {
    fields[field] = problems.map((p) => redactor.redact(p));
  }
  return new SupersetApiError(redactor.redact(capitalize(message)), {
    code: codeForStatus(res.status),
    status: res.status,
    context: site.ctx,
    method: site.method,
    path: site.path,
    fields,
    serverMessage: body.message === null ? null : redactor.redact(body.message),
    errorType: body.errorType,
  });
}

export function badResponseError(
  site: ErrorSite,
  status: number,
  what: string,
  redactor: Redactor,
): SupersetApiError {
  const message = `Superset gave an unexpected answer while ${describeOperation(site.ctx)}: ${what}.`;
  return new SupersetApiError(redactor.redact(message), {
    code: 'bad-response',
    status,
    context: site.ctx,
    method: site.method,
    path: site.path,
  });
}

/** A 2xx answer that still means "no such object" (see the database /connection quirk). */
export function emptyResultError(site: ErrorSite, status: number, redactor: Redactor): SupersetApiError {
  const what = describeOperation(site.ctx);
  const message =
    `Superset has no ${describeObject(site.ctx)}: ${site.method} ${site.path} answered ${status} with an empty ` +
    `result while ${what} (Superset 6.1.0 does that for a missing database id).`;
  return new SupersetApiError(redactor.redact(message), {
    code: 'not-found',
    status,
    context: site.ctx,
    method: site.method,
    path: site.path,
  });
}

/** An error for a request this client refuses to send. */
export function refusal(site: ErrorSite, message: string): SupersetApiError {
  return new SupersetApiError(message, {
    code: 'unsupported',
    status: 0,
    context: site.ctx,
    method: site.method,
    path: site.path,
  });
}
