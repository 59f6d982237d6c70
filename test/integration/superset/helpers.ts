// Shared by the Superset integration tests: a client on the live server, unique names, timings.
import {
  createSupersetClient,
  type SupersetClient,
  type SupersetLogEvent,
} from '../../../src/superset/index.js';
import { serviceEndpoints } from '../endpoints.js';
import { warehouseUriWithPassword } from '../warehouse.js';

/** The demo warehouse (database `sales` of scripts/postgres.sh: orders, customers), password in the URI. */
export function warehouseUri(): string {
  return warehouseUriWithPassword('sales');
}

/** A prefix no other run (or helper) uses: every object a test makes is named with it. */
export function uniquePrefix(): string {
  return `sstest_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
}

export interface LiveClient {
  client: SupersetClient;
  events: SupersetLogEvent[];
}

export function liveClient(overrides: { password?: string } = {}): LiveClient {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  const events: SupersetLogEvent[] = [];
  const client = createSupersetClient({
    baseUrl: supersetUrl,
    username: supersetUser,
    password: overrides.password ?? supersetPassword,
    log: (e) => events.push(e),
  });
  return { client, events };
}

/** Milliseconds per HTTP call, from the client's `superset.http` debug lines, keyed "GET /api/v1/chart/:id". */
export function timingsByRoute(events: SupersetLogEvent[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const e of events) {
    const m = /^(\w+) (\S+) -> (\d+) in ([\d.]+) ms$/.exec(e.message);
    if (e.code !== 'superset.http' || m === null) continue;
    const route = `${m[1]} ${m[2]!.replace(/\/\d+(?=\/|$)/g, '/:id')} ${m[3]}`;
    const list = out.get(route) ?? [];
    list.push(Number(m[4]));
    out.set(route, list);
  }
  return out;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Like liveClient, with a clock the test can move (token expiry). */
export function liveClientWithClock(clock: { offsetMs: number }): LiveClient {
  const { supersetUrl, supersetUser, supersetPassword } = serviceEndpoints();
  const events: SupersetLogEvent[] = [];
  const client = createSupersetClient({
    baseUrl: supersetUrl,
    username: supersetUser,
    password: supersetPassword,
    log: (e) => events.push(e),
    now: () => Date.now() + clock.offsetMs,
  });
  return { client, events };
}
