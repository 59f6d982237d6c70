// The agent's health port: on loopback unless asked, on every interface with --health-host 0.0.0.0
// (a container, where the kubelet probes the pod's address).
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Health, type HealthState } from '../../../src/watch/health.js';
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';

const state = (): HealthState => ({
  agent: 'a1',
  environment: 'local',
  pid: process.pid,
  leader: true,
  state: 'running',
  startedAt: '2026-12-05T00:00:00Z',
  lastPollAt: null,
  lastCheckAt: null,
  lastZkEventAt: null,
  polls: 0,
  findings: 0,
  sessionRebuilds: 0,
});

/** An address of this machine that is not loopback (the pod's address, in a container). */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

const open: Health[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

async function get(host: string, port: number): Promise<number | string> {
  try {
    const res = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(3000) });
    return res.status;
  } catch (e) {
    return String((e as { cause?: { code?: string } }).cause?.code ?? e);
  }
}

describe('health port', () => {
  it('listens on loopback only by default, and on every interface with 0.0.0.0', async () => {
    expect(external, 'this machine needs an address besides loopback for this test').toBeDefined();
    const loopback = new Health(state);
    open.push(loopback);
    const p1 = await loopback.listen(0);
    expect(await get('127.0.0.1', p1)).toBe(200);
    expect(await get(external!, p1)).toBe('ECONNREFUSED');

    const everywhere = new Health(state);
    open.push(everywhere);
    const p2 = await everywhere.listen(0, '0.0.0.0');
    expect(await get('127.0.0.1', p2)).toBe(200);
    expect(await get(external!, p2)).toBe(200);
  });

  it.each([
    [['--health-host', 'example.com', '--health-port', '0'], /--health-host must be an IP address/],
    [['--health-host', '0.0.0.0'], /--health-host only means something with --health-port/],
  ])('watch refuses %o before connecting to anything', async (flags, message) => {
    const r = { out: '', color: false, isTTY: false } as Output & { out: string };
    r.stdout = (t) => void (r.out += t);
    r.stderr = (t) => void (r.out += t);
    expect(await main(['watch', '--env', 'local', ...flags], r)).toBe(1);
    expect(r.out).toMatch(message);
  });
});
