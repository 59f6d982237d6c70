import { validateTree, type ValidationResult } from '../validate/validate-tree.js';
import { readTree } from '../load/read-tree.js';

/** Reads and validates a metadata directory. IO here; the checks themselves are pure. */
export async function loadMetadata(dir: string, cwd = process.cwd()): Promise<ValidationResult> {
  return validateTree(await readTree(dir, cwd));
}
