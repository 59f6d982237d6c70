// A database password read from `${env.*}` reaches Superset and nothing else: not the plan in any
// format, not the CLI's output or the client's log, not an error, not a znode under the environment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient, listTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { createFixture, type Fixture } from './fixture.js';
import { cli, engine } from './harness.js';

const SECRET = 'S3cr3t-Value-123';
let fx: Fixture;
let variable: string;
let bad: string;

/** Every way the value could leak in text: as is, URL-encoded, base64. */
function expectNoSecret(text: string, where: string): void {
  for (const form of [SECRET, encodeURIComponent(SECRET), Buffer.from(SECRET).toString('base64')])
    expect(text.includes(form), `${where} contains the secret`).toBe(false);
}

beforeAll(() => {
  fx = createFixture('secret');
  variable = `SYNC_TEST_SECRET_${fx.runId.toUpperCase()}`;
  process.env[variable] = SECRET;
  bad = `b_bad_${fx.runId}`;
  // Superset tests a connection before saving it; nothing answers here, so the apply fails after the
  // password went into the URI it sent.
  fx.write(
    'databases/bad.yaml',
    `kind: database
name: ${bad}
sqlalchemy_uri: postgresql://reader@127.0.0.1:1/warehouse
password: \${env.${variable}}
`,
  );
});

afterAll(async () => {
  delete process.env[variable];
  await fx?.cleanup();
});

describe('sync: database passwords', () => {
  it('never shows the password in a plan, whatever the format', async () => {
    for (const format of ['text', 'markdown', 'json']) {
      const r = await cli(fx, 'plan', '--format', format);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toContain(bad);
      expectNoSecret(r.stdout + r.stderr, `plan --format ${format}`);
    }
  });

  it('keeps the password out of the output, the log and the error of a failed apply', async () => {
    const r = await cli(fx, 'apply');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Apply stopped at database "${bad}"`);
    expect(r.stderr).toContain(`database "${bad}": FAILED`);
    expectNoSecret(r.stdout + r.stderr, 'apply output');

    // The same failure through the engine: the error, its cause chain and the client's log.
    const eng = await engine(fx);
    try {
      const run = await eng.apply();
      expect(run.result).toBe('failure');
      const error = run.outcome.failed?.error;
      expect(error?.message).toContain(bad);
      let chain = '';
      for (let e: unknown = error; e instanceof Error; e = e.cause)
        chain += `${e.message}\n${e.stack ?? ''}\n${JSON.stringify(e)}\n`;
      expectNoSecret(chain, 'the apply error');
      expect(eng.events.length).toBeGreaterThan(0);
      expectNoSecret(JSON.stringify(eng.events), 'the client log');
      const history = await eng.services.registry.readHistory(5);
      expectNoSecret(JSON.stringify(history), 'history');
    } finally {
      await eng.close();
    }
  });

  it('leaves no trace of the password in any znode under the environment root', async () => {
    const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
    try {
      const paths = await listTree(zk, fx.zkRoot);
      expect(paths.length).toBeGreaterThan(5); // snapshot, applied records, history
      let all = '';
      for (const path of paths) {
        const node = await zk.get(path);
        const data = node.data.toString('utf8');
        expectNoSecret(path + data, `znode ${path}`);
        all += data;
      }
      // What is there is the reference.
      expect(all).toContain(`\${env.${variable}}`);
    } finally {
      zk.close();
    }
  });
});
