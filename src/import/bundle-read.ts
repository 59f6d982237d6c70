import { parse } from 'yaml';
import type { ObjectKind } from '../schema/index.js';

/** One YAML document of a Superset export bundle, by kind. */
export type BundleKind = Extract<ObjectKind, 'database' | 'dataset' | 'chart' | 'dashboard'>;

export interface BundleDoc {
  kind: BundleKind;
  path: string;
  doc: Record<string, unknown>;
}

const FOLDERS: Record<string, BundleKind> = {
  databases: 'database',
  datasets: 'dataset',
  charts: 'chart',
  dashboards: 'dashboard',
};

/**
 * Sorts a bundle's files into kinds. The root folder name is free (Superset strips it); anything that
 * is not one of the four kinds (saved queries, unreadable YAML) is reported, not dropped silently.
 */
export function readBundle(files: ReadonlyMap<string, string>): { docs: BundleDoc[]; warnings: string[] } {
  const paths = [...files.keys()].filter((p) => /\.ya?ml$/i.test(p));
  const meta = paths.find((p) => /(^|\/)metadata\.ya?ml$/i.test(p));
  const prefix = meta ? meta.slice(0, meta.lastIndexOf('/') + 1) : '';
  const docs: BundleDoc[] = [];
  const warnings: string[] = [];
  if (!meta) warnings.push('the bundle has no metadata.yaml; reading it anyway');
  for (const path of paths.sort()) {
    if (path === meta || !path.startsWith(prefix)) continue;
    const rel = path.slice(prefix.length);
    const kind = FOLDERS[rel.split('/')[0] ?? ''];
    if (!kind) {
      warnings.push(`${rel}: not a database, dataset, chart or dashboard; left out`);
      continue;
    }
    try {
      const doc: unknown = parse(files.get(path) ?? '');
      if (
        doc === null ||
        typeof doc !== 'object' ||
        Array.isArray(doc) ||
        typeof (doc as { uuid?: unknown }).uuid !== 'string'
      ) {
        warnings.push(`${rel}: not a ${kind} export (no uuid); left out`);
        continue;
      }
      const uuid = String((doc as { uuid: string }).uuid).toLowerCase();
      const twin = docs.find((d) => String(d.doc.uuid).toLowerCase() === uuid);
      if (twin) {
        warnings.push(`${rel}: same uuid as ${twin.path}; left out`);
        continue;
      }
      docs.push({ kind, path: rel, doc: doc as Record<string, unknown> });
    } catch (e) {
      warnings.push(`${rel}: YAML could not be read (${(e as Error).message.split('\n')[0]}); left out`);
    }
  }
  return { docs, warnings };
}

/** Turns an export document into the shape the REST API returns, so one mapping serves both. */
export function bundleDocAsApiObject(d: BundleDoc): Record<string, unknown> {
  const doc = d.doc;
  switch (d.kind) {
    case 'database':
      return { ...doc, allow_file_upload: doc.allow_file_upload ?? doc.allow_csv_upload };
    case 'dataset':
      return { ...doc, database: { uuid: doc.database_uuid } };
    case 'chart':
      return { ...doc, datasource_uuid: doc.dataset_uuid };
    case 'dashboard':
      return { ...doc, position_json: doc.position ?? null, json_metadata: doc.metadata ?? null };
  }
}
