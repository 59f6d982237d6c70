import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkScaffoldOptions, packageNameFor, scaffoldFiles } from '../../init/scaffold.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';

export interface InitOptions {
  env: string;
  supersetUrl?: string;
  zkConnect?: string;
  zkRoot?: string;
  action?: string;
  propose?: boolean;
}

/**
 * Scaffolds a content repository in `dir`: writes each file that is missing, never touches one that
 * exists (it says which it skipped). Asks nothing. Exit 0.
 */
export function initCommand(dir: string, options: InitOptions, version: string, out: Output): number {
  const target = path.resolve(dir);
  if (existsSync(target) && !statSync(target).isDirectory())
    throw new UserError(`${dir} exists and is not a folder.`);
  const scaffold = {
    version,
    environment: options.env,
    packageName: packageNameFor(path.basename(target)),
    ...(options.supersetUrl !== undefined ? { supersetUrl: options.supersetUrl } : {}),
    ...(options.zkConnect !== undefined ? { zkConnect: options.zkConnect } : {}),
    ...(options.zkRoot !== undefined ? { zkRoot: options.zkRoot } : {}),
    ...(options.action !== undefined ? { action: options.action } : {}),
    ...(options.propose ? { propose: true } : {}),
  };
  const problems = checkScaffoldOptions(scaffold);
  if (problems.length) throw new UserError(problems.join('\n'));
  const written: string[] = [];
  const skipped: string[] = [];
  for (const file of scaffoldFiles(scaffold)) {
    const full = path.join(target, file.path);
    if (existsSync(full)) {
      skipped.push(`  skipped  ${file.path} (exists; ${file.purpose})`);
      continue;
    }
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, file.content, { flag: 'wx' });
    written.push(`  created  ${file.path} (${file.purpose})`);
  }
  const shown = path.relative(process.cwd(), target) || '.';
  out.stdout(
    [
      `superset-gitops ${version}: content repository in ${shown}`,
      ...written,
      ...skipped,
      '',
      written.length === 0
        ? 'Nothing to add: every file exists.'
        : `Next: npm install, then \`npx superset-gitops import --env ${options.env} --out metadata\` to bring in what Superset has, then commit and push.`,
      '',
    ].join('\n'),
  );
  return 0;
}
