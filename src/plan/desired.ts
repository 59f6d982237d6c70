import { contentHash } from '../model/canonical.js';
import { chartsInLayout } from '../model/layout.js';
import { MANAGED_ATTRIBUTE } from '../model/managed.js';
import { objectKey, type AnyDesired } from '../model/object.js';
import { isNamedKind } from '../schema/index.js';
import { attributesOf, type AttributeOptions } from './attributes.js';
import type { DesiredEntry } from './types.js';

/** Keys (`kind/name`) of the objects this one needs to exist first. */
export function dependenciesOf(obj: AnyDesired): string[] {
  switch (obj.kind) {
    case 'database':
      return [];
    case 'dataset':
      return [objectKey('database', obj.spec.database)];
    case 'chart':
      return [objectKey('dataset', obj.spec.dataset)];
    case 'role':
      return [];
    case 'dashboard': {
      const charts = chartsInLayout(obj.spec.layout).map((n) => objectKey('chart', n));
      const datasets = (obj.spec.native_filters ?? []).flatMap((f) =>
        (f.targets ?? []).map((t) => objectKey('dataset', t.dataset)),
      );
      // A role the YAML has is made first; one it has not is Superset's (checked by the plan).
      const roles = (obj.spec.roles ?? []).map((r) => objectKey('role', r));
      const theme = typeof obj.spec.theme === 'string' ? [objectKey('theme', obj.spec.theme)] : [];
      return [...new Set([...charts, ...datasets, ...roles, ...theme])];
    }
    case 'css_template':
    case 'theme':
      return [];
    case 'saved_query':
      return [objectKey('database', obj.spec.database)];
    case 'row_level_security':
      return [
        ...obj.spec.tables.map((t) => objectKey('dataset', t)),
        ...obj.spec.roles.map((r) => objectKey('role', r)),
      ];
    case 'report':
      return [
        ...(obj.spec.chart !== undefined ? [objectKey('chart', obj.spec.chart)] : []),
        ...(obj.spec.dashboard !== undefined ? [objectKey('dashboard', obj.spec.dashboard)] : []),
        ...(obj.spec.database !== undefined ? [objectKey('database', obj.spec.database)] : []),
      ];
  }
}

/**
 * The planner's view of one desired object (its spec already resolved for the environment). In an
 * environment that marks objects, `is_managed_externally: true` is one more attribute: compared with
 * what Superset shows, and part of the hash, so turning the option on reads and marks every object
 * once. `external_url` is never an attribute (see model/managed.ts).
 */
export function desiredEntry(obj: AnyDesired, options: AttributeOptions): DesiredEntry {
  const attributes = {
    ...attributesOf(obj.kind, obj.spec, options),
    // Kinds Superset keeps no uuid for have no is_managed_externally either.
    ...(options.markManaged && !isNamedKind(obj.kind) ? { [MANAGED_ATTRIBUTE]: true } : {}),
  };
  return {
    kind: obj.kind,
    name: obj.name,
    uuid: obj.uuid,
    attributes,
    hash: contentHash(attributes),
    protected: obj.spec.protected === true,
    dependsOn: dependenciesOf(obj),
  };
}
