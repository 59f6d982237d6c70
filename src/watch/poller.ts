import { OBJECT_KINDS, type ObjectKind } from '../schema/index.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';

export interface PollResult {
  changed: { kind: ObjectKind; row: ListedObject }[];
  /** uuids of watched objects that are gone from Superset. */
  deleted: { kind: ObjectKind; uuid: string }[];
  listCalls: number;
}

/**
 * Incremental polling: per kind, one list call for the objects changed since the newest change seen
 * (Superset sorts by changed_on), so a poll costs a constant number of calls however many objects
 * there are. A deletion never shows as a change; a drop in a kind's count triggers one full list.
 */
export class SupersetPoller {
  private readonly watermark = new Map<ObjectKind, string | null>();
  private readonly counts = new Map<ObjectKind, number>();

  constructor(
    private readonly port: SupersetPort,
    private readonly watched: () => ReadonlyMap<string, ObjectKind>,
  ) {}

  /** Starts from now: only later changes are reported. */
  async baseline(): Promise<void> {
    for (const kind of OBJECT_KINDS) {
      const { count, rows } = await this.port.listChangedSince(kind, null);
      this.counts.set(kind, count);
      this.watermark.set(kind, newest(rows, null));
    }
  }

  async poll(): Promise<PollResult> {
    const result: PollResult = { changed: [], deleted: [], listCalls: 0 };
    for (const kind of OBJECT_KINDS) {
      const since = this.watermark.get(kind) ?? null;
      const { count, rows } = await this.port.listChangedSince(kind, since);
      result.listCalls++;
      for (const row of rows) result.changed.push({ kind, row });
      this.watermark.set(kind, newest(rows, since));
      if (count < (this.counts.get(kind) ?? 0)) {
        const present = new Set((await this.port.list(kind)).map((r) => r.uuid));
        result.listCalls++;
        for (const [uuid, k] of this.watched())
          if (k === kind && !present.has(uuid)) result.deleted.push({ kind, uuid });
      }
      this.counts.set(kind, count);
    }
    return result;
  }
}

function newest(rows: readonly ListedObject[], since: string | null): string | null {
  let max = since;
  for (const r of rows) if (r.changedOn && (max === null || r.changedOn > max)) max = r.changedOn;
  return max;
}
