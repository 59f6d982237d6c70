// `pull` against live services: a person edits a chart (title, params, description) and a dashboard's
// layout through Superset's REST API; pull writes exactly those keys into exactly those two files, git
// sees no other line change, and plan then finds nothing to do. A value that came from `${var.*}` is
// reported, never overwritten.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFixture, createDriftFixture, runMain, type DriftFixture } from '../drift/fixture.js';

let fx: DriftFixture;
const git = (...args: string[]) => execFileSync('git', args, { cwd: fx.dir, encoding: 'utf8' });

/** The lines `git diff -U0` removes and adds, by file (relative to the metadata folder). */
function diffLines(): Map<string, { removed: string[]; added: string[] }> {
  const out = new Map<string, { removed: string[]; added: string[] }>();
  let current: { removed: string[]; added: string[] } | undefined;
  for (const line of git('diff', '-U0', '--no-color').split('\n')) {
    const file = /^\+\+\+ b\/metadata\/(.*)$/.exec(line);
    if (file) {
      current = { removed: [], added: [] };
      out.set(file[1] as string, current);
    } else if (/^-(?!--)/.test(line)) current?.removed.push(line.slice(1));
    else if (/^\+(?!\+\+)/.test(line)) current?.added.push(line.slice(1));
  }
  return out;
}

const dashboardFile = 'dashboards/pull.yaml';
const chartFile = () => fx.files.chart;

beforeAll(async () => {
  fx = createDriftFixture('pull');
  const write = (rel: string, text: string) => fs.writeFileSync(path.join(fx.metadataDir, rel), text);
  const read = (rel: string) => fs.readFileSync(path.join(fx.metadataDir, rel), 'utf8');
  // Comments, a blank line, a one-line list and a quoted string: what pull must leave as it is.
  write(
    chartFile(),
    `# The revenue pie: kept by hand.
kind: chart
name: ${fx.names.chart} # dashboards use this name

dataset: ${fx.names.dataset}
viz_type: pie
description: 'Revenue by region'
params:
  groupby: [region] # one column
  metric: revenue
  row_limit: 100
  time_range: No filter
`,
  );
  fs.mkdirSync(path.join(fx.metadataDir, 'dashboards'));
  write(
    dashboardFile,
    `# Written by hand.
kind: dashboard
name: pull-${fx.runId}
title: Pull ${fx.runId} \${var.suffix}
slug: pull-${fx.runId.replace(/_/g, '-')}
layout:
  # One row: both charts.
  - row:
      - chart: ${fx.names.chart}
        width: 4
        height: 50
      - chart: ${fx.names.extra}
        width: 4
        height: 50
`,
  );
  const env = `environments/${fx.envName}.yaml`;
  write(env, `${read(env)}variables:\n  suffix: (test)\n`);
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'start');
  await applyFixture(fx);
});

afterAll(async () => {
  await fx?.cleanup();
});

async function dashboardId(): Promise<number> {
  return fx.idOf('dashboard', `Pull ${fx.runId} (test)`);
}

describe('pull', () => {
  it('says there is nothing to pull right after an apply (exit 0) and writes nothing', async () => {
    const r = await fx.cli('pull');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Nothing to pull');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('writes a chart edit and a layout edit made in Superset into exactly those keys', async () => {
    const chartId = await fx.idOf('chart', fx.names.chart);
    const chart = await fx.admin.get('chart', chartId);
    const params = JSON.parse(String(chart.params)) as Record<string, unknown>;
    // As the explore view saves it: the params and the query context they make, together.
    const queryContext = JSON.parse(String(chart.query_context)) as {
      form_data: Record<string, unknown>;
      queries: Record<string, unknown>[];
    };
    queryContext.form_data.row_limit = 250;
    for (const q of queryContext.queries) q.row_limit = 250;
    await fx.admin.update('chart', chartId, {
      slice_name: `Net revenue ${fx.runId}`,
      description: 'Revenue by region, net of returns',
      params: JSON.stringify({ ...params, row_limit: 250 }),
      query_context: JSON.stringify(queryContext),
    });
    const id = await dashboardId();
    const dashboard = await fx.admin.get('dashboard', id);
    const position = JSON.parse(String(dashboard.position_json)) as Record<
      string,
      { type?: string; meta?: { width?: number; sliceName?: string } }
    >;
    const extraNode = Object.values(position).find(
      (n) => n.type === 'CHART' && n.meta?.sliceName === fx.names.extra,
    );
    expect(extraNode).toBeDefined();
    (extraNode as { meta: { width: number } }).meta.width = 8;
    await fx.admin.update('dashboard', id, { position_json: JSON.stringify(position) });

    const dry = await fx.cli('pull', '--dry-run');
    expect(dry.code, dry.stdout + dry.stderr).toBe(2);
    expect(git('status', '--porcelain')).toBe('');

    const r = await fx.cli('pull');
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toContain('2 files changed');
    expect(r.stdout).toMatch(/changed in Superset by \S+/);

    const diff = diffLines();
    expect([...diff.keys()].sort()).toEqual([chartFile(), dashboardFile].sort());
    expect(diff.get(chartFile())).toEqual({
      removed: ["description: 'Revenue by region'", '  row_limit: 100'],
      added: [
        `title: Net revenue ${fx.runId}`,
        "description: 'Revenue by region, net of returns'",
        '  row_limit: 250',
      ],
    });
    expect(diff.get(dashboardFile)).toEqual({ removed: ['        width: 4'], added: ['        width: 8'] });
    // The new key sits right after the name, the comments and the blank line are where they were.
    const lines = fs.readFileSync(path.join(fx.metadataDir, chartFile()), 'utf8').split('\n');
    expect(lines.slice(0, 5)).toEqual([
      '# The revenue pie: kept by hand.',
      'kind: chart',
      `name: ${fx.names.chart} # dashboards use this name`,
      `title: Net revenue ${fx.runId}`,
      '',
    ]);

    const plan = await fx.cli('plan');
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const again = await fx.cli('pull');
    expect(again.code, again.stdout).toBe(0);
  });

  it('reports a value that came from a variable and does not write it', async () => {
    // The pulled files are committed and applied (which writes nothing: Superset has them already).
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qam', 'pulled');
    const apply = await fx.cli('apply');
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(apply.stdout).toMatch(/0 created, 0 updated, 0 deleted/);
    await fx.admin.update('dashboard', await dashboardId(), { dashboard_title: `Pull ${fx.runId} (edited)` });
    const r = await fx.cli('pull');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('differ from a variable');
    expect(r.stdout).toContain(
      `title: YAML gives "Pull ${fx.runId} (test)", Superset has "Pull ${fx.runId} (edited)"`,
    );
    expect(git('status', '--porcelain')).toBe('');
  });

  it("with --include-unmanaged, writes a new file for a chart made in Superset on one of the tree's datasets, and nothing else", async () => {
    const datasetId = await fx.idOf('dataset', fx.names.dataset);
    const title = `Made in the UI ${fx.runId}`;
    await fx.admin.create('chart', {
      slice_name: title,
      viz_type: 'big_number_total',
      datasource_id: datasetId,
      datasource_type: 'table',
      params: JSON.stringify({ metric: 'revenue', viz_type: 'big_number_total' }),
    });
    const without = await fx.cli('pull');
    expect(without.code, without.stdout).toBe(0);

    const r = await fx.cli('pull', '--include-unmanaged');
    expect(r.code, r.stdout + r.stderr).toBe(2);
    // Superset holds other runs' objects and the demo's: only the one on this tree is pulled.
    const added = git('status', '--porcelain', '--untracked-files=all').trim().split('\n');
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^\?\? metadata\/charts\/.+\.yaml$/);
    expect(r.stdout).toContain(`chart "${title}", made by`);
    const text = fs.readFileSync(path.join(fx.dir, (added[0] as string).slice(3)), 'utf8');
    expect(text).toContain(`dataset: ${fx.names.dataset}`);
    expect(text).toContain('viz_type: big_number_total');

    const validate = await runMain(['validate', fx.metadataDir]);
    expect(validate.code, validate.stdout).toBe(0);
    // Not owned until an apply adopts it; after that, nothing to do.
    expect((await fx.cli('plan')).code).toBe(2);
    const adopt = await fx.cli('apply', '--adopt');
    expect(adopt.code, adopt.stdout + adopt.stderr).toBe(0);
    const plan = await fx.cli('plan');
    expect(plan.code, plan.stdout).toBe(0);
  });
});
