// When and how long to wait before trying a request again.
//   - 5xx, timeouts and connection resets: only idempotent methods (GET, PUT, DELETE); a POST may
//     have been applied before the connection dropped.
//   - connection refused: every method, since the server never saw the request (Superset restarting).
//   - 429: every method, waiting what Retry-After asks (capped), else the backoff.

import type { HttpMethod, WireFailure } from './transport.js';

export interface RetryPolicy {
  maxRetries: number;
  /** First backoff step; doubles per attempt. */
  baseMs: number;
  /** Cap of one backoff step. */
  maxMs: number;
  /** Cap of a Retry-After wait. */
  maxRetryAfterMs: number;
  random: () => number;
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxRetries'> = {
  baseMs: 250,
  maxMs: 8_000,
  maxRetryAfterMs: 60_000,
  random: Math.random,
};

export function isIdempotent(method: HttpMethod): boolean {
  return method === 'GET' || method === 'PUT' || method === 'DELETE';
}

/** Exponential backoff with jitter: a random point in the upper half of base*2^attempt (capped). */
export function backoffMs(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs' | 'random'>): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * policy.random());
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `idempotent` is isIdempotent(method) unless the request says otherwise (login is a safe POST). */
export function shouldRetryFailure(idempotent: boolean, failure: WireFailure): boolean {
  return !failure.sent || idempotent;
}

export function shouldRetryStatus(idempotent: boolean, status: number): boolean {
  if (status === 429) return true;
  return status >= 500 && status <= 599 && status !== 501 && idempotent;
}

/** Resolves after `ms`, or at once when `signal` is aborted (its timer cleared, so it holds nothing open). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
