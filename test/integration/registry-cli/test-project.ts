// One test's own world: a temporary git repository with a metadata tree, its own environment
// (ZooKeeper root, unique object names), its own uniquely named table in the PostgreSQL warehouse;
// and the clean-up of everything it made in Superset, ZooKeeper and the warehouse.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZkRegistry } from '../../../src/registry/index.js';
import { createSupersetClient, type SupersetClient } from '../../../src/superset/index.js';
import type { SupersetKind } from '../../../src/superset/port.js';
import { ZkClient, deleteTree, type DigestCredentials } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import {
  WAREHOUSE_PASSWORD_REF,
  dropWarehouseTables,
  superuserSql,
  warehouseSql,
  warehouseUri,
  warehouseUriWithPassword,
} from '../warehouse.js';
import { startCli, type CliProcess, type CliResult } from './cli-process.js';

export const TEST_BASE = '/superset-gitops-test';

export interface ProjectOptions {
  zkConnect?: string;
  /** Digest identity for the environment, given to the CLI as ${env.*} references. */
  zkAuth?: DigestCredentials;
  /**
   * The database's password, given to the CLI as `password: ${env.IT_DB_PASSWORD}`: the database
   * then logs in as a warehouse role of the project's own that has this password, and the project
   * is the database alone.
   */
  dbPassword?: string;
  /** How many charts (more objects: a longer apply). */
  charts?: number;
}

export interface TestProject {
  dir: string;
  suffix: string;
  root: string;
  zkConnect: string;
  names: { database: string; dataset: string; table: string; charts: string[] };
  /** Writes every chart with this row_limit. */
  setRowLimit(rowLimit: number): void;
  /** Writes (or removes, with null) a file under metadata/. */
  writeFile(file: string, text: string | null): void;
  /** The warehouse URI with the password in it, for a database made straight through Superset's API. */
  warehouseUriWithPassword: string;
  /** A database file for the warehouse (password as `${env.WAREHOUSE_PASSWORD...}`). */
  warehouseDatabaseYaml(name: string): string;
  /** `git add metadata && git commit`; returns the SHA. */
  commit(message: string): string;
  /** Environment variables the CLI needs; `supersetUrl` to send it through a proxy. */
  cliEnv(overrides?: { supersetUrl?: string; extra?: Record<string, string> }): Record<string, string>;
  start(args: string[], overrides?: Parameters<TestProject['cliEnv']>[0]): CliProcess;
  run(args: string[], overrides?: Parameters<TestProject['cliEnv']>[0]): Promise<CliResult>;
  registry(): Promise<ZkRegistry>;
  /** Lock nodes under the environment's root: the holder and everyone waiting. */
  lockContenders(): Promise<number>;
  /** row_limit of each chart as Superset has it, in chart order. */
  rowLimitsInSuperset(): Promise<number[]>;
  /** Superset objects of this project by kind: how many carry its suffix. */
  countInSuperset(): Promise<Record<SupersetKind, number>>;
  cleanup(): Promise<void>;
}

const ENV_NAME = 'it';

export function createTestProject(label: string, options: ProjectOptions = {}): TestProject {
  const endpoints = serviceEndpoints();
  const suffix = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sgo-${label}-`));
  const root = `${TEST_BASE}/${suffix}`;
  const zkConnect = options.zkConnect ?? endpoints.zkConnect;
  const table = `orders_${suffix}`;
  const names = {
    database: `it_db_${suffix}`,
    dataset: table,
    table,
    charts: Array.from({ length: options.charts ?? 2 }, (_, i) => `it chart ${i + 1} ${suffix}`),
  };
  warehouseSql(
    `CREATE TABLE "${table}" (order_date date, region text, amount double precision);\n` +
      `INSERT INTO "${table}" VALUES ('2024-01-01', 'north', 10.5);`,
  );
  // A login role of the project's own for a database with its own password (dropped in cleanup).
  const dbRole = `it_role_${suffix}`;
  if (options.dbPassword !== undefined)
    superuserSql(`CREATE ROLE "${dbRole}" LOGIN PASSWORD :'pw';`, options.dbPassword);
  const metadata = path.join(dir, 'metadata');
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(metadata, file)), { recursive: true });
    fs.writeFileSync(path.join(metadata, file), text);
  };
  const authLines = options.zkAuth
    ? '  username: ${env.IT_ZK_USER}\n  password: ${env.IT_ZK_PASSWORD}\n'
    : '';
  write(
    `environments/${ENV_NAME}.yaml`,
    `kind: environment
name: ${ENV_NAME}
superset:
  url: \${env.IT_SUPERSET_URL}
  username: \${env.IT_SUPERSET_USER}
  password: \${env.IT_SUPERSET_PASSWORD}
zookeeper:
  connect: \${env.IT_ZK_CONNECT}
  root: ${root}
  session_timeout_ms: 4000
${authLines}
`,
  );
  write(
    'databases/warehouse.yaml',
    options.dbPassword === undefined
      ? `kind: database\nname: ${names.database}\nsqlalchemy_uri: ${warehouseUri()}\npassword: ${WAREHOUSE_PASSWORD_REF}\n`
      : `kind: database\nname: ${names.database}\nsqlalchemy_uri: ${warehouseUri().replace('//warehouse@', `//${dbRole}@`)}\npassword: \${env.IT_DB_PASSWORD}\n`,
  );
  if (options.dbPassword === undefined)
    write(
      'datasets/orders.yaml',
      `kind: dataset\nname: ${names.dataset}\ndatabase: ${names.database}\ntable_name: ${table}\nmain_dttm_col: order_date\n`,
    );
  if (options.dbPassword !== undefined) names.charts = [];
  const setRowLimit = (rowLimit: number) => {
    names.charts.forEach((chart, i) =>
      write(
        `charts/chart-${i + 1}.yaml`,
        `kind: chart\nname: ${chart}\ndataset: ${names.dataset}\nviz_type: table\nparams:\n  groupby: [region]\n  metrics: [count]\n  row_limit: ${rowLimit}\n`,
      ),
    );
  };
  setRowLimit(100);
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'tests@example.invalid');
  git('config', 'user.name', 'Registry CLI tests');

  const cliEnv: TestProject['cliEnv'] = (overrides = {}) => ({
    IT_SUPERSET_URL: overrides.supersetUrl ?? endpoints.supersetUrl,
    IT_SUPERSET_USER: endpoints.supersetUser,
    IT_SUPERSET_PASSWORD: endpoints.supersetPassword,
    IT_ZK_CONNECT: zkConnect,
    ...(options.zkAuth ? { IT_ZK_USER: options.zkAuth.user, IT_ZK_PASSWORD: options.zkAuth.password } : {}),
    ...(options.dbPassword !== undefined ? { IT_DB_PASSWORD: options.dbPassword } : {}),
    ...overrides.extra,
  });
  const start: TestProject['start'] = (args, overrides) =>
    startCli([...args, '--env', ENV_NAME], { cwd: dir, env: cliEnv(overrides) });

  const opened: ZkRegistry[] = [];
  const project: TestProject = {
    dir,
    suffix,
    root,
    zkConnect,
    names,
    setRowLimit,
    writeFile: (file, text) => (text === null ? fs.rmSync(path.join(metadata, file)) : write(file, text)),
    warehouseUriWithPassword: warehouseUriWithPassword(),
    warehouseDatabaseYaml: (name) =>
      `kind: database\nname: ${name}\nsqlalchemy_uri: ${warehouseUri()}\npassword: ${WAREHOUSE_PASSWORD_REF}\n`,
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    cliEnv,
    start,
    run: (args, overrides) => start(args, overrides).done,
    async registry() {
      const reg = await ZkRegistry.connect({
        connect: zkConnect,
        root,
        ...(options.zkAuth ? { auth: options.zkAuth } : {}),
        connectTimeoutMs: 10_000,
      });
      opened.push(reg);
      return reg;
    },
    async lockContenders() {
      const zk = await ZkClient.connect({ connect: zkConnect, connectTimeoutMs: 10_000 });
      try {
        // No lock folder yet (the first apply was stopped before it made the layout): no one waits.
        return (await zk.children(`${root}/lock`).catch(() => [])).length;
      } finally {
        zk.close();
      }
    },
    async rowLimitsInSuperset() {
      const client = supersetClient();
      const rows = await ownRows(client, 'chart', suffix);
      return Promise.all(
        names.charts.map(async (chart) => {
          const row = rows.find((r) => r.name === chart);
          if (!row) throw new Error(`chart ${chart} is not in Superset`);
          const params = JSON.parse(String((await client.get('chart', row.id)).params)) as {
            row_limit: number;
          };
          return params.row_limit;
        }),
      );
    },
    async countInSuperset() {
      const client = supersetClient();
      const out = {} as Record<SupersetKind, number>;
      for (const kind of KINDS) out[kind] = (await ownRows(client, kind, suffix)).length;
      return out;
    },
    async cleanup() {
      for (const reg of opened.splice(0)) await reg.close().catch(() => undefined);
      const client = supersetClient();
      // Rules, queries, templates and themes first: a rule names a dataset. Themes from 6.0 on.
      const themes = (await client.capabilities()).themes;
      for (const kind of ['report', 'css_template', 'saved_query', 'row_level_security', 'theme'] as const)
        if (kind !== 'theme' || themes)
          for (const row of await ownRows(client, kind, suffix)) await client.remove(kind, row.id);
      for (const kind of [...KINDS].reverse())
        for (const row of await ownRows(client, kind, suffix)) await client.remove(kind, row.id);
      await removeZkTree(zkConnect, root, options.zkAuth);
      dropWarehouseTables(suffix);
      if (options.dbPassword !== undefined) superuserSql(`DROP ROLE IF EXISTS "${dbRole}";`);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

const KINDS = ['database', 'dataset', 'chart', 'dashboard'] as const;
const NAME_COLUMN: Record<SupersetKind, string> = {
  database: 'database_name',
  dataset: 'table_name',
  chart: 'slice_name',
  dashboard: 'dashboard_title',
  css_template: 'template_name',
  theme: 'theme_name',
  saved_query: 'label',
  row_level_security: 'name',
  report: 'name',
  role: 'name',
};

/**
 * Objects whose name carries the suffix, filtered by Superset: a full listing of a shared server
 * that other tests write to at the same time can shift between its pages.
 */
export function ownRows(client: SupersetClient, kind: SupersetKind, suffix: string) {
  return client
    .list(kind, { filters: [[NAME_COLUMN[kind], 'ct', suffix]] })
    .then((rows) => rows.filter((row) => row.name.includes(suffix)));
}

export function supersetClient() {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  return createSupersetClient({ baseUrl: supersetUrl, username: supersetUser, password: supersetPassword });
}

export async function removeZkTree(connect: string, root: string, auth?: DigestCredentials): Promise<void> {
  const zk = await ZkClient.connect({ connect, auth, connectTimeoutMs: 10_000 });
  try {
    await deleteTree(zk, root);
  } finally {
    zk.close();
  }
}
