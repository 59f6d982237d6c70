import type { DriftFinding } from '../drift/types.js';

/** Findings are kept per object (uuid); registry problems per node name. */
export function findingKey(f: DriftFinding): string {
  return f.uuid || `registry:${f.name}`;
}

export interface FindingChanges {
  /** Findings not known before (or known with other values). */
  added: DriftFinding[];
  /** Known findings whose difference (where + attribute) is gone. */
  resolved: DriftFinding[];
}

/** The agent's current findings, and what changed each time one object's findings are replaced. */
export class FindingBook {
  private readonly byKey = new Map<string, DriftFinding[]>();

  list(): DriftFinding[] {
    return [...this.byKey.values()].flat();
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Replaces the findings of one key. */
  set(key: string, found: readonly DriftFinding[]): FindingChanges {
    const before = this.byKey.get(key) ?? [];
    const known = new Set(before.map(fingerprint));
    const still = new Set(found.map(slot));
    if (found.length) this.byKey.set(key, [...found]);
    else this.byKey.delete(key);
    return {
      added: found.filter((f) => !known.has(fingerprint(f))),
      resolved: before.filter((f) => !still.has(slot(f))),
    };
  }

  /** Replaces everything; keys absent from `next` are resolved unless `keep` says otherwise. */
  replaceAll(
    next: ReadonlyMap<string, readonly DriftFinding[]>,
    keep: (key: string) => boolean,
  ): FindingChanges {
    const out: FindingChanges = { added: [], resolved: [] };
    const keys = new Set([...this.byKey.keys(), ...next.keys()]);
    for (const key of keys) {
      if (!next.has(key) && keep(key)) continue;
      const changes = this.set(key, next.get(key) ?? []);
      out.added.push(...changes.added);
      out.resolved.push(...changes.resolved);
    }
    return out;
  }
}

export function groupByKey(findings: readonly DriftFinding[]): Map<string, DriftFinding[]> {
  const out = new Map<string, DriftFinding[]>();
  for (const f of findings) out.set(findingKey(f), [...(out.get(findingKey(f)) ?? []), f]);
  return out;
}

/** Everything but the detection time: the same difference seen again is not news. */
function fingerprint(f: DriftFinding): string {
  return JSON.stringify({ ...f, detectedAt: undefined });
}

function slot(f: DriftFinding): string {
  return JSON.stringify([f.where, f.attribute]);
}
