// createSupersetClient: the SupersetPort over Superset's REST API (axios). Wiring and the CRUD
// calls; the moving parts live beside it: transport (one exchange), executor (auth headers, CSRF,
// retries, errors), auth (tokens), pagination (lists), bundles (zip export/import), responses
// (schemas), redact (secrets out of every message).

import { setMaxListeners } from 'node:events';
import { Auth } from './auth.js';
import {
  LATEST,
  capabilitiesOf,
  familyOf,
  fitBody,
  kindRefusal,
  refusalMessage,
  type Capabilities,
} from './capabilities.js';
import { authCalls } from './auth-calls.js';
import { exportBundle, importBundle, type ImportOptions } from './bundles.js';
import { CookieJar } from './cookies.js';
import { createThroughImport } from './import-create.js';
import type { RequestContext } from './errors.js';
import { Executor, type ApiRequest, type ClientCalls } from './executor.js';
import { KINDS, nameInBody } from './kinds.js';
import { emptyResultError, refusal } from './make-error.js';
import { listAll, listRecent, type FetchPage, type ListOptions } from './pagination.js';
import type {
  AccessRow,
  ListedObject,
  Principals,
  SupersetKind,
  SupersetPort,
  WriteOptions,
} from './port.js';
import { Redactor } from './redact.js';
import {
  ChartDataResponse,
  CreateResponse,
  ListResponse,
  RowsPage,
  ResultResponse,
  RolePermissions,
  TablesResponse,
} from './responses.js';
import { rison } from './rison.js';
import { customTags, isCustomTag } from '../superset-map/from-superset.js';
import { DEFAULT_RETRY } from './retry.js';
import { createTransport, type HttpMethod, type Send } from './transport.js';

export interface SupersetLogEvent {
  level: 'debug' | 'info' | 'warn';
  code: string;
  message: string;
}

export interface SupersetClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** Other secret values this run sends (database passwords, encrypted extras): never in a message. */
  secrets?: readonly string[];
  /** Bound of one HTTP exchange, connect to last byte (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  maxRetries?: number;
  /** Receives every event; each message is redacted before it gets here. */
  log?: (event: SupersetLogEvent) => void;
  /** First backoff step in ms (doubles per retry, jittered; default 250). */
  retryBaseMs?: number;
  /** Longest Retry-After the client honours, in ms (default 60 000). */
  maxRetryAfterMs?: number;
  /** Replaces the axios transport (tests). */
  send?: Send;
  /** Clock for token expiry, ms since the epoch (tests move it forward). */
  now?: () => number;
  /** The server's capabilities when known (tests); otherwise probed once, before the first write. */
  capabilities?: Capabilities;
}

/** The port plus what only the HTTP client has. */
export interface SupersetClient extends SupersetPort {
  list(kind: SupersetKind, options?: ListOptions): Promise<ListedObject[]>;
  tags(): Promise<{ id: number; name: string }[]>;
  importBundle(zip: Buffer, options: ImportOptions): Promise<void>;
  /** list/get/write as the port defines them, plus `auth` (login, refresh, CSRF) and `retries`. */
  readonly calls: ClientCalls;
  readonly baseUrl: string;
  /** What this server accepts: learned once per client (GET /version, else a probe of older APIs). */
  capabilities(): Promise<Capabilities>;
  /** Logs in now, ahead of the first request (which waits for this login). */
  warmUp(): void;
  /** More values to mask in every message (the run's secrets, known once its objects are read). */
  addSecrets(values: readonly string[]): void;
  /** Ends requests in flight and retry waits, and refuses new requests (the run gave up). */
  close(): void;
}

export function createSupersetClient(options: SupersetClientOptions): SupersetClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const redactor = new Redactor();
  redactor.add(options.password);
  for (const secret of options.secrets ?? []) redactor.add(secret);
  const calls: ClientCalls = { list: 0, get: 0, write: 0, auth: 0, retries: 0 };
  const cookies = new CookieJar();
  const closing = new AbortController();
  // Every request in flight listens for the close: seven kinds listed at once, with their pages and
  // reads, pass Node's default warning threshold of 10 listeners without any leak.
  setMaxListeners(0, closing.signal);
  const log = (level: SupersetLogEvent['level'], code: string, message: string): void => {
    options.log?.({ level, code, message: redactor.redact(message) });
  };
  const executor = new Executor({
    baseUrl,
    timeoutMs,
    send: options.send ?? createTransport(baseUrl, timeoutMs),
    retry: {
      ...DEFAULT_RETRY,
      maxRetries: options.maxRetries ?? 3,
      baseMs: options.retryBaseMs ?? DEFAULT_RETRY.baseMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
    },
    redactor,
    cookies,
    calls,
    log,
    closed: closing.signal,
  });
  const now = options.now ?? Date.now;
  const authRequests = authCalls(executor, options.username, options.password);
  const auth = new Auth(authRequests, cookies, redactor, log, () => now() / 1000);
  executor.attach(auth);

  const objectPath = (kind: SupersetKind, id: number): string => `${KINDS[kind].base}${id}`;
  /** How the tag routes name a kind: bulk_create by name, the object route by Superset's ObjectType. */
  const TAG_OBJECT = { saved_query: { name: 'query', type: 1 } } as const;

  /** One page of a kind's list endpoint, for a rison query the pagination code builds. */
  const listPage =
    (kind: SupersetKind, ctx: RequestContext): FetchPage =>
    (query) =>
      executor.call(
        {
          method: 'GET',
          path: KINDS[kind].base,
          query: `q=${encodeURIComponent(query)}`,
          category: 'list',
          ctx,
        },
        ListResponse,
      );

  /**
   * Every row of a list outside the four kinds (users, roles, tags) with the columns asked for, 100 to
   * a page (FAB's maximum): the pages after the first go out at once.
   */
  async function readRows(
    path: string,
    columns: string[],
    name: string,
  ): Promise<(Record<string, unknown> & { id: number })[]> {
    const ctx: RequestContext = { op: 'list', name };
    const page = (n: number) =>
      executor.call(
        {
          method: 'GET',
          path,
          query: `q=${encodeURIComponent(rison({ columns, order_column: 'id', order_direction: 'asc', page: n, page_size: 100 }))}`,
          category: 'list',
          ctx,
        },
        RowsPage,
      );
    const first = await page(0);
    const rest = await Promise.all(
      Array.from({ length: Math.max(0, Math.ceil(first.count / 100) - 1) }, (_, i) => page(i + 1)),
    );
    const byId = new Map<number, Record<string, unknown> & { id: number }>();
    for (const res of [first, ...rest]) for (const row of res.result) byId.set(row.id, row);
    return [...byId.values()];
  }

  /** Users (by username) or roles (by name) as id and label. */
  async function readPrincipals(
    what: 'users' | 'roles',
    column: 'username' | 'name',
  ): Promise<{ id: number; label: string }[]> {
    const rows = await readRows(`/api/v1/security/${what}/`, ['id', column], what);
    return rows.flatMap((row) => {
      const label = row[column];
      return typeof label === 'string' ? [{ id: row.id, label }] : [];
    });
  }

  /** Replaces a role's permissions (FAB's POST .../permissions sets the whole list). */
  async function setRolePermissions(
    id: number,
    ids: unknown,
    ctx: RequestContext,
    options: WriteOptions,
  ): Promise<void> {
    await executor.request({
      method: 'POST',
      path: `${KINDS.role.base}${id}/permissions`,
      json: { permission_view_menu_ids: Array.isArray(ids) ? ids : [] },
      category: 'write',
      ctx,
      ...(options.fence ? { fence: options.fence } : {}),
    });
  }

  /** Custom tags by id and name. */
  async function readTags(): Promise<{ id: number; name: string }[]> {
    const rows = await readRows('/api/v1/tag/', ['id', 'name', 'type'], 'tags');
    return rows.flatMap((row) =>
      typeof row.name === 'string' && isCustomTag(row.type) ? [{ id: row.id, name: row.name }] : [],
    );
  }

  /** Ids go into URL paths: anything but a positive integer is refused before sending. */
  function checkId(method: HttpMethod, kind: SupersetKind, id: number, ctx: RequestContext): void {
    if (Number.isInteger(id) && id > 0) return;
    throw refusal(
      { method, path: KINDS[kind].base, ctx },
      `Refused to use ${kind} id ${String(id)}: ids are positive integers.`,
    );
  }

  let probed: Promise<Capabilities> | undefined = options.capabilities
    ? Promise.resolve(options.capabilities)
    : undefined;
  const capabilities = () => (probed ??= probeServer(executor, log));

  /**
   * The body as this server takes it; a value it would lose is refused before anything is sent. A
   * uuid on a create that REST refuses (4.1, 5.0) is kept: `create` goes through the import instead.
   */
  async function fitted(
    op: 'create' | 'update',
    kind: SupersetKind,
    body: Record<string, unknown>,
    ctx: RequestContext,
  ): Promise<Record<string, unknown>> {
    const caps = await capabilities();
    const fit = fitBody(kind, op, body, caps);
    if (op === 'create' && kind !== 'database') fit.refused = fit.refused.filter((f) => f !== 'uuid');
    if (fit.refused.length)
      throw refusal(
        { method: op === 'create' ? 'POST' : 'PUT', path: KINDS[kind].base, ctx },
        refusalMessage(kind, ctx.name, fit.refused, caps),
      );
    if (fit.dropped.length)
      log(
        'debug',
        'superset.fit',
        `${kind}: left out ${fit.dropped.join(', ')} (not in Superset ${caps.version})`,
      );
    return fit.body;
  }

  const client: SupersetClient = {
    calls,
    baseUrl,
    capabilities,

    warmUp() {
      auth.warmUp();
    },

    warmWrites() {
      const probe = capabilities();
      probe.catch(() => {
        if (probed === probe) probed = undefined;
      });
      auth.csrfToken().catch(() => undefined);
    },

    addSecrets(values) {
      for (const value of values) redactor.add(value);
    },

    close() {
      closing.abort();
    },

    async list(kind, listOptions = {}) {
      const ctx: RequestContext = { op: 'list', kind };
      if (kind === 'theme') {
        const refused = kindRefusal(kind, await capabilities());
        if (refused) throw refusal({ method: 'GET', path: KINDS[kind].base, ctx }, refused);
      }
      const rows = await listAll(kind, listPage(kind, ctx), listOptions, (message) =>
        log('warn', 'superset.list.unstable', message),
      );
      // Superset's own themes (THEME_DEFAULT, THEME_DARK) can be neither changed nor deleted over REST.
      return kind === 'theme' ? rows.filter((r) => r.raw.is_system !== true) : rows;
    },

    tags: readTags,

    async permissions() {
      const rows = await readRows(
        '/api/v1/security/permissions-resources/',
        ['id', 'permission.name', 'view_menu.name'],
        'permissions',
      );
      const name = (v: unknown) => ((v as { name?: unknown } | null)?.name as string | undefined) ?? '';
      return rows.map((r) => ({ id: r.id, name: `${name(r.permission)} on ${name(r.view_menu)}` }));
    },

    async createTag(name, options = {}) {
      const ctx: RequestContext = { op: 'create', name };
      await executor.request({
        method: 'POST',
        path: '/api/v1/tag/',
        json: { name, objects_to_tag: [] },
        category: 'write',
        ctx,
        ...(options.fence ? { fence: options.fence } : {}),
      });
      const made = (await readTags()).find((t) => t.name === name);
      if (!made) throw new Error(`Superset took the tag ${JSON.stringify(name)} but does not list it`);
      return made.id;
    },

    async retag(kind, id, change, options = {}) {
      const ctx: RequestContext = { op: 'update', kind, id };
      checkId('PUT', kind, id, ctx);
      const fence = options.fence ? { fence: options.fence } : {};
      // Added through bulk_create, which only adds: the object route (`POST /tag/<type>/<id>/`) tags
      // the object twice on 4.1 and 5.0 and fails on the unique key of tagged_object (HTTP 500).
      if (change.add.length) {
        const res = await executor.call(
          {
            method: 'POST',
            path: '/api/v1/tag/bulk_create',
            json: {
              tags: change.add.map((name) => ({ name, objects_to_tag: [[TAG_OBJECT[kind].name, id]] })),
            },
            category: 'write',
            ctx,
            ...fence,
          },
          ResultResponse,
        );
        const skipped = res.result.objects_skipped;
        if (Array.isArray(skipped) && skipped.length)
          throw refusal(
            { method: 'POST', path: '/api/v1/tag/bulk_create', ctx },
            `Superset did not tag ${kind} ${id}: the user the tool logs in as does not own it`,
          );
      }
      // Taken off through the object route (Superset's ObjectType: a saved query is 1).
      const path = `/api/v1/tag/${TAG_OBJECT[kind].type}/${id}/`;
      for (const name of change.remove)
        await executor.request({
          method: 'DELETE',
          path: `${path}${encodeURIComponent(name)}/`,
          category: 'write',
          ctx,
          ...fence,
        });
    },

    async listAccess(kind) {
      const ids = (v: unknown): number[] =>
        Array.isArray(v)
          ? v
              .map((o) => (o as { id?: unknown } | null)?.id)
              .filter((id): id is number => typeof id === 'number')
          : [];
      const rows = await listAll(
        kind,
        listPage(kind, { op: 'list', kind }),
        {
          // A saved query has no owners: its tags only.
          columns: [
            ...(kind === 'saved_query' ? [] : ['owners.id']),
            ...(kind === 'dashboard' ? ['roles.id'] : []),
            ...(kind === 'dataset' ? [] : ['tags.name', 'tags.type']),
          ],
        },
        (message) => log('warn', 'superset.list.unstable', message),
      );
      return rows.map((r): AccessRow => ({
        id: r.id,
        owners: ids(r.raw.owners),
        ...(kind === 'dashboard' ? { roles: ids(r.raw.roles) } : {}),
        ...(kind === 'dataset' ? {} : { tags: customTags(r.raw.tags) }),
      }));
    },

    async listChangedSince(kind, since, maxRows, expectedRows) {
      const ctx: RequestContext = { op: 'list', kind };
      // No changed_on to sort or filter by: every row, which the caller compares by stamp.
      if (KINDS[kind].changedOnColumn === null) {
        const rows = await client.list(kind);
        return { count: rows.length, rows };
      }
      return listRecent(kind, since, listPage(kind, ctx), maxRows, expectedRows);
    },

    async tables(databaseId, schema) {
      const ctx: RequestContext = { op: 'get', kind: 'database', id: databaseId };
      checkId('GET', 'database', databaseId, ctx);
      const res = await executor.call(
        {
          method: 'GET',
          path: `${objectPath('database', databaseId)}/tables/`,
          query: `q=${encodeURIComponent(rison({ schema_name: schema, force: true }))}`,
          category: 'get',
          ctx,
        },
        TablesResponse,
      );
      return res.result.map((t) => t.value);
    },

    async principals() {
      const [users, roles] = await Promise.all([
        readPrincipals('users', 'username'),
        readPrincipals('roles', 'name'),
      ]);
      return {
        users: users.map((u) => ({ id: u.id, username: u.label })),
        roles: roles.map((r) => ({ id: r.id, name: r.label })),
      } satisfies Principals;
    },

    async get(kind, id) {
      const ctx: RequestContext = { op: 'get', kind, id };
      checkId('GET', kind, id, ctx);
      if (kind === 'role') {
        // FAB's role has its name only; its permissions are a list of their own.
        const [role, permissions] = await Promise.all([
          executor.call({ method: 'GET', path: objectPath(kind, id), category: 'get', ctx }, ResultResponse),
          executor.call(
            { method: 'GET', path: `${objectPath(kind, id)}/permissions/`, category: 'get', ctx },
            RolePermissions,
          ),
        ]);
        return { ...role.result, id, permissions: permissions.result };
      }
      if (kind !== 'database') {
        return (
          await executor.call(
            { method: 'GET', path: objectPath(kind, id), category: 'get', ctx },
            ResultResponse,
          )
        ).result;
      }
      // Only /connection has sqlalchemy_uri (masked) and extra (notes §2). For a missing id it
      // answers 200 {"result":{"is_managed_externally":false}} instead of 404.
      const req: ApiRequest = {
        method: 'GET',
        path: `${objectPath(kind, id)}/connection`,
        category: 'get',
        ctx,
      };
      const res = await executor.request(req);
      const { result } = executor.decode(req, res, ResultResponse);
      if (result.database_name === undefined && result.uuid === undefined)
        throw emptyResultError(req, res.status, redactor);
      return result;
    },

    async create(kind, body, options = {}) {
      redactor.addFromBody(body);
      const ctx: RequestContext = { op: 'create', kind, name: nameInBody(kind, body) };
      if (kind === 'role') {
        // FAB makes a role by name, then takes its permissions in a call of their own.
        const { permission_view_menu_ids: ids, ...role } = body;
        const made = await executor.call(
          {
            method: 'POST',
            path: KINDS.role.base,
            json: role,
            category: 'write',
            ctx,
            ...(options.fence ? { fence: options.fence } : {}),
          },
          CreateResponse,
        );
        await setRolePermissions(made.id, ids, ctx, options);
        return { id: made.id, result: { ...made.result, permission_view_menu_ids: ids } };
      }
      const json = await fitted('create', kind, body, ctx);
      if (
        (kind === 'dataset' || kind === 'chart' || kind === 'dashboard') &&
        typeof json.uuid === 'string' &&
        !(await capabilities()).restUuid
      ) {
        return createThroughImport(
          {
            executor,
            redactor,
            get: (k, id) => client.get(k, id),
            list: (k, o) => client.list(k, o),
            update: (k, id, b) => client.update(k, id, b, options),
            ...(options.fence ? { fence: options.fence } : {}),
          },
          kind,
          json,
          ctx,
        );
      }
      const req: ApiRequest = {
        method: 'POST',
        path: KINDS[kind].base,
        json,
        category: 'write',
        ctx,
        ...(options.fence ? { fence: options.fence } : {}),
      };
      const { id, result } = await executor.call(req, CreateResponse);
      return { id, result };
    },

    async update(kind, id, body, options = {}) {
      const ctx: RequestContext = { op: 'update', kind, id, name: nameInBody(kind, body) };
      checkId('PUT', kind, id, ctx);
      if (kind === 'role') {
        // A role's name is its identity here: only its permissions are written (replaced whole).
        await setRolePermissions(id, body.permission_view_menu_ids, ctx, options);
        return body;
      }
      redactor.addFromBody(body);
      const req: ApiRequest = {
        method: 'PUT',
        path: objectPath(kind, id),
        json: await fitted('update', kind, body, ctx),
        category: 'write',
        ctx,
        ...(options.fence ? { fence: options.fence } : {}),
      };
      return (await executor.call(req, ResultResponse)).result;
    },

    async remove(kind, id, options = {}) {
      const ctx: RequestContext = { op: 'delete', kind, id };
      checkId('DELETE', kind, id, ctx);
      // A JSON content type keeps a CSRF failure a 400 instead of a 302 to the login page (notes §1).
      await executor.request({
        method: 'DELETE',
        path: objectPath(kind, id),
        json: {},
        category: 'write',
        ctx,
        ...(options.fence ? { fence: options.fence } : {}),
      });
    },

    async chartData(chartId) {
      const ctx: RequestContext = { op: 'chart-data', kind: 'chart', id: chartId };
      checkId('GET', 'chart', chartId, ctx);
      const req: ApiRequest = { method: 'GET', path: `/api/v1/chart/${chartId}/data/`, category: 'get', ctx };
      const res = await executor.request(req);
      if (res.status === 202) {
        throw executor.badResponse(
          req,
          202,
          'the query was queued asynchronously (GLOBAL_ASYNC_QUERIES), which this client does not follow',
        );
      }
      return executor
        .decode(req, res, ChartDataResponse)
        .result.map(({ rowcount, colnames, data }) => ({ rowcount, colnames, data }));
    },

    async exportBundle(kind, ids) {
      if (kind === 'assets') return exportBundle(executor, kind, []);
      for (const id of ids ?? []) checkId('GET', kind, id, { op: 'export', kind });
      return exportBundle(executor, kind, ids ?? (await client.list(kind)).map((o) => o.id));
    },

    importBundle(zip, importOptions) {
      return importBundle(executor, redactor, zip, importOptions);
    },
  };
  return client;
}

/**
 * Which Superset this is, in at most three reads: `GET /version` (6.1 and later); else a dashboard
 * field only 6.0 has (`theme_id`); else whether the dashboard list still has `json_metadata` (4.1) or
 * not (5.0). A server that answers none of them is taken to be the latest this tool knows.
 */
async function probeServer(
  executor: Executor,
  log: (level: SupersetLogEvent['level'], code: string, message: string) => void,
): Promise<Capabilities> {
  const ctx: RequestContext = { op: 'get' };
  const read = async (path: string, query?: string): Promise<Record<string, unknown> | undefined> => {
    try {
      const res = await executor.request({
        method: 'GET',
        path,
        ...(query ? { query } : {}),
        category: 'get',
        ctx,
      });
      const json: unknown = JSON.parse(res.body.toString('utf8'));
      return json && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const found = (caps: Capabilities) => {
    log('info', 'superset.version', `Superset ${caps.version}`);
    return caps;
  };
  const version = await read('/version');
  if (typeof version?.version_string === 'string') {
    const family = familyOf(version.version_string);
    if (family) return found(capabilitiesOf(family, version.version_string));
  }
  const info = await read('/api/v1/dashboard/_info', `q=${encodeURIComponent('(keys:!(add_columns))')}`);
  const addColumns = Array.isArray(info?.add_columns)
    ? (info.add_columns as { name?: unknown }[])
    : undefined;
  if (addColumns?.some((c) => c.name === 'theme_id')) return found(capabilitiesOf('6.0', '6.0 (probed)'));
  const list = await read(
    '/api/v1/dashboard/',
    `q=${encodeURIComponent('(page_size:1,keys:!(list_columns))')}`,
  );
  if (addColumns && Array.isArray(list?.list_columns))
    return found(
      (list.list_columns as unknown[]).includes('json_metadata')
        ? capabilitiesOf('4.1', '4.1 (probed)')
        : capabilitiesOf('5.0', '5.0 (probed)'),
    );
  log('warn', 'superset.version', `Superset's version could not be told; taking it to be ${LATEST.version}`);
  return LATEST;
}
