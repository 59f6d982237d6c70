// An environment with digest credentials and a database password, both given to the CLI only as
// ${env.*} references: after an apply, a client without the digest can change no znode of the
// environment's tree, and neither secret is in any znode (data or ACL) or in the CLI's output.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSupersetClient } from '../../../src/superset/index.js';
import { ZkClient, isZkError, listTree, type DigestCredentials } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { ensureBuilt, type CliResult } from './cli-process.js';
import { createTestProject, type TestProject } from './test-project.js';

describe('digest credentials and secrets through the CLI', () => {
  const zkAuth = { user: 'gitops-it', password: `zk-${randomBytes(12).toString('hex')}` };
  const dbPassword = `db-${randomBytes(12).toString('hex')}`;
  let project: TestProject;
  const outputs: CliResult[] = [];
  const clients: ZkClient[] = [];
  const open = async (auth?: DigestCredentials) => {
    const zk = await ZkClient.connect({ connect: project.zkConnect, auth, connectTimeoutMs: 10_000 });
    clients.push(zk);
    return zk;
  };

  beforeAll(async () => {
    await ensureBuilt();
    project = createTestProject('acl', { zkAuth, dbPassword });
    project.commit('database with a password');
    for (const args of [['apply'], ['plan'], ['state'], ['state', 'history']])
      outputs.push(await project.run(args));
  });
  afterAll(async () => {
    for (const zk of clients.splice(0)) zk.close();
    await project.cleanup();
  });

  it('applies, and Superset got the password (it shows it masked)', async () => {
    expect(outputs.map((o) => o.code)).toEqual([0, 0, 0, 0]);
    const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
    const client = createSupersetClient({
      baseUrl: supersetUrl,
      username: supersetUser,
      password: supersetPassword,
    });
    const [row] = await client.list('database', {
      filters: [['database_name', 'eq', project.names.database]],
    });
    expect(row).toBeDefined();
    const connection = await client.get('database', row!.id);
    // Masked; and Superset tested the connection when it created the database, which logs in as
    // the project's own role with exactly this password.
    expect(String(connection.sqlalchemy_uri)).toMatch(
      /^postgresql:\/\/it_role_[a-z0-9_]+:X+@127\.0\.0\.1:\d+\/warehouse$/,
    );
  });

  it('a client without the digest (or with a wrong one) cannot change any znode of the environment', async () => {
    const tree = await listTree(await open(), project.root);
    expect(tree.length).toBeGreaterThan(8); // current, snapshots/<id>/database/<obj>, applied/..., history/...
    for (const auth of [undefined, { user: zkAuth.user, password: 'wrong' }]) {
      const zk = await open(auth);
      const codes = new Map<string, string>();
      const attempt = async (path: string, what: string, op: () => Promise<unknown>) => {
        const code = await op().then(
          () => 'OK',
          (err: unknown) => (isZkError(err, 'NOAUTH') ? 'NOAUTH' : String(err)),
        );
        codes.set(`${what} ${path}`, code);
      };
      for (const path of tree) {
        const node = await zk.get(path); // reading stays open (world READ)
        await attempt(path, 'set', () => zk.set(path, Buffer.from('tampered'), -1));
        await attempt(path, 'create', () => zk.create(`${path}/intruder`, 'x'));
        await attempt(path, 'set_acl', () =>
          zk.setAcl(path, -1, [{ perms: ['ALL'], scheme: 'world', id: 'anyone' }]),
        );
        if (path !== project.root) await attempt(path, 'delete', () => zk.delete(path, -1));
        expect((await zk.get(path)).data.equals(node.data)).toBe(true);
      }
      const allowed = [...codes].filter(([, code]) => code !== 'NOAUTH');
      expect(allowed, JSON.stringify(auth?.user ?? 'anonymous')).toEqual([]);
    }
    expect(await listTree(await open(), project.root)).toEqual(tree); // nothing added or removed
  });

  it('no znode holds either secret, in its data or its ACL; neither is in the CLI output', async () => {
    const zk = await open();
    const tree = await listTree(zk, project.root);
    for (const path of tree) {
      const { data } = await zk.get(path);
      const { acl } = await zk.getAcl(path);
      for (const secret of [dbPassword, zkAuth.password]) {
        expect(data.includes(secret), path).toBe(false);
        expect(JSON.stringify(acl).includes(secret), path).toBe(false);
      }
    }
    // What the snapshot keeps instead: the reference.
    const snapshot = await (await project.registry()).readCurrent();
    const database = snapshot!.objects.find((o) => o.kind === 'database');
    expect((database!.body as { spec: { password: string } }).spec.password).toBe('${env.IT_DB_PASSWORD}');
    for (const output of outputs) {
      for (const secret of [dbPassword, zkAuth.password]) {
        expect(output.stdout + output.stderr).not.toContain(secret);
      }
    }
  });
});
