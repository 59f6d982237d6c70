// A plan's listing from kept rows: one list call when nothing or little changed, and a full listing
// whenever Superset does not confirm the kept rows (something deleted, the newest kept row gone or
// different, a restored Superset, too many changes).
import { describe, expect, it } from 'vitest';
import { listKind, lookBack, MAX_RECENT_ROWS } from '../../../src/live/cached-list.js';
import type { ListedObject } from '../../../src/superset/port.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString().replace('Z', '000Z');
const row = (id: number, changedAt: number): ListedObject => ({
  id,
  uuid: `u${id}`,
  name: `chart ${id}`,
  changedOn: at(changedAt),
  changedBy: null,
  raw: { id },
});

/** Superset as the two list calls see it; counts the calls. */
function server(rows: ListedObject[]) {
  const calls = { full: 0, recent: 0, expected: [] as (number | undefined)[] };
  return {
    calls,
    rows,
    list: () => {
      calls.full++;
      return Promise.resolve([...rows]);
    },
    listChangedSince: (_kind: string, since: string | null, maxRows?: number, expectedRows?: number) => {
      calls.recent++;
      calls.expected.push(expectedRows);
      const newer = rows
        .filter((r) => since === null || r.changedOn! > since)
        .sort((a, b) => b.changedOn!.localeCompare(a.changedOn!));
      return Promise.resolve({ count: rows.length, rows: newer.slice(0, maxRows ?? Infinity) });
    },
  };
}

const kept = Array.from({ length: 500 }, (_, i) => row(i + 1, i));

describe('listKind', () => {
  it('lists in full without kept rows', async () => {
    const s = server(kept);
    const r = await listKind(s, 'chart', undefined);
    expect([r.full, r.rows.length, s.calls]).toEqual([true, 500, { full: 1, recent: 0, expected: [] }]);
  });

  it('costs one list call when nothing changed, and returns the kept rows', async () => {
    const s = server(kept);
    const r = await listKind(s, 'chart', kept);
    expect([r.full, r.changed, s.calls]).toEqual([false, 0, { full: 0, recent: 1, expected: [2] }]);
    expect(r.rows).toEqual(kept);
  });

  it('takes an edit and a new object from the changed rows', async () => {
    const s = server([
      ...kept.slice(0, 10),
      { ...row(11, 600), name: 'edited' },
      ...kept.slice(11),
      row(999, 601),
    ]);
    const r = await listKind(s, 'chart', kept);
    expect([r.full, r.changed, s.calls.full]).toEqual([false, 2, 0]);
    expect(r.rows.find((x) => x.id === 11)?.name).toBe('edited');
    expect(r.rows).toHaveLength(501);
  });

  it.each([
    ['an object was deleted (the count disagrees)', kept.slice(1)],
    ['the newest kept row is gone (deleted and another made)', [...kept.slice(0, 499), row(1000, 900)]],
    [
      'Superset holds older rows than kept (restored from a backup)',
      kept.slice(0, 499).concat(row(500, 100)),
    ],
    [
      'the newest kept uuid now has another id (made again)',
      [...kept.slice(0, 499), { ...row(500, 499), id: 7000 }],
    ],
    [`more than ${MAX_RECENT_ROWS} rows changed`, kept.map((r, i) => ({ ...r, changedOn: at(1000 + i) }))],
  ])('lists in full when %s', async (_label, now) => {
    const s = server(now);
    const r = await listKind(s, 'chart', kept);
    expect(r.full).toBe(true);
    expect(s.calls.full).toBe(1);
    expect(r.rows).toEqual(now);
  });

  it('tells the server how many kept rows are in the look-back window (their pages are read at once)', async () => {
    // 300 rows changed within one second (a bulk create): all of them are within two seconds of the newest.
    const burst = Array.from({ length: 300 }, (_, i) => ({
      ...row(i + 1, 0),
      changedOn: `2026-01-01T00:10:0${i < 150 ? 8 : 9}.${String(i).padStart(6, '0')}Z`,
    }));
    const s = server([
      ...kept.slice(0, 100),
      ...burst.map((r, i) => ({ ...r, id: 1000 + i, uuid: `b${i}` })),
    ]);
    const keptNow = [...s.rows];
    const r = await listKind(s, 'chart', keptNow);
    expect([r.full, r.changed, s.calls.expected]).toEqual([false, 0, [300]]);
  });

  it('looks back two seconds from the newest kept change, keeping microseconds', () => {
    expect(lookBack('2026-01-01T00:00:10.123456Z')).toBe('2026-01-01T00:00:08.123456Z');
    expect(lookBack(null)).toBeNull();
  });
});
