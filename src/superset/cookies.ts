// Axios in Node keeps no cookies. Superset's CSRF check needs the `session` cookie that came with
// the CSRF token, so the client keeps the few cookies it is sent, by name, and sends them back.

export class CookieJar {
  private readonly values = new Map<string, string>();

  /** Stores the cookies of a Set-Cookie header; returns the values it stored (to redact them). */
  store(setCookie: string | string[] | undefined): string[] {
    if (setCookie === undefined) return [];
    const stored: string[] = [];
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // A cookie set to empty or expired in the past is a deletion.
      if (value === '' || /;\s*max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) {
        this.values.delete(name);
      } else {
        this.values.set(name, value);
        stored.push(value);
      }
    }
    return stored;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  clear(): void {
    this.values.clear();
  }

  /** The Cookie request header, or undefined when the jar is empty. */
  header(): string | undefined {
    if (this.values.size === 0) return undefined;
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}
