import type { DriftInput } from '../drift/compute.js';
import { hashesOf, readAppliedEntries, type SnapshotHashes } from '../engine/drift-run.js';
import type { OwnershipSource } from '../engine/plan-run.js';
import { ATTRIBUTE_OPTIONS } from '../superset-map/attribute-options.js';
import type { AnyDesired } from '../model/object.js';
import type { AttributeOptions } from '../plan/attributes.js';
import { desiredEntry } from '../plan/desired.js';
import type { AppliedEntry, DesiredEntry } from '../plan/types.js';
import { RegistryError } from '../registry/errors.js';
import type { Registry } from '../registry/registry.js';
import type { Known } from './evaluate.js';
import { desiredFromSnapshot } from './snapshot-objects.js';

/** Registry nodes that did not read back as written, by name (`current`, `applied`); null when fine. */
export type RegistryProblems = Record<'current' | 'applied', string | null>;

/**
 * What the agent compares Superset with: the desired state of the registry's current snapshot (git's
 * until there is one) and the applied records. A node that does not read back as the tool wrote it
 * is a problem to report; the last good state is kept meanwhile.
 */
export class RegistryView {
  desired = new Map<string, DesiredEntry>();
  applied = new Map<string, AppliedEntry>();
  snapshot: SnapshotHashes = null;
  snapshotId: string | null = null;
  problems: RegistryProblems = { current: null, applied: null };

  private readonly owner: OwnershipSource;

  constructor(
    private readonly registry: Registry,
    private readonly gitObjects: readonly AnyDesired[],
    /** The record key and root to verify applied records with (none: every record counts). */
    trust?: Pick<OwnershipSource, 'secrets' | 'registryRoot'>,
    /** The environment's (attributeOptionsFor), so desired hashes match the applied records. */
    private readonly attributeOptions: AttributeOptions = ATTRIBUTE_OPTIONS,
  ) {
    this.owner = {
      registry,
      secrets: trust?.secrets ?? { key: undefined },
      registryRoot: trust?.registryRoot ?? '',
    };
  }

  /** Reads the registry again; says whether anything a drift check depends on changed. */
  async reload(): Promise<boolean> {
    const before = this.signature();
    const current = await this.registry.readCurrent().catch((e: unknown) => {
      if (e instanceof RegistryError) return e;
      throw e;
    });
    if (current instanceof RegistryError) this.problems.current = current.message;
    else {
      this.problems.current = null;
      this.snapshotId = current?.pointer.snapshotId ?? null;
      this.snapshot = current ? { commit: current.pointer.commit, hashes: hashesOf(current.objects) } : null;
      this.setDesired(current ? desiredFromSnapshot(current.objects) : [...this.gitObjects]);
    }
    const read = await readAppliedEntries(this.owner);
    const unreadable = read.problems.find((p) => p.name === 'applied');
    if (unreadable) this.problems.applied = unreadable.message;
    else {
      this.problems.applied = read.problems.length ? read.problems.map((p) => p.message).join('\n') : null;
      this.applied = new Map(read.applied.map((a) => [a.uuid, a]));
    }
    return this.signature() !== before;
  }

  /** Heal only ever applies a published snapshot. */
  get published(): boolean {
    return this.snapshot !== null && 'hashes' in this.snapshot;
  }

  known(environment: string): Known {
    return { environment, desired: this.desired, applied: this.applied, snapshot: this.snapshot };
  }

  input(): Pick<DriftInput, 'desired' | 'applied' | 'snapshot'> {
    return {
      desired: [...this.desired.values()],
      applied: [...this.applied.values()],
      snapshot: this.snapshot,
    };
  }

  private setDesired(objects: AnyDesired[]): void {
    this.desired = new Map(objects.map((o) => [o.uuid, desiredEntry(o, this.attributeOptions)]));
  }

  private signature(): string {
    return JSON.stringify([
      this.snapshotId,
      [...this.desired.values()].map((d) => [d.uuid, d.hash]),
      [...this.applied.values()],
      this.problems,
    ]);
  }
}
