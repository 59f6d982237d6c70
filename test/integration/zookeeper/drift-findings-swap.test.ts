// Drift findings are a set of nodes swapped behind one pointer. Readers polling while writers rewrite
// the set never fail and never see a mix: every set read is one that some writer wrote whole. Two
// writers at once (a leader being replaced) included.
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, type Json } from '../../../src/model/canonical.js';
import { ZkRegistry } from '../../../src/registry/index.js';
import { removeTree, uniqueRoot, zkConnect } from './helpers.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await removeTree(root).catch(() => undefined);
});

/** A set of findings from writer `w`, round `n`: its size varies so a mix would show in the count. */
function set(w: string, n: number): Json[] {
  return Array.from({ length: 1 + ((n * 7) % 13) }, (_, i) => ({ writer: w, round: n, index: i }));
}

describe('drift findings: readers see the old set or the new one', () => {
  it('200 rewrites by two writers while three readers poll: no failure, no mixed set', async () => {
    const root = uniqueRoot('drift-swap');
    roots.push(root);
    const open = () => ZkRegistry.connect({ connect: zkConnect, root, inFlight: 16 });
    const [a, b, ...readers] = await Promise.all([open(), open(), open(), open(), open()]);
    const written = new Set<string>([contentHash([])]);
    let done = false;
    const errors: unknown[] = [];
    let reads = 0;
    const writer = async (reg: ZkRegistry, w: string, rounds: number) => {
      for (let n = 0; n < rounds; n++) {
        const findings = set(w, n);
        written.add(contentHash(findings));
        await reg.writeDriftFindings(findings);
      }
    };
    const reader = async (reg: ZkRegistry) => {
      while (!done) {
        try {
          const got = await reg.readDriftFindings();
          reads++;
          if (!written.has(contentHash(got)))
            errors.push(new Error(`a set no writer wrote: ${JSON.stringify(got)}`));
          const writers = new Set(
            got.map((f) =>
              JSON.stringify([(f as { writer: string }).writer, (f as { round: number }).round]),
            ),
          );
          if (writers.size > 1) errors.push(new Error(`a mixed set: ${[...writers].join(' ')}`));
        } catch (e) {
          errors.push(e);
        }
      }
    };
    try {
      const polling = readers.map((r) => reader(r));
      await Promise.all([writer(a, 'a', 100), writer(b, 'b', 100)]);
      done = true;
      await Promise.all(polling);
      expect(errors).toEqual([]);
      expect(reads).toBeGreaterThan(50);
      // The last set stands whole, and older generations were removed.
      const last = await readers[0].readDriftFindings();
      expect(written.has(contentHash(last))).toBe(true);
    } finally {
      done = true;
      await Promise.all([a, b, ...readers].map((r) => r.close()));
    }
  });
});
