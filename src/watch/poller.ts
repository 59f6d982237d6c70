import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';
import { rowVersion } from '../superset/list-row.js';
import { LOOK_BACK_MS, lookBack, newestRow } from '../live/cached-list.js';
import { kindsInUse } from '../live/read-live.js';

export interface PollResult {
  /** Objects created or changed since the last poll (their list rows). */
  changed: { kind: ObjectKind; row: ListedObject }[];
  /** Objects gone from Superset since the last poll. */
  deleted: { kind: ObjectKind; row: ListedObject }[];
  listCalls: number;
}

/**
 * Superset's changed_on is stamped before the transaction commits, so a slow write can become visible
 * after a later one was seen: every poll looks this far back and skips rows it has already seen.
 */
const OVERLAP_MS = LOOK_BACK_MS;

/**
 * Incremental polling. The poller keeps a mirror of every kind's list rows, seeded from a full
 * listing; a poll asks, per kind, for the rows changed since the newest change it has seen (Superset
 * sorts by changed_on, one page unless more than a page changed), so it costs four list calls however
 * many objects there are (asked at once). A deletion never shows as a change: when a kind's count disagrees with the
 * mirror, that kind is listed in full once and compared.
 */
export class SupersetPoller {
  private mirror: Map<ObjectKind, Map<string, ListedObject>> | undefined;

  constructor(private readonly port: SupersetPort) {}

  /** Whether there is a baseline to poll from. */
  get ready(): boolean {
    return this.mirror !== undefined;
  }

  /**
   * Starts from a full listing (the one-shot check's): only later changes are reported. Polls the
   * `kinds` in use (kindsInUse: the four, and CSS templates, saved queries or RLS rules when managed).
   */
  seed(
    listed: Readonly<Record<ObjectKind, readonly ListedObject[]>>,
    kinds: readonly ObjectKind[] = kindsInUse(),
  ): void {
    this.mirror = new Map(kinds.map((kind) => [kind, byUuid(listed[kind])]));
  }

  /** Forgets the baseline: the next poll needs a new seed. */
  reset(): void {
    this.mirror = undefined;
  }

  /** The mirror as list rows per kind (for name lookups without more list calls). */
  listed(): Record<ObjectKind, ListedObject[]> {
    const out = {} as Record<ObjectKind, ListedObject[]>;
    for (const kind of OBJECT_KINDS) out[kind] = [...(this.mirror?.get(kind)?.values() ?? [])];
    return out;
  }

  /** One poll: the kinds are asked at the same time, so a poll takes as long as its slowest call. */
  async poll(): Promise<PollResult> {
    const mirror = this.mirror;
    if (!mirror) throw new Error('the poller has no baseline: seed it with a full listing first');
    const perKind = await Promise.all([...mirror.keys()].map((kind) => this.pollKind(mirror, kind)));
    return {
      changed: perKind.flatMap((r) => r.changed),
      deleted: perKind.flatMap((r) => r.deleted),
      listCalls: perKind.reduce((sum, r) => sum + r.listCalls, 0),
    };
  }

  private async pollKind(
    mirror: Map<ObjectKind, Map<string, ListedObject>>,
    kind: ObjectKind,
  ): Promise<PollResult> {
    const result: PollResult = { changed: [], deleted: [], listCalls: 0 };
    const rows = mirror.get(kind) ?? new Map<string, ListedObject>();
    const { count, rows: recent } = await this.port.listChangedSince(
      kind,
      lookBack(newest(rows), OVERLAP_MS),
    );
    result.listCalls++;
    for (const row of recent) {
      const seen = rows.get(row.uuid);
      if (seen && rowVersion(seen) === rowVersion(row)) continue; // seen in an earlier poll
      rows.set(row.uuid, row);
      result.changed.push({ kind, row });
    }
    if (count !== rows.size) {
      const full = byUuid(await this.port.list(kind));
      result.listCalls++;
      for (const [uuid, row] of rows) if (!full.has(uuid)) result.deleted.push({ kind, row });
      for (const [uuid, row] of full) {
        const known = rows.get(uuid);
        if (!known || rowVersion(known) !== rowVersion(row)) result.changed.push({ kind, row });
      }
      mirror.set(kind, full);
    } else mirror.set(kind, rows);
    return result;
  }
}

function byUuid(rows: readonly ListedObject[]): Map<string, ListedObject> {
  return new Map(rows.map((r) => [r.uuid, r]));
}

function newest(rows: ReadonlyMap<string, ListedObject>): string | null {
  return newestRow([...rows.values()])?.changedOn ?? null;
}
