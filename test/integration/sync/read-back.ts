// Reading what the sync made straight from Superset's API, as a user of Superset would see it.
import type { SupersetClient } from '../../../src/superset/index.js';
import type { SupersetKind } from '../../../src/superset/port.js';
import type { Plan, PlannedChange } from '../../../src/plan/types.js';
import { withListFields } from '../../../src/live/read-live.js';

export type Raw = Record<string, unknown>;

/** Superset id of the object named `name` (database_name, table_name, slice_name or dashboard_title). */
export async function idOf(admin: SupersetClient, kind: SupersetKind, name: string): Promise<number> {
  const row = (await admin.list(kind)).find((r) => r.name === name);
  if (!row) throw new Error(`no ${kind} named ${JSON.stringify(name)} in Superset`);
  return row.id;
}

export async function exists(admin: SupersetClient, kind: SupersetKind, name: string): Promise<boolean> {
  return (await admin.list(kind)).some((r) => r.name === name);
}

/** An object as Superset's GET has it, with what only the list has on older versions (a chart's uuid and dataset on 4.1/5.0). */
export async function readBack(admin: SupersetClient, kind: SupersetKind, name: string): Promise<Raw> {
  const row = (await admin.list(kind)).find((r) => r.name === name);
  if (!row) throw new Error(`no ${kind} named ${JSON.stringify(name)} in Superset`);
  return withListFields(row, await admin.get(kind, row.id));
}

export function json(value: unknown): Raw {
  return typeof value === 'string' ? (JSON.parse(value) as Raw) : {};
}

export const names = (list: unknown, key: string): string[] =>
  (list as Raw[]).map((item) => String(item[key])).sort();

/** The changes of a plan that do something, as "action kind name". */
export function actions(plan: Plan): string[] {
  return plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.kind} ${c.name}`);
}

export function changeOf(plan: Plan, kind: PlannedChange['kind'], name: string): PlannedChange {
  const found = plan.changes.find((c) => c.kind === kind && c.name === name);
  if (!found) throw new Error(`no planned change for ${kind} ${name}`);
  return found;
}

/** Every node type in a position_json. */
export function nodeTypes(positionJson: unknown): string[] {
  const nodes = Object.values(json(positionJson)) as Raw[];
  return [...new Set(nodes.map((n) => n.type).filter((t): t is string => typeof t === 'string'))].sort();
}
