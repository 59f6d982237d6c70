// The integration tests' warehouse: database `warehouse` of scripts/postgres.sh (PostgreSQL on
// loopback), reached by Superset as role `warehouse` with its password, as a team's warehouse would
// be. Each run makes tables named after its run id and drops them in its cleanup.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { serviceEndpoints } from './endpoints.js';

const REPO = path.resolve(import.meta.dirname, '../..');
/** What scripts/postgres.sh gives the role when WAREHOUSE_PASSWORD is not set. */
const DEFAULT_PASSWORD = 'warehouse-demo-pw-1';

// Database files say `password: ${env.WAREHOUSE_PASSWORD}` (a default written in the file would be the
// secret itself, in every snapshot: the tool refuses that), so the variable is set for this process
// and the CLIs it starts.
if (!process.env.WAREHOUSE_PASSWORD) process.env.WAREHOUSE_PASSWORD = DEFAULT_PASSWORD;

export function warehousePassword(): string {
  return process.env.WAREHOUSE_PASSWORD || DEFAULT_PASSWORD;
}

/** The connection URI Superset gets (no password in it: that goes in `password`). */
export function warehouseUri(database = 'warehouse'): string {
  const { pgHost, pgPort } = serviceEndpoints();
  return `postgresql://warehouse@${pgHost}:${pgPort}/${database}`;
}

/** The URI with the password in it, for a database made straight through Superset's API (as a person would). */
export function warehouseUriWithPassword(database = 'warehouse'): string {
  const { pgHost, pgPort } = serviceEndpoints();
  return `postgresql://warehouse:${encodeURIComponent(warehousePassword())}@${pgHost}:${pgPort}/${database}`;
}

/** The `password:` value of a database file for the warehouse. */
export const WAREHOUSE_PASSWORD_REF = '${env.WAREHOUSE_PASSWORD}';

/** A database file for the warehouse. */
export function warehouseDatabaseYaml(name: string, extra = ''): string {
  return `kind: database\nname: ${name}\nsqlalchemy_uri: ${warehouseUri()}\npassword: ${WAREHOUSE_PASSWORD_REF}\n${extra}`;
}

/**
 * psql as the cluster's superuser over its socket (scripts/postgres.sh psql), stopping at the first
 * error; `vars` become psql variables (`:'name'` in the SQL), `env` is added to its environment.
 */
export function psql(
  database: string,
  sql: string,
  options: { vars?: Record<string, string>; env?: Record<string, string> } = {},
): string {
  const args = [
    path.join(REPO, 'scripts/postgres.sh'),
    'psql',
    '-X',
    '-q',
    '-t',
    '-A',
    '-v',
    'ON_ERROR_STOP=1',
  ];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push('-v', `${k}=${v}`);
  args.push('-d', database);
  return execFileSync('bash', args, {
    input: sql,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  }).trim();
}

/** Runs SQL in the warehouse as role `warehouse` (so it owns what it makes), in one transaction. */
export function warehouseSql(sql: string): string {
  return psql('warehouse', `BEGIN;\nSET LOCAL ROLE warehouse;\n${sql}\nCOMMIT;\n`);
}

/** Drops the warehouse tables whose names contain `runId` (a run's cleanup). */
export function dropWarehouseTables(runId: string): void {
  if (!/^[A-Za-z0-9_]+$/.test(runId)) throw new Error(`not a run id: ${runId}`);
  warehouseSql(`DO $$
DECLARE t record;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND strpos(tablename, '${runId}') > 0 LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I', t.tablename);
  END LOOP;
END $$;`);
}

/** Runs SQL as the cluster's superuser (roles); `:'pw'` in it is `password`, passed through the environment. */
export function superuserSql(sql: string, password?: string): string {
  return password === undefined
    ? psql('warehouse', sql)
    : psql('warehouse', `\\getenv pw SGO_TEST_ROLE_PASSWORD\n${sql}\n`, {
        env: { SGO_TEST_ROLE_PASSWORD: password },
      });
}
