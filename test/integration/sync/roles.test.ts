// Roles as code, against the real Superset's security API: a role with its permissions and an RLS
// rule that names it are created by one apply (the role first); a plan right after has no changes;
// one permission more is one update; a permission taken away in Superset is drift; a permission
// Superset does not have stops the plan at its line; an import gives the same YAML; --prune deletes
// only the role the tool owns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createTestProject, type TestProject } from '../registry-cli/test-project.js';
import { supersetCall } from './raw-http.js';
import { importOwn, replaceWithImported } from './import-own.js';

let project: TestProject;
let roleName = '';
const stranger = { name: '', id: 0 };
const FILES = { role: 'roles/viewer.yaml', rls: 'row-level-security/viewer-north.yaml' };
const BASE = ['can_read on Chart', 'can_read on Dashboard'];

const roleYaml = (permissions: string[]) =>
  `kind: role\nname: ${roleName}\npermissions:\n${permissions.map((p) => `  - ${p}`).join('\n')}\n`;
const rlsYaml = () =>
  `kind: row_level_security\nname: it viewer north ${project.suffix}\nfilter_type: Regular\ntables: [${project.names.dataset}]\nroles: [${roleName}]\nclause: region = 'north'\n`;

async function roleId(name: string): Promise<number | undefined> {
  const q = encodeURIComponent(`(filters:!((col:name,opr:eq,value:'${name}')))`);
  const found = (await supersetCall('GET', `/api/v1/security/roles/?q=${q}`)) as { result: { id: number }[] };
  return found.result[0]?.id;
}

async function permissionsOf(name: string): Promise<string[]> {
  const id = await roleId(name);
  if (id === undefined) throw new Error(`role ${name} is not in Superset`);
  const res = (await supersetCall('GET', `/api/v1/security/roles/${id}/permissions/`)) as {
    result: { permission_name: string; view_menu_name: string }[];
  };
  return res.result.map((p) => `${p.permission_name} on ${p.view_menu_name}`).sort();
}

beforeAll(async () => {
  project = createTestProject('roles', { charts: 1 });
  roleName = `it_viewer_${project.suffix}`;
  stranger.name = `it_by_hand_${project.suffix}`;
  stranger.id = (
    (await supersetCall('POST', '/api/v1/security/roles/', { name: stranger.name })) as { id: number }
  ).id;
  project.writeFile(FILES.role, roleYaml(BASE));
  project.writeFile(FILES.rls, rlsYaml());
}, 60_000);

afterAll(async () => {
  await project?.cleanup();
  for (const name of [roleName, stranger.name]) {
    const id = name ? await roleId(name).catch(() => undefined) : undefined;
    if (id !== undefined) await supersetCall('DELETE', `/api/v1/security/roles/${id}`).catch(() => undefined);
  }
}, 60_000);

describe('roles', () => {
  it('a role and an RLS rule naming it are created by one apply, and a plan right after has no changes', async () => {
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toContain('5 created, 0 updated, 0 deleted');
    // The role before the rule that names it (the progress lines are on stderr).
    const created = (what: string) => applied.stderr.indexOf(what);
    expect(created(`create role "${roleName}": done`)).toBeGreaterThanOrEqual(0);
    expect(created(`create role "${roleName}": done`)).toBeLessThan(created('create row_level_security'));
    expect(await permissionsOf(roleName)).toEqual(BASE);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 120_000);

  it('one permission more is one update', async () => {
    project.writeFile(FILES.role, roleYaml([...BASE, 'menu_access on SQL Lab']));
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await permissionsOf(roleName)).toEqual([...BASE, 'menu_access on SQL Lab'].sort());
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it('a permission taken away in Superset is drift, and apply gives it back', async () => {
    const id = (await roleId(roleName))!;
    const all = (await supersetCall('GET', `/api/v1/security/roles/${id}/permissions/`)) as {
      result: { id: number; view_menu_name: string }[];
    };
    const kept = all.result.filter((p) => p.view_menu_name !== 'SQL Lab').map((p) => p.id);
    await supersetCall('POST', `/api/v1/security/roles/${id}/permissions`, {
      permission_view_menu_ids: kept,
    });
    const drift = await project.run(['drift']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain(`role "${roleName}": permissions: expected`);
    const healed = await project.run(['apply']);
    expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await permissionsOf(roleName)).toContain('menu_access on SQL Lab');
  }, 120_000);

  it('a permission Superset does not have stops the plan at its line, with the closest one', async () => {
    project.writeFile(FILES.role, roleYaml([...BASE, 'can_raed on Dashboard']));
    const plan = await project.run(['apply']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(
      /metadata\/roles\/viewer\.yaml:6:\d+ role .* permissions\[2\]: Superset has no permission "can_raed on Dashboard"; did you mean "can_read on Dashboard"\?/,
    );
    project.writeFile(FILES.role, roleYaml([...BASE, 'menu_access on SQL Lab']));
  }, 60_000);

  it('comes back from an import of live Superset as the same YAML: no changes', async () => {
    const imported = await importOwn(project, [`role/${roleName}`], ['roles']);
    expect(imported.result.code, imported.result.stderr).toBe(0);
    expect(imported.files.map((f) => f.spec)).toEqual([
      { kind: 'role', name: roleName, permissions: [...BASE, 'menu_access on SQL Lab'].sort() },
    ]);
    replaceWithImported(project, imported, ['roles']);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 180_000);

  it('taken out of the YAML with its rule, it is deleted by --prune; a role made by hand is left', async () => {
    for (const dir of ['roles', 'row-level-security'])
      fs.rmSync(path.join(project.dir, 'metadata', dir), { recursive: true, force: true });
    const pruned = await project.run(['apply', '--prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('0 created, 0 updated, 2 deleted');
    // The rule goes before the role it names.
    const deleted = (what: string) => pruned.stderr.indexOf(what);
    expect(deleted('delete row_level_security')).toBeGreaterThanOrEqual(0);
    expect(deleted('delete row_level_security')).toBeLessThan(deleted(`delete role "${roleName}": done`));
    expect(await roleId(roleName)).toBeUndefined();
    expect(await roleId(stranger.name)).toBe(stranger.id);
  }, 120_000);
});
