// Opening a session: the binding fires no event at all while the server is unreachable, so the
// connect has its own timeout; digest credentials are added once connected (add_auth always with a
// callback: without one the binding aborts the process).
import { CLOSE, newRawClient, type RawZk } from './binding.js';
import type { DigestCredentials } from './acl.js';
import { ZK_CODES, ZkError } from './errors.js';

export type ZkState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'auth_failed' | 'closed';

export interface ZkConnectOptions {
  /** "host:port[,host:port...][/chroot]" */
  connect: string;
  /** Asked-for session timeout; the server clamps it (to 4 s..40 s by default). */
  sessionTimeoutMs?: number;
  connectTimeoutMs?: number;
  auth?: DigestCredentials;
  /** Gives the connect up (closing the client) when aborted before the session is open. */
  signal?: AbortSignal;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export async function openSession(
  options: ZkConnectOptions,
  onState: (state: ZkState) => void,
): Promise<RawZk> {
  if (options.signal?.aborted) throw new ZkError(ZK_CODES.CLOSING, `connect ${options.connect}: given up`);
  const raw = newRawClient();
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let connected = false;
  raw.on('connect', () => onState('connected'));
  raw.on('connecting', () => connected && onState('disconnected'));
  raw.on('close', (_self, code) => onState(closeState(code)));

  const { signal } = options;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const msg = `no ZooKeeper session with ${options.connect} within ${timeoutMs} ms (is the server up and reachable?)`;
      signal?.removeEventListener('abort', aborted);
      reject(new ZkError(ZK_CODES.CONNECTIONLOSS, msg));
      raw.close();
    }, timeoutMs);
    const aborted = () => {
      clearTimeout(timer);
      reject(new ZkError(ZK_CODES.CLOSING, `connect ${options.connect}: given up`));
      raw.close();
    };
    signal?.addEventListener('abort', aborted, { once: true });
    raw.on('connect', () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      connected = true;
      resolve();
    });
    raw.on('close', (_self, code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      reject(new ZkError(code || ZK_CODES.CLOSING, `connect ${options.connect}: session closed (${code})`));
    });
    try {
      raw.init({
        connect: options.connect,
        timeout: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        debug_level: 0,
        host_order_deterministic: false,
        response_counter_limit: 1000,
      });
    } catch (err) {
      clearTimeout(timer);
      reject(
        new ZkError(ZK_CODES.BADARGUMENTS, `connect ${options.connect}: ${String(err)}`, undefined, {
          cause: err,
        }),
      );
    }
  });

  if (options.auth) {
    const { user, password } = options.auth;
    await new Promise<void>((resolve, reject) => {
      const rc = raw.add_auth('digest', `${user}:${password}`, (code) =>
        code === 0 ? resolve() : reject(ZkError.fromRc(code, undefined, 'add_auth digest', user)),
      );
      if (rc !== 0) reject(ZkError.fromRc(rc, undefined, 'add_auth digest', user));
    }).catch((err: unknown) => {
      raw.close();
      throw err;
    });
  }
  return raw;
}

function closeState(code: number): ZkState {
  if (code === CLOSE.SESSION_EXPIRED) return 'expired';
  if (code === CLOSE.AUTH_FAILED) return 'auth_failed';
  return 'closed';
}
