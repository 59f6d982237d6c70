// Keeps secrets out of every message and log line. The client registers each secret it handles
// (the login password, tokens, the CSRF token and cookie, passwords found in request bodies);
// `redact` replaces them, and masks the password part of any URI the way Superset does.

const MASK = 'XXXXXXXXXX';
// scheme://user:password@host  ->  scheme://user:XXXXXXXXXX@host
const URI_PASSWORD = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s/]+)(@)/g;
// Secrets shorter than this are not redacted by value: "a" would blank out every message.
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | null | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secret === MASK) return;
    this.secrets.add(secret);
    // Percent-encoded and JSON-escaped forms show up in URLs and echoed bodies.
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
  }

  /** Registers passwords found in a request body: URIs with credentials and `password`-like keys. */
  addFromBody(body: unknown, depth = 0): void {
    if (depth > 6 || body === null || body === undefined) return;
    if (typeof body === 'string') {
      for (const m of body.matchAll(URI_PASSWORD)) this.addUriPassword(m[2]);
      // `extra` and `masked_encrypted_extra` are JSON strings that may hold credentials.
      if (/^\s*\{/.test(body)) {
        try {
          this.addFromBody(JSON.parse(body), depth + 1);
        } catch {
          // not JSON after all
        }
      }
      return;
    }
    if (Array.isArray(body)) {
      for (const item of body) this.addFromBody(item, depth + 1);
      return;
    }
    if (typeof body === 'object') {
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
        if (typeof value === 'string' && /password|secret|token|private_key/i.test(key)) this.add(value);
        else this.addFromBody(value, depth + 1);
      }
    }
  }

  private addUriPassword(encoded: string | undefined): void {
    if (encoded === undefined) return;
    this.add(encoded);
    try {
      this.add(decodeURIComponent(encoded));
    } catch {
      // not valid percent-encoding: the raw form is registered already
    }
  }

  redact(text: string): string {
    let out = text.replace(URI_PASSWORD, `$1${MASK}$3`);
    // Longest first, so a secret that contains another is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }
}
