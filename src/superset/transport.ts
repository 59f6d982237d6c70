// One HTTP exchange, no retries, no auth. Axios is configured never to throw for a status and
// never to follow redirects; a failure without a response becomes a WireFailure that keeps only
// the error code, so no AxiosError (which holds headers and bodies) ever leaves this file.

import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface WireRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with /api/v1/. */
  path: string;
  /** Already-encoded query string without the `?`. */
  query?: string;
  headers: Record<string, string>;
  body?: string | FormData;
  /** Ends the exchange early when aborted (the client was closed). */
  signal?: AbortSignal;
  /**
   * On a new connection, closed after it, not on one kept open from earlier requests: a long request
   * sent beside another then reaches whichever of Superset's workers is free to accept it, not the
   * worker an earlier request's connection is bound to, which may be busy with the other.
   */
  freshConnection?: boolean;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

export type FailureKind = 'timeout' | 'refused' | 'reset' | 'unreachable';

/** A request that got no HTTP response. `sent` is false when the server cannot have seen it. */
export class WireFailure extends Error {
  override readonly name = 'WireFailure';
  constructor(
    readonly kind: FailureKind,
    readonly errorCode: string,
    readonly sent: boolean,
  ) {
    super(`${kind} (${errorCode})`);
  }
}

const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_SOCKET_CLOSED', 'UND_ERR_SOCKET']);

function classify(err: unknown, timedOut: boolean): WireFailure {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code =
    typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : 'UNKNOWN';
  if (timedOut || code === 'ETIMEDOUT' || code === 'ERR_CANCELED')
    return new WireFailure('timeout', code, true);
  if (code === 'ECONNREFUSED') return new WireFailure('refused', code, false);
  if (NOT_SENT.has(code)) return new WireFailure('unreachable', code, false);
  if (RESET.has(code)) return new WireFailure('reset', code, true);
  return new WireFailure('unreachable', code, true);
}

export type Send = (req: WireRequest) => Promise<WireResponse>;

/** Agents that keep no connection open: each request of a `freshConnection` gets its own. */
const oneOff = {
  http: new http.Agent({ keepAlive: false }),
  https: new https.Agent({ keepAlive: false }),
};

export function createTransport(baseUrl: string, timeoutMs: number): Send {
  const http: AxiosInstance = axios.create({
    baseURL: baseUrl.replace(/\/+$/, ''),
    maxRedirects: 0,
    validateStatus: () => true,
    responseType: 'arraybuffer',
    // The body arrives as a Buffer; JSON is parsed by the caller, which knows what to expect.
    transformResponse: [],
    // Axios' proxy support reads env vars; Superset is addressed directly.
    proxy: false,
    // Node's http, never fetch: the bundle leaves axios' fetch adapter out (scripts/bundle-axios.mjs).
    adapter: 'http',
  });

  return async (req) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const stop = () => controller.abort();
    if (req.signal?.aborted) controller.abort();
    req.signal?.addEventListener('abort', stop, { once: true });
    const started = performance.now();
    try {
      const res = await http.request<ArrayBuffer>({
        method: req.method,
        url: req.query ? `${req.path}?${req.query}` : req.path,
        headers: req.headers,
        data: req.body,
        // No axios `timeout`: it is a socket-idle timer reported as ECONNABORTED; the signal bounds
        // the whole exchange (connect to last byte) and is reported as a timeout.
        signal: controller.signal,
        ...(req.freshConnection ? { httpAgent: oneOff.http, httpsAgent: oneOff.https } : {}),
      });
      const body = Buffer.isBuffer(res.data) ? res.data : Buffer.from(res.data ?? new ArrayBuffer(0));
      return {
        status: res.status,
        headers: { ...(res.headers as Record<string, string | string[] | undefined>) },
        body,
        ms: performance.now() - started,
      };
    } catch (err) {
      throw classify(err, timedOut);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', stop);
    }
  };
}
