import type { ParsedFile } from '../load/parse-file.js';
import { deriveUuid, type AnyDesired } from '../model/object.js';
import { sortProblems, type Problem } from '../model/problem.js';
import { OBJECT_KINDS, type EnvironmentSpec, type ObjectKind } from '../schema/index.js';
import type { CheckedFile, Rule, RuleContext } from './rules/context.js';
import { datasets } from './rules/datasets.js';
import { environments } from './rules/environment.js';
import { layout } from './rules/layout.js';
import { references } from './rules/references.js';
import { reports } from './rules/reports.js';
import { secrets } from './rules/secrets.js';
import { templates } from './rules/templates.js';
import { uniqueness } from './rules/uniqueness.js';
import { schemaCheck } from './schema-check.js';

export const RULES: Record<string, Rule> = {
  uniqueness,
  references,
  layout,
  secrets,
  templates,
  datasets,
  environments,
  reports,
};

export interface EnvironmentEntry {
  spec: EnvironmentSpec;
  file: string;
}

export interface ValidationResult {
  objects: AnyDesired[];
  environments: EnvironmentEntry[];
  problems: Problem[];
  fileCount: number;
}

/** Schema check, then the named rules over the whole tree; every problem collected, none thrown. */
export function validateTree(files: readonly ParsedFile[]): ValidationResult {
  const problems: Problem[] = files.flatMap((f) => f.problems);
  const checked: CheckedFile[] = [];
  const names = Object.fromEntries(OBJECT_KINDS.map((k) => [k, new Set<string>()])) as Record<
    ObjectKind,
    Set<string>
  >;
  const variables = new Map<string, Set<string>>();
  for (const parsed of files) {
    if (!parsed.kind || !parsed.value) continue;
    const name = parsed.value.name;
    if (parsed.kind !== 'environment' && typeof name === 'string') names[parsed.kind].add(name);
    const schemaProblems = schemaCheck(parsed);
    problems.push(...schemaProblems);
    if (schemaProblems.length > 0) continue;
    checked.push({ parsed, kind: parsed.kind, spec: parsed.value } as CheckedFile);
    if (parsed.kind === 'environment') {
      const env = parsed.value as unknown as EnvironmentSpec;
      variables.set(env.name, new Set(Object.keys(env.variables ?? {})));
    }
  }
  const ctx: RuleContext = { checked, names, variables };
  for (const rule of Object.values(RULES)) problems.push(...rule(ctx));

  const objects: AnyDesired[] = [];
  const environments: EnvironmentEntry[] = [];
  for (const c of checked) {
    if (c.kind === 'environment') {
      environments.push({ spec: c.spec as EnvironmentSpec, file: c.parsed.file });
      continue;
    }
    const spec = c.spec as { name: string; uuid?: string };
    objects.push({
      kind: c.kind,
      name: spec.name,
      uuid: (spec.uuid ?? deriveUuid(c.kind, spec.name)).toLowerCase(),
      spec: c.spec,
      source: { file: c.parsed.file, line: 1, col: 1 },
    } as AnyDesired);
  }
  return { objects, environments, problems: sortProblems(problems), fileCount: files.length };
}
