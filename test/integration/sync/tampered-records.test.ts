// Applied records decide what `apply --prune` may delete. A record written into ZooKeeper by hand
// (unsigned) or with a made-up signature, for dashboards someone made in Superset by hand, is reported
// as `registry tampered` by plan, apply and drift, and prune leaves both dashboards in place.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryPaths } from '../../../src/registry/index.js';
import { ZkClient, mkdirp } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { createFixture, type Fixture } from './fixture.js';
import { cli } from './harness.js';

let fx: Fixture;
const dashboards: { id: number; uuid: string; title: string }[] = [];
const KEY = 'SUPERSET_GITOPS_RECORD_KEY';

beforeAll(async () => {
  process.env[KEY] = `key-${randomBytes(16).toString('hex')}`;
  fx = createFixture('tamper');
  fx.write('databases/wh.yaml', fx.databaseYaml(`wh_${fx.runId}`));
  const applied = await cli(fx, 'apply');
  expect(applied.code, applied.stdout + applied.stderr).toBe(0);
  for (const label of ['unsigned', 'forged']) {
    const title = `hand ${label} ${fx.runId}`;
    const { id } = await fx.admin.create('dashboard', { dashboard_title: title });
    // The list has the uuid on every version (a dashboard's GET has it from 6.0 on).
    const uuid = String((await fx.admin.list('dashboard')).find((r) => r.id === id)?.uuid);
    dashboards.push({ id, uuid, title });
  }
  // What someone who can reach ZooKeeper (but has no key) can write.
  const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
  try {
    const paths = registryPaths(fx.zkRoot);
    await mkdirp(zk, paths.appliedKind('dashboard'));
    for (const [i, d] of dashboards.entries()) {
      const record = {
        kind: 'dashboard',
        name: d.title,
        uuid: d.uuid,
        supersetId: d.id,
        hash: '',
        appliedAt: new Date().toISOString(),
        commit: 'deadbeef',
        ...(i === 1 ? { mac: 'ab'.repeat(32) } : {}),
      };
      await zk.create(paths.appliedRecord('dashboard', d.uuid), JSON.stringify(record));
    }
  } finally {
    zk.close();
  }
});

afterAll(async () => {
  for (const d of dashboards) await fx.admin.remove('dashboard', d.id).catch(() => undefined);
  delete process.env[KEY];
  await fx?.cleanup();
});

describe('tampered applied records', () => {
  it('plan --prune deletes nothing and names both records', async () => {
    const r = await cli(fx, 'plan', '--prune');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes');
    for (const d of dashboards)
      expect(r.stderr).toContain(
        `registry tampered: applied record for dashboard ${JSON.stringify(d.title)}`,
      );
    expect(r.stderr).toContain('is not signed');
    expect(r.stderr).toContain('signature does not match');
  });

  it('apply --prune leaves the hand-made dashboards in Superset', async () => {
    const r = await cli(fx, 'apply', '--prune');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 created, 0 updated, 0 deleted/);
    expect(r.stderr.match(/registry tampered/g)).toHaveLength(2);
    for (const d of dashboards) {
      const live = await fx.admin.get('dashboard', d.id);
      expect(live.dashboard_title).toBe(d.title);
    }
  });

  it('drift reports each as a registry finding', async () => {
    const r = await cli(fx, 'drift', '--format', 'json', '--ignore-unmanaged', '--no-publish');
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { findings: { where: string; name: string; message: string }[] };
    const tampered = report.findings.filter(
      (f) => f.where === 'zookeeper' && /registry tampered/.test(f.message),
    );
    expect(tampered.map((f) => f.name).sort()).toEqual(
      dashboards.map((d) => `applied/dashboard/${d.uuid}`).sort(),
    );
  });

  it('a record signed with the key is trusted: the tool owns what it applied', async () => {
    const r = await cli(fx, 'state', '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wh_${fx.runId}`);
    const again = await cli(fx, 'plan');
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(/conflict/);
  });
});
