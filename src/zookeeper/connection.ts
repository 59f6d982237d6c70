// One ZooKeeper session and its state machine, plus the request plumbing every call goes through.
// Once the session is expired (or closed, or refused) the connection is dead for good: every call
// fails with SESSIONEXPIRED/CLOSING and the owner opens a new one.
import type { RawZk } from './binding.js';
import { ZK_CODES, ZkError } from './errors.js';
import { openSession, type ZkConnectOptions, type ZkState } from './session.js';

export type StateListener = (state: ZkState) => void;

export class ZkConnection {
  private readonly listeners = new Set<StateListener>();
  private current: ZkState = 'connected';

  private constructor(
    readonly raw: RawZk,
    readonly connect: string,
  ) {}

  static async open(options: ZkConnectOptions): Promise<ZkConnection> {
    // State changes during the connect itself are settled by openSession; later ones go here.
    const box: { conn?: ZkConnection } = {};
    const raw = await openSession(options, (state) => box.conn?.transition(state));
    box.conn = new ZkConnection(raw, options.connect);
    return box.conn;
  }

  get state(): ZkState {
    return this.current;
  }
  get dead(): boolean {
    return this.current === 'expired' || this.current === 'auth_failed' || this.current === 'closed';
  }
  get sessionTimeoutMs(): number {
    return this.raw.timeout;
  }

  onState(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    if (this.current === 'closed') return;
    this.raw.close(); // emits close(0) -> transition('closed')
    this.transition('closed');
  }

  /** Issues one binding call; resolves with the callback's results after (rc, text). */
  request<R extends unknown[]>(
    op: string,
    path: string,
    issue: (cb: (rc: number, text: string, ...rest: R) => void) => number,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.dead) return reject(this.deadError(op, path));
      const cb = (rc: number, text: string, ...rest: R) =>
        rc === 0 ? resolve(rest) : reject(ZkError.fromRc(rc, text, op, path));
      let rc: number;
      try {
        rc = issue(cb);
      } catch (err) {
        const message = `${op} ${path}: ${String(err)}`;
        return reject(new ZkError(ZK_CODES.BADARGUMENTS, message, path, { cause: err }));
      }
      // Non-zero: never queued, the callback will not run.
      if (rc !== 0) reject(this.dead ? this.deadError(op, path) : ZkError.fromRc(rc, undefined, op, path));
    });
  }

  private transition(state: ZkState): void {
    if (this.current === state || this.dead) return;
    this.current = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  private deadError(op: string, path: string): ZkError {
    const code = this.current === 'expired' ? ZK_CODES.SESSIONEXPIRED : ZK_CODES.CLOSING;
    return new ZkError(code, `${op} ${path}: ZooKeeper session ${this.current}; open a new client`, path);
  }
}
