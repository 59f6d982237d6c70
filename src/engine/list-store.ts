// The rows of the last listing of one Superset (as one user sees it), kept on this machine so the
// next plan lists only what changed since (src/live/cached-list.ts says when they are trusted). In
// the tool's cache folder (see load/cache-folder.ts); unreadable or of other list columns: not used.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { KeptRows } from '../live/cached-list.js';
import { cacheDir, writeCacheFile } from '../load/cache-folder.js';
import { OBJECT_KINDS } from '../schema/index.js';
import { KINDS } from '../superset/kinds.js';
import type { ListedObject } from '../superset/port.js';

export interface ListStore {
  read(): KeptRows | undefined;
  write(rows: KeptRows): void;
}

/** What a kept row must look like to be used. */
function isRow(r: unknown): r is ListedObject {
  const o = r as Partial<ListedObject> | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    Number.isInteger(o.id) &&
    typeof o.uuid === 'string' &&
    typeof o.name === 'string' &&
    (o.changedOn === null || typeof o.changedOn === 'string') &&
    (o.changedBy === null || typeof o.changedBy === 'string') &&
    typeof o.raw === 'object' &&
    o.raw !== null
  );
}

export function openListStore(
  supersetUrl: string,
  username: string,
  env: NodeJS.ProcessEnv = process.env,
): ListStore | undefined {
  const root = cacheDir(env);
  if (!root) return undefined;
  // The list columns are part of the key: rows of another version of the tool are not used.
  const columns = JSON.stringify(OBJECT_KINDS.map((k) => KINDS[k].listColumns));
  const key = createHash('sha256')
    .update(`${supersetUrl}\n${username}\n${columns}`)
    .digest('hex')
    .slice(0, 32);
  const where = path.join(root, 'lists', `${key}.json`);
  return {
    read() {
      try {
        const kinds = (JSON.parse(readFileSync(where, 'utf8')) as { kinds?: Record<string, unknown> }).kinds;
        const kept: KeptRows = {};
        for (const kind of OBJECT_KINDS) {
          const rows = kinds?.[kind];
          if (Array.isArray(rows) && rows.every(isRow)) kept[kind] = rows;
        }
        return kept;
      } catch {
        return undefined;
      }
    },
    write(rows) {
      writeCacheFile(where, JSON.stringify({ kinds: rows }));
    },
  };
}
