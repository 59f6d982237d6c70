// Superset runs as teams deploy it: its metadata in PostgreSQL (the database scripts/superset.sh
// made for the running version, read here through psql), and PREVENT_UNSAFE_DB_CONNECTIONS at its
// default, so a SQLite data source is refused.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SupersetApiError } from '../../../src/superset/index.js';
import { psql, warehousePassword } from '../warehouse.js';
import { liveClient, uniquePrefix, warehouseUri, type LiveClient } from './helpers.js';

const REPO = path.resolve(import.meta.dirname, '../../..');

/** The metadata database of the Superset that runs now (scripts/superset.sh writes its version). */
function metadataDatabase(): string {
  if (process.env.SUPERSET_METADATA_DB) return process.env.SUPERSET_METADATA_DB;
  const version = fs.readFileSync(path.join(REPO, '.run/superset-active'), 'utf8').trim();
  return `superset_${version.replace(/\./g, '_')}`;
}

describe("Superset's metadata in PostgreSQL", () => {
  const prefix = uniquePrefix();
  let live: LiveClient;
  let id = 0;

  beforeAll(() => {
    live = liveClient();
  });

  afterAll(async () => {
    if (id) await live.client.remove('database', id);
  });

  it('superset_config.py points Superset at PostgreSQL and leaves PREVENT_UNSAFE_DB_CONNECTIONS alone', () => {
    const config = fs.readFileSync(path.join(REPO, 'scripts/superset/superset_config.py'), 'utf8');
    const code = config
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(code).toMatch(/SQLALCHEMY_DATABASE_URI = _metadata_uri\(\)/);
    expect(code).toContain('postgresql+psycopg2://');
    expect(code).not.toMatch(/sqlite/i);
    expect(code).not.toMatch(/PREVENT_UNSAFE_DB_CONNECTIONS\s*=/);
  });

  it('an object made through the API is a row of the metadata database, its password encrypted', async () => {
    const name = `${prefix}_meta`;
    id = (await live.client.create('database', { database_name: name, sqlalchemy_uri: warehouseUri() })).id;
    const row = psql(
      metadataDatabase(),
      "SELECT id || '|' || database_name || '|' || sqlalchemy_uri || '|' || coalesce(password, '') FROM dbs WHERE database_name = :'name';",
      { vars: { name } },
    );
    const [rowId, rowName, uri, storedPassword] = row.split('|');
    expect(Number(rowId)).toBe(id);
    expect(rowName).toBe(name);
    // The URI is kept without the password; the password column holds ciphertext, not the password.
    expect(uri).toMatch(/^postgresql:\/\/warehouse(:X+)?@127\.0\.0\.1:\d+\/sales$/);
    expect(storedPassword).not.toBe('');
    expect(storedPassword).not.toContain(warehousePassword());
    // The server's own view of where it is: PostgreSQL, with Superset's tables.
    const tables = Number(
      psql(
        metadataDatabase(),
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('ab_user', 'dbs', 'slices', 'dashboards', 'tables');",
      ),
    );
    expect(tables).toBe(5);
  });

  it('refuses a SQLite data source, as a production Superset does', async () => {
    const err = await live.client
      .create('database', { database_name: `${prefix}_sqlite`, sqlalchemy_uri: 'sqlite:////tmp/x.db' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupersetApiError);
    expect((err as Error).message).toMatch(/cannot be used as a data source for security reasons/);
  });
});
