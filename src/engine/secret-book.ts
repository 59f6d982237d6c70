// Everything the tool knows about secrets at run time: the values of the `${env.*}` secret fields
// (read from the process environment, never stored), their keyed digests (what the registry keeps to
// detect a rotation), the key itself, and the screen that keeps the values out of every output.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { isLoopbackConnect, readEnvRefs, type ResolvedEnvironment } from '../environment/resolve.js';
import { SecretScreen } from '../environment/screen.js';
import { substitute } from '../model/template.js';
import type { AnyDesired } from '../model/object.js';
import type { DatabaseSecretField } from '../model/secrets.js';
import { canonicalJson } from '../model/canonical.js';
import { secretDigest } from '../registry/record-mac.js';
import { UserError } from '../errors/user-error.js';

type ProcessEnv = Record<string, string | undefined>;

/** The environment variable holding the key that signs applied records and digests secrets. */
export const RECORD_KEY_VARIABLE = 'SUPERSET_GITOPS_RECORD_KEY';

export interface RecordKey {
  key: Buffer;
  /** Where it came from: the environment variable, or the local key file (loopback registries only). */
  source: 'environment' | 'file';
  file?: string;
}

/**
 * The key: from SUPERSET_GITOPS_RECORD_KEY; for a registry on loopback without it, from a key file
 * of this machine's user (made on first use, mode 0600), so a local demo is protected by default; for
 * any other registry without it, none (then prune refuses and rotation is not detected).
 */
export function loadRecordKey(env: ResolvedEnvironment, processEnv: ProcessEnv): RecordKey | undefined {
  const fromEnv = processEnv[RECORD_KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== '') {
    if (fromEnv.length < 16) {
      throw new UserError(
        `${RECORD_KEY_VARIABLE} is too short (${fromEnv.length} characters); use at least 16 random characters, e.g. \`openssl rand -hex 32\`.`,
        'record-key',
      );
    }
    return { key: Buffer.from(fromEnv, 'utf8'), source: 'environment' };
  }
  if (!isLoopbackConnect(env.zookeeper.connect)) return undefined;
  const dir = path.join(
    processEnv.XDG_CONFIG_HOME || path.join(processEnv.HOME || homedir(), '.config'),
    'superset-gitops',
  );
  const file = path.join(dir, 'record-key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  chmodSync(file, 0o600);
  const key = readFileSync(file, 'utf8').trim();
  if (key.length < 16)
    throw new UserError(
      `The record key file ${file} is too short; delete it to make a new one.`,
      'record-key',
    );
  return { key: Buffer.from(key, 'utf8'), source: 'file', file };
}

/** Secret fields set in a database's YAML, with the text written there (`${env.NAME}` references). */
export function secretFieldsOf(obj: AnyDesired): Map<DatabaseSecretField, unknown> {
  const out = new Map<DatabaseSecretField, unknown>();
  if (obj.kind !== 'database') return out;
  const spec = obj.spec;
  if (spec.password !== undefined) out.set('password', spec.password);
  if (spec.masked_encrypted_extra !== undefined)
    out.set('masked_encrypted_extra', spec.masked_encrypted_extra);
  const tunnel = spec.ssh_tunnel;
  if (tunnel?.password !== undefined) out.set('ssh_tunnel.password', tunnel.password);
  if (tunnel?.private_key !== undefined) out.set('ssh_tunnel.private_key', tunnel.private_key);
  if (tunnel?.private_key_password !== undefined)
    out.set('ssh_tunnel.private_key_password', tunnel.private_key_password);
  return out;
}

/** Replaces `${env.*}` in every string of a JSON value. */
function resolveJson(value: unknown, env: ProcessEnv, where: string): unknown {
  if (typeof value === 'string') return readEnvRefs(value, env, where);
  if (Array.isArray(value)) return value.map((v) => resolveJson(v, env, where));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveJson(v, env, where)]));
  }
  return value;
}

/** The value of one secret field as Superset takes it (masked_encrypted_extra: a JSON document). */
function resolveField(field: DatabaseSecretField, text: unknown, env: ProcessEnv, where: string): string {
  if (field !== 'masked_encrypted_extra') return readEnvRefs(String(text), env, where);
  if (typeof text === 'string') {
    const json = readEnvRefs(text, env, where);
    try {
      const parsed: unknown = JSON.parse(json);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      return canonicalJson(parsed);
    } catch {
      // The message names the variable, never its content.
      throw new UserError(`${where}: ${text} must hold a JSON object.`, 'bad-secret');
    }
  }
  return canonicalJson(resolveJson(text, env, where));
}

/** Every `${env.NAME}` a value refers to, with its value. */
function envValues(text: unknown, env: ProcessEnv): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      substitute(
        v,
        (ref) => {
          if (ref.namespace === 'env') {
            const value = env[ref.name] ?? ref.fallback;
            if (value !== undefined) out.push({ name: ref.name, value });
          }
          return '';
        },
        () => '',
      );
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(text);
  return out;
}

export interface SecretBook {
  readonly key: RecordKey | undefined;
  readonly screen: SecretScreen;
  /** Whether the registry is on this machine (prune without a key is allowed only there). */
  readonly loopback: boolean;
  /** Values of a database's secret fields, read now; throws when a variable is not set. */
  values(obj: AnyDesired): Map<DatabaseSecretField, string>;
  /** Keyed digests of the fields whose variables are set; undefined without a key. */
  digests(obj: AnyDesired): Record<string, string> | undefined;
  /** Names of the secret fields a database sets in YAML. */
  fields(obj: AnyDesired): DatabaseSecretField[];
  /** Every secret value this run could send (for the HTTP client's redactor). */
  readonly knownValues: readonly string[];
}

/**
 * Reads every secret the tree and the environment use into `screen` (so nothing written afterwards
 * can contain one), and loads the record key.
 */
export function createSecretBook(
  env: ResolvedEnvironment,
  objects: readonly AnyDesired[],
  processEnv: ProcessEnv,
  screen: SecretScreen = new SecretScreen(),
): SecretBook {
  const known: string[] = [];
  const remember = (name: string, value: string) => {
    screen.add(name, value);
    if (value !== '') known.push(value);
  };
  screen.add('the Superset password', env.superset.password.reveal());
  if (env.zookeeper.auth) screen.add('the ZooKeeper password', env.zookeeper.auth.password.reveal());
  if (env.zookeeper.reader)
    screen.add('the ZooKeeper reader password', env.zookeeper.reader.password.reveal());
  for (const obj of objects) {
    for (const [field, text] of secretFieldsOf(obj)) {
      for (const { name, value } of envValues(text, processEnv)) remember(`\${env.${name}}`, value);
      if (field === 'masked_encrypted_extra') {
        // Each string inside the resolved document is a secret of its own, too.
        try {
          const doc: unknown = JSON.parse(
            resolveField(field, text, processEnv, `database ${obj.name} ${field}`),
          );
          const leaves = (v: unknown): string[] =>
            typeof v === 'string'
              ? [v]
              : v !== null && typeof v === 'object'
                ? Object.values(v).flatMap(leaves)
                : [];
          for (const leaf of leaves(doc)) {
            if (secretLeafOf(text, leaf))
              remember(`a secret in database ${obj.name} masked_encrypted_extra`, leaf);
          }
        } catch {
          // A variable not set now: the apply that needs it says so.
        }
      }
    }
  }
  const key = loadRecordKey(env, processEnv);
  const loopback = isLoopbackConnect(env.zookeeper.connect);
  return {
    key,
    screen,
    loopback,
    knownValues: known,
    fields: (obj) => [...secretFieldsOf(obj).keys()],
    values(obj) {
      const out = new Map<DatabaseSecretField, string>();
      for (const [field, text] of secretFieldsOf(obj)) {
        const value = resolveField(field, text, processEnv, `database ${obj.name} ${field}`);
        // Objects known only now (a rollback's snapshot) are screened from here on.
        for (const { name, value: v } of envValues(text, processEnv)) remember(`\${env.${name}}`, v);
        out.set(field, value);
      }
      return out;
    },
    digests(obj) {
      if (!key) return undefined;
      const out: Record<string, string> = {};
      for (const [field, text] of secretFieldsOf(obj)) {
        let value: string;
        try {
          value = resolveField(field, text, processEnv, `database ${obj.name} ${field}`);
        } catch {
          continue; // not set here (a plan without the secrets): this field is not compared
        }
        out[field] = secretDigest(key.key, obj.kind, obj.uuid, field, value);
      }
      return out;
    },
  };
}

/**
 * Whether a string of the resolved encrypted extra came from a reference (a secret) rather than from
 * a literal in git (`auth_method: keypair`), which would otherwise be screened out of every output.
 */
function secretLeafOf(text: unknown, leaf: string): boolean {
  if (typeof text === 'string') return true; // the whole document came from one variable
  const literals = new Set<string>();
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      if (!v.includes('${env.')) literals.add(v);
    } else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(text);
  return !literals.has(leaf);
}
