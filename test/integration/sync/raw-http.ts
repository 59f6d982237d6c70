// A bare Superset call for endpoints the port does not cover (what Superset's own web page sends),
// with the login, CSRF token and session cookie a write needs.
import { serviceEndpoints } from '../endpoints.js';

/**
 * fetch, sent once more when the server had closed the kept-alive socket it went out on: gunicorn
 * closes an idle connection after 2 s, Node's fetch keeps one for 4 s, and a request that meets the
 * close gets "other side closed" before Superset saw it. The tool's own client retries the same way
 * (src/superset/transport.ts); these bare calls must too.
 */
export async function fetchSuperset(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    // Only where sending twice is harmless: not a POST that makes something.
    const repeatable =
      (init?.method ?? 'GET') !== 'POST' || /\/(security\/login|test_connection\/)$/.test(url);
    if (!repeatable || (e as { cause?: { code?: unknown } }).cause?.code !== 'UND_ERR_SOCKET') throw e;
    return fetch(url, init);
  }
}

export async function supersetCall(
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  const json = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const login = await fetchSuperset(`${supersetUrl}/api/v1/security/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: supersetUser, password: supersetPassword, provider: 'db' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const auth = { ...json, Authorization: `Bearer ${token}` };
  const csrf = await fetchSuperset(`${supersetUrl}/api/v1/security/csrf_token/`, { headers: auth });
  const cookie = (csrf.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { result: csrfToken } = (await csrf.json()) as { result: string };
  const res = await fetchSuperset(`${supersetUrl}${path}`, {
    method,
    headers: { ...auth, 'X-CSRFToken': csrfToken, Cookie: cookie },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}
