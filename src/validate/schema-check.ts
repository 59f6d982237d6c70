import { isSecretKey } from '../model/secrets.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { FileKind } from '../schema/index.js';
import { REPOSITORY_URL_PATTERN } from '../schema/environment.js';
import { problemFor, type ParsedFile } from '../load/parse-file.js';
import type { PathSegment, Problem } from '../model/problem.js';
import { closestName } from '../model/suggest.js';

import * as generated from './validators.generated.js';

// Compiled from the schemas at build time (validator-source.ts), not at every start.
const validators = generated as unknown as Record<FileKind, ValidateFunction>;

/** Checks one parsed file against the JSON Schema of its kind; every problem, each at its field. */
export function schemaCheck(parsed: ParsedFile): Problem[] {
  if (!parsed.kind || !parsed.value) return [];
  const validate = validators[parsed.kind];
  if (validate(parsed.value)) return [];
  return collapse(validate.errors ?? []).map((err) => toProblem(parsed, err));
}

/** A failed `anyOf` also reports each branch's failure; keep only the summary. */
function collapse(errors: ErrorObject[]): ErrorObject[] {
  const anyOf = errors.filter((e) => e.keyword === 'anyOf');
  return errors.filter(
    (e) =>
      e.keyword === 'anyOf' ||
      !anyOf.some(
        (a) =>
          a.instancePath === e.instancePath &&
          e.schemaPath.startsWith(a.schemaPath.replace(/\/anyOf$/, '/anyOf/')),
      ),
  );
}

function segments(parsed: ParsedFile, instancePath: string): PathSegment[] {
  const out: PathSegment[] = [];
  let cursor: unknown = parsed.value;
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cursor)) {
      out.push(Number(seg));
      cursor = cursor[Number(seg)];
    } else {
      out.push(seg);
      cursor = (cursor as Record<string, unknown> | undefined)?.[seg];
    }
  }
  return out;
}

const PATTERN_SENTENCES: Record<string, string> = {
  '^\\$\\{env\\.[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}$':
    'must be a reference to an environment variable, like `${env.NAME}`',
  '^[A-Za-z0-9_-]+$': 'may only contain letters, digits, `_` and `-`',
  '^[a-z][a-z0-9_-]*$': 'must start with a lower-case letter and hold only a-z, 0-9, `_` and `-`',
  '^(/[A-Za-z0-9_.-]+)+$': 'must be an absolute znode path such as `/superset-gitops/staging`',
  '^NATIVE_FILTER-[A-Za-z0-9_-]+$': 'must look like `NATIVE_FILTER-<letters, digits, _ or ->`',
  '^https://\\S+$': 'must be an https address (Superset refuses any other)',
  [REPOSITORY_URL_PATTERN]:
    'must be the http(s) address of the repository, like `https://github.com/acme/analytics`, without credentials, `?` query or `#` fragment',
};

function toProblem(parsed: ParsedFile, err: ErrorObject): Problem {
  const path = segments(parsed, err.instancePath);
  // A list item by its list: `fontUrls[0]`, not `0`.
  const last = path[path.length - 1];
  const field =
    last === undefined
      ? 'The object'
      : typeof last === 'number' && path.length > 1
        ? `\`${String(path[path.length - 2])}[${last}]\``
        : `\`${String(last)}\``;
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return problemFor(
        parsed,
        path,
        'missing-field',
        `Missing required field \`${missing}\`${where(path)}.`,
        { key: path.length > 0 },
      );
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const hint = closestName(extra, known);
      return problemFor(
        parsed,
        [...path, extra],
        'unknown-field',
        `Unknown field \`${extra}\`${where(path)}${hint ? `; did you mean \`${hint}\`?` : `; allowed: ${known.join(', ')}.`}`,
        { key: true },
      );
    }
    case 'type':
      return problemFor(
        parsed,
        path,
        'wrong-type',
        `${field} should be ${article(String(params.type))}, not ${describe(valueAt(parsed, path))}.`,
      );
    case 'anyOf':
      return problemFor(
        parsed,
        path,
        'wrong-type',
        `${field} should be ${alternatives(err.parentSchema)}, not ${describe(valueAt(parsed, path))}.`,
      );
    case 'const':
      return problemFor(
        parsed,
        path,
        'wrong-value',
        `${field} must be ${JSON.stringify(params.allowedValue)}.`,
      );
    case 'enum':
      return problemFor(
        parsed,
        path,
        'wrong-value',
        `${field} must be one of ${JSON.stringify(params.allowedValues)}.`,
      );
    case 'pattern': {
      const last = path[path.length - 1];
      const isSecret = typeof last === 'string' && isSecretKey(last);
      const sentence = PATTERN_SENTENCES[String(params.pattern)] ?? `must match ${String(params.pattern)}`;
      return problemFor(
        parsed,
        path,
        isSecret ? 'inline-secret' : 'wrong-format',
        isSecret
          ? `${field} must not hold a secret: write a reference to an environment variable, like \`\${env.WAREHOUSE_PASSWORD}\`.`
          : `${field} ${sentence}.`,
      );
    }
    case 'format':
      return problemFor(parsed, path, 'wrong-format', `${field} is not a valid ${String(params.format)}.`);
    case 'minLength':
      return problemFor(parsed, path, 'wrong-value', `${field} must not be empty.`);
    case 'maxLength':
      return problemFor(
        parsed,
        path,
        'wrong-value',
        `${field} is longer than ${String(params.limit)} characters.`,
      );
    case 'minimum':
    case 'maximum':
      return problemFor(
        parsed,
        path,
        'wrong-value',
        `${field} must be ${err.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}.`,
      );
    case 'maxItems':
      return problemFor(
        parsed,
        path,
        'wrong-value',
        `${field} may hold at most ${String(params.limit)} item(s).`,
      );
    default:
      return problemFor(parsed, path, 'schema', `${field} ${err.message ?? 'is invalid'}.`);
  }
}

function where(path: PathSegment[]): string {
  return path.length ? ` in \`${path.map(String).join('.')}\`` : '';
}

function valueAt(parsed: ParsedFile, path: PathSegment[]): unknown {
  let cursor: unknown = parsed.value;
  for (const seg of path) cursor = (cursor as Record<string | number, unknown> | undefined)?.[seg];
  return cursor;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'text',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    object: 'a mapping (key: value lines)',
    array: 'a list',
    null: 'null',
  };
  return type
    .split(',')
    .map((t) => names[t] ?? t)
    .join(' or ');
}

function alternatives(schema: unknown): string {
  const branches = ((schema as { anyOf?: Record<string, unknown>[] } | undefined)?.anyOf ?? []).map((b) =>
    'const' in b ? JSON.stringify(b.const) : article(String(b.type)),
  );
  return branches.length ? branches.join(' or ') : 'something else';
}
