import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { FILE_KINDS, type FileKind } from '../schema/index.js';
import type { PathSegment, Problem } from '../model/problem.js';
import { formatPath } from '../model/problem.js';

/**
 * The file this code is loaded from: src/load/parse-file.ts under tests, dist/load/parse-file.js, or
 * the chunk of dist/bundle/ that holds it. The parse cache hashes it, so a change to the parser (or
 * anything bundled with it) never reads an old result.
 */
export const PARSER_MODULE_URL = import.meta.url;

/** One YAML file, parsed, with what is needed to point at any field in it. */
export interface ParsedFile {
  file: string;
  kind?: FileKind;
  value?: Record<string, unknown>;
  doc?: Document;
  lineCounter: LineCounter;
  problems: Problem[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the bytes of one metadata file. Pure: never throws on user input. */
export function parseFile(file: string, bytes: Uint8Array): ParsedFile {
  const lineCounter = new LineCounter();
  const fail = (line: number, col: number, rule: string, message: string): ParsedFile => ({
    file,
    lineCounter,
    problems: [{ file, line, col, path: '', rule, message, severity: 'error' }],
  });

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return fail(at.line, at.col, 'encoding', 'The file is not valid UTF-8; save it as UTF-8.');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.split('\n').every((line) => /^\s*(#.*)?$/.test(line))) {
    return fail(1, 1, 'empty-file', 'The file is empty; it should describe one object (kind: ...).');
  }

  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const base: ParsedFile = { file, doc, lineCounter, problems: [] };
  for (const err of doc.errors) {
    const pos = lineCounter.linePos(err.pos[0]);
    const multiple = err.code === 'MULTIPLE_DOCS';
    base.problems.push({
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      rule: multiple ? 'multiple-documents' : 'yaml-syntax',
      message: multiple
        ? 'One object per file: split this file at the `---` line.'
        : `YAML syntax error: ${firstLine(err.message)}`,
      severity: 'error',
    });
  }
  if (base.problems.length > 0) return base;

  if (!isMap(doc.contents)) {
    const pos = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
    return {
      ...base,
      problems: [
        problemAt(
          file,
          pos,
          'not-a-mapping',
          'The file must hold a mapping (key: value lines), starting with `kind:`.',
        ),
      ],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return {
      ...base,
      problems: [
        problemAt(
          file,
          { line: 1, col: 1 },
          'yaml-syntax',
          `YAML could not be read: ${firstLine(String(e))}`,
        ),
      ],
    };
  }
  const record = value as Record<string, unknown>;
  const kind = record.kind;
  if (kind === undefined) {
    return {
      ...base,
      value: record,
      problems: [
        problemAt(
          file,
          { line: 1, col: 1 },
          'missing-kind',
          `The file has no \`kind:\`; use one of ${FILE_KINDS.join(', ')}.`,
        ),
      ],
    };
  }
  if (typeof kind !== 'string' || !(FILE_KINDS as readonly string[]).includes(kind)) {
    const pos = locate(base, ['kind']);
    return {
      ...base,
      value: record,
      problems: [
        problemAt(
          file,
          pos,
          'unknown-kind',
          `Unknown kind ${JSON.stringify(kind)}; use one of ${FILE_KINDS.join(', ')}.`,
          'kind',
        ),
      ],
    };
  }
  return { ...base, value: record, kind: kind as FileKind };
}

function problemAt(
  file: string,
  pos: { line: number; col: number },
  rule: string,
  message: string,
  path = '',
): Problem {
  return { file, line: pos.line, col: pos.col, path, rule, message, severity: 'error' };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

/**
 * Line and column of a field. With `key`, points at the key (for "unknown field" and "missing field");
 * otherwise at the value. Falls back to the nearest existing parent.
 */
export function locate(
  parsed: ParsedFile,
  path: readonly PathSegment[],
  opts: { key?: boolean } = {},
): { line: number; col: number } {
  let node: Node | null | undefined = parsed.doc?.contents;
  let keyNode: Node | undefined;
  let best = node?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (!pair) break;
      keyNode = pair.key as Node;
      node = pair.value as Node | null;
      best = (opts.key ? keyNode.range?.[0] : (node?.range?.[0] ?? keyNode.range?.[0])) ?? best;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      node = item;
      keyNode = undefined;
      best = item.range?.[0] ?? best;
    } else break;
  }
  return parsed.lineCounter.linePos(best);
}

export function problemFor(
  parsed: ParsedFile,
  path: readonly PathSegment[],
  rule: string,
  message: string,
  opts: { key?: boolean; severity?: 'error' | 'warning' } = {},
): Problem {
  const pos = locate(parsed, path, opts);
  return {
    file: parsed.file,
    line: pos.line,
    col: pos.col,
    path: formatPath(path),
    rule,
    message,
    severity: opts.severity ?? 'error',
  };
}

/** Where the first undecodable byte sits: the lenient decoder marks it with U+FFFD. */
function firstInvalidUtf8(bytes: Uint8Array): { line: number; col: number } {
  const text = new TextDecoder('utf-8').decode(bytes);
  const before = text.slice(0, Math.max(0, text.indexOf('\uFFFD')));
  const lines = before.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}
