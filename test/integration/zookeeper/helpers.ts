import { randomBytes } from 'node:crypto';
import { newRawClient, type RawConfig, type RawZk } from '../../../src/zookeeper/binding.js';
import { ZkClient, deleteTree, type DigestCredentials } from '../../../src/zookeeper/index.js';
import { serviceEndpoints } from '../endpoints.js';

export const { zkConnect } = serviceEndpoints();
export const TEST_BASE = '/superset-gitops-test';

/** A fresh root per test: tests never see each other's nodes. */
export function uniqueRoot(label: string): string {
  return `${TEST_BASE}/${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function connect(auth?: DigestCredentials): Promise<ZkClient> {
  return ZkClient.connect({ connect: zkConnect, auth, connectTimeoutMs: 10_000 });
}

/** Deletes a test root with the credentials that own it. */
export async function removeTree(root: string, auth?: DigestCredentials): Promise<void> {
  const zk = await connect(auth);
  try {
    await deleteTree(zk, root);
  } finally {
    zk.close();
  }
}

/**
 * Expires `client`'s session the way a long network partition would: a second connection joins
 * the same session (id + password) and closes it; the first client learns it on reconnect. The
 * first client may win the session back before the close arrives, so this retries until the client
 * reports the expiry.
 */
export async function expireSession(client: ZkClient): Promise<void> {
  type Session = RawZk & { client_id: string; client_password: string };
  const raw = (client as unknown as { conn: { raw: Session } }).conn.raw;
  const { client_id, client_password } = raw;
  for (let attempt = 1; attempt <= 10 && !client.dead; attempt++) {
    const twin = newRawClient();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      twin.on('connect', () => {
        clearTimeout(timer);
        twin.close(); // at once: the smaller the gap, the less chance the first client takes it back
        resolve();
      });
      twin.init({
        connect: zkConnect,
        timeout: 10_000,
        debug_level: 0,
        host_order_deterministic: false,
        response_counter_limit: 1000,
        client_id,
        client_password,
      } as RawConfig);
    });
    twin.close(); // no-op when already closed; frees a twin that never connected
    for (let waited = 0; waited < 3000 && !client.dead; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (!client.dead) throw new Error('could not expire the session');
}
