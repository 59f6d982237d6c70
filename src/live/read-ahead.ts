// Full reads started before the listing is in. An object whose desired hash is not the one of its
// applied record is read in full by the plan whatever the listing shows (needsFullRead). Started as
// its record arrives, that read overlaps the rest of the record reads and the listing instead of
// following them: a plan of one change then waits for one request less after the listing.
import type { AppliedEntry, DesiredEntry } from '../plan/types.js';
import type { AppliedRecord } from '../registry/registry.js';
import { isNamedKind } from '../schema/index.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';

type Raw = Record<string, unknown>;

/** A full read started ahead: the object's Superset id and changed_on as its record had them. */
export interface ReadAhead {
  id: number;
  changedOn: string;
  raw: Promise<Raw>;
}

/** More changed objects than this are read after the listing, eight at a time, as before. */
export const READ_AHEAD_LIMIT = 8;

export class ReadsAhead {
  readonly started = new Map<string, ReadAhead>();

  /** `onFirst`: called once, when the first read starts (a write is then likely). */
  constructor(
    private readonly port: Pick<SupersetPort, 'get'>,
    private readonly wants: ReadonlyMap<string, DesiredEntry>,
    private readonly onFirst?: () => void,
    private readonly limit = READ_AHEAD_LIMIT,
  ) {}

  /** Starts the full read of a record's object when the plan will read it in full anyway. */
  consider = (record: AppliedRecord): void => {
    if (this.started.size >= this.limit || this.started.has(record.uuid)) return;
    const want = this.wants.get(record.uuid);
    // Only the kinds Superset keeps by uuid with a changed_on every write moves (not the named ones).
    if (!want || want.kind !== record.kind || isNamedKind(want.kind) || want.hash === record.hash) return;
    const { supersetId: id, changedOn } = record;
    if (typeof changedOn !== 'string' || changedOn === '' || !Number.isSafeInteger(id) || id <= 0) return;
    // Called from the registry's read: whatever the port does, it fails this read alone.
    const raw = Promise.resolve().then(() => this.port.get(want.kind, id));
    raw.catch(() => undefined);
    this.started.set(record.uuid, { id, changedOn, raw });
    if (this.started.size === 1) this.onFirst?.();
  };
}

/**
 * The read started ahead for a listed row, when it shows what a read after the listing would: the
 * same object (same id), and Superset's changed_on at the listing is the one the record had when the
 * read started and the one of the record the plan trusts. Nothing wrote to the object from the last
 * apply to the listing then, so a read from before the listing saw it as the listing did (a read
 * from after it is what the plan would make anyway). Otherwise none: the plan reads it again.
 */
export function usableAhead(
  ahead: ReadonlyMap<string, ReadAhead> | undefined,
  row: ListedObject,
  applied: AppliedEntry | undefined,
): ReadAhead | undefined {
  const read = ahead?.get(row.uuid);
  if (!read || !applied || read.id !== row.id) return undefined;
  return read.changedOn === row.changedOn && read.changedOn === applied.changedOn ? read : undefined;
}

/**
 * Applied records as they are read, for a reader that subscribes later (the plan, once the desired
 * side is hashed): those read before it subscribed are handed over first, in order.
 */
export class RecordTap {
  private before: AppliedRecord[] = [];
  private listener: ((record: AppliedRecord) => void) | undefined;

  push = (record: AppliedRecord): void => {
    if (this.listener) this.listener(record);
    else this.before.push(record);
  };

  subscribe(listener: (record: AppliedRecord) => void): void {
    this.listener = listener;
    const before = this.before;
    this.before = [];
    for (const record of before) listener(record);
  }
}
