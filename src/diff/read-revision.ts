import { parseFile } from '../load/parse-file.js';
import type { Revisions } from '../git/revisions.js';
import { validateTree, type ValidationResult } from '../validate/validate-tree.js';

const YAML_FILE = /\.ya?ml$/i;

/**
 * The metadata tree at a commit, parsed and validated in memory: nothing is checked out, so the work
 * tree (and whatever is uncommitted in it) plays no part. File names are relative to the repository
 * root, as annotations on a pull request need them.
 */
export async function readMetadataAt(
  revisions: Revisions,
  commit: string,
  dir: string,
): Promise<ValidationResult> {
  const files = (await revisions.listFiles(commit, dir)).filter((f) => YAML_FILE.test(f.path));
  const blobs = await revisions.readBlobs(files.map((f) => f.blob));
  const parsed = files
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => parseFile(f.path, blobs.get(f.blob) ?? new Uint8Array()));
  return validateTree(parsed);
}
