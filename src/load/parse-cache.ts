// Parse results of metadata files, kept between runs and found by the sha256 of each file's bytes.
// An entry is used only for exactly the bytes it was made from, by exactly this parser (the hash of
// parse-file's own code and of the yaml package's version is part of the cache's key), so it cannot
// return a stale result. Only clean parses are kept, and only values JSON carries exactly; the YAML
// document (for pointing at a line when a rule finds a problem) is parsed again on demand.
// In the tool's cache folder (cache-folder.ts); a cache file that cannot be read is ignored.
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cacheDir, writeCacheFile } from './cache-folder.js';
import { fileURLToPath } from 'node:url';
import { PARSER_MODULE_URL, parseFile, type ParsedFile } from './parse-file.js';
import type { FileKind } from '../schema/index.js';

interface Entry {
  hash: string;
  kind: FileKind;
  /** The value as JSON text: every hit parses its own copy, so a caller's edits never reach the cache. */
  json: string;
}

interface CacheFile {
  parser: string;
  entries: Record<string, Entry>;
}

let parserId: string | undefined;
/** This parser: its own code and the yaml package's version. */
function parser(): string {
  if (parserId) return parserId;
  const yaml = (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version;
  let code: Buffer;
  try {
    code = readFileSync(fileURLToPath(PARSER_MODULE_URL));
  } catch {
    code = randomBytes(16); // the parser's code cannot be read: no earlier result is trusted
  }
  parserId = createHash('sha256').update(code).update(`yaml ${yaml}`).digest('hex').slice(0, 16);
  return parserId;
}

/** Whether JSON gives `value` back exactly (no NaN, Infinity, -0 or __proto__ key). */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    return Object.keys(value).every(
      (k) => k !== '__proto__' && jsonExact((value as Record<string, unknown>)[k]),
    );
  }
  return false;
}

/** A clean parse from the cache: the document is parsed again only if something asks for it. */
function fromCache(file: string, bytes: Uint8Array, entry: Entry): ParsedFile {
  let full: ParsedFile | undefined;
  const parse = () => (full ??= parseFile(file, bytes));
  return {
    file,
    kind: entry.kind,
    value: JSON.parse(entry.json) as Record<string, unknown>,
    problems: [],
    get doc() {
      return parse().doc;
    },
    get lineCounter() {
      return parse().lineCounter;
    },
  };
}

export interface ParseCache {
  parse(file: string, key: string, bytes: Uint8Array): ParsedFile;
  /** Writes the entries used or made in this run (the others are dropped) if anything changed. */
  save(): void;
}

/** The cache of one metadata folder, or a pass-through parser when there is none. */
export function openParseCache(dir: string, env: NodeJS.ProcessEnv = process.env): ParseCache {
  const root = cacheDir(env);
  if (!root) return { parse: (file, _key, bytes) => parseFile(file, bytes), save: () => {} };
  const where = path.join(
    root,
    'parse',
    `${createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 32)}.json`,
  );
  let old: Record<string, Entry> = {};
  try {
    const read = JSON.parse(readFileSync(where, 'utf8')) as CacheFile;
    if (read.parser === parser() && read.entries && typeof read.entries === 'object') old = read.entries;
    for (const [key, e] of Object.entries(old))
      if (typeof e?.hash !== 'string' || typeof e.json !== 'string' || typeof e.kind !== 'string')
        delete old[key];
  } catch {
    // none yet, or unreadable: parse everything
  }
  const next: Record<string, Entry> = {};
  let changed = false;
  return {
    parse(file, key, bytes) {
      const hash = createHash('sha256').update(bytes).digest('base64');
      const hit = Object.hasOwn(old, key) ? old[key] : undefined;
      if (hit && hit.hash === hash) {
        next[key] = hit;
        return fromCache(file, bytes, hit);
      }
      changed = true;
      const parsed = parseFile(file, bytes);
      if (parsed.problems.length === 0 && parsed.kind && parsed.value && jsonExact(parsed.value))
        next[key] = { hash, kind: parsed.kind, json: JSON.stringify(parsed.value) };
      return parsed;
    },
    save() {
      if (!changed && Object.keys(next).length === Object.keys(old).length) return;
      writeCacheFile(where, JSON.stringify({ parser: parser(), entries: next } satisfies CacheFile));
    },
  };
}
