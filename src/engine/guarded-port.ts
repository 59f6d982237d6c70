import { deriveUuid, type AnyDesired } from '../model/object.js';
import { isNamedKind } from '../schema/index.js';
import { nameInBody } from '../superset/kinds.js';
import type { AppliedRecord, Registry } from '../registry/registry.js';
import { SupersetApiError } from '../superset/errors.js';
import type { SupersetPort } from '../superset/port.js';

export interface GuardOptions {
  port: SupersetPort;
  /** The apply's fence: the lock is ours (and the deadline not passed), checked per attempt. */
  fence: () => Promise<void>;
  /** Writes through the same fence. */
  registry: Registry;
  /** Desired objects by uuid: what a create body's uuid names. */
  desired: ReadonlyMap<string, AnyDesired>;
  /** uuids the registry recorded as owned before this apply. */
  owned: ReadonlySet<string>;
  commit: string;
  now?: () => Date;
}

/** Superset answered and refused: nothing was created. Anything else (timeout, 5xx) may have been. */
const REFUSED = new Set(['invalid', 'forbidden', 'unauthorized', 'not-found', 'unsupported', 'rate-limited']);

/**
 * The port an apply writes through.
 * - Every write, and every retry of it, runs the fence just before it is sent: once the lock is not
 *   ours for certain (connection suspended, session ended, node gone), another apply may hold it,
 *   so this one stops instead of writing on.
 * - Every create is claimed in the registry before it is sent (an applied record with supersetId 0
 *   and no hash: "ours, details to follow"). Should the create succeed and the registry then fail
 *   (ZooKeeper gone, the process killed), the next plan still knows the object is ours and updates
 *   it, instead of calling it a conflict that only --adopt resolves.
 */
export function guardedPort(options: GuardOptions): SupersetPort {
  const { port, fence, registry, desired, owned, commit } = options;
  const now = options.now ?? (() => new Date());
  const create: SupersetPort['create'] = async (kind, body) => {
    await fence();
    // A kind Superset keeps no uuid for is claimed by the uuid its name gives (list-row.ts).
    const name = nameInBody(kind, body);
    const uuid =
      typeof body.uuid === 'string'
        ? body.uuid
        : isNamedKind(kind) && name !== undefined
          ? deriveUuid(kind, name)
          : undefined;
    const obj = uuid !== undefined ? desired.get(uuid) : undefined;
    if (obj) await registry.recordApplied(claim(obj, commit, now()));
    try {
      return await port.create(kind, body, { fence });
    } catch (err) {
      if (obj && !owned.has(obj.uuid) && err instanceof SupersetApiError && REFUSED.has(err.code))
        await registry.forgetApplied(obj.kind, obj.uuid).catch(() => undefined); // the next plan creates it anyway
      throw err;
    }
  };
  return {
    list: (kind) => port.list(kind),
    get: (kind, id) => port.get(kind, id),
    create,
    update: async (kind, id, body) => port.update(kind, id, body, { fence }),
    remove: async (kind, id) => port.remove(kind, id, { fence }),
    chartData: (chartId) => port.chartData(chartId),
    exportBundle: (kind, ids) => port.exportBundle(kind, ids),
    importBundle: async (zip, opts) => port.importBundle(zip, { ...opts, fence }),
    listChangedSince: (kind, since, maxRows, expectedRows) =>
      port.listChangedSince(kind, since, maxRows, expectedRows),
    ...(port.capabilities ? { capabilities: () => port.capabilities!() } : {}),
    ...(port.tables ? { tables: (id: number, schema: string) => port.tables!(id, schema) } : {}),
    ...(port.principals ? { principals: () => port.principals!() } : {}),
    ...(port.tags ? { tags: () => port.tags!() } : {}),
    ...(port.permissions ? { permissions: () => port.permissions!() } : {}),
    ...(port.createTag
      ? {
          createTag: async (name: string) => {
            await fence();
            return port.createTag!(name, { fence });
          },
        }
      : {}),
    ...(port.retag
      ? {
          retag: async (
            kind: 'saved_query',
            id: number,
            change: { add: readonly string[]; remove: readonly string[] },
          ) => {
            await fence();
            return port.retag!(kind, id, change, { fence });
          },
        }
      : {}),
    ...(port.listAccess
      ? {
          listAccess: (kind: 'dataset' | 'chart' | 'dashboard' | 'saved_query') => port.listAccess!(kind),
        }
      : {}),
    get calls() {
      return port.calls;
    },
  };
}

function claim(obj: AnyDesired, commit: string, at: Date): AppliedRecord {
  return {
    kind: obj.kind,
    name: obj.name,
    uuid: obj.uuid,
    supersetId: 0,
    hash: '',
    appliedAt: at.toISOString(),
    commit,
    changedOn: null,
    ...(obj.spec.protected ? { protected: true } : {}),
  };
}
