// The client's pure parts: Rison, timestamps, error bodies, redaction, cookies, backoff, pagination.
import { describe, expect, it } from 'vitest';
import { CookieJar } from '../../../src/superset/cookies.js';
import { parseErrorBody } from '../../../src/superset/error-body.js';
import { displayName, toIsoUtc, toListedObject } from '../../../src/superset/list-row.js';
import {
  FIRST_PAGE_SLACK,
  PAGE_CONCURRENCY,
  listAll,
  listQuery,
  listRecent,
} from '../../../src/superset/pagination.js';
import { Redactor } from '../../../src/superset/redact.js';
import type { ListResponse } from '../../../src/superset/responses.js';
import { backoffMs, parseRetryAfter, shouldRetryStatus } from '../../../src/superset/retry.js';
import { rison } from '../../../src/superset/rison.js';
import { withListFields } from '../../../src/live/read-live.js';

describe('rison', () => {
  it('encodes what list and export queries use', () => {
    expect(rison([1, 2, 3])).toBe('!(1,2,3)');
    expect(
      rison({ columns: ['id', 'changed_by.first_name'], page: 0, page_size: -1, order_direction: 'asc' }),
    ).toBe('(columns:!(id,changed_by.first_name),page:0,page_size:-1,order_direction:asc)');
    expect(rison({ filters: [{ col: 'uuid', opr: 'eq', value: '1f0e-aa' }] })).toBe(
      "(filters:!((col:uuid,opr:eq,value:'1f0e-aa')))",
    );
    expect(rison(["it's", 'a b', '', 'true', '9lives', null, true, false])).toBe(
      "!('it!'s','a b','','true','9lives',!n,!t,!f)",
    );
    expect(rison('wow!')).toBe("'wow!!'");
  });
});

describe('list rows', () => {
  it('normalises Superset timestamps to ISO-8601 UTC with microseconds', () => {
    expect(toIsoUtc('2026-11-25T23:29:20.351857+0000')).toBe('2026-11-25T23:29:20.351857Z');
    expect(toIsoUtc('2026-11-25T23:29:20.351857')).toBe('2026-11-25T23:29:20.351857Z');
    expect(toIsoUtc('2026-11-25T23:29:20')).toBe('2026-11-25T23:29:20.000000Z');
    expect(toIsoUtc('2026-11-25T23:29:20.5+0200')).toBe('2026-11-25T21:29:20.500000Z');
    expect(toIsoUtc('2026-11-25T00:29:20.5-01:30')).toBe('2026-11-25T01:59:20.500000Z');
    expect(toIsoUtc('yesterday')).toBeNull();
    expect(toIsoUtc(null)).toBeNull();
  });

  it('builds the display name from changed_by', () => {
    expect(displayName({ changed_by: { first_name: 'Ada', last_name: 'Lovelace' } })).toBe('Ada Lovelace');
    expect(displayName({ changed_by: null })).toBeNull();
    expect(displayName({ changed_by_name: 'Bob' })).toBe('Bob');
  });

  it('maps each kind to id, uuid, name, changedOn', () => {
    const db = toListedObject('database', {
      id: 1,
      uuid: 'u1',
      database_name: 'wh',
      changed_on: '2026-01-02T03:04:05.000006',
    });
    expect(db).toMatchObject({
      id: 1,
      uuid: 'u1',
      name: 'wh',
      changedOn: '2026-01-02T03:04:05.000006Z',
      changedBy: null,
    });
    const chart = toListedObject('chart', {
      id: 2,
      uuid: 'u2',
      slice_name: 'c',
      changed_on_utc: '2026-01-02T03:04:05.000006+0000',
    });
    expect(chart).toMatchObject({ name: 'c', changedOn: '2026-01-02T03:04:05.000006Z' });
  });
});

describe('error bodies', () => {
  it('reads every shape Superset uses', () => {
    expect(parseErrorBody({ message: 'Not found' })).toEqual({
      message: 'Not found',
      fields: {},
      errorType: null,
    });
    expect(parseErrorBody({ msg: 'Token has expired' }).message).toBe('Token has expired');
    expect(parseErrorBody({ message: { owners: ['Owners are invalid'] } }).fields).toEqual({
      owners: ['Owners are invalid'],
    });
    expect(parseErrorBody({ message: { columns: { 0: { column_name: ['Missing data'] } } } }).fields).toEqual(
      {
        'columns.0.column_name': ['Missing data'],
      },
    );
    const sip40 = parseErrorBody({
      errors: [
        {
          message: 'A',
          error_type: 'GENERIC_DB_ENGINE_ERROR',
          extra: { engine_name: 'SQLite', issue_codes: [] },
        },
      ],
    });
    expect(sip40).toEqual({ message: 'A', fields: {}, errorType: 'GENERIC_DB_ENGINE_ERROR' });
    expect(parseErrorBody('<html>')).toEqual({ message: null, fields: {}, errorType: null });
  });
});

describe('redaction', () => {
  it('masks URI passwords and registered secrets, in plain, URL- and JSON-encoded form', () => {
    const r = new Redactor();
    r.add('p@ss"word');
    r.add('abc'); // too short to redact by value
    expect(r.redact('mysql://u:hunter22@db/x and postgresql+psycopg2://me:p%40ss@h:5/y')).toBe(
      'mysql://u:XXXXXXXXXX@db/x and postgresql+psycopg2://me:XXXXXXXXXX@h:5/y',
    );
    expect(r.redact('a p@ss"word b p%40ss%22word c p@ss\\"word abc')).toBe('a *** b *** c *** abc');
  });

  it('collects secrets from request bodies', () => {
    const r = new Redactor();
    r.addFromBody({
      sqlalchemy_uri: 'postgresql://u:S3cret-1@h/x',
      nested: [{ ssh_tunnel: { password: 'tunnel-pw' } }],
      masked_encrypted_extra: '{"credentials_info": {"private_key": "-----BEGIN KEY-----"}}',
    });
    expect(r.redact('S3cret-1 / tunnel-pw / -----BEGIN KEY-----')).toBe('*** / *** / ***');
  });
});

describe('cookies', () => {
  it('keeps cookies by name and drops deleted ones', () => {
    const jar = new CookieJar();
    expect(jar.store(['session=abc; HttpOnly; Path=/', 'other=1'])).toEqual(['abc', '1']);
    expect(jar.header()).toBe('session=abc; other=1');
    jar.store('other=; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    expect(jar.header()).toBe('session=abc');
  });
});

describe('retry policy', () => {
  it('backs off exponentially with jitter and a cap', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    expect(backoffMs(0, { ...p, random: () => 0 })).toBe(50);
    expect(backoffMs(0, { ...p, random: () => 1 })).toBe(100);
    expect(backoffMs(3, { ...p, random: () => 1 })).toBe(800);
    expect(backoffMs(10, { ...p, random: () => 1 })).toBe(1000);
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('retries 5xx only when idempotent, 429 always', () => {
    expect(shouldRetryStatus(false, 503)).toBe(false);
    expect(shouldRetryStatus(true, 503)).toBe(true);
    expect(shouldRetryStatus(false, 429)).toBe(true);
    expect(shouldRetryStatus(true, 422)).toBe(false);
  });
});

describe('pagination', () => {
  const rows = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: from + i, uuid: `u${from + i}`, slice_name: `c${from + i}` }));

  it('selects few columns, orders by name, and reads until count', () => {
    const q = listQuery('chart', 2, { columns: ['viz_type'] });
    expect(q).toBe(
      '(columns:!(id,uuid,slice_name,changed_on_utc,changed_by.first_name,changed_by.last_name,datasource_id,datasource_type,viz_type),order_column:slice_name,order_direction:asc,page:2,page_size:100)',
    );
    expect(listQuery('database', 0)).toContain('page_size:-1');
  });

  it('reads all pages', async () => {
    const pages: number[] = [];
    const fetch = (_q: string, page: number): Promise<ListResponse> => {
      pages.push(page);
      return Promise.resolve({ count: 250, result: rows(page * 100 + 1, Math.min(100, 250 - page * 100)) });
    };
    const out = await listAll('chart', fetch);
    expect(pages).toEqual([0, 1, 2]);
    expect(out).toHaveLength(250);
    expect(out[249]).toMatchObject({ id: 250, name: 'c250' });
  });

  it('reads again when rows moved between pages', async () => {
    let pass = 0;
    const warnings: string[] = [];
    const fetch = (_q: string, page: number): Promise<ListResponse> => {
      if (page === 0) pass += 1;
      // First pass: an insert shifts row 100 onto page 1 as well (a duplicate) and count grows.
      if (pass === 1)
        return Promise.resolve(
          page === 0 ? { count: 150, result: rows(1, 100) } : { count: 151, result: rows(100, 51) },
        );
      return Promise.resolve(
        page === 0 ? { count: 151, result: rows(1, 100) } : { count: 151, result: rows(101, 51) },
      );
    };
    const out = await listAll('chart', fetch, {}, (m) => warnings.push(m));
    expect(pass).toBe(2);
    expect(out).toHaveLength(151);
    expect(warnings).toEqual(['the chart list changed while it was read; reading it again (pass 2 of 3)']);
  });
});

describe('listAll reads pages after the first a few at a time', () => {
  const rowsOf = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ id: from + i, slice_name: `c${from + i}`, uuid: null }));

  it('reads 1,000 rows in 10 pages, at most PAGE_CONCURRENCY at once, each page once', async () => {
    let inFlight = 0;
    let most = 0;
    const pages: number[] = [];
    const fetch = async (_q: string, page: number): Promise<ListResponse> => {
      pages.push(page);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight -= 1;
      return { count: 1000, result: rowsOf(page * 100 + 1, 100) };
    };
    const out = await listAll('chart', fetch);
    expect(out).toHaveLength(1000);
    expect(new Set(out.map((r) => r.id)).size).toBe(1000);
    expect([...pages].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(PAGE_CONCURRENCY);
  });

  it('a slow page holds up only its own slot: the pages after it are read meanwhile', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const started: number[] = [];
    const fetch = async (_q: string, page: number): Promise<ListResponse> => {
      started.push(page);
      if (page === 1) await slow;
      else await new Promise((r) => setTimeout(r, 1));
      return { count: 1000, result: rowsOf(page * 100 + 1, 100) };
    };
    const listing = listAll('chart', fetch);
    while (!started.includes(9)) await new Promise((r) => setTimeout(r, 1));
    release();
    const out = await listing;
    expect(out.map((r) => r.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('a row added while the pages are read makes a second pass that sees it', async () => {
    let pass = 0;
    const warnings: string[] = [];
    const fetch = (_q: string, page: number): Promise<ListResponse> => {
      if (page === 0) pass += 1;
      // First pass: the insert lands after page 0 was read; later pages already count 301 rows.
      const count = pass === 1 && page === 0 ? 300 : 301;
      return Promise.resolve({
        count,
        result: rowsOf(page * 100 + 1, Math.max(0, Math.min(100, count - page * 100))),
      } as unknown as ListResponse);
    };
    const out = await listAll('chart', fetch, {}, (m) => warnings.push(m));
    expect(pass).toBe(2);
    expect(out).toHaveLength(301);
    expect(warnings).toHaveLength(1);
  });
});

describe('listRecent reads the pages the caller expects at once', () => {
  // 1,000 charts, newest first: row i changed at second 1000 - i; `newer` of them after `since`.
  const stamp = (s: number) =>
    `2026-01-01T00:${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}.000000+0000`;
  const since = (newer: number) =>
    `2026-01-01T00:${String(Math.floor((1000 - newer) / 60)).padStart(2, '0')}:${String((1000 - newer) % 60).padStart(2, '0')}.000000Z`;
  function server(fail: (page: number) => boolean = () => false) {
    const seen = { pages: [] as number[], sizes: [] as number[], inFlight: 0, most: 0 };
    const fetch = async (q: string, page: number): Promise<ListResponse> => {
      const size = Number(/page_size:(\d+)/.exec(q)?.[1]);
      seen.pages.push(page);
      seen.sizes.push(size);
      seen.inFlight += 1;
      seen.most = Math.max(seen.most, seen.inFlight);
      await new Promise((r) => setTimeout(r, 2));
      seen.inFlight -= 1;
      if (fail(page)) throw new Error(`page ${page} failed`);
      const result = Array.from({ length: size }, (_, i) => {
        const n = page * size + i + 1;
        return { id: n, uuid: `u${n}`, slice_name: `c${n}`, changed_on_utc: stamp(1000 - n) };
      });
      return { count: 1000, result };
    };
    return { seen, fetch };
  }

  it('a first page of the expected rows and ten more settles a listing where little changed', async () => {
    const s = server();
    const out = await listRecent('chart', since(4), s.fetch, 400, 1);
    expect([out.rows.map((r) => r.id), out.count, s.seen.pages, s.seen.sizes]).toEqual([
      [1, 2, 3],
      1000,
      [0],
      [FIRST_PAGE_SLACK + 1],
    ]);
    const none = server();
    expect((await listRecent('chart', since(1), none.fetch, 400)).rows).toEqual([]);
    expect(none.seen.sizes).toEqual([FIRST_PAGE_SLACK]);
  });

  it('when the small first page is all newer, reads again in pages of 100, one at a time', async () => {
    const s = server();
    const out = await listRecent('chart', since(250), s.fetch, 400);
    expect([out.rows.length, out.count, s.seen.pages, s.seen.sizes, s.seen.most]).toEqual([
      249,
      1000,
      [0, 0, 1, 2],
      [FIRST_PAGE_SLACK, 100, 100, 100],
      1,
    ]);
    expect(out.rows.map((r) => r.id)).toEqual(Array.from({ length: 249 }, (_, i) => i + 1));
  });

  it('a small first page stops at maxRows', async () => {
    const s = server();
    const out = await listRecent('chart', since(700), s.fetch, 5);
    expect([out.rows.length, s.seen.sizes]).toEqual([5, [5]]);
  });

  it('reads the expected pages at once and returns the same rows', async () => {
    const s = server();
    const out = await listRecent('chart', since(320), s.fetch, 400, 310);
    expect([out.rows.length, s.seen.pages, s.seen.most]).toEqual([319, [0, 1, 2, 3], 4]);
    expect(out.rows.map((r) => r.id)).toEqual(Array.from({ length: 319 }, (_, i) => i + 1));
  });

  it('goes on one page at a time when more changed than expected, and stops at maxRows', async () => {
    const s = server();
    const out = await listRecent('chart', since(700), s.fetch, 400, 150);
    expect([out.rows.length, s.seen.pages, s.seen.most]).toEqual([400, [0, 1, 2, 3], 2]);
  });

  it('a page read ahead and not needed may fail: the rows are still returned', async () => {
    const s = server((page) => page > 0);
    const out = await listRecent('chart', since(50), s.fetch, 400, 300);
    expect([out.rows.length, s.seen.pages.length]).toEqual([49, 4]);
  });

  it('without `since`, reads one page of at most maxRows rows', async () => {
    const sizes: number[] = [];
    const fetch = (q: string, page: number): Promise<ListResponse> => {
      const size = Number(/page_size:(\d+)/.exec(q)?.[1]);
      sizes.push(page, size);
      const result = Array.from({ length: size }, (_, i) => ({
        id: i + 1,
        uuid: `u${i + 1}`,
        slice_name: `c${i + 1}`,
        changed_on_utc: stamp(1000 - i),
      }));
      return Promise.resolve({ count: 1000, result });
    };
    const few = await listRecent('chart', null, fetch, 11);
    expect([few.rows.length, few.count]).toEqual([11, 1000]);
    const many = await listRecent('chart', null, fetch, 5000);
    const all = await listRecent('chart', null, fetch);
    expect([many.rows.length, all.rows.length]).toEqual([100, 100]);
    expect(sizes).toEqual([0, 11, 0, 100, 0, 100]);
  });

  it('a needed page that fails fails the listing', async () => {
    const s = server((page) => page === 1);
    await expect(listRecent('chart', since(250), s.fetch, 400, 240)).rejects.toThrow('page 1 failed');
  });
});

describe('withListFields', () => {
  const row = {
    id: 3,
    uuid: 'c0ffee00-0000-4000-8000-000000000003',
    name: 'Revenue',
    changedOn: null,
    changedBy: null,
    raw: { id: 3, datasource_id: 12, datasource_type: 'table' },
  };
  it("gives a chart GET of Superset 4.1/5.0 (no uuid, no dataset) the list row's", () => {
    expect(withListFields(row, { id: 3, slice_name: 'Revenue', params: '{}' })).toEqual({
      id: 3,
      uuid: row.uuid,
      datasource_id: 12,
      datasource_type: 'table',
      slice_name: 'Revenue',
      params: '{}',
    });
  });
  it('keeps what the GET has (6.0 and later)', () => {
    const raw = { id: 3, uuid: row.uuid, datasource_id: 99, datasource_type: 'table' };
    expect(withListFields(row, raw)).toEqual(raw);
  });
});
