import { problemFor, type ParsedFile } from '../../load/parse-file.js';
import type { PathSegment, Problem } from '../../model/problem.js';
import { DATABASE_SECRET_FIELDS } from '../../model/secrets.js';
import { BUILTIN_VARIABLES, findTemplateRefs } from '../../model/template.js';
import type { RuleContext } from './context.js';

/**
 * Places where `${env.NAME}` may stand: a database's secret fields (read at apply time and sent only to
 * Superset), and environment settings other than `variables:` (the secrets rule explains that one).
 */
function envAllowed(kind: string, path: PathSegment[]): boolean {
  if (kind === 'environment') return path[0] !== 'variables';
  if (kind !== 'database') return false;
  if (path[0] === 'masked_encrypted_extra') return true;
  const field = path.join('.');
  return (DATABASE_SECRET_FIELDS as readonly string[]).includes(field);
}

/**
 * `${var.NAME}` must be defined by every environment, `${env.NAME}` may only stand where a secret or a
 * setting is read at apply time (anywhere else its value would be stored in Superset), and nothing else
 * may use the `${...}` syntax (`$${` writes a literal `${`).
 */
export function templates(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const file of ctx.checked) {
    visitStrings(file.parsed.value, [], (text, path) => {
      for (const ref of findTemplateRefs(text)) {
        const at = (rule: string, message: string) =>
          problems.push(problemFor(file.parsed, path, rule, message));
        if (ref.namespace === 'env') {
          if (file.kind === 'environment' && path[0] === 'variables') continue; // the secrets rule says why
          if (!envAllowed(file.kind, path)) {
            at(
              'env-outside-secret',
              `\`${ref.raw}\` reads an environment variable here, where its value would be stored in Superset; use \`\${var.NAME}\` from the environment file, or move a secret to the database's \`password\` or \`masked_encrypted_extra\`.`,
            );
          }
        } else if (ref.namespace === 'var') {
          if (BUILTIN_VARIABLES.includes(ref.name)) continue;
          if (file.kind === 'environment') {
            at(
              'bad-template',
              `Environment files may only use the built-in variables (${BUILTIN_VARIABLES.join(', ')}), not \`${ref.raw}\`.`,
            );
            continue;
          }
          const missing = [...ctx.variables].filter(([, vars]) => !vars.has(ref.name)).map(([env]) => env);
          if (missing.length) {
            at(
              'undefined-variable',
              `Variable \`${ref.name}\` is not defined in environment${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; add it under \`variables:\`.`,
            );
          }
        } else {
          at(
            'bad-template',
            `\`${ref.raw}\` is not a reference this tool knows; use \`\${var.NAME}\` or \`\${env.NAME}\` (write \`$\${\` for a literal \`\${\`).`,
          );
        }
      }
    });
  }
  return problems;
}

/**
 * Calls `visit` for each string holding `${` (only those can hold a reference), with its path. One
 * path is kept while walking and copied only for such a string: most strings hold none.
 */
function visitStrings(
  value: unknown,
  path: PathSegment[],
  visit: (text: string, path: PathSegment[]) => void,
): void {
  if (typeof value === 'string') {
    if (value.includes('${')) visit(value, [...path]);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      path.push(i);
      visitStrings(v, path, visit);
      path.pop();
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      path.push(k);
      visitStrings(v, path, visit);
      path.pop();
    }
  }
}

export type { ParsedFile };
