// The reads of a plan that do not depend on the metadata tree, started as soon as the environment's
// file is read (with the early login): the applied records from ZooKeeper and the listing of the kinds
// the last run listed. They then overlap reading and validating the tree, instead of waiting for it.
//
// An apply takes its lock only after the tree is read, so for an apply these reads come before the
// lock. They are used only when no other apply can have written meanwhile: the lock's folder had no
// contender when they started, and once this apply holds the lock its folder has seen exactly one
// change since, this apply's own node. Otherwise they are dropped, and the plan reads again under the
// lock. (Every apply writes to Superset and the registry only while it holds the lock.)
import type { KeptRows } from '../live/cached-list.js';
import type { Listing } from '../live/read-live.js';
import type { AppliedState, LockPeek, Registry } from '../registry/registry.js';
import type { ObjectKind } from '../schema/index.js';
import { RecordTap } from '../live/read-ahead.js';
import type { SupersetPort } from '../superset/port.js';

/** A listing started early: of `kinds`, from the kept rows `kept`. */
export interface EarlyListing {
  kinds: readonly ObjectKind[];
  kept: KeptRows;
  listing: Promise<Listing>;
}

export interface EarlyReadsTaken {
  records?: Promise<AppliedState>;
  /** Each of those records as it was read (for the plan's reads ahead). */
  tap?: RecordTap;
  listing?: EarlyListing;
}

export class EarlyReads {
  private peek: LockPeek | undefined;
  private records: Promise<AppliedState> | undefined;
  private readonly tap = new RecordTap();
  private listing: EarlyListing | undefined;
  private usable: boolean;
  private taken = false;

  /** `underLock`: for an apply, whose reads count only once confirmed under its lock. */
  constructor(private readonly underLock: boolean) {
    this.usable = !underLock;
  }

  /**
   * Starts the reads: the records, and with `kept` rows the listing of the kinds they hold. For an
   * apply, only when nobody holds or waits for the lock (otherwise the plan reads under the lock).
   */
  async begin(registry: Registry, port: SupersetPort, kept: KeptRows | undefined): Promise<void> {
    if (this.underLock) {
      if (!registry.peekLock) return;
      const peek = await registry.peekLock();
      if (peek.contenders > 0) return;
      this.peek = peek;
    }
    this.records = registry.readAppliedState({ onRecord: this.tap.push });
    this.records.catch(() => undefined);
    if (!kept) return;
    // Loaded here, once the login is on its way, not with the modules that send it.
    const { kindsInUse, listLive } = await import('../live/read-live.js');
    const kinds = kindsInUse(
      ...Object.entries(kept).map(([kind, rows]) => (rows && rows.length > 0 ? [{ kind }] : [])),
    );
    const listing = listLive(port, kept, kinds);
    listing.catch(() => undefined);
    this.listing = { kinds, kept, listing };
  }

  /**
   * For an apply, once it holds the lock: the reads count when the lock's folder changed exactly once
   * (this apply's node) since they started.
   */
  async confirm(registry: Registry): Promise<boolean> {
    if (!this.underLock) return true;
    if (!this.peek || !registry.peekLock) return false;
    const now = await registry.peekLock();
    this.usable = now.changes === this.peek.changes + 1;
    return this.usable;
  }

  /** The reads, once: a later plan of the same run reads afresh. Nothing before `confirm` for an apply. */
  take(): EarlyReadsTaken {
    if (this.taken || !this.usable) return {};
    this.taken = true;
    return {
      ...(this.records ? { records: this.records, tap: this.tap } : {}),
      ...(this.listing ? { listing: this.listing } : {}),
    };
  }
}
