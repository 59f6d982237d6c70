import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../src/util/map-limit.js';

describe('mapLimit', () => {
  it('keeps at most `limit` in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([...Array(50).keys()], 8, async (n) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, (n * 7) % 5));
      inFlight--;
      return n * 2;
    });
    expect(out).toEqual([...Array(50).keys()].map((n) => n * 2));
    expect(peak).toBe(8);
  });

  it('stops starting work after a failure and rethrows it', async () => {
    let started = 0;
    const run = mapLimit([...Array(100).keys()], 4, async (n) => {
      started++;
      await new Promise((r) => setTimeout(r, 1));
      if (n === 5) throw new Error('five');
      return n;
    });
    await expect(run).rejects.toThrow('five');
    expect(started).toBeLessThan(20);
  });

  it('handles an empty list', async () => {
    expect(await mapLimit([], 64, () => Promise.resolve(1))).toEqual([]);
  });
});
