// Which keys of a YAML file to change so that it says what Superset now has: the smallest set of edits
// that makes the planner's attributes equal to the live ones. Pure: no IO.
import { canonicalJson, type Json } from '../model/canonical.js';
import { isSecretKey, secretLeaves, stringLeaves, uriSecrets } from '../model/secrets.js';
import { findTemplateRefs } from '../model/template.js';

export type EditPath = (string | number)[];

/**
 * Set a value (a changed key or a new one), or remove a key. Paths are those of the file's value. A
 * new key says which key it follows in Superset's order (`after`, null when it comes first).
 */
export type Edit =
  { op: 'set'; path: EditPath; value: Json; after?: string | null } | { op: 'delete'; path: EditPath };

export interface EditPlan {
  /** Edits to write, in the order of the live value's keys. */
  edits: Edit[];
  /** Differences at a value written with `${var.*}` or `${env.*}`: reported, never overwritten. */
  fromVariables: { path: EditPath; file: Json | null; live: Json | null }[];
  /**
   * Edits pull must not write, with why: a new `name` (the object's identity in YAML: references and
   * derived uuids hang on it) and values that hold a credential (never copied into a file).
   */
  withheld: { path: EditPath; why: string }[];
  /** The file's value, variables substituted, with the edits made: what the planner will see. */
  after: Json;
}

/** Why pull must not write this edit, if it must not (see EditPlan.withheld). */
export function withholdReason(edit: Edit): string | undefined {
  if (edit.path.length === 1 && edit.path[0] === 'name')
    return 'renamed in Superset; a name is what the YAML refers to it by: rename it in git by hand';
  if (edit.op !== 'set') return undefined;
  const key = edit.path[edit.path.length - 1];
  const strings = stringLeaves(edit.value).map((l) => l.text);
  if (
    (typeof key === 'string' && isSecretKey(key)) ||
    secretLeaves(edit.value).length > 0 ||
    strings.some((text) => uriSecrets(text).some((u) => !u.masked))
  )
    return 'holds a credential, which is never written into a file: set it by hand as ${env.NAME}';
  return undefined;
}

type Obj = Record<string, Json>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

export function pathText(path: EditPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
}

export function getAt(value: Json | undefined, path: EditPath): Json | undefined {
  let v: Json | undefined = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? v[key as number] : v[key as string];
  }
  return v;
}

/** A copy of `value` with the edits made; a key is added at the end of its map. */
export function applyEdits(value: Json, edits: readonly Edit[]): Json {
  const out = structuredClone(value);
  for (const edit of edits) {
    const parent = getAt(out, edit.path.slice(0, -1));
    const key = edit.path[edit.path.length - 1] as string | number;
    if (parent === null || typeof parent !== 'object') continue;
    if (edit.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (Array.isArray(parent)) parent[key as number] = structuredClone(edit.value);
    else parent[key as string] = structuredClone(edit.value);
  }
  return out;
}

/** True when a string somewhere in the value has a `${...}` reference (not an escaped `$${`). */
export function hasReference(value: Json | undefined): boolean {
  if (typeof value === 'string') return findTemplateRefs(value).length > 0;
  if (Array.isArray(value)) return value.some(hasReference);
  if (isObj(value)) return Object.values(value).some(hasReference);
  return false;
}

/** Superset's strings are literal: a `${` in one is written `$${`, so it is not read as a reference. */
export function escapeReferences(value: Json): Json {
  // What reads as a reference is `${`, up to the first `}`: that is what gets the extra `$` (a `${`
  // no `}` closes is literal already).
  if (typeof value === 'string') return value.replace(/\$\{[^}]*\}/g, (ref) => `$${ref}`);
  if (Array.isArray(value)) return value.map(escapeReferences);
  if (isObj(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeReferences(v)]));
  return value;
}

/**
 * Every difference between the file's value (variables substituted) and the live one, as edits: maps
 * key by key, lists of the same length item by item, anything else replaced whole.
 */
function differences(resolved: Json | undefined, live: Json | undefined, path: EditPath, out: Edit[]): void {
  if (same(resolved, live)) return;
  if (isObj(resolved) && isObj(live)) {
    let previous: string | null = null;
    for (const [key, value] of Object.entries(live)) {
      if (value === undefined) continue;
      if (key in resolved) {
        differences(resolved[key], value, [...path, key], out);
        previous = key;
      } else out.push({ op: 'set', path: [...path, key], value, after: previous });
    }
    for (const key of Object.keys(resolved))
      if (!(key in live)) out.push({ op: 'delete', path: [...path, key] });
    return;
  }
  if (Array.isArray(resolved) && Array.isArray(live) && resolved.length === live.length) {
    live.forEach((item, i) => differences(resolved[i], item, [...path, i], out));
    return;
  }
  if (live === undefined) out.push({ op: 'delete', path });
  else out.push({ op: 'set', path, value: live });
}

/**
 * The edits that turn `file` (as written: with its `${var.*}` references) into what Superset has.
 * `resolved` is the file's value with variables substituted; `live` is the live object in the same
 * shape; `differs` says, for a candidate value, how it still differs from Superset as the planner sees
 * it (any text, equal for equal differences). An edit is kept only when that needs it: a key written
 * out as Superset's default stays, a default Superset reports is not added. An edit at a value that
 * holds a reference is reported, not made.
 */
export function planEdits(
  file: Json,
  resolved: Json,
  live: Json,
  differs: (value: Json) => string,
): EditPlan {
  const all: Edit[] = [];
  differences(resolved, live, [], all);
  const fromVariables: EditPlan['fromVariables'] = [];
  let edits: Edit[] = [];
  for (const edit of all) {
    if (hasReference(getAt(file, edit.path))) {
      fromVariables.push({
        path: edit.path,
        file: getAt(resolved, edit.path) ?? null,
        live: edit.op === 'set' ? edit.value : null,
      });
    } else edits.push(edit);
  }
  const target = differs(applyEdits(resolved, edits));
  for (const edit of [...edits]) {
    const without = edits.filter((e) => e !== edit);
    if (differs(applyEdits(resolved, without)) === target) edits = without;
  }
  // A variable's difference that the attributes do not see (a default) is no difference.
  const needed = fromVariables.filter((v) => {
    const edit: Edit =
      v.live === null ? { op: 'delete', path: v.path } : { op: 'set', path: v.path, value: v.live };
    return differs(applyEdits(resolved, [...edits, edit])) !== target;
  });
  const withheld: EditPlan['withheld'] = [];
  const kept = edits.filter((e) => {
    const why = withholdReason(e);
    if (why) withheld.push({ path: e.path, why });
    return !why;
  });
  return {
    edits: kept.map((e) => (e.op === 'set' ? { ...e, value: escapeReferences(e.value) } : e)),
    fromVariables: needed,
    withheld,
    after: applyEdits(resolved, kept),
  };
}
