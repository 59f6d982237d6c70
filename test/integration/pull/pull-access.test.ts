// `pull` of owners and tags: a person adds an owner to a chart and takes one of its tags off in
// Superset; pull writes exactly those two keys into the chart's file, and plan then finds nothing to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixture, createDriftFixture, type DriftFixture } from '../drift/fixture.js';
import { supersetCall } from '../sync/raw-http.js';

let fx: DriftFixture;
let userId = 0;
const git = (...args: string[]) => execFileSync('git', args, { cwd: fx.dir, encoding: 'utf8' });
const tag = (which: string) => `pa_${which}_${fx.runId}`;
const username = () => `pa_user_${fx.runId}`;

beforeAll(async () => {
  fx = createDriftFixture('pullaccess');
  const principals = await fx.admin.principals!();
  const gamma = principals.roles.find((r) => r.name === 'Gamma');
  if (!gamma) throw new Error('Superset has no Gamma role');
  const made = (await supersetCall('POST', '/api/v1/security/users/', {
    username: username(),
    first_name: 'Pull',
    last_name: 'Access',
    email: `${username()}@example.invalid`,
    active: true,
    password: `pw-${fx.runId}`,
    roles: [gamma.id],
  })) as { id: number };
  userId = made.id;
  const file = path.join(fx.metadataDir, fx.files.chart);
  fs.appendFileSync(file, `owners: [admin]\ntags: [${tag('a')}, ${tag('b')}]\n`);
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'start');
  await applyFixture(fx);
}, 60_000);

afterAll(async () => {
  await fx?.cleanup();
  if (userId) await supersetCall('DELETE', `/api/v1/security/users/${userId}`).catch(() => undefined);
  const tags = fx ? (await fx.admin.tags()).filter((t) => t.name.includes(fx.runId)) : [];
  for (const t of tags) await supersetCall('DELETE', `/api/v1/tag/${t.id}`).catch(() => undefined);
}, 60_000);

describe('pull of owners and tags', () => {
  it('writes an owner added and a tag taken off in Superset into those two keys only', async () => {
    const id = await fx.idOf('chart', fx.names.chart);
    const chart = await fx.admin.get('chart', id);
    const owners = (chart.owners as { id: number }[]).map((o) => o.id);
    const tagA = (await fx.admin.tags()).find((t) => t.name === tag('a'));
    expect(tagA).toBeDefined();
    await fx.admin.update('chart', id, { owners: [...owners, userId], tags: [tagA!.id] });

    const r = await fx.cli('pull');
    expect(r.code, r.stdout + r.stderr).toBe(2);
    const diff = git('diff', '-U0', '--no-color')
      .split('\n')
      .filter((l) => /^[-+](?![-+])/.test(l));
    expect(diff).toEqual([
      `-owners: [admin]`,
      `-tags: [${tag('a')}, ${tag('b')}]`,
      `+owners: [admin, ${username()}]`,
      `+tags: [${tag('a')}]`,
    ]);
    const plan = await fx.cli('plan');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  });
});
