import { objectKey } from '../model/object.js';
import type { Plan } from '../plan/types.js';

/**
 * Objects that do not change themselves but depend, directly or through others, on one that does:
 * a dataset's charts and the dashboards that show them. `kind/name` keys, in plan order.
 */
export function dependentsOfChanges(plan: Plan): string[] {
  const dependents = new Map<string, string[]>();
  for (const c of plan.changes)
    for (const dep of c.dependsOn)
      dependents.set(dep, [...(dependents.get(dep) ?? []), objectKey(c.kind, c.name)]);
  const changed = plan.changes.filter((c) => c.action !== 'noop').map((c) => objectKey(c.kind, c.name));
  const seen = new Set<string>(changed);
  const queue = [...changed];
  const found = new Set<string>();
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    for (const d of dependents.get(key) ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      found.add(d);
      queue.push(d);
    }
  }
  return plan.changes.map((c) => objectKey(c.kind, c.name)).filter((k) => found.has(k));
}
