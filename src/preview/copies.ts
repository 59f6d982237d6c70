// A pull request's preview: copies of the objects the change touches, with their own uuids, titles
// and slugs, so they sit beside the real ones in a staging Superset and never replace them. Pure.
import { v5 as uuidV5 } from 'uuid';
import { objectKey, type AnyDesired } from '../model/object.js';
import { dependenciesOf } from '../plan/desired.js';
import type { ChartSpec, DashboardSpec, DatasetSpec } from '../schema/index.js';

/** Namespace of preview uuids: a copy's uuid is derived from the preview id and the original's uuid. */
const PREVIEW_NAMESPACE = '0b5e7d7c-3f0e-4b8e-9a53-6c1f2a4d9e21';

// Lower case, digits and `-` only: slugs and table names are made from it, and two ids that differed
// only in case or in `-`/`_` would make the same ones.
const PREVIEW_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** The problem with a preview id, or undefined when it is fine (it names znodes, slugs and tables). */
export function checkPreviewId(id: string): string | undefined {
  return PREVIEW_ID.test(id)
    ? undefined
    : `--id ${JSON.stringify(id)}: a preview id is 1 to 40 lower-case letters, digits and - (a pull request number, say)`;
}

/** The kinds a preview copies: a dashboard's own, and what it shows. */
const copiable = (kind: string): kind is PreviewCopy['kind'] =>
  kind === 'dataset' || kind === 'chart' || kind === 'dashboard';

export function previewUuid(id: string, uuid: string): string {
  return uuidV5(`preview/${id}/${uuid}`, PREVIEW_NAMESPACE);
}

export interface PreviewCopy {
  kind: 'dataset' | 'chart' | 'dashboard';
  name: string;
  /** The copy's uuid, and the original's (in Superset already, or new in the change). */
  uuid: string;
  original: string;
  /** The change touches it (created or updated), or it is here because a touched dashboard shows it. */
  touched: boolean;
}

export interface PreviewSet {
  /** What the preview applies: the copies, and the objects they use as they are (see `reused`). */
  objects: AnyDesired[];
  /** Objects used as they are, by uuid, with why: the plan never changes them. */
  reused: Map<string, string>;
  copies: PreviewCopy[];
  /** What the preview leaves out, for the report (a changed database is used as it is). */
  notes: string[];
}

/** `[PR 123] `: what a copy's title starts with. */
export function titlePrefix(id: string): string {
  return /^\d+$/.test(id) ? `[PR ${id}] ` : `[preview ${id}] `;
}

const slugPrefix = (id: string) => `pr-${id}-`;
const tablePrefix = (id: string) => `pr_${id.replace(/-/g, '_')}_`;

/** A table reference as SQL: plain names as they are (engines fold case and quote differently). */
function tableRef(parts: readonly string[]): string {
  return parts.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? p : `"${p.replace(/"/g, '""')}"`)).join('.');
}

/**
 * The preview of a change: `touched` are the `kind/name` keys the change creates or updates in this
 * environment (the plan between base and head). Touched datasets, charts and dashboards are copied,
 * and so is every chart a copied dashboard shows (a dashboard copy must not take over the real
 * charts). Whatever else they use (databases, unchanged datasets) is used as it is. Copies keep their
 * YAML names, so references between them resolve to the copies; what Superset shows is prefixed.
 */
export function previewSet(
  objects: readonly AnyDesired[],
  touched: ReadonlySet<string>,
  id: string,
): PreviewSet {
  const byKey = new Map(objects.map((o) => [objectKey(o.kind, o.name), o]));
  const copied = new Set<string>();
  for (const o of objects)
    if (copiable(o.kind) && touched.has(objectKey(o.kind, o.name))) copied.add(objectKey(o.kind, o.name));
  for (const key of [...copied]) {
    const o = byKey.get(key);
    if (o?.kind === 'dashboard')
      for (const dep of dependenciesOf(o)) if (dep.startsWith('chart/')) copied.add(dep);
  }
  const notes: string[] = [];
  for (const o of objects)
    if (o.kind === 'database' && touched.has(objectKey(o.kind, o.name)))
      notes.push(`database ${JSON.stringify(o.name)} changes too; the preview uses it as Superset has it`);
    else if (!copiable(o.kind) && touched.has(objectKey(o.kind, o.name)))
      // A copy of a CSS template, saved query or RLS rule would not show in the copied dashboards.
      notes.push(`${o.kind} ${JSON.stringify(o.name)} changes too; the preview leaves it out`);

  // What the copies use, transitively, that is not copied itself.
  const used = new Set<string>();
  const visit = (key: string) => {
    const o = byKey.get(key);
    if (!o) return;
    for (const dep of dependenciesOf(o)) {
      if (copied.has(dep) || used.has(dep)) continue;
      used.add(dep);
      visit(dep);
    }
  };
  copied.forEach(visit);

  // A dataset copy gets a name of its own, and the copies that use it say so: with the original's
  // name, a chart copy still on the real dataset would compare equal to one on the copy.
  const renamed = new Map<string, string>();
  for (const o of objects)
    if (o.kind === 'dataset' && copied.has(objectKey(o.kind, o.name)))
      renamed.set(o.name, titlePrefix(id) + o.name);
  const out: AnyDesired[] = [];
  const copies: PreviewCopy[] = [];
  const reused = new Map<string, string>();
  for (const o of objects) {
    const key = objectKey(o.kind, o.name);
    if (copied.has(key) && copiable(o.kind)) {
      const uuid = previewUuid(id, o.uuid);
      out.push(copyOf(o, uuid, id, renamed));
      copies.push({ kind: o.kind, name: o.name, uuid, original: o.uuid, touched: touched.has(key) });
    } else if (used.has(key)) {
      out.push(o);
      reused.set(o.uuid, `used by preview ${id} as it is`);
    }
  }
  return { objects: out, reused, copies, notes };
}

function copyOf(o: AnyDesired, uuid: string, id: string, renamed: ReadonlyMap<string, string>): AnyDesired {
  const copy = copyOfSpec(o, uuid, id, renamed);
  // A copy is never protected: --destroy must be able to delete it whatever the original says.
  delete (copy.spec as { protected?: boolean }).protected;
  return copy;
}

function copyOfSpec(
  o: AnyDesired,
  uuid: string,
  id: string,
  renamed: ReadonlyMap<string, string>,
): AnyDesired {
  const prefix = titlePrefix(id);
  const dataset = (name: string) => renamed.get(name) ?? name;
  switch (o.kind) {
    case 'chart': {
      const spec: ChartSpec = {
        ...o.spec,
        title: prefix + (o.spec.title ?? o.name),
        dataset: dataset(o.spec.dataset),
      };
      delete (spec as { uuid?: string }).uuid;
      return { ...o, uuid, spec };
    }
    case 'dashboard': {
      const spec: DashboardSpec = {
        ...o.spec,
        title: prefix + (o.spec.title ?? o.name),
        ...(o.spec.slug ? { slug: slugPrefix(id) + o.spec.slug } : {}),
        ...(o.spec.native_filters
          ? {
              native_filters: o.spec.native_filters.map((f) =>
                f.targets
                  ? { ...f, targets: f.targets.map((t) => ({ ...t, dataset: dataset(t.dataset) })) }
                  : f,
              ),
            }
          : {}),
      };
      delete (spec as { uuid?: string }).uuid;
      return { ...o, uuid, spec };
    }
    case 'dataset': {
      // Superset keeps one dataset per table: the copy reads the same table through its own SQL.
      const table = o.spec.table_name ?? o.name;
      const source = tableRef([o.spec.schema, table].filter((p): p is string => Boolean(p)));
      const name = dataset(o.name);
      const spec: DatasetSpec = {
        ...o.spec,
        name,
        table_name: tablePrefix(id) + table,
        sql: o.spec.sql ?? `SELECT * FROM ${source}`,
      };
      delete (spec as { uuid?: string }).uuid;
      return { ...o, name, uuid, spec };
    }
    default:
      return o;
  }
}
