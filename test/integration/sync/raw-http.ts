// A bare Superset call for endpoints the port does not cover (what Superset's own web page sends),
// with the login, CSRF token and session cookie a write needs.
import { serviceEndpoints } from '../endpoints.js';

export async function supersetCall(
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  const json = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const login = await fetch(`${supersetUrl}/api/v1/security/login`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ username: supersetUser, password: supersetPassword, provider: 'db' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const auth = { ...json, Authorization: `Bearer ${token}` };
  const csrf = await fetch(`${supersetUrl}/api/v1/security/csrf_token/`, { headers: auth });
  const cookie = (csrf.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { result: csrfToken } = (await csrf.json()) as { result: string };
  const res = await fetch(`${supersetUrl}${path}`, {
    method,
    headers: { ...auth, 'X-CSRFToken': csrfToken, Cookie: cookie },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}
