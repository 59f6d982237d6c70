import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  SnapshotNotFoundError,
  SnapshotTamperedError,
} from '../../../src/registry/errors.js';
import type { SnapshotInfo, SnapshotObject } from '../../../src/registry/registry.js';
import {
  MAX_NODE_BYTES,
  encodeObject,
  legacyContentHash,
  manifestChunks,
  manifestContentHash,
  objectHash,
  pointerFor,
  prepareSnapshot,
  resolveSnapshotRef,
  snapshotContentHash,
  snapshotId,
  snapshotsToPrune,
  verifySnapshot,
} from '../../../src/registry/snapshot.js';

const obj = (kind: string, uuid: string, body: SnapshotObject['body'] = { uuid }): SnapshotObject => ({
  kind,
  name: `${kind} ${uuid}`,
  uuid,
  body,
});
const input = (objects: SnapshotObject[]) => ({
  commit: 'c0ffee0',
  author: 'ann',
  time: '2024-05-01T00:00:00Z',
  objects,
});

describe('snapshot content hash and id', () => {
  it('does not depend on object order or key order', () => {
    const a = [obj('chart', '2', { x: 1, y: [1, 2] }), obj('dataset', '1')];
    const b = [obj('dataset', '1'), { ...obj('chart', '2'), body: { y: [1, 2], x: 1 } }];
    expect(snapshotContentHash(a)).toBe(snapshotContentHash(b));
    fc.assert(
      fc.property(fc.shuffledSubarray(a, { minLength: 2, maxLength: 2 }), (shuffled) => {
        expect(snapshotContentHash(shuffled)).toBe(snapshotContentHash(a));
      }),
    );
  });

  it('changes when any name, uuid, kind or body changes', () => {
    const base = snapshotContentHash([obj('chart', '1')]);
    expect(snapshotContentHash([{ ...obj('chart', '1'), name: 'other' }])).not.toBe(base);
    expect(snapshotContentHash([obj('chart', '2', { uuid: '1' })])).not.toBe(base);
    expect(snapshotContentHash([obj('dataset', '1')])).not.toBe(base);
    expect(snapshotContentHash([obj('chart', '1', { uuid: '1', extra: null })])).not.toBe(base);
  });

  it('makes the id from the commit and the first 12 hex of the hash', () => {
    const p = prepareSnapshot(input([obj('chart', '1')]));
    expect(p.id).toBe(`c0ffee0-${p.contentHash.slice(0, 12)}`);
    expect(snapshotId('feature/x', 'ab'.repeat(32))).toBe('feature%2Fx-abababababab');
  });
});

describe('prepareSnapshot', () => {
  it('sorts by kind then uuid in code-unit order and normalises bodies through JSON', () => {
    const p = prepareSnapshot(
      input([obj('dataset', 'b'), obj('chart', 'Z'), obj('chart', 'a', { n: Number.NaN })]),
    );
    expect(p.objects.map((o) => `${o.kind}/${o.uuid}`)).toEqual(['chart/Z', 'chart/a', 'dataset/b']);
    expect(p.objects[1]?.body).toEqual({ n: null });
    expect(p.meta).toMatchObject({ objectCount: 3, complete: false, contentHash: p.contentHash });
    expect(p.encoded[0]?.toString()).toBe(
      JSON.stringify({ body: { uuid: 'Z' }, kind: 'chart', name: 'chart Z', uuid: 'Z' }),
    );
  });

  it('writes each object as encodeObject does, whatever its name and body', () => {
    // prepareSnapshot builds the bytes from the body's canonical JSON; a reader checks them with
    // encodeObject's. Names with quotes, backslashes and unicode; bodies with unsorted keys.
    const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as SnapshotObject['body']);
    fc.assert(
      fc.property(
        fc.string({ minLength: 0, maxLength: 20 }),
        fc.string({ maxLength: 30 }),
        json,
        (name, kind, body) => {
          const o = { kind: `k${kind}`, name, uuid: 'u-1', body };
          let p: ReturnType<typeof prepareSnapshot>;
          try {
            p = prepareSnapshot(input([o]));
          } catch (e) {
            // Names and kinds that cannot become znode names are refused, as before.
            expect(e).toBeInstanceOf(InvalidInputError);
            return;
          }
          expect(p.encoded[0]?.equals(encodeObject(p.objects[0]!))).toBe(true);
          expect(Object.keys(p.objects[0]!).sort()).toEqual(['body', 'kind', 'name', 'uuid']);
        },
      ),
    );
  });

  it('rejects two objects of one kind with one uuid', () => {
    expect(() => prepareSnapshot(input([obj('chart', '1'), obj('chart', '1', 2)]))).toThrow(
      InvalidInputError,
    );
  });

  it('rejects an object too large for one znode, naming it', () => {
    const big = obj('chart', '1', 'x'.repeat(MAX_NODE_BYTES));
    expect(() => prepareSnapshot(input([big]))).toThrow(/chart "chart 1" is \d+ bytes/);
  });

  it('rejects missing commit, empty uuid, and names that cannot become a znode name', () => {
    expect(() => prepareSnapshot({ ...input([]), commit: '' })).toThrow(/commit must be a non-empty string/);
    expect(() => prepareSnapshot(input([obj('chart', '')]))).toThrow(InvalidInputError);
    expect(() => prepareSnapshot(input([{ ...obj('chart', '1'), name: '\ud800' }]))).toThrow(
      InvalidInputError,
    );
  });
});

describe('verifySnapshot', () => {
  const p = prepareSnapshot(input([obj('chart', '1'), obj('dataset', '2')]));
  const pointer = pointerFor({ ...p.meta, complete: true }, '2024-05-01T00:00:00Z');

  it('accepts the same objects in any order', () => {
    expect(verifySnapshot(pointer, [...p.objects].reverse())).toEqual(p.objects);
  });

  it('reports a changed body, a missing object and an extra object as tampering', () => {
    expect(() =>
      verifySnapshot(pointer, [p.objects[0] as SnapshotObject, obj('dataset', '2', 'evil')]),
    ).toThrow(SnapshotTamperedError);
    expect(() => verifySnapshot(pointer, p.objects.slice(1))).toThrow(/1 objects read, pointer says 2/);
    expect(() => verifySnapshot(pointer, [...p.objects, obj('x', '3')])).toThrow(SnapshotTamperedError);
  });
});

describe('the manifest (objects shared between snapshots)', () => {
  it('lists every object with the sha256 of its stored bytes, and its hash is the content hash', () => {
    const p = prepareSnapshot(input([obj('dataset', '2'), obj('chart', '1')]));
    expect(p.meta.layout).toBe(2);
    expect(p.manifest).toEqual(
      p.objects.map((o, i) => ({
        kind: o.kind,
        name: o.name,
        uuid: o.uuid,
        hash: objectHash(p.encoded[i]!),
      })),
    );
    expect(p.encoded.map((b) => b.toString('utf8'))).toEqual(
      p.objects.map((o) => encodeObject(o).toString('utf8')),
    );
    expect(p.contentHash).toBe(manifestContentHash(p.manifest));
    expect(JSON.parse(Buffer.concat(p.manifestChunks).toString('utf8'))).toEqual(p.manifest);
  });

  it('splits a large manifest into nodes under the node limit, in order, and keeps an empty one', () => {
    const many = Array.from({ length: 9000 }, (_, i) => obj('chart', String(i).padStart(5, '0')));
    const p = prepareSnapshot(input(many));
    expect(p.manifestChunks.length).toBeGreaterThan(1);
    for (const chunk of p.manifestChunks) expect(chunk.length).toBeLessThanOrEqual(MAX_NODE_BYTES);
    expect(p.manifestChunks.flatMap((c) => JSON.parse(c.toString('utf8')) as unknown[])).toEqual(p.manifest);
    expect(manifestChunks([]).map((c) => c.toString('utf8'))).toEqual(['[]']);
  });

  it('verifies a snapshot written before objects were shared by the hash of its objects whole', () => {
    const objects = [obj('chart', '1'), obj('dataset', '2')];
    const hash = legacyContentHash(objects);
    expect(hash).not.toBe(snapshotContentHash(objects));
    const p = prepareSnapshot(input(objects));
    const pointer = { ...pointerFor({ ...p.meta, complete: true }, 'now'), contentHash: hash };
    expect(verifySnapshot(pointer, [...objects].reverse(), true)).toEqual(p.objects);
    expect(() => verifySnapshot(pointer, objects)).toThrow(SnapshotTamperedError);
    expect(() => verifySnapshot(pointer, [objects[0]!, obj('dataset', '2', 'evil')], true)).toThrow(
      SnapshotTamperedError,
    );
  });
});

describe('resolveSnapshotRef and snapshotsToPrune', () => {
  const info = (id: string, commit: string, extra: Partial<SnapshotInfo> = {}): SnapshotInfo => ({
    id,
    commit,
    author: 'a',
    time: 't',
    objectCount: 0,
    contentHash: '0'.repeat(64),
    complete: true,
    current: false,
    publishedAt: 't',
    ...extra,
  });
  // newest first
  const list = [
    info('s4', 'abcdef1234'),
    info('s3', 'abcdef1234'),
    info('s2', 'abcdef1999', { current: true }),
    info('s1', '1234567890', { complete: false }),
  ];

  it('finds by id, full commit (newest snapshot of it) or unambiguous prefix of 7+', () => {
    expect(resolveSnapshotRef('s3', list).id).toBe('s3');
    expect(resolveSnapshotRef('abcdef1234', list).id).toBe('s4');
    expect(resolveSnapshotRef('abcdef19', list).id).toBe('s2');
  });

  it('refuses ambiguous prefixes, short prefixes and incomplete snapshots', () => {
    expect(() => resolveSnapshotRef('abcdef1', list)).toThrow(/ambiguous/);
    expect(() => resolveSnapshotRef('abcdef', list)).toThrow(SnapshotNotFoundError);
    expect(() => resolveSnapshotRef('1234567890', list)).toThrow(SnapshotNotFoundError);
  });

  it('prunes everything past the newest `keep`, never the current one', () => {
    expect(snapshotsToPrune(list, 1)).toEqual(['s3', 's1']);
    expect(snapshotsToPrune(list, 3)).toEqual(['s1']);
    expect(snapshotsToPrune(list, 10)).toEqual([]);
    expect(() => snapshotsToPrune(list, 0)).toThrow(InvalidInputError);
  });
});
