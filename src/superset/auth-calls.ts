// The three auth requests over the executor. They are counted as `auth`, not as API calls.
// FAB's security API is CSRF-exempt, so none of them needs the session cookie.

import type { AuthCalls } from './auth.js';
import type { Executor } from './executor.js';
import { CsrfResponse, LoginResponse, RefreshResponse } from './responses.js';

export function authCalls(executor: Executor, username: string, password: string): AuthCalls {
  return {
    async login() {
      const body = await executor.call(
        {
          method: 'POST',
          path: '/api/v1/security/login',
          json: { username, password, provider: 'db', refresh: true },
          category: 'auth',
          ctx: { op: 'login' },
          bearer: 'none',
          // Logging in twice is harmless, so a login is retried like a GET.
          idempotent: true,
        },
        LoginResponse,
      );
      return { accessToken: body.access_token, refreshToken: body.refresh_token ?? null };
    },

    async refresh(token) {
      const body = await executor.call(
        {
          method: 'POST',
          path: '/api/v1/security/refresh',
          category: 'auth',
          ctx: { op: 'refresh' },
          bearer: { token },
          idempotent: true,
        },
        RefreshResponse,
      );
      return body.access_token;
    },

    async csrf() {
      const body = await executor.call(
        { method: 'GET', path: '/api/v1/security/csrf_token/', category: 'auth', ctx: { op: 'csrf' } },
        CsrfResponse,
      );
      return body.result;
    },
  };
}
