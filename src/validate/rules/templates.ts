import { problemFor, type ParsedFile } from '../../load/parse-file.js';
import type { PathSegment, Problem } from '../../model/problem.js';
import { BUILTIN_VARIABLES, findTemplateRefs } from '../../model/template.js';
import type { RuleContext } from './context.js';

/** Places where `${env.NAME}` may stand: secrets, and environment settings. */
function envAllowed(kind: string, path: PathSegment[]): boolean {
  return kind === 'environment' || (kind === 'database' && path.length === 1 && path[0] === 'password');
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
          if (!envAllowed(file.kind, path)) {
            at(
              'env-outside-secret',
              `\`${ref.raw}\` reads an environment variable here, where its value would be stored in Superset; use \`\${var.NAME}\` from the environment file, or move the secret to \`password\`.`,
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

function visitStrings(
  value: unknown,
  path: PathSegment[],
  visit: (text: string, path: PathSegment[]) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => visitStrings(v, [...path, i], visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) visitStrings(v, [...path, k], visit);
  }
}

export type { ParsedFile };
