// A throwaway metadata tree for sync tests: its own environment (ZooKeeper root), its own SQLite file
// with tables named after the run, and objects whose names carry the run id, so parallel runs and the
// demo never collide. `cleanup()` deletes what the run made in Superset and ZooKeeper.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSupersetClient, KINDS, type SupersetClient } from '../../../src/superset/index.js';
import type { ListedObject, SupersetKind } from '../../../src/superset/port.js';
import { ZkClient, deleteTree } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';

const REPO = path.resolve(import.meta.dirname, '../../..');

export interface Fixture {
  runId: string;
  envName: string;
  zkRoot: string;
  dir: string;
  metadataDir: string;
  sqliteFile: string;
  /** Writes (or overwrites) a file under metadata/. */
  write(file: string, content: string): void;
  read(file: string): string;
  remove(file: string): void;
  /** Rewrites a metadata file with `edit`. */
  edit(file: string, edit: (text: string) => string): void;
  admin: SupersetClient;
  cleanup(): Promise<void>;
}

/** python3 with its sqlite3 module is on every machine that runs Superset; the venv's one as a fallback. */
export function python(): string {
  const venv = path.join(REPO, '.venv/superset/bin/python');
  try {
    execFileSync('python3', ['-c', 'import sqlite3'], { stdio: 'ignore' });
    return 'python3';
  } catch {
    return venv;
  }
}

/** `orders_<run>` (order lines) and `customers_<run>`; a few rows so chart data is not empty. */
export function createWarehouse(file: string, runId: string, extraRows = 0): void {
  const script = `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1]); r = sys.argv[2]; n = int(sys.argv[3])
con.execute(f"CREATE TABLE orders_{r} (order_id INTEGER PRIMARY KEY, order_date DATETIME, region TEXT, product TEXT, amount REAL, status TEXT)")
con.execute(f"CREATE TABLE customers_{r} (customer_id INTEGER PRIMARY KEY, name TEXT, segment TEXT)")
regions = ["north", "south", "east", "west"]
rows = [(i, f"2025-{1 + i % 12:02d}-{1 + i % 28:02d} 00:00:00", regions[i % 4], f"p{i % 3}", 10.0 + i, "shipped" if i % 5 else "open") for i in range(1, 41 + n)]
con.executemany(f"INSERT INTO orders_{r} VALUES (?,?,?,?,?,?)", rows)
con.executemany(f"INSERT INTO customers_{r} VALUES (?,?,?)", [(i, f"c{i}", "smb" if i % 2 else "ent") for i in range(1, 11)])
con.commit()
`;
  execFileSync(python(), ['-c', script, file, runId, String(extraRows)]);
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
  const sqliteFile = path.join(dir, 'warehouse.db');
  const envName = `synctest`;
  const zkRoot = `/superset-gitops-test/sync-${runId}`;
  createWarehouse(sqliteFile, runId);
  const admin = adminClient();
  const file = (f: string) => path.join(metadataDir, f);
  const fixture: Fixture = {
    runId,
    envName,
    zkRoot,
    dir,
    metadataDir,
    sqliteFile,
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
  if (problems.length) throw new Error(`cleanup left objects behind:\n${problems.join('\n')}`);
}
