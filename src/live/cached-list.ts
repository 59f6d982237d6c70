// A plan's listing that costs one list call per kind when little changed: the rows of the last
// listing (kept by the caller) are brought up to date with the rows Superset changed since, as the
// watch agent's poller does. The kept rows are trusted only when Superset confirms them:
// - the newest kept row is among the rows changed in the look-back window (as it was, or changed
//   again): otherwise the kind was restored, rebuilt or is another Superset, and is listed in full;
// - the kind's count equals the kept rows plus the new ones: otherwise something was deleted (or the
//   server disagrees in some other way), and the kind is listed in full;
// - more than a few pages in the look-back window: listing in full is as cheap.
// Superset stamps changed_on before its transaction commits, so a write whose transaction ran longer
// than the look-back window and committed after the last listing can be missed by this check, as
// by the poller's; `plan --read-all` lists (and reads) everything.
import type { ObjectKind } from '../schema/index.js';
import { rowVersion } from '../superset/list-row.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';

/** How far before the newest kept change a listing looks again (the poller's overlap). */
export const LOOK_BACK_MS = 2000;
/**
 * More rows in the look-back window than this: list in full. A bulk create stamps a hundred or so rows
 * a second, so the window after one holds a few hundred unchanged rows: four pages of 100.
 */
export const MAX_RECENT_ROWS = 400;

export type KeptRows = Partial<Record<ObjectKind, readonly ListedObject[]>>;

export interface KindListing {
  rows: ListedObject[];
  /** Listed in full (no kept rows, or they could not be trusted). */
  full: boolean;
  /** Rows that differ from the kept ones (new or changed), when not listed in full. */
  changed: number;
}

export function newestRow(rows: readonly ListedObject[]): ListedObject | undefined {
  let newest: ListedObject | undefined;
  for (const r of rows) if (r.changedOn && (!newest || r.changedOn > newest.changedOn!)) newest = r;
  return newest;
}

/** `since` moved back by `ms`, in the same format (ISO UTC with microseconds). */
export function lookBack(since: string | null, ms = LOOK_BACK_MS): string | null {
  if (since === null) return null;
  const at = Date.parse(since);
  if (Number.isNaN(at)) return since;
  return `${new Date(at - ms).toISOString().slice(0, 19)}.${since.slice(20, 26).padEnd(6, '0')}Z`;
}

/** One kind's rows: the kept ones brought up to date when Superset confirms them, else a full listing. */
export async function listKind(
  port: Pick<SupersetPort, 'list' | 'listChangedSince'>,
  kind: ObjectKind,
  kept: readonly ListedObject[] | undefined,
): Promise<KindListing> {
  const full = async (): Promise<KindListing> => ({ rows: await port.list(kind), full: true, changed: 0 });
  if (!kept) return full();
  const newest = newestRow(kept);
  const since = newest ? lookBack(newest.changedOn) : null;
  // The kept rows in the look-back window come back again: their pages are read at once.
  const expected =
    since === null ? 0 : kept.filter((r) => r.changedOn !== null && r.changedOn > since).length;
  const { count, rows: recent } = await port.listChangedSince(kind, since, MAX_RECENT_ROWS, expected);
  if (recent.length >= MAX_RECENT_ROWS) return full();
  if (newest && !recent.some((r) => r.uuid === newest.uuid && r.id === newest.id)) return full();
  const rows = new Map(kept.map((r) => [r.uuid, r]));
  let changed = 0;
  for (const r of recent) {
    const before = rows.get(r.uuid);
    if (before && before.id === r.id && rowVersion(before) === rowVersion(r)) continue;
    rows.set(r.uuid, r);
    changed += 1;
  }
  if (rows.size !== count) return full();
  return { rows: [...rows.values()], full: false, changed };
}
