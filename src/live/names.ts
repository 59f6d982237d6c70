import type { NameLookup } from '../superset-map/from-superset.js';
import type { ListedObject, Principals, SupersetKind } from '../superset/port.js';

/**
 * Turns Superset's ids and uuids back into the names YAML uses. For an object the desired tree also
 * has (same uuid), the desired name wins, so a reference compares equal when it points at the same object.
 */
export function buildNameLookup(
  listed: Record<SupersetKind, readonly ListedObject[]>,
  desiredNames: ReadonlyMap<string, string>,
  /** Users and roles when read: owners are then read by username. */
  principals?: Principals,
): NameLookup {
  const users = principals ? new Map(principals.users.map((u) => [u.id, u.username])) : undefined;
  const byUuid = new Map<string, string>();
  const byId = new Map<string, string>();
  for (const [kind, rows] of Object.entries(listed) as [SupersetKind, readonly ListedObject[]][]) {
    for (const row of rows) {
      const name = desiredNames.get(row.uuid) ?? row.name;
      byUuid.set(row.uuid, name);
      byId.set(`${kind}:${row.id}`, name);
    }
  }
  return {
    databaseByUuid: (uuid) => byUuid.get(uuid) ?? desiredNames.get(uuid),
    datasetByUuid: (uuid) => byUuid.get(uuid) ?? desiredNames.get(uuid),
    databaseById: (id) => byId.get(`database:${id}`),
    datasetById: (id) => byId.get(`dataset:${id}`),
    chartById: (id) => byId.get(`chart:${id}`),
    dashboardById: (id) => byId.get(`dashboard:${id}`),
    chartByUuid: (uuid) => byUuid.get(uuid) ?? desiredNames.get(uuid),
    nameFor: (_kind, uuid, fallback) => desiredNames.get(uuid) ?? fallback,
    ...(users ? { userById: (id: number) => users.get(id) } : {}),
  };
}
