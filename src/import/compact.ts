import { canonicalJson } from '../model/canonical.js';
import type { AnySpec } from '../model/object.js';
import { attributesOf, type AttributeOptions } from '../plan/attributes.js';
import type { DashboardSpec, DatasetSpec, ObjectKind } from '../schema/index.js';
import { compactLayout } from '../superset-map/layout/layout.js';

/** Fields that identify an object: kept even where leaving them out would mean the same. */
const KEEP = new Set([
  'kind',
  'name',
  'uuid',
  'password',
  'database',
  'dataset',
  'viz_type',
  'sqlalchemy_uri',
  'title',
  'layout',
  'expression',
]);

/**
 * The shortest spec that means the same to the planner: a field is dropped when the comparable
 * attributes do not change without it (a Superset default written out). Import writes this, so the
 * YAML says only what differs from Superset's defaults.
 */
export function compactSpec<K extends ObjectKind>(
  kind: K,
  spec: AnySpec,
  options: AttributeOptions,
): AnySpec {
  const same = (a: AnySpec, b: AnySpec) =>
    canonicalJson(attributesOf(kind, a as never, options)) ===
    canonicalJson(attributesOf(kind, b as never, options));
  let out = { ...spec } as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    if (KEEP.has(key)) continue;
    const without = { ...out };
    delete without[key];
    if (same(without as AnySpec, out as AnySpec)) out = without;
  }
  // No tags and no dashboard roles is what most objects have: an import leaves them to Superset
  // rather than writing `tags: []` into every file (which would manage them, as none).
  for (const key of kind === 'row_level_security' ? ['tags'] : ['tags', 'roles'])
    if (Array.isArray(out[key]) && (out[key] as unknown[]).length === 0) delete out[key];
  // Likewise a dashboard without a theme: `theme: null` would manage it, as none.
  if (kind === 'dashboard' && out.theme === null) delete out.theme;
  if (kind === 'dataset') out = compactDatasetItems(out as DatasetSpec, (a, b) => same(a, b));
  if (kind === 'dashboard') out = { ...out, layout: compactLayout((out as DashboardSpec).layout) };
  return out as AnySpec;
}

/**
 * The same for each column and metric (`groupby: true` and friends go, names and expressions stay),
 * each item judged on its own in a one-item dataset so the cost stays linear in the columns.
 */
function compactDatasetItems(spec: DatasetSpec, same: (a: AnySpec, b: AnySpec) => boolean): DatasetSpec {
  const out: DatasetSpec = { ...spec };
  for (const list of ['columns', 'metrics'] as const) {
    const items = spec[list] as Record<string, unknown>[] | undefined;
    if (!items) continue;
    const alone = (item: Record<string, unknown>) =>
      ({ kind: 'dataset', name: spec.name, database: spec.database, [list]: [item] }) as unknown as AnySpec;
    (out as Record<string, unknown>)[list] = items.map((original) => {
      let item = original;
      for (const key of Object.keys(original)) {
        if (key === 'name' || key === 'expression') continue;
        const trimmed = { ...item };
        delete trimmed[key];
        if (same(alone(trimmed), alone(item))) item = trimmed;
      }
      return item;
    });
  }
  return out;
}
