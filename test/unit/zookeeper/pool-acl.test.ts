import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestId, fromRawAcl, toRawAcl, writerReaderAcl } from '../../../src/zookeeper/acl.js';
import { mapLimit } from '../../../src/zookeeper/pool.js';

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

describe('digest ACLs', () => {
  it("derives ZooKeeper's digest identity: user:base64(sha1(user:password))", () => {
    const expected = createHash('sha1').update('ci:s3cret').digest('base64');
    expect(digestId('ci', 's3cret')).toBe(`ci:${expected}`);
    expect(digestId('ci', 's3cret')).not.toContain('s3cret');
  });

  it('gives the writer ALL and world or a named reader READ', () => {
    const world = toRawAcl(writerReaderAcl({ user: 'ci', password: 'pw' }));
    expect(world).toEqual([
      { perms: 31, scheme: 'digest', auth: digestId('ci', 'pw') },
      { perms: 1, scheme: 'world', auth: 'anyone' },
    ]);
    const named = writerReaderAcl({ user: 'ci', password: 'pw' }, { digestId: digestId('viewer', 'v') });
    expect(named[1]).toEqual({ perms: ['READ'], scheme: 'digest', id: digestId('viewer', 'v') });
    expect(fromRawAcl([{ perms: 5, scheme: 'world', auth: 'anyone' }])).toEqual([
      { perms: ['READ', 'CREATE'], scheme: 'world', id: 'anyone' },
    ]);
  });
});
