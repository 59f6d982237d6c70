import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { readTree } from '../load/read-tree.js';
import { deriveUuid, type AnySpec } from '../model/object.js';
import type { ObjectKind } from '../schema/index.js';
import { slugify } from './to-specs.js';

export interface WriteResult {
  written: string[];
  unchanged: string[];
}

/** Where a new object's file goes: grouped the way a reviewer looks for it. */
function defaultPath(kind: ObjectKind, spec: AnySpec): string {
  const slug = (s: string) => slugify(s, `${kind}-${deriveUuid(kind, s).slice(0, 8)}`).slice(0, 80);
  switch (kind) {
    case 'database':
      return `databases/${slug(spec.name)}.yaml`;
    case 'dataset':
      return `datasets/${slug((spec as { database: string }).database)}/${slug(spec.name)}.yaml`;
    case 'chart':
      return `charts/${slug((spec as { dataset: string }).dataset)}/${slug(spec.name)}.yaml`;
    case 'dashboard':
      return `dashboards/${slug(spec.name)}.yaml`;
    case 'css_template':
      return `css-templates/${slug(spec.name)}.yaml`;
    case 'theme':
      return `themes/${slug(spec.name)}.yaml`;
    case 'saved_query':
      return `saved-queries/${slug(spec.name)}.yaml`;
    case 'row_level_security':
      return `row-level-security/${slug(spec.name)}.yaml`;
    case 'report':
      return `reports/${slug(spec.name)}.yaml`;
    case 'role':
      return `roles/${slug(spec.name)}.yaml`;
  }
}

export function renderSpec(
  file: string,
  kind: ObjectKind,
  spec: AnySpec,
  schemasDir: string | undefined,
): string {
  const header = schemasDir
    ? `# yaml-language-server: $schema=${path
        .relative(path.dirname(file), path.join(schemasDir, `${kind}.schema.json`))
        .split(path.sep)
        .join('/')}\n`
    : '';
  return header + stringify(spec, { lineWidth: 0, blockQuote: 'literal' });
}

/**
 * Writes one file per object under `outDir`. An object that already has a file (matched by uuid)
 * keeps its path; a file whose content would not change is not touched, so importing twice changes
 * nothing. With `dryRun`, says what it would write and writes nothing.
 */
export async function writeObjects(
  outDir: string,
  objects: readonly { kind: ObjectKind; uuid: string; spec: AnySpec }[],
  options: { dryRun?: boolean } = {},
): Promise<WriteResult> {
  const existing = new Map<string, string>();
  if (existsSync(outDir)) {
    for (const f of await readTree(outDir, outDir)) {
      const v = f.value;
      if (!f.kind || f.kind === 'environment' || !v || typeof v.name !== 'string') continue;
      existing.set(typeof v.uuid === 'string' ? v.uuid.toLowerCase() : deriveUuid(f.kind, v.name), f.file);
    }
  }
  // The schemas of a checkout of this project, or those of the installed package (a content
  // repository made by `init`): the `$schema` line points at whichever is there.
  const schemasDir = [
    path.resolve(outDir, '..', 'schemas'),
    path.resolve(outDir, '..', 'node_modules/superset-gitops/schemas'),
    path.resolve('schemas'),
    path.resolve('node_modules/superset-gitops/schemas'),
  ].find((d) => existsSync(d));
  const taken = new Set(existing.values());
  const result: WriteResult = { written: [], unchanged: [] };
  for (const o of objects) {
    let rel = existing.get(o.uuid);
    if (!rel) {
      rel = defaultPath(o.kind, o.spec);
      if (taken.has(rel)) rel = rel.replace(/\.yaml$/, `-${o.uuid.slice(0, 8)}.yaml`);
    }
    taken.add(rel);
    const file = path.join(outDir, rel);
    const text = renderSpec(file, o.kind, o.spec, schemasDir);
    if (existsSync(file) && readFileSync(file, 'utf8') === text) {
      result.unchanged.push(rel);
      continue;
    }
    if (!options.dryRun) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    result.written.push(rel);
  }
  return result;
}
