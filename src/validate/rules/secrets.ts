import { problemFor, type ParsedFile } from '../../load/parse-file.js';
import type { PathSegment, Problem } from '../../model/problem.js';
import {
  secretLeaves,
  stringLeaves,
  uriSecrets,
  WHOLE_ENV_REF,
  type UriSecret,
} from '../../model/secrets.js';
import { findTemplateRefs, substitute } from '../../model/template.js';
import type { EnvironmentSpec } from '../../schema/index.js';
import { ofKind, type RuleContext } from './context.js';

const INSTEAD_URI =
  'remove it from the URI and set `password: ${env.NAME}` (the password of the URI user), or put the token in `masked_encrypted_extra` as `${env.NAME}`';

function describeUriSecret(s: UriSecret): string {
  if (s.where === 'userinfo') {
    return s.masked ? 'a masked password (XXXXXXXXXX, as Superset exports it)' : 'a password in clear text';
  }
  return `a secret in its query string (\`${s.param ?? ''}=...\`)`;
}

/**
 * One rule for secrets: a secret reaches Superset only from a process environment variable named in a
 * field Superset treats as secret (`password`, `masked_encrypted_extra`, the SSH tunnel's secrets).
 * Refused with file:line: a password or token in a connection URI, written there or arriving through a
 * `${var.*}`; `${env.*}` in an environment file's `variables:`; and credentials under secret-named keys
 * of `extra` (stored in clear text by Superset) or as literals in `masked_encrypted_extra`.
 */
export function secrets(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const environments = ofKind(ctx, 'environment');

  for (const env of environments) problems.push(...variableSecrets(env.parsed, env.spec));

  for (const db of ofKind(ctx, 'database')) {
    const uri = db.spec.sqlalchemy_uri;
    const direct = uriSecrets(uri);
    for (const s of direct) {
      problems.push(
        problemFor(
          db.parsed,
          ['sqlalchemy_uri'],
          'inline-secret',
          `The URI holds ${describeUriSecret(s)}; ${INSTEAD_URI}.`,
        ),
      );
    }
    if (direct.length === 0 && findTemplateRefs(uri).some((r) => r.namespace === 'var')) {
      for (const env of environments) {
        const variables = env.spec.variables ?? {};
        const resolved = substitute(
          uri,
          (ref) => (ref.namespace === 'var' ? variables[ref.name] : undefined),
          (ref) => ref.raw,
        );
        const found = uriSecrets(resolved)[0];
        if (!found) continue;
        const used = findTemplateRefs(uri)
          .filter((r) => r.namespace === 'var' && variables[r.name] !== undefined)
          .map((r) => r.raw);
        problems.push(
          problemFor(
            db.parsed,
            ['sqlalchemy_uri'],
            'inline-secret',
            `In environment ${env.spec.name} (${env.parsed.file}), the URI resolved through ${used.join(', ')} holds ${describeUriSecret(found)}; variables are stored in git and in the registry: ${INSTEAD_URI}.`,
          ),
        );
      }
    }

    for (const leaf of secretLeaves(db.spec.extra ?? {}, ['extra'])) {
      problems.push(
        problemFor(
          db.parsed,
          leaf.path,
          'inline-secret',
          `\`${leaf.key}\` under \`extra\` is a credential, and Superset stores \`extra\` in clear text (and this tool would put it in the registry and in plans); move it to \`masked_encrypted_extra\` with the same path, as \`\${env.NAME}\`.`,
        ),
      );
    }

    const encrypted = db.spec.masked_encrypted_extra;
    if (encrypted !== undefined && typeof encrypted === 'object') {
      for (const leaf of secretLeaves(encrypted, ['masked_encrypted_extra'])) {
        for (const { path, text } of leafStrings(leaf.value, leaf.path)) {
          if (WHOLE_ENV_REF.test(text)) continue;
          problems.push(
            problemFor(
              db.parsed,
              path,
              'inline-secret',
              `\`${leaf.key}\` is a credential: write a reference to an environment variable, like \`\${env.${envNameFor(db.spec.name, leaf.key)}}\`, not the value.`,
            ),
          );
        }
      }
    }
  }
  return problems;
}

/** Non-string leaves (a number as a key, say) count as literals too. */
function leafStrings(value: unknown, path: PathSegment[]): { path: PathSegment[]; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (value !== null && typeof value === 'object') return stringLeaves(value, path);
  return [{ path, text: String(value) }];
}

function envNameFor(database: string, key: string): string {
  return `${database}_${key}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}

/** Variables are stored in git, in every snapshot and in plans: never a place for a secret. */
function variableSecrets(parsed: ParsedFile, spec: EnvironmentSpec): Problem[] {
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(spec.variables ?? {})) {
    const path = ['variables', name];
    if (findTemplateRefs(value).some((r) => r.namespace === 'env')) {
      problems.push(
        problemFor(
          parsed,
          path,
          'env-in-variable',
          `Variable \`${name}\` reads an environment variable; variables are not for secrets (their values are stored in snapshots and shown in plans). Write the value itself, use a built-in variable (\`\${var.zookeeper_connect}\` for the registry's connect string), or put a secret in the database's \`password\` or \`masked_encrypted_extra\` as \`\${env.NAME}\`.`,
        ),
      );
      continue;
    }
    for (const s of uriSecrets(value)) {
      problems.push(
        problemFor(
          parsed,
          path,
          'inline-secret',
          `Variable \`${name}\` holds a URI with ${describeUriSecret(s)}; ${INSTEAD_URI}.`,
        ),
      );
    }
  }
  return problems;
}
