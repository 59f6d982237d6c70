// A throwaway metadata tree for sync tests: its own environment (ZooKeeper root), its own tables in
// the PostgreSQL warehouse named after the run, and objects whose names carry the run id, so parallel
// runs and the demo never collide. `cleanup()` deletes what the run made in Superset, ZooKeeper and
// the warehouse.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSupersetClient, KINDS, type SupersetClient } from '../../../src/superset/index.js';
import type { ListedObject, SupersetKind } from '../../../src/superset/port.js';
import { ZkClient, deleteTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { dropWarehouseTables, warehouseDatabaseYaml, warehouseSql, warehouseUri } from '../warehouse.js';

export interface Fixture {
  runId: string;
  envName: string;
  zkRoot: string;
  dir: string;
  metadataDir: string;
  /** The warehouse's connection URI (PostgreSQL; the password is `${env.WAREHOUSE_PASSWORD...}`). */
  warehouseUri: string;
  /** A database file for the warehouse named `name`. */
  databaseYaml(name: string, extra?: string): string;
  /** Writes (or overwrites) a file under metadata/. */
  write(file: string, content: string): void;
  read(file: string): string;
  remove(file: string): void;
  /** Rewrites a metadata file with `edit`. */
  edit(file: string, edit: (text: string) => string): void;
  admin: SupersetClient;
  cleanup(): Promise<void>;
}

/** `orders_<run>` (order lines) and `customers_<run>` in the warehouse; a few rows so chart data is not empty. */
export function createWarehouse(runId: string, extraRows = 0): void {
  warehouseSql(`
CREATE TABLE "orders_${runId}" (order_id integer PRIMARY KEY, order_date timestamp, region text, product text, amount double precision, status text);
CREATE TABLE "customers_${runId}" (customer_id integer PRIMARY KEY, name text, segment text);
INSERT INTO "orders_${runId}"
SELECT i, make_timestamp(2025, 1 + i % 12, 1 + i % 28, 0, 0, 0), (ARRAY['north', 'south', 'east', 'west'])[1 + i % 4],
       'p' || (i % 3), 10.0 + i, CASE WHEN i % 5 = 0 THEN 'open' ELSE 'shipped' END
FROM generate_series(1, ${40 + extraRows}) AS i;
INSERT INTO "customers_${runId}"
SELECT i, 'c' || i, CASE WHEN i % 2 = 1 THEN 'smb' ELSE 'ent' END FROM generate_series(1, 10) AS i;`);
}

export function adminClient(): SupersetClient {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  return createSupersetClient({ baseUrl: supersetUrl, username: supersetUser, password: supersetPassword });
}

export function environmentYaml(envName: string, zkRoot: string): string {
  const { supersetUrl, supersetUser, supersetPassword, zkConnect } = serviceEndpoints();
  return `kind: environment
name: ${envName}
superset:
  url: \${env.SYNC_TEST_SUPERSET_URL:-${supersetUrl}}
  username: \${env.SYNC_TEST_SUPERSET_USER:-${supersetUser}}
  password: \${env.SYNC_TEST_SUPERSET_PASSWORD:-${supersetPassword}}
zookeeper:
  connect: \${env.SYNC_TEST_ZK_CONNECT:-${zkConnect}}
  root: ${zkRoot}
  session_timeout_ms: 10000
`;
}

export function createFixture(label: string): Fixture {
  const runId = `${label}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sync-${label}-`));
  const metadataDir = path.join(dir, 'metadata');
  const envName = `synctest`;
  const zkRoot = `/superset-gitops-test/sync-${runId}`;
  createWarehouse(runId);
  const admin = adminClient();
  const file = (f: string) => path.join(metadataDir, f);
  const fixture: Fixture = {
    runId,
    envName,
    zkRoot,
    dir,
    metadataDir,
    warehouseUri: warehouseUri(),
    databaseYaml: warehouseDatabaseYaml,
    admin,
    write(f, content) {
      fs.mkdirSync(path.dirname(file(f)), { recursive: true });
      fs.writeFileSync(file(f), content);
    },
    read: (f) => fs.readFileSync(file(f), 'utf8'),
    remove: (f) => fs.rmSync(file(f)),
    edit(f, edit) {
      const before = fs.readFileSync(file(f), 'utf8');
      const after = edit(before);
      if (after === before) throw new Error(`edit of ${f} changed nothing`);
      fs.writeFileSync(file(f), after);
    },
    cleanup: () => cleanupRun(admin, runId, zkRoot, dir),
  };
  fixture.write(`environments/${envName}.yaml`, environmentYaml(envName, zkRoot));
  return fixture;
}

const DELETE_ORDER: SupersetKind[] = ['dashboard', 'chart', 'dataset', 'database'];

/** The run's own objects of a kind (their names carry the run id): one filtered list call, robust while others write. */
export function listOwn(admin: SupersetClient, kind: SupersetKind, runId: string): Promise<ListedObject[]> {
  return admin.list(kind, { filters: [[KINDS[kind].nameColumn, 'ct', runId]] });
}

/** Deletes every Superset object whose name carries the run id (reverse dependency order) and the ZooKeeper root. */
export async function cleanupRun(
  admin: SupersetClient,
  runId: string,
  zkRoot: string,
  dir?: string,
): Promise<void> {
  const problems: string[] = [];
  for (const kind of DELETE_ORDER) {
    for (const row of await listOwn(admin, kind, runId)) {
      if (!row.name.includes(runId)) continue;
      await admin
        .remove(kind, row.id)
        .catch((e: unknown) => problems.push(`${kind} ${row.id}: ${String(e)}`));
    }
  }
  const zk = await ZkClient.connect({ connect: serviceEndpoints().zkConnect, connectTimeoutMs: 10_000 });
  try {
    await deleteTree(zk, zkRoot);
  } finally {
    zk.close();
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  try {
    dropWarehouseTables(runId);
  } catch (e) {
    problems.push(`warehouse tables: ${String(e)}`);
  }
  if (problems.length) throw new Error(`cleanup left objects behind:\n${problems.join('\n')}`);
}
