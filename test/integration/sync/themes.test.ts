// Themes as code against the real Superset. From 6.0 on: created from YAML, no changes after, one
// token changed is one update, a person's edit in the theme editor is drift that names the token,
// an import gives the same YAML back, --prune deletes only what the tool owns, and Superset's own
// system themes are never listed. Before 6.0 (no theme API): a plan or apply with a theme stops with
// an error that says so, before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestProject,
  ownRows,
  supersetClient,
  type TestProject,
} from '../registry-cli/test-project.js';
import { supersetCall } from './raw-http.js';
import { importOwn, replaceWithImported } from './import-own.js';

let project: TestProject;
// Which tests exist depends on the server: those of the theme API from 6.0 on, the refusal before.
const { themes, version } = await supersetClient().capabilities();
const names = { theme: '', dashboard: '', slug: '' };
const FILE = 'themes/brand.yaml';
const DASHBOARD = 'dashboards/themed.yaml';

const themeYaml = (primary: string) =>
  `kind: theme\nname: ${names.theme}\nconfig:\n  token:\n    colorPrimary: "${primary}"\n    borderRadius: 4\n  algorithm: [dark, compact]\n`;

const dashboardYaml = (theme: string) =>
  `kind: dashboard\nname: ${names.dashboard}\ntitle: ${names.dashboard}\nslug: ${names.slug}\nlayout:\n  - chart: ${project.names.charts[0]}\ntheme: ${theme}\n`;

/** The dashboard's id and its theme as Superset's GET names it. */
async function dashboardTheme(): Promise<{ id: number; theme: { id: number; theme_name: string } | null }> {
  const row = (await ownRows(supersetClient(), 'dashboard', project.suffix)).find(
    (r) => r.name === names.dashboard,
  );
  if (!row) throw new Error(`dashboard ${names.dashboard} is not in Superset`);
  const raw = await supersetClient().get('dashboard', row.id);
  return { id: row.id, theme: (raw.theme ?? null) as { id: number; theme_name: string } | null };
}

async function stored(): Promise<{ id: number; config: unknown }> {
  const row = (await ownRows(supersetClient(), 'theme', project.suffix)).find((r) => r.name === names.theme);
  if (!row) throw new Error(`theme ${names.theme} is not in Superset`);
  const raw = await supersetClient().get('theme', row.id);
  return { id: row.id, config: JSON.parse(String(raw.json_data)) };
}

beforeAll(() => {
  project = createTestProject('themes', { charts: 1 });
  names.theme = `it theme ${project.suffix}`;
  names.dashboard = `it themed ${project.suffix}`;
  names.slug = `it-themed-${project.suffix.replace(/_/g, '-')}`;
  project.writeFile(FILE, themeYaml('#0b3d91'));
}, 60_000);

afterAll(async () => {
  await project?.cleanup();
}, 60_000);

// Not a skip: on each server, only the tests that apply to it exist.
if (!themes)
  describe('themes before Superset 6.0', () => {
    it('before 6.0, a plan or apply with a theme stops with an error and writes nothing', async () => {
      const plan = await project.run(['plan']);
      expect(plan.code).not.toBe(0);
      expect(plan.stderr + plan.stdout).toContain(`Superset ${version} has no themes (they came with 6.0)`);
      const apply = await project.run(['apply']);
      expect(apply.code).not.toBe(0);
      expect(apply.stderr + apply.stdout).toContain('has no themes');
      expect(await ownRows(supersetClient(), 'dataset', project.suffix)).toEqual([]);
      // Without the theme, the same project applies.
      fs.rmSync(path.join(project.dir, 'metadata', 'themes'), { recursive: true });
      const without = await project.run(['apply']);
      expect(without.code, without.stderr).toBe(0);
    }, 120_000);
  });
else
  describe('themes', () => {
    it('are created from YAML, and a plan right after has no changes', async () => {
      const applied = await project.run(['apply']);
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
      expect(applied.stdout).toMatch(/created, 0 updated, 0 deleted/);
      expect((await stored()).config).toEqual({
        token: { colorPrimary: '#0b3d91', borderRadius: 4 },
        algorithm: ['dark', 'compact'],
      });
      const plan = await project.run(['plan']);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('No changes');
      // Superset's own themes are not the tool's to list: drift shows none of them as unmanaged.
      const drift = await project.run(['drift']);
      expect(drift.stdout).not.toContain('THEME_DEFAULT');
    }, 120_000);

    it('one token changed is one update', async () => {
      project.writeFile(FILE, themeYaml('#ff6600'));
      const plan = await project.run(['plan']);
      expect(plan.stdout).toContain('Plan: 0 to create, 1 to change, 0 to delete.');
      expect(plan.stdout).toContain('~ config.token.colorPrimary: "#0b3d91" -> "#ff6600"');
      const applied = await project.run(['apply']);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toContain('0 created, 1 updated, 0 deleted');
      expect((await stored()).config).toMatchObject({ token: { colorPrimary: '#ff6600' } });
      expect((await project.run(['plan'])).stdout).toContain('No changes');
    }, 120_000);

    it('a dashboard names the theme: written by its id; taken off in Superset, it is drift', async () => {
      project.writeFile(DASHBOARD, dashboardYaml(JSON.stringify(names.theme)));
      const applied = await project.run(['apply']);
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
      expect(applied.stdout).toContain('1 created, 0 updated, 0 deleted');
      const { id, theme } = await dashboardTheme();
      expect(theme?.theme_name).toBe(names.theme);
      expect(theme?.id).toBe((await stored()).id);
      expect((await project.run(['plan'])).stdout).toContain('No changes');
      // As Superset's dashboard properties dialog saves "no theme".
      await supersetCall('PUT', `/api/v1/dashboard/${id}`, { theme_id: null });
      const drift = await project.run(['drift']);
      expect(drift.code, drift.stderr).toBe(2);
      expect(drift.stdout).toContain(
        `dashboard "${names.dashboard}": theme: expected "${names.theme}", found (none)`,
      );
      const healed = await project.run(['apply']);
      expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
      expect((await dashboardTheme()).theme?.theme_name).toBe(names.theme);
    }, 120_000);

    it("a person's edit in Superset is drift that names the token, and apply puts it back", async () => {
      const { id, config } = await stored();
      const edited = {
        ...(config as Record<string, unknown>),
        token: { colorPrimary: '#ff6600', borderRadius: 12 },
      };
      // As Superset's theme editor saves: the name and the whole JSON.
      await supersetCall('PUT', `/api/v1/theme/${id}`, {
        theme_name: names.theme,
        json_data: JSON.stringify(edited),
      });
      const drift = await project.run(['drift']);
      expect(drift.code, drift.stderr).toBe(2);
      expect(drift.stdout).toContain(
        `theme "${names.theme}": config.token.borderRadius: expected 4, found 12`,
      );
      const healed = await project.run(['apply']);
      expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
      expect((await stored()).config).toMatchObject({ token: { borderRadius: 4 } });
    }, 120_000);

    it('come back from an import of live Superset as the same YAML: no changes', async () => {
      const imported = await importOwn(
        project,
        // An import names a dashboard by its slug.
        [`theme/${names.theme}`, `dashboard/${names.slug}`],
        ['themes', 'dashboards'],
      );
      expect(imported.result.code, imported.result.stderr).toBe(0);
      expect(imported.files.find((f) => f.spec.kind === 'dashboard')?.spec).toMatchObject({
        theme: names.theme,
      });
      expect(imported.files.filter((f) => f.spec.kind === 'theme').map((f) => f.spec)).toEqual([
        {
          kind: 'theme',
          name: names.theme,
          config: { token: { colorPrimary: '#ff6600', borderRadius: 4 }, algorithm: ['dark', 'compact'] },
        },
      ]);
      replaceWithImported(project, imported, ['themes', 'dashboards']);
      const plan = await project.run(['plan']);
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).toContain('No changes');
    }, 180_000);

    it('taken out of the YAML, it is deleted by --prune; one the tool does not own is left', async () => {
      const stranger = `it theme stranger ${project.suffix}`;
      await supersetCall('POST', '/api/v1/theme/', {
        theme_name: stranger,
        json_data: '{"algorithm": "dark"}',
      });
      fs.rmSync(path.join(project.dir, 'metadata', 'themes'), { recursive: true, force: true });
      fs.rmSync(path.join(project.dir, 'metadata', 'dashboards'), { recursive: true, force: true });
      project.writeFile(DASHBOARD, dashboardYaml('null'));
      const pruned = await project.run(['apply', '--prune']);
      expect(pruned.code, pruned.stderr).toBe(0);
      // The dashboard lets go of the theme before the theme is deleted.
      expect(pruned.stdout).toContain('0 created, 1 updated, 1 deleted');
      expect((await dashboardTheme()).theme).toBeNull();
      expect((await ownRows(supersetClient(), 'theme', project.suffix)).map((r) => r.name)).toEqual([
        stranger,
      ]);
      expect((await project.run(['plan', '--prune'])).stdout).toContain('No changes');
    }, 120_000);
  });
