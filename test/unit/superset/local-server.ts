// A scripted node:http server for the client's unit tests: each test answers requests itself.
// It is not a Superset stand-in; it only lets the tests observe and provoke HTTP behaviour.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The client's port: requests with the same one came on the same connection. */
  remotePort: number | undefined;
}

export type Reply = (req: Seen, res: http.ServerResponse) => void | Promise<void>;

export interface LocalServer {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

export function jwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

export function json(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export const ACCESS = jwt({ sub: '1', type: 'access', exp: Math.floor(Date.now() / 1000) + 900 });
export const REFRESH = jwt({ sub: '1', type: 'refresh', exp: Math.floor(Date.now() / 1000) + 86400 });
export const CSRF = 'csrf-token-ABCDEF0123456789';
export const SESSION = 'session-cookie-value-XYZ987';

/** Answers login and the CSRF endpoint the way Superset does; other paths go to `reply`. */
export function withAuth(reply: Reply): Reply {
  return (req, res) => {
    if (req.path === '/api/v1/security/login')
      return json(res, 200, { access_token: ACCESS, refresh_token: REFRESH });
    if (req.path === '/api/v1/security/csrf_token/') {
      return json(
        res,
        200,
        { result: CSRF },
        { 'Set-Cookie': `session=${SESSION}; HttpOnly; Path=/; SameSite=Lax` },
      );
    }
    return reply(req, res);
  };
}

export async function startServer(reply: Reply): Promise<LocalServer> {
  const seen: Seen[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const entry: Seen = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: req.socket.remotePort,
      };
      seen.push(entry);
      Promise.resolve(reply(entry, res)).catch((err: unknown) => {
        res.writeHead(599);
        res.end(String(err));
      });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, read, released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
