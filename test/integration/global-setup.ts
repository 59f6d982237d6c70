// Integration tests talk to the live services that scripts/services.sh starts. A service that does not
// answer fails the whole run here: a skipped integration test would be a failing one.
import net from 'node:net';
import { serviceEndpoints } from './endpoints.js';

function ruok(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => socket.write('ruok'));
    let data = '';
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')));
    socket.on('error', () => resolve(false));
  });
}

export default async function setup(): Promise<void> {
  const { zkHost, zkPort, supersetUrl, pgHost, pgPort } = serviceEndpoints();
  if (!(await tcpOpen(pgHost, pgPort))) {
    throw new Error(
      `The warehouse PostgreSQL at ${pgHost}:${pgPort} does not answer. Start it: bash scripts/services.sh up`,
    );
  }
  const answer = await ruok(zkHost, zkPort).catch((e: unknown) => `error: ${String(e)}`);
  if (answer !== 'imok') {
    throw new Error(
      `ZooKeeper at ${zkHost}:${zkPort} did not answer imok (${answer}). Start it: bash scripts/services.sh up`,
    );
  }
  const health = await fetch(`${supersetUrl}/health`).then(
    (r) => r.text(),
    (e: unknown) => `error: ${String(e)}`,
  );
  if (health.trim() !== 'OK') {
    throw new Error(
      `Superset at ${supersetUrl} is not healthy (${health}). Start it: bash scripts/services.sh up`,
    );
  }
}
