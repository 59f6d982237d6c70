import { describe, expect, it } from 'vitest';
import type { DriftFinding } from '../../../src/drift/types.js';
import { FindingBook, findingKey, groupByKey } from '../../../src/watch/findings.js';

const f = (
  uuid: string,
  attribute: string | null,
  actual: number,
  extra: Partial<DriftFinding> = {},
): DriftFinding => ({
  environment: 'prod',
  kind: 'chart',
  name: uuid,
  uuid,
  attribute,
  expected: 1,
  actual,
  where: 'superset',
  detectedAt: '2026-01-01T00:00:00Z',
  changedBy: null,
  changedOn: null,
  message: '',
  ...extra,
});

describe('FindingBook', () => {
  it('reports new findings once, changed values again, and what resolved', () => {
    const book = new FindingBook();
    expect(book.set('a', [f('a', 'x', 2)])).toEqual({ added: [f('a', 'x', 2)], resolved: [] });
    // Seen again later: not news.
    expect(book.set('a', [f('a', 'x', 2, { detectedAt: 'later' })])).toEqual({ added: [], resolved: [] });
    // Another value for the same attribute, and a second attribute.
    const next = [f('a', 'x', 3), f('a', 'y', 5)];
    expect(book.set('a', next)).toEqual({ added: next, resolved: [] });
    expect(book.set('a', [f('a', 'y', 5)]).resolved).toEqual([f('a', 'x', 3)]);
    expect(book.set('a', []).resolved).toEqual([f('a', 'y', 5)]);
    expect(book.list()).toEqual([]);
  });

  it('replaces everything but the keys it is told to keep', () => {
    const book = new FindingBook();
    const registry = f('', null, 0, { kind: 'registry', name: 'current', where: 'zookeeper' });
    book.set('registry:current', [registry]);
    book.set('a', [f('a', 'x', 2)]);
    const changes = book.replaceAll(groupByKey([f('b', 'x', 2)]), (key) => key.startsWith('registry:'));
    expect(changes.added).toEqual([f('b', 'x', 2)]);
    expect(changes.resolved).toEqual([f('a', 'x', 2)]);
    expect(book.keys().sort()).toEqual(['b', 'registry:current']);
    expect(findingKey(registry)).toBe('registry:current');
  });
});
