// A TCP proxy in front of Superset that holds every chunk for `delayMs` in each direction, so that a
// bench on one machine sees Superset a network hop away (a CI runner and a Superset in another
// zone), where round trips, not the machine's cores, decide how long a run takes. Every chunk waits
// the same time, so each direction stays in order.
import net from 'node:net';

export interface LatencyProxy {
  /** Superset's URL through the proxy. */
  url: string;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: string, delayMs: number): Promise<LatencyProxy> {
  const to = new URL(target);
  const port = Number(to.port || (to.protocol === 'https:' ? 443 : 80));
  const sockets = new Set<net.Socket>();
  const later = (from: net.Socket, into: net.Socket) => {
    from.on('data', (chunk) => setTimeout(() => into.write(chunk), delayMs));
    from.on('end', () => setTimeout(() => into.end(), delayMs));
    from.on('error', () => into.destroy());
    from.on('close', () => sockets.delete(from));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(port, to.hostname);
    for (const s of [client, upstream]) sockets.add(s);
    later(client, upstream);
    later(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port: local } = server.address() as net.AddressInfo;
  return {
    url: `${to.protocol}//127.0.0.1:${local}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
