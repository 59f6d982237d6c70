import { describe, expect, it } from 'vitest';
import { HistorySchema, PointerSchema, decode, decodeObject, encode } from '../../../src/registry/codec.js';
import { CorruptNodeError, InvalidInputError } from '../../../src/registry/errors.js';
import { checkApplied, checkHolder } from '../../../src/registry/inputs.js';

const path = '/superset-gitops/prod/current';

const goodPointer = {
  snapshotId: 's',
  commit: 'c',
  author: 'a',
  time: 't',
  objectCount: 1,
  contentHash: 'a'.repeat(64),
  movedAt: 'm',
};

describe('decode', () => {
  it('returns what encode wrote', () => {
    expect(decode(path, encode(goodPointer), PointerSchema)).toEqual(goodPointer);
  });

  it.each([
    ['not JSON', Buffer.from('{"snapshotId": '), /not UTF-8 JSON/],
    ['not UTF-8', Buffer.from([0xff, 0xfe, 0x7b]), /not UTF-8 JSON/],
    [
      'wrong shape',
      Buffer.from(JSON.stringify({ ...goodPointer, snapshotId: 3 })),
      /unexpected content at \/snapshotId/,
    ],
    ['a bad hash', encode({ ...goodPointer, contentHash: 'x' }), /contentHash/],
    ['a path in the snapshot id', encode({ ...goodPointer, snapshotId: '../../other' }), /snapshotId/],
  ])('names the path of a node that is %s', (_what, data, reason) => {
    let caught: unknown;
    try {
      decode(path, data, PointerSchema);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CorruptNodeError);
    expect((caught as CorruptNodeError).path).toBe(path);
    expect((caught as CorruptNodeError).code).toBe('registry.corrupt-node');
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).toContain(path);
  });

  it('checks enums and counts of history entries', () => {
    const entry = {
      commit: 'c',
      author: 'a',
      startedAt: 's',
      finishedAt: 'f',
      created: 1,
      updated: 0,
      deleted: 0,
      failed: 0,
    };
    expect(() => decode('/h', encode({ ...entry, result: 'maybe' }), HistorySchema)).toThrow(
      CorruptNodeError,
    );
    expect(() => decode('/h', encode({ ...entry, created: -1, result: 'success' }), HistorySchema)).toThrow(
      CorruptNodeError,
    );
  });

  it('reads snapshot objects with any JSON body', () => {
    const o = { kind: 'chart', name: 'n', uuid: 'u', body: [1, 'two', null, { three: true }] };
    expect(decodeObject('/o', encode(o))).toEqual(o);
    expect(() => decodeObject('/o', encode({ kind: 'chart', name: 'n', body: 1 }))).toThrow(/uuid/);
  });
});

describe('input checks', () => {
  it('drop unknown properties and reject wrong types', () => {
    const holder = { host: 'h', pid: 1, since: 's', password: 'nope' } as unknown as Parameters<
      typeof checkHolder
    >[0];
    expect(checkHolder(holder)).toEqual({ host: 'h', pid: 1, since: 's' });
    const rec = {
      kind: 'chart',
      name: 'n',
      uuid: 'u',
      supersetId: '7',
      hash: 'h',
      appliedAt: 'a',
      commit: 'c',
    };
    expect(() => checkApplied(rec as unknown as Parameters<typeof checkApplied>[0])).toThrow(
      InvalidInputError,
    );
  });
});
