// Creating a dataset, chart or dashboard with its uuid on Superset 4.1 and 5.0, whose REST create
// refuses `uuid`: the object's own import endpoint (`/api/v1/<kind>/import/`, without overwrite) with
// a bundle holding the new object and, for what it refers to, files that only name the existing
// objects by uuid (Superset imports those with overwrite off: an existing one is never touched).
// Then the new object's id is read back from the list, and the rest of the body follows in a PUT.
import { stringify } from 'yaml';
import { writeZip } from '../import/zip.js';
import type { RequestContext } from './errors.js';
import type { Executor } from './executor.js';
import { KINDS } from './kinds.js';
import { emptyResultError, refusal } from './make-error.js';
import type { Redactor } from './redact.js';
import type { ListedObject, SupersetKind } from './port.js';
import type { ListOptions } from './pagination.js';

type Body = Record<string, unknown>;

export interface ImportCreateDeps {
  executor: Executor;
  redactor: Redactor;
  get(kind: SupersetKind, id: number): Promise<Body>;
  list(kind: SupersetKind, options?: ListOptions): Promise<ListedObject[]>;
  update(kind: SupersetKind, id: number, body: Body): Promise<Body>;
  fence?: () => Promise<void>;
}

const VERSION = '1.0.0';
/** The model each kind's import endpoint checks `type` in metadata.yaml against. */
const MODEL: Record<string, string> = { dataset: 'SqlaTable', chart: 'Slice', dashboard: 'Dashboard' };

/** Fields a PUT does not take: what the import already set, or what only a create names. */
const NOT_IN_PUT = new Set(['uuid', 'database']);

export async function createThroughImport(
  deps: ImportCreateDeps,
  kind: 'dataset' | 'chart' | 'dashboard',
  body: Body,
  ctx: RequestContext,
): Promise<{ id: number; result: Body }> {
  const uuid = String(body.uuid);
  const files = new Map<string, string>();
  const put = (path: string, doc: Body) => files.set(`bundle/${path}`, stringify(doc, { lineWidth: 0 }));
  files.set(`bundle/metadata.yaml`, `version: ${VERSION}\ntype: ${MODEL[kind]}\n`);

  /** A file naming an existing database: Superset finds it by uuid and leaves it as it is. */
  const databaseRef = async (id: number) => {
    const db = await deps.get('database', id);
    put(`databases/db_${id}.yaml`, {
      database_name: db.database_name,
      sqlalchemy_uri: db.sqlalchemy_uri,
      uuid: db.uuid,
      version: VERSION,
      allow_csv_upload: false,
      extra: {},
    });
    return String(db.uuid);
  };
  /** A file naming an existing dataset (and its database). */
  const datasetRef = async (id: number) => {
    const ds = await deps.get('dataset', id);
    const listed = await deps.list('dataset', { filters: [['id', 'eq', id]] });
    const dsUuid = listed.find((o) => o.id === id)?.uuid;
    const database = ds.database as { id?: unknown } | undefined;
    if (!dsUuid || typeof database?.id !== 'number')
      throw new Error(`dataset ${id} has no uuid or database in Superset's answers`);
    put(`datasets/db_${database.id}/ds_${id}.yaml`, {
      table_name: ds.table_name,
      schema: ds.schema ?? null,
      sql: ds.sql ?? null,
      uuid: dsUuid,
      database_uuid: await databaseRef(database.id),
      version: VERSION,
    });
    return dsUuid;
  };

  if (kind === 'dataset') {
    const databaseUuid = await databaseRef(Number(body.database));
    put(`datasets/new/${uuid}.yaml`, {
      table_name: body.table_name,
      schema: body.schema ?? null,
      ...(body.catalog !== undefined ? { catalog: body.catalog } : {}),
      sql: body.sql ?? null,
      uuid,
      database_uuid: databaseUuid,
      version: VERSION,
    });
  } else if (kind === 'chart') {
    put(`charts/${uuid}.yaml`, {
      slice_name: body.slice_name,
      viz_type: body.viz_type,
      params: {},
      cache_timeout: null,
      uuid,
      version: VERSION,
      dataset_uuid: await datasetRef(Number(body.datasource_id)),
    });
  } else {
    // The import matches an existing dashboard by any unique key, its slug included, and would take
    // it over: refuse a taken slug, as a REST create does (the list rows carry slugs).
    const slug = typeof body.slug === 'string' && body.slug !== '' ? body.slug : undefined;
    const taken =
      slug === undefined ? undefined : (await deps.list('dashboard')).find((d) => d.raw.slug === slug);
    if (taken)
      throw refusal(
        { method: 'POST', path: `${KINDS.dashboard.base}import/`, ctx },
        `Superset already has a dashboard with slug ${JSON.stringify(slug)} (${JSON.stringify(taken.name)}, id ${taken.id}); a slug is unique, so dashboard ${JSON.stringify(body.dashboard_title)} was not created.`,
      );
    // No charts in it: their places arrive with position_json in the PUT below.
    put(`dashboards/${uuid}.yaml`, {
      dashboard_title: body.dashboard_title,
      ...(typeof body.slug === 'string' ? { slug: body.slug } : {}),
      uuid,
      version: VERSION,
      position: {},
      metadata: {},
    });
  }

  const form = new FormData();
  form.append(
    'formData',
    new Blob([new Uint8Array(writeZip(files, { store: true }))], { type: 'application/zip' }),
    `${kind}.zip`,
  );
  form.append('overwrite', 'false');
  await deps.executor.request({
    method: 'POST',
    path: `${KINDS[kind].base}import/`,
    form,
    category: 'write',
    ctx,
    ...(deps.fence ? { fence: deps.fence } : {}),
  });

  const name = body[KINDS[kind].nameColumn];
  const created = (
    await deps.list(kind, typeof name === 'string' ? { filters: [[KINDS[kind].nameColumn, 'eq', name]] } : {})
  ).find((o) => o.uuid === uuid);
  if (!created)
    throw emptyResultError({ method: 'POST', path: `${KINDS[kind].base}import/`, ctx }, 200, deps.redactor);
  if (kind === 'dataset') {
    // A REST create reads the table's columns from the source; an import takes only what the file
    // lists: read them now, as the create would have. The caller's PUT follows with everything else.
    try {
      await deps.executor.request({
        method: 'PUT',
        path: `${KINDS.dataset.base}${created.id}/refresh`,
        json: {},
        category: 'write',
        ctx,
        ...(deps.fence ? { fence: deps.fence } : {}),
      });
    } catch (e) {
      // As a REST create would have: no dataset on a table Superset cannot read.
      await removeQuietly(deps, 'dataset', created.id, ctx);
      throw refusal(
        { method: 'PUT', path: `${KINDS.dataset.base}${created.id}/refresh`, ctx },
        `The table of dataset ${JSON.stringify(body.table_name)} could not be found or read in its database (Superset refused to read its columns: ${(e as Error).message}); the dataset was not kept.`,
      );
    }
    return { id: created.id, result: {} };
  }
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => !NOT_IN_PUT.has(k)));
  try {
    return { id: created.id, result: await deps.update(kind, created.id, rest) };
  } catch (e) {
    // One create, as over REST: what Superset refused leaves no half-made object behind.
    await removeQuietly(deps, kind, created.id, ctx);
    throw e;
  }
}

function removeQuietly(
  deps: ImportCreateDeps,
  kind: 'dataset' | 'chart' | 'dashboard',
  id: number,
  ctx: RequestContext,
): Promise<unknown> {
  return deps.executor
    .request({ method: 'DELETE', path: `${KINDS[kind].base}${id}`, json: {}, category: 'write', ctx })
    .catch(() => undefined);
}
