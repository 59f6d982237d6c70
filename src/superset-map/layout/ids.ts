import { createHash } from 'node:crypto';
import type { PathSegment } from '../../model/problem.js';
import { formatPath } from '../../model/problem.js';

/** Hex characters of the hash kept in an id: 40 bits, so two nodes of one dashboard never meet by chance. */
const HASH_LENGTH = 10;

export function shortHash(text: string, length = HASH_LENGTH): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/**
 * Hands out component ids derived from the item's place in the layout (`CHART-1f3a…` for
 * `layout[1].row[0]`), so the same YAML always gives the same position and the same ids.
 */
export class LayoutIds {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string>) {
    for (const id of reserved) this.used.add(id);
  }

  idFor(type: string, path: readonly PathSegment[]): string {
    const base = `${type}-${shortHash(`layout${formatPath(path)}`)}`;
    let id = base;
    // A 40-bit clash is next to impossible; if it happens the suffix keeps the result deterministic.
    for (let n = 2; this.used.has(id); n++) id = `${base}-${n}`;
    this.used.add(id);
    return id;
  }
}
