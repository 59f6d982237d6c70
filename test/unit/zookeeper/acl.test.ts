import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestId, fromRawAcl, toRawAcl, writerReaderAcl } from '../../../src/zookeeper/acl.js';

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
