import { canonicalJson, type Json } from '../model/canonical.js';
import type { Attributes } from './attributes.js';

/** One attribute that differs: `before` is what Superset has, `after` what the YAML wants. */
export interface AttributeChange {
  path: string;
  before?: Json;
  after?: Json;
  /**
   * A secret field (a database password, ...): no value is ever carried, only what happens to it.
   * `set` on a create or a new field, `changed` when its digest moved (or --rotate-secrets), `removed`.
   */
  sensitive?: 'set' | 'changed' | 'removed';
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const isRecord = (v: unknown): v is Record<string, Json> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isNamedList = (v: unknown): v is Record<string, Json>[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => isRecord(x) && typeof x.name === 'string');

/**
 * Attribute-level differences. Only the attributes the desired side manages are compared (an undefined
 * desired value leaves the live one alone); inside an attribute, both sides count in full, so a key
 * removed from a chart's params is a change too. Lists of named items (columns, metrics, filters) are
 * matched by name, so reordering one is not a change.
 */
export function diffAttributes(live: Attributes, desired: Attributes): AttributeChange[] {
  const changes: AttributeChange[] = [];
  for (const [key, want] of Object.entries(desired)) {
    if (want === undefined) continue;
    diffValue(key, live[key], want, changes);
  }
  return changes;
}

function diffValue(
  path: string,
  before: Json | undefined,
  after: Json | undefined,
  out: AttributeChange[],
): void {
  if (same(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys.sort()) diffValue(`${path}.${key}`, before[key], after[key], out);
    return;
  }
  if ((isNamedList(before) || isNamedList(after)) && Array.isArray(before) && Array.isArray(after)) {
    diffNamedLists(path, before as Record<string, Json>[], after as Record<string, Json>[], out);
    return;
  }
  if (
    Array.isArray(before) &&
    Array.isArray(after) &&
    [...before, ...after].some((x) => isRecord(x) || Array.isArray(x))
  ) {
    const n = Math.max(before.length, after.length);
    for (let i = 0; i < n; i++) diffValue(`${path}[${i}]`, before[i], after[i], out);
    return;
  }
  out.push({ path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
}

function diffNamedLists(
  path: string,
  before: Record<string, Json>[],
  after: Record<string, Json>[],
  out: AttributeChange[],
): void {
  const byName = (list: Record<string, Json>[]) =>
    new Map(list.map((item) => [typeof item.name === 'string' ? item.name : canonicalJson(item.name), item]));
  const was = byName(before);
  const want = byName(after);
  for (const [name, item] of want) {
    const old = was.get(name);
    if (!old) out.push({ path: `${path}[${name}]`, after: item });
    else {
      // Desired items carry every key they manage; keys only Superset has (a column's type) are not compared.
      for (const key of Object.keys(item).sort())
        diffValue(`${path}[${name}].${key}`, old[key], item[key], out);
    }
  }
  for (const [name, item] of was) if (!want.has(name)) out.push({ path: `${path}[${name}]`, before: item });
}
