import type { AnyDesired } from '../model/object.js';
import type { PathSegment } from '../model/problem.js';
import { closestName } from '../model/suggest.js';

/** Who Superset knows: usernames and role names. */
export interface KnownPrincipals {
  users: readonly string[];
  roles: readonly string[];
  /** Superset's permissions on resources (`<permission> on <resource>`), when YAML has roles. */
  permissions?: readonly string[];
}

/** A username or role name in YAML that Superset does not have. */
export interface UnknownPrincipal {
  object: AnyDesired;
  /** Where in the object, e.g. `['owners', 1]`. */
  path: PathSegment[];
  message: string;
}

/**
 * Owners and dashboard roles Superset does not have. A plan that wrote them would fail on Superset's
 * "Owners are invalid", or worse drop them: they are a plan error instead, each with the closest name
 * Superset has when one is close. Pure.
 */
export function unknownPrincipals(
  objects: readonly AnyDesired[],
  known: KnownPrincipals,
): UnknownPrincipal[] {
  const users = new Set(known.users);
  // A role the YAML has is made by the apply before what names it.
  const roles = new Set([...known.roles, ...objects.filter((o) => o.kind === 'role').map((o) => o.name)]);
  const permissions = new Set(known.permissions);
  const out: UnknownPrincipal[] = [];
  const check = (
    object: AnyDesired,
    field: 'owners' | 'roles' | 'permissions',
    names: readonly string[] | undefined,
    have: ReadonlySet<string>,
    all: readonly string[],
  ) => {
    (names ?? []).forEach((name, i) => {
      if (have.has(name)) return;
      const hint = closestName(name, all);
      const what = field === 'owners' ? 'user' : field === 'roles' ? 'role' : 'permission';
      out.push({
        object,
        path: [field, i],
        message: `Superset has no ${what} ${JSON.stringify(name)}${hint ? `; did you mean ${JSON.stringify(hint)}?` : ''}`,
      });
    });
  };
  for (const object of objects) {
    if (object.kind === 'role' && known.permissions)
      check(object, 'permissions', object.spec.permissions, permissions, known.permissions);
    if (object.kind === 'row_level_security') check(object, 'roles', object.spec.roles, roles, known.roles);
    if (object.kind !== 'dataset' && object.kind !== 'chart' && object.kind !== 'dashboard') continue;
    check(object, 'owners', object.spec.owners, users, known.users);
    if (object.kind === 'dashboard') check(object, 'roles', object.spec.roles, roles, known.roles);
  }
  return out;
}
