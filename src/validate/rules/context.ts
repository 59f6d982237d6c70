import type { ParsedFile } from '../../load/parse-file.js';
import type { Problem } from '../../model/problem.js';
import type { ObjectKind, SpecByKind } from '../../schema/index.js';

/** A file that passed its schema check, with its value typed by kind. */
export interface CheckedFile<K extends keyof SpecByKind = keyof SpecByKind> {
  parsed: ParsedFile;
  kind: K;
  spec: SpecByKind[K];
}

export interface RuleContext {
  checked: CheckedFile[];
  /** Names that exist per kind, including files with schema errors, so one mistake is not reported twice. */
  names: Record<ObjectKind, Set<string>>;
  /** Variables defined per environment name. */
  variables: Map<string, Set<string>>;
}

export type Rule = (ctx: RuleContext) => Problem[];

export function ofKind<K extends keyof SpecByKind>(ctx: RuleContext, kind: K): CheckedFile<K>[] {
  return ctx.checked.filter((c): c is CheckedFile<K> => c.kind === kind);
}
