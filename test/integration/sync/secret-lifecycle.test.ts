// Secrets through their whole life against the real services: two PostgreSQL warehouse users with
// real passwords, given only as `${env.*}`, one in `password`, one in `masked_encrypted_extra`
// (`connect_args.password`). After an apply, no trace of either value (as it is, URL-encoded or
// base64) is in the environment's ZooKeeper subtree, any plan or drift format, or the CLI's output;
// nor in Superset's API answers, except one that Superset itself makes: 6.1's PostgreSQL engine
// masks only `aws_iam` paths of the encrypted extra, so GET /connection shows the second password.
// The tool says so at apply time, and the test holds it to that. Then both passwords are rotated in
// PostgreSQL and in the environment: the plan names the sensitive changes without the values, apply
// sends them, and Superset connects with the new ones. Two more databases reach the same user
// through an SSH tunnel (scripts/sshd.sh), one with the tunnel's password, one with a private key
// and its passphrase, all from the environment too.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient, listTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { createFixture, listOwn, type Fixture } from './fixture.js';
import { cli } from './harness.js';
import { fetchSuperset } from './raw-http.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const { pgHost, pgPort } = serviceEndpoints();
const sshPort = Number(process.env.SSHD_PORT ?? 2222);
const sshUser = process.env.SSH_TUNNEL_USER ?? 'sgtunnel';
const sshPassword = process.env.SSH_TUNNEL_PASSWORD ?? 'tunnel-demo-pw-1';
const AUTHORIZED_KEYS = path.join(REPO, '.run/sshd/authorized_keys');

function psql(sql: string): string {
  return execFileSync(
    'bash',
    [path.join(REPO, 'scripts/postgres.sh'), 'psql', '-v', 'ON_ERROR_STOP=1', '-qAtc', sql],
    {
      encoding: 'utf8',
    },
  );
}

function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

let fx: Fixture;
let role: string;
let encRole: string;
let passwordVar: string;
let encVar: string;
let sshPwVar: string;
let sshKeyVar: string;
let sshKeyPwVar: string;
let publicKey = '';
const keyPassphrase = `kp-${randomBytes(10).toString('hex')}`;
let privateKey = '';
const keyVar = 'SUPERSET_GITOPS_RECORD_KEY';
const pw = [`pw-${randomBytes(10).toString('hex')}/+=`, `pw-${randomBytes(10).toString('hex')}?&`];
const enc = [`enc-${randomBytes(10).toString('hex')}%/`, `enc-${randomBytes(10).toString('hex')}#"`];
const seen: { where: string; text: string }[] = [];
const record = (where: string, text: string) => seen.push({ where, text });
/** Superset's own GET /connection of the encrypted-extra database (see the header). */
const SHOWN_BY_SUPERSET = /^GET database \d+\/connection \(encrypted extra\)$/;

function expectClean(secret: string, except?: RegExp): void {
  for (const { where, text } of seen) {
    if (except?.test(where)) continue;
    for (const form of forms(secret))
      expect(text.includes(form), `${where} holds the secret (${form})`).toBe(false);
  }
}

async function run(...args: string[]) {
  const r = await cli(fx, ...args);
  record(`${args.join(' ')} stdout`, r.stdout);
  record(`${args.join(' ')} stderr`, r.stderr);
  return r;
}

/** A bearer token, CSRF token and cookie, as a browser session of the admin would have. */
async function session(): Promise<Record<string, string>> {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  const login = await fetchSuperset(`${supersetUrl}/api/v1/security/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: supersetUser, password: supersetPassword, provider: 'db' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const auth = { Authorization: `Bearer ${login.access_token}`, Accept: 'application/json' };
  const csrfResponse = await fetchSuperset(`${supersetUrl}/api/v1/security/csrf_token/`, { headers: auth });
  const csrf = ((await csrfResponse.json()) as { result: string }).result;
  const cookie = (csrfResponse.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { ...auth, 'Content-Type': 'application/json', 'X-CSRFToken': csrf, Cookie: cookie };
}

/** Superset's connection test for a database, with the password it stores (the URI sent masked). */
async function testConnection(name: string, user: string): Promise<{ ok: boolean; text: string }> {
  const response = await fetchSuperset(`${serviceEndpoints().supersetUrl}/api/v1/database/test_connection/`, {
    method: 'POST',
    headers: await session(),
    body: JSON.stringify({
      database_name: name,
      sqlalchemy_uri: `postgresql://${user}:XXXXXXXXXX@${pgHost}:${pgPort}/warehouse`,
    }),
  });
  const text = await response.text();
  record(`test_connection ${name}`, text);
  return { ok: response.status === 200, text };
}

/** Superset connects with what it stores (here: the encrypted extra) to list the schemas. */
async function schemasOf(id: number): Promise<{ status: number; text: string }> {
  const response = await fetchSuperset(
    `${serviceEndpoints().supersetUrl}/api/v1/database/${id}/schemas/?q=(force:!t)`,
    { headers: await session() },
  );
  const text = await response.text();
  record(`schemas ${id}`, text);
  return { status: response.status, text };
}

beforeAll(() => {
  fx = createFixture('secretlife');
  role = `gitops_${fx.runId}`.toLowerCase();
  encRole = `gitops_enc_${fx.runId}`.toLowerCase();
  passwordVar = `WAREHOUSE_PASSWORD_${fx.runId.toUpperCase()}`;
  encVar = `WAREHOUSE_ENC_PASSWORD_${fx.runId.toUpperCase()}`;
  process.env[passwordVar] = pw[0];
  process.env[encVar] = enc[0];
  process.env[keyVar] = `key-${randomBytes(16).toString('hex')}`;
  sshPwVar = `SSH_TUNNEL_PW_${fx.runId.toUpperCase()}`;
  sshKeyVar = `SSH_TUNNEL_KEY_${fx.runId.toUpperCase()}`;
  sshKeyPwVar = `SSH_TUNNEL_KEY_PW_${fx.runId.toUpperCase()}`;
  // An RSA key in PEM (what Superset's tunnel code reads), with a passphrase, allowed for the tunnel user.
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-ssh-'));
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'rsa',
    '-b',
    '2048',
    '-m',
    'PEM',
    '-N',
    keyPassphrase,
    '-f',
    `${keyDir}/id`,
  ]);
  privateKey = fs.readFileSync(`${keyDir}/id`, 'utf8');
  publicKey = fs.readFileSync(`${keyDir}/id.pub`, 'utf8').trim();
  fs.rmSync(keyDir, { recursive: true, force: true });
  fs.appendFileSync(AUTHORIZED_KEYS, `${publicKey}\n`);
  process.env[sshPwVar] = sshPassword;
  process.env[sshKeyVar] = privateKey;
  process.env[sshKeyPwVar] = keyPassphrase;
  const users: [string, string][] = [
    [role, pw[0]!],
    [encRole, enc[0]!],
  ];
  for (const [r, p] of users) {
    psql(`CREATE ROLE ${r} LOGIN PASSWORD '${p.replace(/'/g, "''")}'`);
    psql(`GRANT SELECT ON public.orders TO ${r}`);
  }
  fx.write(
    'databases/pw.yaml',
    `kind: database
name: pg_pw_${fx.runId}
sqlalchemy_uri: postgresql://${role}@${pgHost}:${pgPort}/warehouse
password: \${env.${passwordVar}}
`,
  );
  // Another user, its password given to the driver through Superset's encrypted extra.
  fx.write(
    'databases/enc.yaml',
    `kind: database
name: pg_enc_${fx.runId}
sqlalchemy_uri: postgresql://${encRole}@${pgHost}:${pgPort}/warehouse
masked_encrypted_extra:
  connect_args:
    password: \${env.${encVar}}
`,
  );
  const tunnel = `ssh_tunnel:\n  server_address: 127.0.0.1\n  server_port: ${sshPort}\n  username: ${sshUser}\n`;
  // The first user again, through the SSH tunnel: with its password, and with a private key.
  fx.write(
    'databases/ssh-pw.yaml',
    `kind: database\nname: pg_ssh_pw_${fx.runId}\nsqlalchemy_uri: postgresql://${role}@${pgHost}:${pgPort}/warehouse\npassword: \${env.${passwordVar}}\n${tunnel}  password: \${env.${sshPwVar}}\n`,
  );
  fx.write(
    'databases/ssh-key.yaml',
    `kind: database\nname: pg_ssh_key_${fx.runId}\nsqlalchemy_uri: postgresql://${role}@${pgHost}:${pgPort}/warehouse\npassword: \${env.${passwordVar}}\n${tunnel}  private_key: \${env.${sshKeyVar}}\n  private_key_password: \${env.${sshKeyPwVar}}\n`,
  );
});

afterAll(async () => {
  delete process.env[passwordVar];
  delete process.env[encVar];
  delete process.env[keyVar];
  for (const v of [sshPwVar, sshKeyVar, sshKeyPwVar]) delete process.env[v];
  if (publicKey && fs.existsSync(AUTHORIZED_KEYS)) {
    const kept = fs
      .readFileSync(AUTHORIZED_KEYS, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== publicKey);
    fs.writeFileSync(AUTHORIZED_KEYS, kept.join('\n'));
  }
  await fx?.cleanup();
  for (const r of [role, encRole]) {
    try {
      psql(`DROP OWNED BY ${r}; DROP ROLE IF EXISTS ${r}`);
    } catch {
      // the role was never made
    }
  }
});

describe('secrets: a PostgreSQL warehouse password from the environment', () => {
  it('validates, plans without the value and applies: Superset connects with it', async () => {
    const v = await run('validate');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    for (const format of ['text', 'markdown', 'json']) {
      const p = await run('plan', '--format', format);
      expect(p.code, p.stderr).toBe(2);
      if (format === 'text') {
        expect(p.stdout).toContain('+ password = (sensitive value)');
        expect(p.stdout).toContain('+ masked_encrypted_extra = (sensitive value)');
        expect(p.stdout).toContain('+ ssh_tunnel.password = (sensitive value)');
        expect(p.stdout).toContain('+ ssh_tunnel.private_key = (sensitive value)');
        expect(p.stdout).toContain('+ ssh_tunnel.private_key_password = (sensitive value)');
      }
    }
    const a = await run('apply');
    expect(a.code, a.stdout + a.stderr).toBe(0);
    // Superset 6.1 returns masked_encrypted_extra unmasked, and the tool says so; 6.0 masks it.
    const unmasked = `Superset returns database "pg_enc_${fx.runId}"'s masked_encrypted_extra with the value of \${env.${encVar}} unmasked`;
    if ((await fx.admin.capabilities()).family === '6.1') expect(a.stderr).toContain(unmasked);
    else expect(a.stderr).not.toContain(unmasked);
    expect((await testConnection(`pg_pw_${fx.runId}`, role)).ok).toBe(true);
    const p = await run('plan');
    expect(p.code, p.stdout).toBe(0);
    expectClean(pw[0]!);
    expectClean(enc[0]!);
  });

  it('leaves no trace of the value in ZooKeeper, drift reports or Superset API answers', async () => {
    for (const format of ['text', 'markdown', 'json', 'html']) {
      const d = await run('drift', '--format', format, '--ignore-unmanaged');
      expect(d.code, d.stdout + d.stderr).toBe(0);
    }
    const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
    try {
      const paths = await listTree(zk, fx.zkRoot);
      expect(paths.length).toBeGreaterThan(8);
      for (const p of paths) record(`znode ${p}`, p + (await zk.get(p)).data.toString('utf8'));
    } finally {
      zk.close();
    }
    const rows = await listOwn(fx.admin, 'database', fx.runId);
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      const schemas = await schemasOf(row.id);
      expect(schemas.status, schemas.text).toBe(200); // Superset connects with what it stores
      const connection = await fx.admin.get('database', row.id);
      const isEnc = String(connection.database_name).startsWith('pg_enc_');
      record(
        `GET database ${row.id}/connection${isEnc ? ' (encrypted extra)' : ''}`,
        JSON.stringify(connection),
      );
      expect(String(connection.sqlalchemy_uri)).not.toContain(pw[0]);
    }
    record('database list', JSON.stringify(rows));
    expect(seen.length).toBeGreaterThan(20);
    expectClean(pw[0]!);
    expectClean(enc[0]!, SHOWN_BY_SUPERSET);
    expectClean(sshPassword);
    expectClean(keyPassphrase);
    expectClean(privateKey);
    // A line from the middle of the key body, on its own, is not anywhere either.
    const lines = privateKey.split('\n').filter((l) => l.length > 40);
    expectClean(lines[Math.floor(lines.length / 2)]!);
  });

  it('rotates: the plan shows the sensitive change, apply sends it, the connection test passes', async () => {
    psql(`ALTER ROLE ${role} PASSWORD '${pw[1]!.replace(/'/g, "''")}'`);
    psql(`ALTER ROLE ${encRole} PASSWORD '${enc[1]!.replace(/'/g, "''")}'`);
    expect((await testConnection(`pg_pw_${fx.runId}`, role)).ok).toBe(false); // Superset still has the old one
    process.env[passwordVar] = pw[1];
    process.env[encVar] = enc[1];
    const p = await run('plan');
    expect(p.code).toBe(2);
    expect(p.stdout).toContain('~ password: (sensitive value changed)');
    expect(p.stdout).toContain('~ masked_encrypted_extra: (sensitive value changed)');
    expect(p.stdout).toMatch(/Plan: 0 to create, 4 to change, 0 to delete/);
    const a = await run('apply');
    expect(a.code, a.stdout + a.stderr).toBe(0);
    expect(a.stdout).toMatch(/0 created, 4 updated, 0 deleted/);
    const test = await testConnection(`pg_pw_${fx.runId}`, role);
    expect(test.ok, test.text).toBe(true);
    // Each database, through the SSH tunnels too, connects with what Superset stores now.
    for (const row of await listOwn(fx.admin, 'database', fx.runId)) {
      const listed = await schemasOf(row.id);
      expect(listed.status, `${row.name}: ${listed.text}`).toBe(200);
    }
    const [encDb] = (await listOwn(fx.admin, 'database', fx.runId)).filter((r) =>
      r.name.startsWith('pg_enc_'),
    );
    const schemas = await schemasOf(encDb!.id);
    expect(schemas.status, schemas.text).toBe(200);
    expect(schemas.text).toContain('public');
    const again = await run('plan');
    expect(again.code, again.stdout).toBe(0);
    for (const secret of [...pw]) expectClean(secret);
    for (const secret of [...enc]) expectClean(secret, SHOWN_BY_SUPERSET);
  });
});
