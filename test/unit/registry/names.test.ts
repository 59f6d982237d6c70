import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeName, encodeName } from '../../../src/registry/names.js';
import { objectNodeName, parseObjectNodeName } from '../../../src/registry/paths.js';

/** What ZooKeeper accepts as one path segment (PathUtils.validatePath), restricted further to ASCII. */
function isSafeZnodeName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && /^[\x21-\x7e]+$/.test(name) && !name.includes('/');
}

describe('encodeName / decodeName', () => {
  it.each([
    ['Sales Dashboard', 'Sales%20Dashboard'],
    ['a/b', 'a%2Fb'],
    ['.', '%2E'],
    ['..', '%2E%2E'],
    ['', '%'],
    ['%', '%25'],
    ['~', '%7E'],
    ['Ümsatz €', '%C3%9Cmsatz%20%E2%82%AC'],
    ['plain_name-1', 'plain_name-1'],
  ])('%j <-> %j', (name, encoded) => {
    expect(encodeName(name)).toBe(encoded);
    expect(decodeName(encoded)).toBe(name);
  });

  it('round-trips any string to a safe znode name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (name) => {
        const encoded = encodeName(name);
        expect(isSafeZnodeName(encoded)).toBe(true);
        expect(decodeName(encoded)).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('is percent-encoding of every UTF-8 byte but [A-Za-z0-9_-], as encodeURIComponent says', () => {
    // encodeURIComponent leaves . ! ~ * ' ( ) as they are too; encodeName encodes them.
    const reference = (name: string) =>
      name === ''
        ? '%'
        : encodeURIComponent(name).replace(
            /[.!~*'()]/g,
            (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
          );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary-ascii' })), (name) => {
        expect(encodeName(name)).toBe(reference(name));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a lone surrogate instead of encoding it lossily', () => {
    expect(() => encodeName('bad \ud800 name')).toThrow(/well-formed/);
  });

  it('is injective: different names never share an encoding', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        fc.pre(a !== b);
        expect(encodeName(a)).not.toBe(encodeName(b));
      }),
    );
  });

  it.each(['a b', '%2', '%zz', '%2e', 'a%', '%C3', 'ab/c', 'a.b'])(
    'rejects %j, which encodeName never produces',
    (bad) => {
      expect(() => decodeName(bad)).toThrow(/not an encoded name/);
    },
  );
});

describe('object node names', () => {
  it('round-trips name and uuid, whatever the name holds', () => {
    fc.assert(
      fc.property(fc.string(), fc.uuid(), (name, uuid) => {
        const node = objectNodeName(name, uuid);
        expect(isSafeZnodeName(node)).toBe(true);
        expect(parseObjectNodeName(node)).toEqual({ name, uuid });
      }),
    );
  });

  it('rejects a node name without exactly one separator', () => {
    expect(() => parseObjectNodeName('abc')).toThrow(/not an object node name/);
    expect(() => parseObjectNodeName('a~b~c')).toThrow(/not an object node name/);
  });
});
