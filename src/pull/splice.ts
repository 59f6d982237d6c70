// Edits a YAML file's text in place: each changed key is rewritten where it stands and nothing else
// moves, so comments, key order, quoting and blank lines stay as the author left them. Pure: no IO.
import {
  Document,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  parseDocument,
  Scalar,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import { canonicalJson, type Json } from '../model/canonical.js';
import { applyEdits, getAt, type Edit, type EditPath } from './edits.js';

export interface SpliceResult {
  text: string;
  /**
   * False when the edits could not be made in place (a key in a one-line `{...}` map, say): the file
   * was then written again whole by the yaml library, which keeps comments but may change layout.
   */
  inPlace: boolean;
}

interface Splice {
  start: number;
  end: number;
  text: string;
  /** Order among splices at the same place (inserts after the same key). */
  seq: number;
  path: EditPath;
}

const STRINGIFY = { lineWidth: 0, blockQuote: 'literal' as const };

const lineStart = (text: string, pos: number) => text.lastIndexOf('\n', pos - 1) + 1;
const lineEnd = (text: string, pos: number) => {
  const i = text.indexOf('\n', pos);
  return i < 0 ? text.length : i;
};

/** Lines after the first get `indent` more spaces, so a rendered block sits at the column it replaces. */
function indentRest(rendered: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return rendered
    .split('\n')
    .map((line, i) => (i && line ? pad + line : line))
    .join('\n');
}

/** The new value as a node, in the style of the one it replaces where that still fits. */
function styledNode(doc: Document, value: Json, old: Node | null | undefined): Node {
  const node = doc.createNode(value) as Node;
  if (isCollection(node) && isCollection(old) && old.flow) node.flow = true;
  if (isScalar(node) && isScalar(old) && typeof value === 'string' && old.type) {
    const block = old.type === Scalar.BLOCK_LITERAL || old.type === Scalar.BLOCK_FOLDED;
    if (!block || value.includes('\n')) node.type = old.type;
  }
  return node;
}

/** `[ a, b ]` or `[a, b]`: as the collection it replaces was written. */
function padded(text: string, old: Node | null | undefined): boolean {
  return isCollection(old) && !!old.flow && !!old.range && text[old.range[0] + 1] === ' ';
}

function renderPair(text: string, key: string, value: Json, old: Node | null | undefined): string {
  const doc = new Document({});
  (doc.contents as YAMLMap).set(doc.createNode(key), styledNode(doc, value, old));
  return doc.toString({ ...STRINGIFY, flowCollectionPadding: padded(text, old) }).replace(/\n$/, '');
}

function renderValue(text: string, value: Json, old: Node | null | undefined): string {
  const doc = new Document(null);
  doc.contents = styledNode(doc, value, old);
  return doc.toString({ ...STRINGIFY, flowCollectionPadding: padded(text, old) }).replace(/\n$/, '');
}

function pairOf(map: YAMLMap, key: string): Pair<Node, Node | null> | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as
    Pair<Node, Node | null> | undefined;
}

/** The text span a pair's value covers; a block value ends with its newline. */
function valueEnd(text: string, pair: Pair<Node, Node | null>): number {
  if (pair.value?.range) return pair.value.range[1];
  return lineEnd(text, (pair.key.range as [number, number, number])[1]);
}

class Escalate extends Error {
  constructor(readonly path: EditPath) {
    super(`rewrite ${path.join('.')} whole`);
  }
}

/**
 * Makes `edits` (paths into the file's value) in `text`. New keys go after the key that precedes them
 * in `after` order. The result is parsed again and must hold exactly the edited value; when it does not
 * (or an edit cannot be made in place), the file is written whole through the yaml Document instead.
 */
export function spliceYaml(text: string, edits: readonly Edit[]): SpliceResult {
  // A byte-order mark and CRLF line ends are kept: the edit is made on the plain text and they are
  // put back (only when every line ends in CRLF; a file that mixes them is edited as it is).
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = bom ? text.slice(1) : text;
  const crlf = body.includes('\r\n') && !/(^|[^\r])\n/.test(body);
  const result = spliceLf(crlf ? body.replace(/\r\n/g, '\n') : body, edits);
  return { ...result, text: bom + (crlf ? result.text.replace(/\n/g, '\r\n') : result.text) };
}

function spliceLf(text: string, edits: readonly Edit[]): SpliceResult {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const before = doc.toJS() as Json;
  const target = applyEdits(before, edits);
  try {
    const spliced = splice(text, doc, edits, target);
    if (spliced !== null && holds(spliced, target)) return { text: spliced, inPlace: true };
  } catch (e) {
    if (!(e instanceof Escalate)) throw e;
  }
  for (const edit of edits) {
    if (edit.op === 'delete') doc.deleteIn(edit.path);
    else doc.setIn(edit.path, doc.createNode(edit.value));
  }
  const whole = doc.toString(STRINGIFY);
  if (!holds(whole, target)) throw new Error('the edited YAML does not read back as the edited value');
  return { text: whole, inPlace: false };
}

function holds(text: string, target: Json): boolean {
  const doc = parseDocument(text);
  return doc.errors.length === 0 && canonicalJson(doc.toJS() as Json) === canonicalJson(target);
}

function splice(text: string, doc: Document, edits: readonly Edit[], target: Json): string | null {
  // Maps whose every key goes: rewritten whole (as `{}`), since deleting each key's lines would leave
  // a null behind.
  const deletes = new Map<string, number>();
  for (const e of edits)
    if (e.op === 'delete') {
      const key = JSON.stringify(e.path.slice(0, -1));
      deletes.set(key, (deletes.get(key) ?? 0) + 1);
    }
  const emptied = new Set(
    [...deletes].flatMap(([key, n]) => {
      const node = doc.getIn(JSON.parse(key) as EditPath, true) as Node | undefined;
      return isMap(node) && node.items.length <= n ? [key] : [];
    }),
  );
  const splices: Splice[] = [];
  edits.forEach((edit, seq) => {
    let path = edit.path;
    for (;;) {
      try {
        splices.push({
          ...spliceFor(text, doc, path, path === edit.path ? edit : replace(path, target), emptied),
          seq,
          path,
        });
        return;
      } catch (e) {
        if (!(e instanceof Escalate) || e.path.length === 0) throw e;
        path = e.path;
      }
    }
  });
  // A rewritten value covers every edit below it (and the same value may be reached twice).
  const rewrites = splices.filter((s) => s.end > s.start);
  const under = (s: Splice, c: Splice) =>
    c.path.length < s.path.length && c.path.every((p, i) => s.path[i] === p);
  const unique = splices.filter(
    (s, i) =>
      !rewrites.some((c) => under(s, c)) &&
      !splices.some((o, j) => j < i && o.end > o.start && o.start === s.start && o.end === s.end),
  );
  // From the end, so offsets hold; at one place, a rewrite before the inserts that come before it, and
  // the inserts last to first, so they end up in order.
  unique.sort((a, b) => b.start - a.start || b.end - a.end || b.seq - a.seq);
  let out = text;
  let lastStart = Infinity;
  for (const s of unique) {
    if (s.end > lastStart) return null; // overlapping spans: let the whole-file path do it
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
    lastStart = s.start;
  }
  return out;
}

function replace(path: EditPath, target: Json): Edit {
  const value = getAt(target, path);
  return value === undefined ? { op: 'delete', path } : { op: 'set', path, value };
}

/** The text change for one edit, or Escalate to the nearest value that can be rewritten whole. */
function spliceFor(
  text: string,
  doc: Document,
  path: EditPath,
  edit: Edit,
  emptied: ReadonlySet<string>,
): Omit<Splice, 'seq' | 'path'> {
  const parentPath = path.slice(0, -1);
  const key = path[path.length - 1] as string | number;
  // A value inside a flow collection (`[a, b]`, `{a: 1}`) is rewritten with that whole collection.
  for (let i = 0; i <= parentPath.length; i++) {
    const node = doc.getIn(parentPath.slice(0, i), true) as Node | undefined;
    if (isCollection(node) && node.flow) throw new Escalate(parentPath.slice(0, i));
  }
  const parent = doc.getIn(parentPath, true) as Node | undefined;
  const up = () => new Escalate(parentPath);
  if (isSeq(parent)) {
    const item = parent.items[key as number] as Node | undefined;
    if (edit.op !== 'set' || !item?.range || typeof key !== 'number') throw up();
    const [start, end] = item.range;
    const rendered = indentRest(renderValue(text, edit.value, item), start - lineStart(text, start));
    return { start, end, text: rendered + (text[end - 1] === '\n' ? '\n' : '') };
  }
  if (!isMap(parent) || typeof key !== 'string' || !parent.range) throw up();
  const pair = pairOf(parent, key);
  if (pair) {
    const keyStart = (pair.key.range as [number, number, number])[0];
    const end = valueEnd(text, pair);
    const column = keyStart - lineStart(text, keyStart);
    const newline = text[end - 1] === '\n' ? '\n' : '';
    if (edit.op === 'set') {
      return {
        start: keyStart,
        end,
        text: indentRest(renderPair(text, key, edit.value, pair.value), column) + newline,
      };
    }
    // A deleted key takes its whole lines with it; the first key of a `- key: ...` item, or a map's
    // last key, rewrite what holds them instead.
    const from = lineStart(text, keyStart);
    if (
      text.slice(from, keyStart).trim() !== '' ||
      parent.items.length === 1 ||
      emptied.has(JSON.stringify(parentPath))
    )
      throw up();
    return { start: from, end: newline ? end : Math.min(text.length, lineEnd(text, end) + 1), text: '' };
  }
  if (edit.op !== 'set') throw up();
  const anchorKey = edit.after ?? null;
  const anchor = anchorKey === null ? undefined : pairOf(parent, anchorKey);
  const first = parent.items[0] as Pair<Node, Node | null> | undefined;
  if (!first) throw up();
  const firstStart = (first.key.range as [number, number, number])[0];
  const column = firstStart - lineStart(text, firstStart);
  const rendered =
    ' '.repeat(column) + indentRest(renderPair(text, key, edit.value, undefined), column) + '\n';
  if (anchorKey === null && text.slice(lineStart(text, firstStart), firstStart).trim() === '') {
    const at = lineStart(text, firstStart);
    return { start: at, end: at, text: rendered };
  }
  const last = anchor ?? (parent.items[parent.items.length - 1] as Pair<Node, Node | null>);
  const end = valueEnd(text, last);
  if (text[end - 1] === '\n') return { start: end, end, text: rendered };
  const at = lineEnd(text, end);
  if (at === text.length) return { start: at, end: at, text: `\n${rendered.replace(/\n$/, '')}` };
  return { start: at + 1, end: at + 1, text: rendered };
}
