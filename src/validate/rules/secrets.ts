import { problemFor } from '../../load/parse-file.js';
import type { Problem } from '../../model/problem.js';
import { ofKind, type RuleContext } from './context.js';

/** `scheme://user:PASSWORD@host`: the part after the colon in the user info. */
const URI_PASSWORD = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@:?#]*:([^@/?#]*)@/;

/** A password written into a connection URI is a secret stored in git: it must come from the environment. */
export function secrets(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const db of ofKind(ctx, 'database')) {
    const password = URI_PASSWORD.exec(db.spec.sqlalchemy_uri)?.[1];
    if (password === undefined || password === '') continue;
    const masked = /^X+$/.test(password);
    problems.push(
      problemFor(
        db.parsed,
        ['sqlalchemy_uri'],
        'inline-secret',
        masked
          ? 'The URI holds a masked password (XXXXXXXXXX, as Superset exports it); remove it from the URI and set `password: ${env.NAME}`.'
          : 'The URI holds a password in clear text; remove it from the URI and set `password: ${env.NAME}` instead.',
      ),
    );
  }
  return problems;
}
