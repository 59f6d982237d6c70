// The parts of the secret rule that need no service: rotation in the planner, the screen, signed
// records, the record key, and prune's refusal without a key outside loopback.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { screenedOutput, type Output } from '../../../src/cli/output.js';
import { checkPruneAllowed } from '../../../src/engine/apply-run.js';
import { createSecretBook, loadRecordKey } from '../../../src/engine/secret-book.js';
import {
  isLoopbackConnect,
  resolveEnvironment,
  type ResolvedEnvironment,
} from '../../../src/environment/resolve.js';
import { SecretLeakError, SecretScreen } from '../../../src/environment/screen.js';
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import { planChanges } from '../../../src/plan/plan.js';
import type { AppliedEntry, DesiredEntry, LiveEntry } from '../../../src/plan/types.js';
import { planAsText } from '../../../src/report/plan-text.js';
import { checkRecord, secretDigest, signRecord } from '../../../src/registry/record-mac.js';
import type { AppliedRecord } from '../../../src/registry/registry.js';
import { fakeServices, noSecrets } from '../../helpers/services.js';
import { MemoryRegistry } from '../../doubles/memory-registry.js';
import { FakePort } from '../sync/fake-port.js';

const uuid = deriveUuid('database', 'wh');
const want = (digests?: Record<string, string>, fields = ['password']): DesiredEntry => ({
  kind: 'database',
  name: 'wh',
  uuid,
  attributes: { database_name: 'wh' },
  hash: 'h',
  protected: false,
  dependsOn: [],
  secrets: { fields, ...(digests ? { digests } : {}) },
});
const live: LiveEntry = { kind: 'database', uuid, id: 7, name: 'wh', changedOn: null, changedBy: null };
const owned = (secrets?: Record<string, string>): AppliedEntry => ({
  kind: 'database',
  name: 'wh',
  uuid,
  supersetId: 7,
  hash: 'h',
  ...(secrets ? { secrets } : {}),
});

describe('planner: secret rotation', () => {
  const plan = (d: DesiredEntry, a: AppliedEntry, rotate = false) =>
    planChanges('test', [d], [live], [a], { prune: false, rotateSecrets: rotate }).changes[0]!;

  it('a moved digest is a sensitive change, shown without any value', () => {
    const change = plan(want({ password: 'b'.repeat(64) }), owned({ password: 'a'.repeat(64) }));
    expect(change.action).toBe('update');
    expect(change.changes).toEqual([{ path: 'password', sensitive: 'changed' }]);
    const text = planAsText({
      environment: 'test',
      changes: [change],
      summary: { create: 0, update: 1, delete: 0, noop: 0, orphan: 0, conflict: 0, forget: 0, skip: 0 },
    });
    expect(text).toContain('~ password: (sensitive value changed)');
    expect(text).not.toContain('b'.repeat(64));
  });

  it('the same digest is no change; unknown digests on either side are left alone', () => {
    expect(plan(want({ password: 'a'.repeat(64) }), owned({ password: 'a'.repeat(64) })).action).toBe('noop');
    expect(plan(want(undefined), owned({ password: 'a'.repeat(64) })).action).toBe('noop');
    expect(plan(want({ password: 'a'.repeat(64) }), owned()).action).toBe('noop');
  });

  it('a field added or removed since the last apply is planned', () => {
    expect(
      plan(
        want({ password: 'a'.repeat(64), masked_encrypted_extra: 'c'.repeat(64) }, [
          'password',
          'masked_encrypted_extra',
        ]),
        owned({ password: 'a'.repeat(64) }),
      ).changes,
    ).toEqual([{ path: 'masked_encrypted_extra', sensitive: 'set' }]);
    expect(plan(want({}, []), owned({ password: 'a'.repeat(64) })).changes).toEqual([
      { path: 'password', sensitive: 'removed' },
    ]);
  });

  it('--rotate-secrets sends every secret field, even without digests', () => {
    expect(plan(want(undefined), owned(), true).changes).toEqual([
      { path: 'password', sensitive: 'changed' },
    ]);
  });

  it('a create lists its secret fields as sensitive', () => {
    const change = planChanges('test', [want()], [], [], { prune: false }).changes[0]!;
    expect(change.action).toBe('create');
    expect(change.changes).toContainEqual({ path: 'password', sensitive: 'set' });
  });
});

describe('the secret screen', () => {
  const secret = 'p@ss"w0rd/+= x';
  const screen = new SecretScreen();
  screen.add('${env.PW}', secret);

  it.each([
    ['as it is', `uri: ${secret}`],
    ['JSON-escaped', JSON.stringify({ a: `x${secret}` })],
    ['URL-encoded', `postgresql://u:${encodeURIComponent(secret)}@h`],
    ['base64', Buffer.from(secret).toString('base64')],
  ])('finds it %s', (form, text) => {
    expect(() => screen.check(text, 'a node')).toThrow(SecretLeakError);
    expect(screen.find(text)?.form).toBe(form);
  });

  it('names the variable, never the value, and lets other text through', () => {
    try {
      screen.check(`x ${secret}`, 'ZooKeeper node /a');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toContain('${env.PW}');
      expect((e as Error).message).toContain('ZooKeeper node /a');
      expect((e as Error).message).not.toContain(secret);
    }
    expect(() => screen.check('nothing to see', 'x')).not.toThrow();
  });

  it('does not screen values too short to tell from ordinary text, and says which', () => {
    const s = new SecretScreen();
    s.add('${env.SHORT}', 'abc');
    expect(s.find('abc abc')).toBeUndefined();
    expect(s.tooShort).toEqual(['${env.SHORT}']);
  });

  it('stdout refuses, stderr withholds the line', () => {
    let out = '';
    let err = '';
    const base: Output = {
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      color: false,
      isTTY: false,
    };
    const safe = screenedOutput(base, screen);
    expect(() => safe.stdout(`plan ${secret}`)).toThrow(SecretLeakError);
    safe.stderr(`error: ${secret}\n`);
    expect(out).toBe('');
    expect(err).toContain('a message was withheld');
    expect(err).not.toContain(secret);
  });
});

describe('signed applied records', () => {
  const key = Buffer.from('k'.repeat(32));
  const rec: AppliedRecord = {
    kind: 'dashboard',
    name: 'd',
    uuid,
    supersetId: 3,
    hash: '',
    appliedAt: 't',
    commit: 'c',
  };

  it('verifies what was signed, for this root only', () => {
    const signed = signRecord(rec, key, '/sg/prod');
    expect(checkRecord(signed, key, '/sg/prod')).toBe('verified');
    expect(checkRecord(signed, key, '/sg/staging')).toBe('forged');
    expect(checkRecord(signed, Buffer.from('x'.repeat(32)), '/sg/prod')).toBe('forged');
    expect(checkRecord({ ...signed, supersetId: 4 }, key, '/sg/prod')).toBe('forged');
    expect(checkRecord(rec, key, '/sg/prod')).toBe('unsigned');
  });

  it('secret digests depend on key, object, field and value', () => {
    const d = secretDigest(key, 'database', uuid, 'password', 'v');
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(secretDigest(key, 'database', uuid, 'password', 'w')).not.toBe(d);
    expect(secretDigest(key, 'database', deriveUuid('database', 'x'), 'password', 'v')).not.toBe(d);
    expect(secretDigest(Buffer.from('y'.repeat(32)), 'database', uuid, 'password', 'v')).not.toBe(d);
  });
});

function environment(connect: string): ResolvedEnvironment {
  return resolveEnvironment(
    {
      kind: 'environment',
      name: 'e',
      superset: { url: 'http://s', username: 'admin', password: '${env.SP:-admin}' },
      zookeeper: { connect, root: '/sg/e' },
    },
    {},
    '/p',
  );
}

describe('the record key', () => {
  it('comes from the environment variable, and a short one is refused', () => {
    expect(
      loadRecordKey(environment('zk.example:2181'), { SUPERSET_GITOPS_RECORD_KEY: 'x'.repeat(20) })?.source,
    ).toBe('environment');
    expect(() =>
      loadRecordKey(environment('zk.example:2181'), { SUPERSET_GITOPS_RECORD_KEY: 'short' }),
    ).toThrow(/too short/);
  });

  it('on loopback without the variable, from a key file of the user, made once with mode 0600', () => {
    const home = mkdtempSync(path.join(tmpdir(), 'sg-key-'));
    const a = loadRecordKey(environment('127.0.0.1:2181'), { HOME: home });
    const b = loadRecordKey(environment('localhost:2181,[::1]:2182'), { HOME: home });
    expect(a?.source).toBe('file');
    expect(a?.key.equals(b!.key)).toBe(true);
    const file = path.join(home, '.config/superset-gitops/record-key');
    expect(readFileSync(file, 'utf8').trim()).toHaveLength(64);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('for a registry elsewhere without the variable: none', () => {
    expect(
      loadRecordKey(environment('zk1.prod:2181'), { HOME: mkdtempSync(path.join(tmpdir(), 'sg-key-')) }),
    ).toBeUndefined();
  });

  it.each([
    ['127.0.0.1:2181', true],
    ['127.0.0.1:2181,localhost:2182/chroot', true],
    ['[::1]:2181', true],
    ['10.0.0.5:2181', false],
    ['127.0.0.1:2181,zk2:2181', false],
  ])('%s is loopback: %s', (connect, want) => expect(isLoopbackConnect(connect)).toBe(want));
});

describe('prune without a key', () => {
  const services = (loopback: boolean, key = false) =>
    fakeServices(
      new FakePort(),
      new MemoryRegistry(),
      noSecrets({
        loopback,
        ...(key ? { key: { key: Buffer.alloc(32), source: 'environment' as const } } : {}),
      }),
    );

  it('refuses outside loopback and says why; runs on loopback or with a key', () => {
    expect(() => checkPruneAllowed(services(false), true)).toThrow(
      /Refusing --prune: SUPERSET_GITOPS_RECORD_KEY is not set/,
    );
    expect(() => checkPruneAllowed(services(false), false)).not.toThrow();
    expect(() => checkPruneAllowed(services(true), true)).not.toThrow();
    expect(() => checkPruneAllowed(services(false, true), true)).not.toThrow();
  });
});

describe('the secret book', () => {
  const db = (spec: Record<string, unknown>): AnyDesired => ({
    kind: 'database',
    name: 'wh',
    uuid,
    spec: { kind: 'database', name: 'wh', sqlalchemy_uri: 'postgresql://u@h/d', ...spec },
    source: { file: 'f', line: 1, col: 1 },
  });

  it('reads each secret field, screens the values and digests them with the key', () => {
    const env = { PW: 'pw-value-1', SSHK: 'ssh-key-value', SUPERSET_GITOPS_RECORD_KEY: 'k'.repeat(32) };
    const obj = db({
      password: '${env.PW}',
      masked_encrypted_extra: { auth_method: 'keypair', auth_params: { privatekey_body: '${env.SSHK}' } },
      ssh_tunnel: { server_address: 'b', server_port: 22, username: 'u', private_key: '${env.SSHK}' },
    });
    const book = createSecretBook(environment('zk.example:2181'), [obj], env);
    expect(book.fields(obj)).toEqual(['password', 'masked_encrypted_extra', 'ssh_tunnel.private_key']);
    const values = book.values(obj);
    expect(values.get('password')).toBe('pw-value-1');
    expect(JSON.parse(values.get('masked_encrypted_extra')!)).toEqual({
      auth_method: 'keypair',
      auth_params: { privatekey_body: 'ssh-key-value' },
    });
    expect(book.screen.find('x pw-value-1')?.name).toBe('${env.PW}');
    expect(book.screen.find('keypair')).toBeUndefined(); // a literal of git is no secret
    const digests = book.digests(obj)!;
    expect(Object.keys(digests).sort()).toEqual([
      'masked_encrypted_extra',
      'password',
      'ssh_tunnel.private_key',
    ]);
    const rotated = createSecretBook(environment('zk.example:2181'), [obj], {
      ...env,
      PW: 'pw-value-2',
    }).digests(obj)!;
    expect(rotated.password).not.toBe(digests.password);
    expect(rotated['ssh_tunnel.private_key']).toBe(digests['ssh_tunnel.private_key']);
  });

  it('a variable not set: no digest for that field at plan time, a clear error at apply time', () => {
    const obj = db({ password: '${env.NOT_SET_HERE}' });
    const book = createSecretBook(environment('zk.example:2181'), [obj], {
      SUPERSET_GITOPS_RECORD_KEY: 'k'.repeat(32),
    });
    expect(book.digests(obj)).toEqual({});
    expect(() => book.values(obj)).toThrow(/NOT_SET_HERE is not set/);
  });
});
