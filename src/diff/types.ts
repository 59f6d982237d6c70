import type { ChangedFile } from '../git/revisions.js';
import type { Plan } from '../plan/types.js';

/** What an environment file did between the two revisions. */
export type EnvironmentFileChange = 'added' | 'removed' | 'changed' | 'unchanged';

/** The change as one environment sees it: the plan from base to head, resolved with its variables. */
export interface EnvironmentDiff {
  name: string;
  file: EnvironmentFileChange;
  /** Absent when the environment is removed: nothing is planned for it any more. */
  plan?: Plan;
  /** `kind/name` of objects that do not change themselves but depend on something that does. */
  dependents: string[];
  /** Something to apply, or the environment file itself changed. */
  touched: boolean;
}

/** A changed file and the objects (`kind/name`) it held at base and at head. */
export interface FileDiff extends ChangedFile {
  objects: string[];
}

export interface RevisionRef {
  /** As given on the command line. */
  rev: string;
  commit: string;
}

/** The plan a change makes, from git alone. */
export interface DiffReport {
  /** Metadata directory, relative to the repository root. */
  dir: string;
  base: RevisionRef;
  head: RevisionRef;
  files: FileDiff[];
  environments: EnvironmentDiff[];
  /** Errors in the base revision's metadata: its broken files are left out of the comparison. */
  baseErrors: number;
}
