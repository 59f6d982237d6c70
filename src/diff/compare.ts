import { attributeOptionsFor } from '../superset-map/attribute-options.js';
import { substituteVariables } from '../environment/resolve.js';
import type { ChangedFile } from '../git/revisions.js';
import { canonicalJson } from '../model/canonical.js';
import { objectKey, type AnyDesired } from '../model/object.js';
import { desiredEntry } from '../plan/desired.js';
import { hasChanges } from '../plan/plan.js';
import type { DesiredEntry } from '../plan/types.js';
import type { EnvironmentEntry, ValidationResult } from '../validate/validate-tree.js';
import { dependentsOfChanges } from './dependents.js';
import { planBetween } from './plan-between.js';
import type { EnvironmentDiff, EnvironmentFileChange, FileDiff } from './types.js';
import { environmentVariables } from './variables.js';

export interface CompareOptions {
  /** The `project_dir` built-in: the same for both revisions. */
  projectDir: string;
  prune: boolean;
  /** Only these environments (default: every environment at base or head). */
  environments?: readonly string[];
}

/**
 * Per environment, the plan from the base tree to the head tree, each side resolved with its own
 * revision of the environment's variables. Pure.
 */
export function compareTrees(
  base: ValidationResult,
  head: ValidationResult,
  options: CompareOptions,
): EnvironmentDiff[] {
  const names = [...new Set([...head.environments, ...base.environments].map((e) => e.spec.name))].filter(
    (n) => !options.environments || options.environments.includes(n),
  );
  return names.sort().map((name) => {
    const before = base.environments.find((e) => e.spec.name === name);
    const after = head.environments.find((e) => e.spec.name === name);
    const file = fileChange(before, after);
    if (!after) return { name, file, dependents: [], touched: true };
    // A new environment has nothing applied yet: everything in it is created.
    const baseEntries = before ? entriesFor(base.objects, before, options.projectDir) : [];
    const headEntries = entriesFor(head.objects, after, options.projectDir);
    const plan = planBetween(name, baseEntries, headEntries, { prune: options.prune });
    const touched =
      file !== 'unchanged' || hasChanges(plan) || plan.summary.conflict > 0 || plan.summary.orphan > 0;
    return { name, file, plan, dependents: dependentsOfChanges(plan), touched };
  });
}

function fileChange(before?: EnvironmentEntry, after?: EnvironmentEntry): EnvironmentFileChange {
  if (!before) return 'added';
  if (!after) return 'removed';
  return canonicalJson(before.spec) === canonicalJson(after.spec) ? 'unchanged' : 'changed';
}

function entriesFor(
  objects: readonly AnyDesired[],
  env: EnvironmentEntry,
  projectDir: string,
): DesiredEntry[] {
  const variables = environmentVariables(env.spec, projectDir);
  // With mark_managed, objects also want `is_managed_externally`: turning it on is a change to each.
  const options = attributeOptionsFor(env.spec.mark_managed === true ? {} : undefined);
  return objects.map((o) =>
    desiredEntry({ ...o, spec: substituteVariables(o.spec, variables) } as AnyDesired, options),
  );
}

/** Each changed file with the objects it held at base (its old path) and at head. */
export function describeFiles(
  changed: readonly ChangedFile[],
  base: ValidationResult,
  head: ValidationResult,
): FileDiff[] {
  const keysIn = (tree: ValidationResult, file: string) => [
    ...tree.objects.filter((o) => o.source.file === file).map((o) => objectKey(o.kind, o.name)),
    ...tree.environments.filter((e) => e.file === file).map((e) => `environment/${e.spec.name}`),
  ];
  return changed.map((f) => ({
    ...f,
    objects: [...new Set([...keysIn(base, f.from ?? f.path), ...keysIn(head, f.path)])],
  }));
}
