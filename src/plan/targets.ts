import { closestName } from '../model/suggest.js';

/** A `--target` that names no object, with the closest known key when one is near. */
export interface UnknownTarget {
  target: string;
  suggestion?: string;
}

/**
 * `--target kind/name` entries that match no desired or owned object: a typo in CI must not
 * silently plan nothing. Pure; `known` are the `kind/name` keys that exist.
 */
export function unknownTargets(targets: readonly string[], known: readonly string[]): UnknownTarget[] {
  const keys = new Set(known);
  return targets
    .filter((t) => !keys.has(t))
    .map((target) => {
      const kind = target.split('/')[0] ?? '';
      const sameKind = known.filter((k) => k.startsWith(`${kind}/`));
      const suggestion = closestName(target, sameKind.length ? sameKind : known);
      return suggestion ? { target, suggestion } : { target };
    });
}

export function describeUnknownTargets(unknown: readonly UnknownTarget[]): string {
  return `--target names no object: ${unknown
    .map((u) => `${u.target}${u.suggestion ? ` (did you mean ${u.suggestion}?)` : ''}`)
    .join(', ')}. Targets are kind/name, e.g. chart/Revenue by month.`;
}
