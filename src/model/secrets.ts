// What counts as a secret, in one place: key names that hold credentials, and the places in a
// connection URI where a password or token can hide. Pure: the validator, the planner and the
// apply step all ask these questions the same way.
import type { PathSegment } from './problem.js';

/**
 * Key names (case-insensitive, `-` read as `_`) that hold credentials, matched as the whole key or
 * as its last words: `password`, `db_password`, `client_secret`, `aws_secret_access_key`,
 * `private_key_passphrase`, `credentials_info`, `access_token`, `api_key`...
 */
const SECRET_KEY =
  /(^|_)(password|passwd|pwd|pass|passphrase|secret|secret_key|secret_access_key|token|access_token|refresh_token|auth_token|id_token|private_key|privatekey|private_key_body|privatekey_body|private_key_password|private_key_passphrase|privatekey_pass|key_password|credentials|credentials_info|credentials_json|access_key|access_key_id|api_key|apikey|client_secret|sas_token|account_key|service_account_info|keyfile_dict)$/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/-/g, '_'));
}

/** Where in a URI a secret sits. */
export interface UriSecret {
  where: 'userinfo' | 'query';
  /** The query parameter's name, for `query`. */
  param?: string;
  /** Superset's own mask (XXXXXXXXXX), as its exports write it. */
  masked: boolean;
}

const USERINFO_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:?#]*:([^@/?#]*)@/;

/** Passwords and tokens written into a connection URI: in the user info, or as query parameters. */
export function uriSecrets(uri: string): UriSecret[] {
  const found: UriSecret[] = [];
  const password = USERINFO_PASSWORD.exec(uri)?.[1];
  if (password !== undefined && password !== '') {
    found.push({ where: 'userinfo', masked: /^X+$/.test(password) });
  }
  const query = /\?([^#]*)/.exec(uri)?.[1];
  if (query) {
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
      const value = eq < 0 ? '' : pair.slice(eq + 1);
      if (value !== '' && isSecretKey(name)) {
        found.push({ where: 'query', param: name, masked: /^X+$/.test(value) });
      }
    }
  }
  return found;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** A string value stored under a secret-named key somewhere inside a JSON value. */
export interface SecretLeaf {
  path: PathSegment[];
  key: string;
  value: unknown;
}

/**
 * Every non-empty value under a secret-named key, at any depth (a secret-named key holding an
 * object counts once, at that key: BigQuery's `credentials_info` is a whole object).
 */
export function secretLeaves(value: unknown, path: PathSegment[] = []): SecretLeaf[] {
  const out: SecretLeaf[] = [];
  const visit = (v: unknown, at: PathSegment[]) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => visit(x, [...at, i]));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (isSecretKey(k) && !isEmptyValue(x)) out.push({ path: [...at, k], key: k, value: x });
      else visit(x, [...at, k]);
    }
  };
  visit(value, path);
  return out;
}

function isEmptyValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Every string inside a JSON value, with its path. */
export function stringLeaves(
  value: unknown,
  path: PathSegment[] = [],
): { path: PathSegment[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      stringLeaves(v, [...path, k]),
    );
  }
  return [];
}

/** `${env.NAME}` (with an optional `:-default`) and nothing else. */
export const WHOLE_ENV_REF = /^\$\{env\.[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/;

/** The secret fields of a database that the tool sends to Superset: each read from `${env.*}` only. */
export const DATABASE_SECRET_FIELDS = [
  'password',
  'masked_encrypted_extra',
  'ssh_tunnel.password',
  'ssh_tunnel.private_key',
  'ssh_tunnel.private_key_password',
] as const;

export type DatabaseSecretField = (typeof DATABASE_SECRET_FIELDS)[number];
