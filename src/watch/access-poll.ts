import { canonicalJson } from '../model/canonical.js';
import type { DesiredEntry } from '../plan/types.js';
import type { ObjectKind } from '../schema/index.js';
import type { AccessRow, ListedObject, SupersetPort } from '../superset/port.js';
import { accessKindsOf, type AccessKind } from '../live/read-live.js';

/** Owners, roles and tags of a list row, in one comparable string (ids and names sorted). */
export function accessSignature(row: AccessRow): string {
  const sorted = <T>(v: readonly T[] | undefined) => (v ? [...v].sort() : null);
  return canonicalJson({ owners: sorted(row.owners), roles: sorted(row.roles), tags: sorted(row.tags) });
}

/**
 * The watch agent's poll of owners, roles and tags. Superset does not move `changed_on` when only a
 * dataset's or dashboard's owners, roles or tags change, so the changed_on poll never sees such an
 * edit; this compares each object's access list row with the one seen before. One list call per kind
 * whose objects name any of them in the desired state, none otherwise.
 */
export class AccessPoller {
  private seen = new Map<string, string>();

  constructor(private readonly port: Pick<SupersetPort, 'listAccess'>) {}

  /** The baseline: the rows a full check read (read-live's `access`). */
  seed(rows: ReadonlyMap<string, AccessRow> | undefined): void {
    this.seen = new Map([...(rows ?? [])].map(([key, row]) => [key, accessSignature(row)]));
  }

  /**
   * Objects whose owners, roles or tags differ from the last poll (or the seed), as the changed_on
   * poller reports changes: with their list row from `listed` (the poller's mirror). A row seen for the
   * first time sets its baseline (a new object is the changed_on poll's to report).
   */
  async poll(
    desired: Iterable<DesiredEntry>,
    listed: Readonly<Record<ObjectKind, readonly ListedObject[]>>,
  ): Promise<{ changed: { kind: ObjectKind; row: ListedObject }[]; listCalls: number }> {
    const kinds = accessKindsOf([...desired]);
    if (!kinds.length || !this.port.listAccess) return { changed: [], listCalls: 0 };
    const lists = await Promise.all(kinds.map((kind) => this.port.listAccess!(kind)));
    const changed: { kind: ObjectKind; row: ListedObject }[] = [];
    kinds.forEach((kind: AccessKind, i) => {
      const byId = new Map(listed[kind].map((r) => [r.id, r]));
      for (const row of lists[i] ?? []) {
        const key = `${kind}:${row.id}`;
        const now = accessSignature(row);
        const before = this.seen.get(key);
        this.seen.set(key, now);
        const listedRow = byId.get(row.id);
        if (before !== undefined && before !== now && listedRow) changed.push({ kind, row: listedRow });
      }
    });
    return { changed, listCalls: kinds.length };
  }
}
