// Token refresh and multi-page listing against the live server.
import { afterAll, describe, expect, it } from 'vitest';
import { liveClient, liveClientWithClock, uniquePrefix } from './helpers.js';

describe('Superset client: token refresh (live)', () => {
  it('refreshes the access token shortly before it expires and keeps working', async () => {
    const clock = { offsetMs: 0 };
    const { client, events } = liveClientWithClock(clock);
    await client.list('database');
    // Superset's access tokens live 900 s; 890 s later the client must refresh before calling.
    clock.offsetMs = 890_000;
    await client.list('database');
    expect(events.filter((e) => e.code === 'superset.auth.refresh')).toHaveLength(1);
    expect(events.filter((e) => e.code === 'superset.auth.login')).toHaveLength(1);
    // Back to real time, where the refreshed token has 15 minutes left.
    clock.offsetMs = 0;
    // A write with the refreshed token: the CSRF pair is not tied to the JWT (notes §1).
    const { id } = await client.create('dashboard', { dashboard_title: `${uniquePrefix()}_refresh` });
    await client.remove('dashboard', id);
    expect(client.calls.auth).toBe(3); // login, refresh, csrf
  });
});

describe('Superset client: pagination (live)', () => {
  const prefix = uniquePrefix();
  const { client } = liveClient();
  const ids: number[] = [];

  afterAll(async () => {
    for (const id of ids) await client.remove('dashboard', id);
  });

  it('reads every page of a list longer than 100 rows', async () => {
    const before = (await client.list('dashboard')).length;
    for (let i = 0; i < 105; i += 1) {
      ids.push(
        (await client.create('dashboard', { dashboard_title: `${prefix}_${String(i).padStart(3, '0')}` })).id,
      );
    }
    const listCallsBefore = client.calls.list;
    const all = await client.list('dashboard');
    expect(all).toHaveLength(before + 105);
    expect(new Set(all.map((o) => o.id)).size).toBe(all.length);
    expect(
      all
        .filter((o) => o.name.startsWith(prefix))
        .map((o) => o.id)
        .sort((a, b) => a - b),
    ).toEqual(ids);
    expect(client.calls.list - listCallsBefore).toBe(Math.ceil((before + 105) / 100));
  });
});
