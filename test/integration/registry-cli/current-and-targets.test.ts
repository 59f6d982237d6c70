// `current` names what was applied, nothing else: an apply that stops on a conflict leaves it where
// it was, a --target apply records only its targets and leaves it too (history says which), and
// `watch --heal` afterwards heals toward what was applied. A --target that names nothing is an error.
// An unreadable applied record is one finding; the apply skips that object and does the rest. And an
// apply that restores an object clears its drift findings from the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryPaths } from '../../../src/registry/index.js';
import { ZkClient } from '../../../src/zookeeper/index.js';
import { ensureBuilt } from './cli-process.js';
import { createTestProject, ownRows, supersetClient, type TestProject } from './test-project.js';
import { waitFor } from '../../helpers/wait.js';

let project: TestProject;
const shas: string[] = [];
const admin = supersetClient();
let stranger: number | undefined;

async function setChartRowLimit(name: string, rowLimit: number): Promise<void> {
  const [row] = (await ownRows(admin, 'chart', project.suffix)).filter((r) => r.name === name);
  const params = JSON.parse(String((await admin.get('chart', row!.id)).params)) as Record<string, unknown>;
  await admin.update('chart', row!.id, { params: JSON.stringify({ ...params, row_limit: rowLimit }) });
}

beforeAll(async () => {
  await ensureBuilt();
  project = createTestProject('current', { charts: 2 });
  shas.push(project.commit('first'));
  const first = await project.run(['apply']);
  expect(first.code, first.stderr).toBe(0);
});

afterAll(async () => {
  if (stranger !== undefined) await admin.remove('database', stranger).catch(() => undefined);
  await project?.cleanup();
});

describe('current, conflicts and --target', () => {
  it('an apply that stops on a conflict leaves current where it was and writes nothing', async () => {
    const name = `stranger_${project.suffix}`;
    stranger = (
      await admin.create('database', {
        database_name: name,
        sqlalchemy_uri: project.warehouseUriWithPassword,
      })
    ).id;
    project.writeFile('databases/stranger.yaml', project.warehouseDatabaseYaml(name));
    project.setRowLimit(200);
    shas.push(project.commit('a conflict and a change'));
    const historyBefore = (await (await project.registry()).readHistory()).length;
    const r = await project.run(['apply']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Nothing applied: 1 conflict(s)');
    const registry = await project.registry();
    expect((await registry.readPointer())?.commit).toBe(shas[0]);
    expect(await project.rowLimitsInSuperset()).toEqual([100, 100]);
    expect((await registry.readHistory()).length).toBe(historyBefore);
  });

  it('a --target apply records only its targets and does not move current; history says so', async () => {
    project.writeFile('databases/stranger.yaml', null);
    project.setRowLimit(300);
    shas.push(project.commit('row limit 300'));
    const chart1 = `chart/${project.names.charts[0]}`;
    const r = await project.run(['apply', '--target', chart1]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0 created, 1 updated, 0 deleted/);
    expect(await project.rowLimitsInSuperset()).toEqual([300, 100]);
    const registry = await project.registry();
    expect((await registry.readPointer())?.commit).toBe(shas[0]);
    const [last] = await registry.readHistory(1);
    expect(last).toMatchObject({ current: 'kept', targets: [chart1], result: 'success' });
    expect(last?.message).toContain('current not moved');
  });

  it('a --target that names no object is an error with a suggestion', async () => {
    const typo = `chart/${project.names.charts[0]!.replace('chart', 'chrat')}`;
    for (const command of ['plan', 'apply']) {
      const r = await project.run([command, '--target', typo]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `--target names no object: ${typo} (did you mean chart/${project.names.charts[0]}?)`,
      );
    }
    const r = await project.run(['plan', '--target', 'dashbord/nothing-like-it']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--target names no object: dashbord/nothing-like-it.');
  });

  it('watch --heal then heals toward what was applied: chart 2 back to 100, chart 1 stays 300', async () => {
    const agent = project.start(['watch', '--heal', '--interval', '1']);
    try {
      await setChartRowLimit(project.names.charts[1]!, 999);
      await waitFor('the agent to heal chart 2', async () => {
        const limits = await project.rowLimitsInSuperset();
        return limits[1] === 100 ? limits : undefined;
      });
      expect(await project.rowLimitsInSuperset()).toEqual([300, 100]);
    } finally {
      agent.child.kill('SIGTERM');
      await agent.done;
    }
  });

  it('a full apply moves current, and its findings about what it restored are cleared', async () => {
    await setChartRowLimit(project.names.charts[1]!, 777);
    const drift = await project.run(['drift', '--format', 'json']);
    expect(drift.code).toBe(2);
    const registry = await project.registry();
    const before = (await registry.readDriftFindings()) as { name: string }[];
    expect(before.some((f) => f.name === project.names.charts[1])).toBe(true);
    const r = await project.run(['apply']);
    expect(r.code, r.stderr).toBe(0);
    expect((await registry.readPointer())?.commit).toBe(shas[2]);
    const [last] = await registry.readHistory(1);
    expect(last?.current).toBe('moved');
    const after = (await registry.readDriftFindings()) as { name: string }[];
    expect(after.some((f) => f.name === project.names.charts[1])).toBe(false);
    expect(await project.rowLimitsInSuperset()).toEqual([300, 300]);
  });

  it('an unreadable applied record is one finding; apply skips that object and does the rest', async () => {
    const registry = await project.registry();
    const records = await registry.readApplied();
    const victim = records.find((r) => r.name === project.names.charts[1])!;
    const zk = await ZkClient.connect({ connect: project.zkConnect, connectTimeoutMs: 10_000 });
    try {
      await zk.set(registryPaths(project.root).appliedRecord('chart', victim.uuid), '{"not": "a record"', -1);
    } finally {
      zk.close();
    }
    project.setRowLimit(400);
    project.commit('row limit 400');
    const plan = await project.run(['plan']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(
      `registry: unreadable record at ${project.root}/applied/chart/${victim.uuid}`,
    );
    expect(plan.stdout).toContain(`? chart "${project.names.charts[1]}"`);
    const drift = await project.run(['drift', '--format', 'json', '--no-publish']);
    const report = JSON.parse(drift.stdout) as { findings: { where: string; name: string }[] };
    expect(report.findings.filter((f) => f.where === 'zookeeper').map((f) => f.name)).toEqual([
      `applied/chart/${victim.uuid}`,
    ]);
    const apply = await project.run(['apply']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/0 created, 1 updated, 0 deleted/);
    expect(await project.rowLimitsInSuperset()).toEqual([400, 300]);
  });
});
