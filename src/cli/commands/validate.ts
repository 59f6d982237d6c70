import { existsSync, statSync } from 'node:fs';
import { loadMetadata } from '../../engine/load-metadata.js';
import { OBJECT_KINDS } from '../../schema/index.js';
import { problemsAsJson, problemsAsText } from '../../report/problems.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';

export interface ValidateOptions {
  format: 'text' | 'json' | 'github';
}

export async function validateCommand(dir: string, options: ValidateOptions, out: Output): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UserError(`Metadata directory ${JSON.stringify(dir)} does not exist.`);
  }
  const result = await loadMetadata(dir);
  const counts: Record<string, number> = {};
  for (const kind of OBJECT_KINDS) counts[kind] = result.objects.filter((o) => o.kind === kind).length;
  counts.environment = result.environments.length;
  const summary = { problems: result.problems, fileCount: result.fileCount, counts };
  if (options.format === 'json') out.stdout(problemsAsJson(summary));
  else if (options.format === 'github') {
    // @actions/core (and the HTTP client it brings) is loaded only for this format.
    const { emitAnnotations } = await import('../../report/annotations.js');
    emitAnnotations(result.problems);
    out.stdout(problemsAsText(summary, false));
  } else out.stdout(problemsAsText(summary, out.color));
  return result.problems.some((p) => p.severity === 'error') ? 1 : 0;
}
