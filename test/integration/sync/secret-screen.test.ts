// The last line of defence: a secret's value that reaches a place the rules do not cover (here a
// dataset description that repeats the database password) is refused, not written: the plan is not
// printed, the snapshot is not published, and no znode holds the value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZkClient, listTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { createFixture, type Fixture } from './fixture.js';
import { cli } from './harness.js';

const SECRET = `leaky-${Date.now().toString(36)}-secret`;
let fx: Fixture;
let variable: string;

beforeAll(() => {
  fx = createFixture('screen');
  variable = `SCREEN_TEST_PW_${fx.runId.toUpperCase()}`;
  process.env[variable] = SECRET;
  fx.write(
    'databases/db.yaml',
    `kind: database\nname: screen_db_${fx.runId}\nsqlalchemy_uri: ${fx.warehouseUri}\npassword: \${env.${variable}}\n`,
  );
  fx.write(
    'datasets/orders.yaml',
    `kind: dataset\nname: orders_${fx.runId}\ndatabase: screen_db_${fx.runId}\ndescription: the password is ${SECRET}\n`,
  );
});

afterAll(async () => {
  delete process.env[variable];
  await fx?.cleanup();
});

describe('the secret screen', () => {
  it('refuses to print a plan that holds a secret, naming the variable, not the value', async () => {
    const plan = await cli(fx, 'plan');
    expect(plan.code).toBe(1);
    expect(plan.stdout).toBe('');
    expect(plan.stderr).toContain(
      `Refused to write the output: it contains the value of \${env.${variable}} (as it is)`,
    );
    expect(plan.stderr).not.toContain(SECRET);
  });

  it('refuses to publish it to ZooKeeper: apply stops, no znode holds it', async () => {
    const apply = await cli(fx, 'apply');
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(
      /Refused to write ZooKeeper node .*\/objects\/dataset\/.*: it contains the value of \$\{env\.SCREEN_TEST_PW_/,
    );
    expect(apply.stdout + apply.stderr).not.toContain(SECRET);
    const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
    try {
      for (const path of await listTree(zk, fx.zkRoot))
        expect((await zk.get(path)).data.toString('utf8'), path).not.toContain(SECRET);
    } finally {
      zk.close();
    }
    // Nothing reached Superset either: the snapshot is written before any object.
    expect(
      await fx.admin.list('database', { filters: [['database_name', 'eq', `screen_db_${fx.runId}`]] }),
    ).toEqual([]);
  });
});
