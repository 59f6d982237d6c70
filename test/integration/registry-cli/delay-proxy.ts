// A small HTTP proxy in front of the real Superset that makes an apply slow on purpose: every request
// waits `delayMs` before it is forwarded, and writes can be held until the test lets them go. A
// request whose client went away while it waited (kill -9) is never forwarded.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldWrite {
  method: string;
  url: string;
  release(): void;
}

export interface DelayProxy {
  url: string;
  /** Milliseconds every request waits before it is forwarded; may be changed at any time. */
  delayMs: number;
  /** Only writes wait `delayMs`; reads go straight through. May be changed at any time. */
  writesOnly: boolean;
  /** Writes (POST/PUT/DELETE to /api/v1/<kind>/) forwarded so far. */
  writesForwarded: number;
  /** Writes dropped because their client disconnected while they waited. */
  writesDropped: number;
  /** Every write forwarded to Superset, with when (ms since the epoch): the server's access log. */
  forwarded: { method: string; url: string; at: number }[];
  /** While true, writes are answered 503 without reaching Superset (a busy or failing server). */
  failWrites: boolean;
  /** Writes answered 503 that way. */
  writesRefused: number;
  /** Hold the write after `n` more have gone through; resolves with it once it arrives. */
  holdWriteAfter(n: number): Promise<HeldWrite>;
  close(): Promise<void>;
}

const WRITE = /^\/api\/v1\/(database|dataset|chart|dashboard)\//;

export async function startDelayProxy(
  target: string,
  delayMs = 0,
  options: { writesOnly?: boolean } = {},
): Promise<DelayProxy> {
  const upstream = new URL(target);
  let hold: { after: number; found: (held: HeldWrite) => void } | undefined;
  const isWrite = (req: http.IncomingMessage) =>
    req.method !== 'GET' && req.method !== undefined && WRITE.test(req.url ?? '');

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (!proxy.writesOnly || isWrite(req)) await new Promise((r) => setTimeout(r, proxy.delayMs));
        if (isWrite(req) && hold) {
          if (hold.after > 0) hold.after--;
          else {
            const { found } = hold;
            hold = undefined;
            await new Promise<void>((release) =>
              found({ method: req.method ?? '', url: req.url ?? '', release }),
            );
          }
        }
        if (res.destroyed || req.socket.destroyed) {
          if (isWrite(req)) proxy.writesDropped++;
          return;
        }
        if (isWrite(req) && proxy.failWrites) {
          proxy.writesRefused++;
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: 'Service Unavailable' }));
          return;
        }
        if (isWrite(req)) {
          proxy.writesForwarded++;
          proxy.forwarded.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() });
        }
        const out = http.request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on('error', (e) => {
          if (!res.headersSent) res.writeHead(502);
          res.end(String(e));
        });
        out.end(Buffer.concat(chunks));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: DelayProxy = {
    url: `http://127.0.0.1:${port}`,
    delayMs,
    writesOnly: options.writesOnly ?? false,
    writesForwarded: 0,
    writesDropped: 0,
    forwarded: [],
    failWrites: false,
    writesRefused: 0,
    holdWriteAfter: (n) => new Promise((found) => (hold = { after: n, found })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
