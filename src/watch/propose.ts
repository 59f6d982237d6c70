// `watch --propose`: when edits made in Superset have been quiet long enough, the leader proposes them
// as a pull request. Pure timing logic; the proposal itself is the caller's (engine/propose-run.ts).
import type { DriftFinding } from '../drift/types.js';

/** Proposes the objects (`kind/name`) as the environment's pull request. */
export type Proposer = (targets: string[]) => Promise<{ action: string; url?: string; lines: string[] }>;

export interface ProposalDue {
  /** Objects edited in Superset and quiet for the whole period, `kind/name`, sorted. */
  targets: string[];
  /** The targets and their last edits: the same again means there is nothing new to propose. */
  signature: string;
  /** When the next object still being edited becomes quiet, if one is. */
  wakeInMs?: number;
}

/**
 * Edits are debounced per object: an object is proposed once `quietMs` have passed since its last edit
 * (Superset's changed_on, or when the agent first saw its current differences if Superset gives none).
 */
export class ProposalDebounce {
  private readonly seen = new Map<string, { differences: string; at: number }>();

  constructor(
    private readonly quietMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  due(findings: readonly DriftFinding[]): ProposalDue {
    const edited = new Map<string, DriftFinding[]>();
    for (const f of findings) {
      if (f.where !== 'superset') continue;
      const key = `${f.kind}/${f.name}`;
      edited.set(key, [...(edited.get(key) ?? []), f]);
    }
    const now = this.now();
    for (const key of this.seen.keys()) if (!edited.has(key)) this.seen.delete(key);
    const targets: string[] = [];
    const parts: string[] = [];
    let wakeInMs: number | undefined;
    for (const [key, list] of [...edited].sort(([a], [b]) => a.localeCompare(b))) {
      const differences = JSON.stringify(list.map((f) => [f.attribute, f.actual]).sort());
      const known = this.seen.get(key);
      if (!known || known.differences !== differences) this.seen.set(key, { differences, at: now });
      const seenAt = (this.seen.get(key) as { at: number }).at;
      const stamps = list.map((f) => (f.changedOn ? Date.parse(f.changedOn) : NaN)).filter(Number.isFinite);
      const last = stamps.length ? Math.max(...stamps) : seenAt;
      const left = last + this.quietMs - now;
      if (left <= 0) {
        targets.push(key);
        parts.push(`${key}@${differences}`);
      } else wakeInMs = Math.min(wakeInMs ?? Infinity, left);
    }
    return { targets, signature: parts.join('\n'), ...(wakeInMs !== undefined ? { wakeInMs } : {}) };
  }
}
