// Alerts and reports as code, against the real Superset (ALERT_REPORTS on in our config): a report of
// a chart and an alert with SQL and a threshold are created from YAML with their schedules; a plan
// right after has no changes; a new crontab is one update and reads back; a person's edit of the
// recipients in Superset is drift; an import gives the same YAML; --prune deletes only what the tool
// owns. Superset sends reports through Celery, which is not running: the stored schedule is checked,
// not a delivery.
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
const names = { report: '', alert: '' };
const FILES = { report: 'reports/weekly.yaml', alert: 'reports/big-order.yaml' };

const reportYaml = (crontab: string) =>
  [
    'kind: report',
    `name: ${names.report}`,
    'type: Report',
    'description: Weekly regional numbers',
    `crontab: '${crontab}'`,
    'timezone: Europe/Berlin',
    `chart: ${project.names.charts[0]}`,
    'format: PNG',
    'recipients:',
    '  - type: Email',
    '    target: sales@example.com, lead@example.com',
    'working_timeout: 1800',
    '',
  ].join('\n');

const alertYaml = () =>
  [
    'kind: report',
    `name: ${names.alert}`,
    'type: Alert',
    "crontab: '*/30 * * * *'",
    `chart: ${project.names.charts[0]}`,
    `database: ${project.names.database}`,
    `sql: SELECT max(amount) FROM "${project.names.table}"`,
    'validator:',
    '  type: operator',
    "  op: '>'",
    '  threshold: 1000',
    'recipients:',
    '  - type: Slack',
    "    target: '#sales-alerts'",
    'active: false',
    '',
  ].join('\n');

async function one(name: string): Promise<Record<string, unknown>> {
  const row = (await ownRows(supersetClient(), 'report', project.suffix)).find((r) => r.name === name);
  if (!row) throw new Error(`report ${name} is not in Superset`);
  return { ...(await supersetClient().get('report', row.id)), id: row.id };
}

const recipients = (raw: Record<string, unknown>) =>
  (raw.recipients as { type: string; recipient_config_json: string }[]).map((r) => ({
    type: r.type,
    target: (JSON.parse(r.recipient_config_json) as { target: string }).target,
  }));

beforeAll(() => {
  project = createTestProject('reports', { charts: 1 });
  names.report = `it weekly ${project.suffix}`;
  names.alert = `it big order ${project.suffix}`;
  project.writeFile(FILES.report, reportYaml('0 9 * * 1'));
  project.writeFile(FILES.alert, alertYaml());
}, 60_000);

afterAll(async () => {
  await project?.cleanup();
}, 60_000);

describe('alerts and reports', () => {
  it('are created from YAML with their schedules, and a plan right after has no changes', async () => {
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    expect(applied.stdout).toContain('5 created, 0 updated, 0 deleted');
    const report = await one(names.report);
    expect(report).toMatchObject({
      type: 'Report',
      crontab: '0 9 * * 1',
      timezone: 'Europe/Berlin',
      report_format: 'PNG',
      active: true,
      working_timeout: 1800,
      creation_method: 'alerts_reports',
    });
    expect((report.chart as { slice_name: string }).slice_name).toBe(project.names.charts[0]);
    expect(recipients(report)).toEqual([{ type: 'Email', target: 'sales@example.com, lead@example.com' }]);
    const alert = await one(names.alert);
    expect(alert).toMatchObject({
      type: 'Alert',
      crontab: '*/30 * * * *',
      timezone: 'UTC',
      active: false,
      validator_type: 'operator',
    });
    expect(JSON.parse(alert.validator_config_json as string)).toEqual({ op: '>', threshold: 1000 });
    expect((alert.database as { database_name: string }).database_name).toBe(project.names.database);
    expect(recipients(alert)).toEqual([{ type: 'Slack', target: '#sales-alerts' }]);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 120_000);

  it("a new schedule is one update, and Superset's stored crontab is the new one", async () => {
    project.writeFile(FILES.report, reportYaml('30 7 * * 1-5'));
    const plan = await project.run(['plan']);
    expect(plan.stdout).toContain('~ crontab: "0 9 * * 1" -> "30 7 * * 1-5"');
    expect(plan.stdout).toContain('Plan: 0 to create, 1 to change, 0 to delete.');
    const applied = await project.run(['apply']);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(await one(names.report)).toMatchObject({ crontab: '30 7 * * 1-5', timezone: 'Europe/Berlin' });
    expect((await project.run(['plan'])).stdout).toContain('No changes');
  }, 120_000);

  it("a person's edit of the recipients in Superset is drift, and apply puts them back", async () => {
    const report = await one(names.report);
    await supersetCall('PUT', `/api/v1/report/${report.id as number}`, {
      recipients: [{ type: 'Email', recipient_config_json: { target: 'someone@example.com' } }],
    });
    const drift = await project.run(['drift']);
    expect(drift.code, drift.stderr).toBe(2);
    expect(drift.stdout).toContain(
      `report "${names.report}": recipients[0].target: expected "sales@example.com, lead@example.com", found "someone@example.com"`,
    );
    const healed = await project.run(['apply']);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stdout).toContain('0 created, 1 updated, 0 deleted');
    expect(recipients(await one(names.report))).toEqual([
      { type: 'Email', target: 'sales@example.com, lead@example.com' },
    ]);
  }, 120_000);

  it('a bad address stops the plan at its file and line, and writes nothing', async () => {
    project.writeFile(FILES.report, reportYaml('30 7 * * 1-5').replace('lead@example.com', 'lead@example'));
    const plan = await project.run(['apply']);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(
      /metadata\/reports\/weekly\.yaml:11:\d+ .*"lead@example" is not an e-mail address/,
    );
    project.writeFile(FILES.report, reportYaml('30 7 * * 1-5'));
  }, 60_000);

  it('come back from an import of live Superset as the same YAML: no changes', async () => {
    const imported = await importOwn(
      project,
      [`report/${names.report}`, `report/${names.alert}`],
      ['reports'],
    );
    expect(imported.result.code, imported.result.stderr).toBe(0);
    expect(imported.files).toHaveLength(2);
    expect(imported.files.map((f) => f.spec).find((s) => s.type === 'Alert')).toMatchObject({
      validator: { type: 'operator', op: '>', threshold: 1000 },
      database: project.names.database,
      active: false,
    });
    replaceWithImported(project, imported, ['reports']);
    const plan = await project.run(['plan']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('No changes');
  }, 180_000);

  it('taken out of the YAML, both are deleted by --prune; one made in Superset is left', async () => {
    const chart = (await ownRows(supersetClient(), 'chart', project.suffix))[0]!;
    const stranger = `it by hand ${project.suffix}`;
    await supersetCall('POST', '/api/v1/report/', {
      type: 'Report',
      name: stranger,
      crontab: '0 0 * * *',
      chart: chart.id,
      creation_method: 'alerts_reports',
      recipients: [{ type: 'Email', recipient_config_json: { target: 'x@example.com' } }],
    });
    fs.rmSync(path.join(project.dir, 'metadata', 'reports'), { recursive: true, force: true });
    const pruned = await project.run(['apply', '--prune']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain('0 created, 0 updated, 2 deleted');
    expect((await ownRows(supersetClient(), 'report', project.suffix)).map((r) => r.name)).toEqual([
      stranger,
    ]);
  }, 120_000);
});
