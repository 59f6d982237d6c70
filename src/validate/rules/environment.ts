import { problemFor } from '../../load/parse-file.js';
import type { Problem } from '../../model/problem.js';
import { ofKind, type RuleContext } from './context.js';

/**
 * Environment settings the schema cannot check on its own: `repository_url` must be an address a
 * browser opens (the schema's pattern asks for http(s), a host and no credentials, query or fragment;
 * here the address is parsed), written out rather than read from a variable (it lands in every
 * object's `external_url` in Superset and is reviewed in git like the rest), and it means something
 * only with `mark_managed: true`.
 */
export function environments(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const env of ofKind(ctx, 'environment')) {
    const url = env.spec.repository_url;
    if (url === undefined) continue;
    const at = (rule: string, message: string, severity: 'error' | 'warning' = 'error') =>
      problems.push(problemFor(env.parsed, ['repository_url'], rule, message, { severity }));
    if (url.includes('${')) {
      at(
        'wrong-format',
        "`repository_url` must be written out, like `https://github.com/acme/analytics`, not read from a variable: it becomes part of every object's `external_url` in Superset.",
      );
    } else {
      const problem = urlProblem(url);
      if (problem) at('wrong-format', `\`repository_url\` is not a valid http(s) address: ${problem}.`);
    }
    if (env.spec.mark_managed !== true) {
      at(
        'unused-setting',
        '`repository_url` is only used with `mark_managed: true` (it makes the `external_url` of each object Superset shows as managed externally); set `mark_managed: true` or remove it.',
        'warning',
      );
    }
  }
  return problems;
}

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'it cannot be parsed as a URL (check the host name)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `the scheme is ${url.protocol}`;
  if (url.hostname === '') return 'it has no host';
  if (url.username !== '' || url.password !== '') return 'it holds credentials';
  if (url.search !== '' || url.hash !== '') return 'it has a query or a fragment';
  return undefined;
}
