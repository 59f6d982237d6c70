// An import of a test's own objects from the shared Superset, next to its tree: the tree is copied
// (without the folders the import is to write), so the names it has are kept; the import takes only
// the objects named (an import takes ownership of what it brings in, and other tests' objects are
// on the same server). Returns the written files of those folders that carry the project's suffix.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { CliResult } from '../registry-cli/cli-process.js';
import type { TestProject } from '../registry-cli/test-project.js';

export interface OwnImport {
  result: CliResult;
  /** Where the import wrote (a copy of the project's metadata/). */
  out: string;
  /** Written files of `folders` (relative to `out`) that carry the project's suffix, with their YAML. */
  files: { file: string; spec: Record<string, unknown> }[];
}

export async function importOwn(
  project: TestProject,
  targets: string[],
  folders: string[],
): Promise<OwnImport> {
  const out = path.join(project.dir, 'imported');
  fs.rmSync(out, { recursive: true, force: true });
  fs.cpSync(path.join(project.dir, 'metadata'), out, { recursive: true });
  for (const dir of folders) fs.rmSync(path.join(out, dir), { recursive: true, force: true });
  const result = await project.run(['import', ...targets.flatMap((t) => ['--target', t]), '--out', out]);
  const files = folders.flatMap((dir) =>
    fs.existsSync(path.join(out, dir))
      ? fs
          .readdirSync(path.join(out, dir))
          .map((f) => path.join(dir, f))
          .filter((f) => fs.readFileSync(path.join(out, f), 'utf8').includes(project.suffix))
      : [],
  );
  return {
    result,
    out,
    files: files.map((file) => ({
      file,
      spec: parse(fs.readFileSync(path.join(out, file), 'utf8')) as Record<string, unknown>,
    })),
  };
}

/** Puts the imported files in place of the project's own in `folders`. */
export function replaceWithImported(project: TestProject, imported: OwnImport, folders: string[]): void {
  for (const dir of folders)
    fs.rmSync(path.join(project.dir, 'metadata', dir), { recursive: true, force: true });
  for (const { file } of imported.files)
    project.writeFile(file, fs.readFileSync(path.join(imported.out, file), 'utf8'));
}
