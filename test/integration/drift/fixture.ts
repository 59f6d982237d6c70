// A throwaway environment for drift and watch tests: its own metadata tree (mkdtemp), ZooKeeper root,
// SQLite file with tables named after the run, and objects whose names carry the run id, so parallel
// runs and the demo never collide. `cleanup()` deletes what the run made in Superset and ZooKeeper.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SupersetClient } from '../../../src/superset/index.js';
import type { SupersetKind } from '../../../src/superset/port.js';
import { ZkClient } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { adminClient, cleanupRun, listOwn } from '../sync/fixture.js';
import { warehouseDatabaseYaml, warehouseSql } from '../warehouse.js';
import { runMain, type CliResult } from '../sync/harness.js';

export { listOwn, runMain, type CliResult };

export const REPO_DIR = path.resolve(import.meta.dirname, '../../..');

export interface DriftFixture {
  runId: string;
  envName: string;
  zkRoot: string;
  dir: string;
  metadataDir: string;
  names: { database: string; dataset: string; chart: string; extra: string };
  files: { chart: string; extra: string };
  admin: SupersetClient;
  /** The CLI in this process on this environment (`--env` and `--dir` added). */
  cli(...args: string[]): Promise<CliResult>;
  /** Argument list for the same command in a child process. */
  argv(...args: string[]): string[];
  /** Superset id of one of this run's objects. */
  idOf(kind: SupersetKind, name: string): Promise<number>;
  zk(): Promise<ZkClient>;
  cleanup(): Promise<void>;
}

export interface FixtureOptions {
  /** ZooKeeper connect string the environment names (a proxy, another server). */
  zkConnect?: string;
  sessionTimeoutMs?: number;
}

function createWarehouse(table: string): void {
  warehouseSql(`
CREATE TABLE "${table}" (order_id integer PRIMARY KEY, region text, amount double precision);
INSERT INTO "${table}" SELECT i, (ARRAY['north', 'south'])[1 + i % 2], 10.0 + i FROM generate_series(1, 20) AS i;`);
}

export function chartYaml(name: string, dataset: string, rowLimit: number): string {
  return `kind: chart
name: ${name}
dataset: ${dataset}
viz_type: pie
params:
  groupby: [region]
  metric: revenue
  row_limit: ${rowLimit}
  time_range: No filter
`;
}

/** A database, a dataset and two charts, written under a fresh temp directory. Nothing is applied yet. */
export function createDriftFixture(label: string, options: FixtureOptions = {}): DriftFixture {
  const runId = `${label}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `drift-${label}-`));
  const metadataDir = path.join(dir, 'metadata');
  const table = `orders_${runId}`;
  createWarehouse(table);
  const envName = 'drifttest';
  const zkRoot = `/superset-gitops-test/drift-${runId}`;
  const names = {
    database: `db_${runId}`,
    dataset: table,
    chart: `Revenue ${runId}`,
    extra: `Extra ${runId}`,
  };
  const files = { chart: 'charts/revenue.yaml', extra: 'charts/extra.yaml' };
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(metadataDir, file)), { recursive: true });
    fs.writeFileSync(path.join(metadataDir, file), text);
  };
  const { supersetUrl, supersetUser, supersetPassword, zkConnect } = serviceEndpoints();
  write(
    `environments/${envName}.yaml`,
    `kind: environment
name: ${envName}
superset:
  url: \${env.DRIFT_TEST_SUPERSET_URL:-${supersetUrl}}
  username: \${env.DRIFT_TEST_SUPERSET_USER:-${supersetUser}}
  password: \${env.DRIFT_TEST_SUPERSET_PASSWORD:-${supersetPassword}}
zookeeper:
  connect: ${options.zkConnect ?? zkConnect}
  root: ${zkRoot}
  session_timeout_ms: ${options.sessionTimeoutMs ?? 4000}
`,
  );
  write('databases/warehouse.yaml', warehouseDatabaseYaml(names.database));
  write(
    'datasets/orders.yaml',
    `kind: dataset
name: ${names.dataset}
database: ${names.database}
table_name: ${table}
columns:
  - name: order_id
  - name: region
  - name: amount
metrics:
  - name: revenue
    expression: SUM(amount)
`,
  );
  write(files.chart, chartYaml(names.chart, names.dataset, 100));
  write(files.extra, chartYaml(names.extra, names.dataset, 50));

  const admin = adminClient();
  const argv = (...args: string[]) => [...args, '--env', envName, '--dir', metadataDir];
  return {
    runId,
    envName,
    zkRoot,
    dir,
    metadataDir,
    names,
    files,
    admin,
    argv,
    cli: (...args) => runMain(argv(...args)),
    async idOf(kind, name) {
      const row = (await listOwn(admin, kind, runId)).find((r) => r.name === name);
      if (!row) throw new Error(`no ${kind} named ${JSON.stringify(name)} in Superset`);
      return row.id;
    },
    zk: () => ZkClient.connect({ connect: zkConnect, connectTimeoutMs: 10_000 }),
    cleanup: () => cleanupRun(admin, runId, zkRoot, dir),
  };
}

/** Applies the fixture with the CLI; throws with its output when it fails. */
export async function applyFixture(fx: DriftFixture, ...args: string[]): Promise<void> {
  const r = await fx.cli('apply', ...args);
  if (r.code !== 0) throw new Error(`apply failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
}
