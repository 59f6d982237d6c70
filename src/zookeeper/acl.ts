import { createHash } from 'node:crypto';
import { PERMS, type RawAcl } from './binding.js';

export type ZkPerm = keyof typeof PERMS;

export interface ZkAcl {
  perms: ZkPerm[];
  scheme: 'digest' | 'world' | 'ip' | 'sasl' | 'auth';
  /** For digest: `user:base64(sha1("user:password"))`; for world: `anyone`. */
  id: string;
}

export interface DigestCredentials {
  user: string;
  password: string;
}

/**
 * The identity ZooKeeper's digest provider derives from `user:password`. Only this hash reaches
 * the server's ACLs; the password itself is sent once per session by add_auth and never stored.
 */
export function digestId(user: string, password: string): string {
  return `${user}:${createHash('sha1').update(`${user}:${password}`).digest('base64')}`;
}

/** Full control for the writer's digest identity, read for `reader` (default world:anyone). */
export function writerReaderAcl(writer: DigestCredentials, reader?: { digestId: string }): ZkAcl[] {
  const own: ZkAcl = { perms: ['ALL'], scheme: 'digest', id: digestId(writer.user, writer.password) };
  const read: ZkAcl = reader
    ? { perms: ['READ'], scheme: 'digest', id: reader.digestId }
    : { perms: ['READ'], scheme: 'world', id: 'anyone' };
  return [own, read];
}

/** The binding's a_set_acl maps `perms` to the native `perm` field itself. */
export function toRawAcl(acl: readonly ZkAcl[]): RawAcl[] {
  return acl.map((a) => ({
    perms: a.perms.reduce((sum, p) => sum | PERMS[p], 0),
    scheme: a.scheme,
    auth: a.id,
  }));
}

export function fromRawAcl(raw: readonly RawAcl[]): ZkAcl[] {
  return raw.map((a) => {
    const perms = a.perms === PERMS.ALL ? (['ALL'] as ZkPerm[]) : permNames(a.perms);
    return { perms, scheme: a.scheme as ZkAcl['scheme'], id: a.auth };
  });
}

function permNames(bits: number): ZkPerm[] {
  return (['READ', 'WRITE', 'CREATE', 'DELETE', 'ADMIN'] as const).filter((p) => (bits & PERMS[p]) !== 0);
}
