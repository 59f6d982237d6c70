// `env_defaults` of an environment file: values for variables that are not set, only for an
// environment whose Superset and ZooKeeper are on this machine; a set variable always wins, and the
// secret book (what apply sends) reads the same values.
import { describe, expect, it } from 'vitest';
import { createSecretBook } from '../../../src/engine/secret-book.js';
import { resolveEnvironment, withEnvDefaults } from '../../../src/environment/resolve.js';
import { deriveUuid, type AnyDesired } from '../../../src/model/object.js';
import type { EnvironmentSpec } from '../../../src/schema/index.js';

const spec = (url: string, connect: string): EnvironmentSpec => ({
  kind: 'environment',
  name: 'demo',
  superset: { url, username: 'admin', password: '${env.DEMO_ADMIN_PW:-admin}' },
  zookeeper: { connect, root: '/superset-gitops/demo' },
  env_defaults: { DEMO_DB_PW: 'demo-db-pw-1', DEMO_ADMIN_PW: 'from-defaults' },
});

const database: AnyDesired = {
  kind: 'database',
  name: 'wh',
  uuid: deriveUuid('database', 'wh'),
  file: 'databases/wh.yaml',
  spec: {
    kind: 'database',
    name: 'wh',
    sqlalchemy_uri: 'postgresql://u@127.0.0.1/db',
    password: '${env.DEMO_DB_PW}',
  },
} as unknown as AnyDesired;

describe('env_defaults', () => {
  it.each([
    ['http://127.0.0.1:8088', '127.0.0.1:2181'],
    ['http://localhost:8088/', 'localhost:2181,127.0.0.2:2182/chroot'],
    ['http://[::1]:8088', '[::1]:2181'],
  ])('are used for %s with ZooKeeper at %s', (url, connect) => {
    const env = resolveEnvironment(spec(url, connect), {}, '/p');
    expect(env.superset.password.reveal()).toBe('from-defaults');
    expect(env.envDefaults).toEqual({ DEMO_DB_PW: 'demo-db-pw-1', DEMO_ADMIN_PW: 'from-defaults' });
    const book = createSecretBook(env, [database], withEnvDefaults(env, {}));
    expect(book.values(database).get('password')).toBe('demo-db-pw-1');
  });

  it('never win over a variable that is set', () => {
    const processEnv = { DEMO_DB_PW: 'real', DEMO_ADMIN_PW: 'real-admin' };
    const env = resolveEnvironment(spec('http://127.0.0.1:8088', '127.0.0.1:2181'), processEnv, '/p');
    expect(env.superset.password.reveal()).toBe('real-admin');
    const book = createSecretBook(env, [database], withEnvDefaults(env, processEnv));
    expect(book.values(database).get('password')).toBe('real');
  });

  it.each([
    ['https://superset.example.com', '127.0.0.1:2181', 'superset.example.com'],
    ['http://127.0.0.1:8088', 'zk.internal:2181', 'zk.internal:2181'],
    ['http://127.0.0.1:8088', '127.0.0.1:2181,10.0.0.5:2181', '10.0.0.5:2181'],
    ['http://127.0.0.1.example.com', '127.0.0.1:2181', '127.0.0.1.example.com'],
  ])('are refused for Superset at %s and ZooKeeper at %s', (url, connect, named) => {
    expect(() => resolveEnvironment(spec(url, connect), {}, '/p')).toThrow(
      /env_defaults is only for an environment on this machine/,
    );
    expect(() => resolveEnvironment(spec(url, connect), {}, '/p')).toThrow(named);
  });

  it('an environment without them reads the process environment alone', () => {
    const { env_defaults: _, ...plain } = spec('https://superset.example.com', 'zk:2181');
    const env = resolveEnvironment(plain, {}, '/p');
    expect(env.envDefaults).toBeUndefined();
    expect(env.superset.password.reveal()).toBe('admin');
    expect(() => createSecretBook(env, [database], withEnvDefaults(env, {})).values(database)).toThrow(
      /DEMO_DB_PW is not set/,
    );
  });
});
