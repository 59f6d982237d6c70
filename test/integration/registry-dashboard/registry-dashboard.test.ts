// The pipeline dashboard on live services: after an apply through the CLI, its history chart's data
// (GET /api/v1/chart/<id>/data/, run by Superset through connectors/superset-zookeeper) has a row for
// that apply's commit; a drift finding written to the registry shows in the drift chart.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../../src/drift/types.js';
import type { Json } from '../../../src/model/canonical.js';
import { ZkRegistry } from '../../../src/registry/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { cleanupRun, createFixture, environmentYaml, type Fixture } from '../sync/fixture.js';
import { cli } from '../sync/harness.js';
import { copyPipeline, registryVariables, type PipelineCopy } from './pipeline-copy.js';

let fx: Fixture;
let copy: PipelineCopy;
let registryBase: string;
let commit: string;

type Row = Record<string, unknown>;

/** Rows of a chart's stored query, run by Superset now. */
async function chartRows(name: string): Promise<Row[]> {
  const chart = (await fx.admin.list('chart')).find((c) => c.name === name);
  if (!chart) throw new Error(`chart ${JSON.stringify(name)} is not in Superset`);
  const [result] = await fx.admin.chartData(chart.id);
  return result?.data ?? [];
}

function git(...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Registry Test', '-c', 'user.email=registry@example.invalid', ...args],
    {
      cwd: fx.dir,
      encoding: 'utf8',
    },
  ).trim();
}

beforeAll(() => {
  fx = createFixture('regdash');
  registryBase = `/superset-gitops-test/registry-dashboard-${fx.runId}`;
  const envRoot = `${registryBase}/${fx.envName}`;
  fx.write(
    `environments/${fx.envName}.yaml`,
    environmentYaml(fx.envName, envRoot) + registryVariables(serviceEndpoints().zkConnect, registryBase),
  );
  copy = copyPipeline(fx.metadataDir, fx.runId, registryBase);
  // A real commit, so history records a SHA only this run has.
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', `pipeline dashboard test ${fx.runId}`);
  commit = git('rev-parse', 'HEAD');
});

afterAll(async () => {
  if (fx) await cleanupRun(fx.admin, fx.runId, registryBase, fx.dir);
});

describe('pipeline dashboard over the registry', () => {
  it('shows the apply that created it in the history chart', async () => {
    const applied = await cli(fx, 'apply');
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`(commit ${commit.slice(0, 12)})`);

    const rows = await chartRows(copy.chart('Apply history'));
    const ours = rows.filter((r) => r.commit_sha === commit);
    expect(ours).toHaveLength(1);
    const [row] = ours;
    expect(row).toMatchObject({ environment: fx.envName, result: 'success', failed: 0, deleted: 0 });
    // 1 database, 6 datasets, 7 charts, 1 dashboard.
    expect(row?.created).toBe(15);
    expect(typeof row?.finished_at).toBe('number'); // a temporal column: epoch milliseconds

    const last = await chartRows(copy.chart('Last successful apply'));
    expect(last).toEqual([
      expect.objectContaining({ environment: fx.envName, commit_sha: commit, changes: 15 }),
    ]);
    const lock = await chartRows(copy.chart('Lock holder'));
    expect(lock).toEqual([expect.objectContaining({ environment: fx.envName, held: false })]);
    const kinds = await chartRows(copy.chart('Objects by kind'));
    expect(Object.fromEntries(kinds.map((k) => [k.kind, k.objects]))).toEqual({
      database: 1,
      dataset: 6,
      chart: 7,
      dashboard: 1,
    });
  });

  it('shows a drift finding written to the registry in the drift chart', async () => {
    expect(await chartRows(copy.chart('Current drift'))).toEqual([]);
    const finding: DriftFinding = {
      environment: fx.envName,
      kind: 'chart',
      name: copy.chart('Apply history'),
      uuid: '00000000-0000-4000-8000-0000000000aa',
      attribute: 'params.row_limit',
      expected: 1000,
      actual: 7,
      where: 'superset',
      detectedAt: '2025-03-01T12:00:00.000Z',
      changedBy: 'Grace Hopper',
      changedOn: '2025-03-01T11:59:00.000Z',
      message: 'row_limit changed in Superset',
    };
    const registry = await ZkRegistry.connect({
      connect: serviceEndpoints().zkConnect,
      root: `${registryBase}/${fx.envName}`,
    });
    try {
      await registry.writeDriftFindings([finding as unknown as Json]);
    } finally {
      await registry.close();
    }

    const rows = await chartRows(copy.chart('Current drift'));
    expect(rows).toEqual([
      expect.objectContaining({
        environment: fx.envName,
        object: `chart ${copy.chart('Apply history')}`,
        attribute: 'params.row_limit',
        differs_in: 'superset',
        expected: '1000',
        actual: '7',
        changed_by: 'Grace Hopper',
        message: 'row_limit changed in Superset',
      }),
    ]);
  });
});
