// plan and apply log in to Superset as soon as the environment file is read, while the objects are
// validated and the registry connects (engine/open-run.ts). When the run gives up before it uses
// Superset, that login is abandoned: a Superset that never answers must not keep the process alive
// for its request timeout (30 s) and retries.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, looksLikeCleanFailure } from './cli-process.js';
import { createTestProject, type TestProject } from './test-project.js';

/** A TCP server that takes connections and never answers; records what arrives on each. */
async function silentServer() {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => received.push(chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    received,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the login made while the project loads', () => {
  let project: TestProject | undefined;
  const servers: { close(): Promise<void> }[] = [];
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await project?.cleanup();
    project = undefined;
  });

  it('is sent before the registry is reached, and abandoned when the registry cannot be: the CLI exits at once', async () => {
    project = createTestProject('early');
    const superset = await silentServer();
    const zookeeper = await silentServer();
    servers.push(superset, zookeeper);
    const result = await project.run(['plan'], {
      supersetUrl: `http://127.0.0.1:${superset.port}`,
      extra: { IT_ZK_CONNECT: `127.0.0.1:${zookeeper.port}` },
    });
    expect(looksLikeCleanFailure(result), result.stderr).toBe(true);
    expect(result.stderr).toContain(`Cannot open the registry at 127.0.0.1:${zookeeper.port}`);
    // The login went out while the registry was still connecting (10 s at most)...
    expect(superset.received.join('')).toMatch(/^POST \/api\/v1\/security\/login HTTP\/1\.1\r\n/);
    // ...and was not waited for: no 30 s request timeout, no retries after it.
    expect(result.ms).toBeLessThan(20_000);
    expect(superset.received.filter((r) => r.startsWith('POST ')).length).toBe(1);
  });

  it('an error in a file is said at once, not after a registry connect started meanwhile', async () => {
    project = createTestProject('earlybad');
    const zookeeper = await silentServer();
    servers.push(zookeeper);
    fs.writeFileSync(
      path.join(project.dir, 'metadata', 'charts', 'chart-1.yaml'),
      'kind: chart\nname: [broken\n',
    );
    const result = await project.run(['plan'], { extra: { IT_ZK_CONNECT: `127.0.0.1:${zookeeper.port}` } });
    expect(looksLikeCleanFailure(result), result.stderr).toBe(true);
    expect(result.stderr).toContain('chart-1.yaml');
    // A registry connect started meanwhile (it would wait 10 s for this silent server) is given up.
    expect(result.ms).toBeLessThan(5_000);
  });
});
