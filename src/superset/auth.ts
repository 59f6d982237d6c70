// Login, token refresh and the CSRF token. One login is shared by concurrent requests; the access
// token is refreshed shortly before it expires (and after a 401 "Token has expired"); the CSRF
// token is fetched once and renewed only when Superset rejects it.

import type { CookieJar } from './cookies.js';
import type { Redactor } from './redact.js';

/** The three auth requests; each throws SupersetApiError (the response is schema-checked by the caller). */
export interface AuthCalls {
  login(): Promise<{ accessToken: string; refreshToken: string | null }>;
  refresh(refreshToken: string): Promise<string>;
  csrf(): Promise<string>;
}
export type AuthLog = (level: 'debug' | 'info' | 'warn', code: string, message: string) => void;

// Refresh this long before the access token's `exp`, so a request does not set off with a token
// that expires in flight.
const EXPIRY_MARGIN_S = 30;

/** The `exp` claim of a JWT, in seconds, or null. The token is not verified: only Superset does that. */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp : null;
  } catch {
    return null;
  }
}

export class Auth {
  private access: string | null = null;
  private accessExp: number | null = null;
  private refreshToken: string | null = null;
  private csrf: string | null = null;
  private pendingLogin: Promise<void> | null = null;
  private pendingCsrf: Promise<string> | null = null;
  private warming: Promise<void> | null = null;

  constructor(
    private readonly calls: AuthCalls,
    private readonly cookies: CookieJar,
    private readonly redactor: Redactor,
    private readonly log: AuthLog,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {}

  /**
   * Logs in now, before the first request needs the token. That request waits for this login and
   * gets its error, if it failed (then the one after it logs in again): one attempt, not two.
   */
  warmUp(): void {
    if (this.access !== null || this.warming !== null) return;
    const pending = this.singleFlight(() => this.login());
    pending.catch(() => undefined);
    this.warming = pending;
  }

  /** A valid access token: logs in on first use, refreshes when it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.warming !== null) {
      const warming = this.warming;
      this.warming = null;
      await warming;
    }
    if (this.access !== null && (this.accessExp === null || this.accessExp - EXPIRY_MARGIN_S > this.now())) {
      return this.access;
    }
    await this.singleFlight(() => (this.access === null ? this.login() : this.refreshOrLogin()));
    return this.access ?? this.accessToken();
  }

  /** After a 401 on an API call: refresh if the token expired, else log in again. */
  async recover(serverMessage: string | null): Promise<void> {
    const expired = serverMessage !== null && /expired/i.test(serverMessage);
    this.log(
      'info',
      'superset.auth.recover',
      `Superset answered 401 (${serverMessage ?? 'no message'}); re-authenticating`,
    );
    await this.singleFlight(() => (expired ? this.refreshOrLogin() : this.login()));
  }

  async csrfToken(): Promise<string> {
    if (this.csrf !== null) return this.csrf;
    this.pendingCsrf ??= this.fetchCsrf().finally(() => {
      this.pendingCsrf = null;
    });
    return this.pendingCsrf;
  }

  invalidateCsrf(): void {
    this.csrf = null;
    this.cookies.clear();
  }

  private async singleFlight(task: () => Promise<void>): Promise<void> {
    this.pendingLogin ??= task().finally(() => {
      this.pendingLogin = null;
    });
    return this.pendingLogin;
  }

  private async login(): Promise<void> {
    const { accessToken, refreshToken } = await this.calls.login();
    this.setAccess(accessToken);
    this.refreshToken = refreshToken;
    this.redactor.add(refreshToken);
    this.log('info', 'superset.auth.login', 'logged in to Superset');
  }

  private async refreshOrLogin(): Promise<void> {
    if (this.refreshToken === null) return this.login();
    try {
      this.setAccess(await this.calls.refresh(this.refreshToken));
      this.log('debug', 'superset.auth.refresh', 'refreshed the access token');
    } catch (err) {
      this.log(
        'info',
        'superset.auth.refresh-failed',
        `token refresh failed (${(err as Error).message}); logging in again`,
      );
      this.refreshToken = null;
      await this.login();
    }
  }

  private setAccess(token: string): void {
    this.redactor.add(token);
    this.access = token;
    this.accessExp = jwtExpiry(token);
  }

  private async fetchCsrf(): Promise<string> {
    const token = await this.calls.csrf();
    this.redactor.add(token);
    this.csrf = token;
    this.log('debug', 'superset.auth.csrf', 'fetched a CSRF token');
    return token;
  }
}
