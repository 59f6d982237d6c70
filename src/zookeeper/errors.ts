// ZooKeeper errors as one typed class. The binding reports failures as a return code plus a string,
// or (promise API) as `Error("-110 node exists")`: the code is the leading number.

/** Return codes of the C client (zookeeper.h). */
export const ZK_CODES = {
  OK: 0,
  SYSTEMERROR: -1,
  RUNTIMEINCONSISTENCY: -2,
  DATAINCONSISTENCY: -3,
  CONNECTIONLOSS: -4,
  MARSHALLINGERROR: -5,
  UNIMPLEMENTED: -6,
  OPERATIONTIMEOUT: -7,
  BADARGUMENTS: -8,
  INVALIDSTATE: -9,
  NEWCONFIGNOQUORUM: -13,
  RECONFIGINPROGRESS: -14,
  SSLCONNECTIONERROR: -15,
  APIERROR: -100,
  NONODE: -101,
  NOAUTH: -102,
  BADVERSION: -103,
  NOCHILDRENFOREPHEMERALS: -108,
  NODEEXISTS: -110,
  NOTEMPTY: -111,
  SESSIONEXPIRED: -112,
  INVALIDCALLBACK: -113,
  INVALIDACL: -114,
  AUTHFAILED: -115,
  CLOSING: -116,
  NOTHING: -117,
  SESSIONMOVED: -118,
  NOTREADONLY: -119,
  EPHEMERALONLOCALSESSION: -120,
  NOWATCHER: -121,
  RECONFIGDISABLED: -123,
  SESSIONCLOSEDREQUIRERESTART: -124,
  THROTTLEDOP: -127,
} as const;

export type ZkCodeName = keyof typeof ZK_CODES | 'UNKNOWN';

const NAMES = new Map<number, ZkCodeName>(
  Object.entries(ZK_CODES).map(([name, code]) => [code, name as ZkCodeName]),
);

export function zkCodeName(code: number): ZkCodeName {
  return NAMES.get(code) ?? 'UNKNOWN';
}

export class ZkError extends Error {
  override readonly name = 'ZkError';
  readonly codeName: ZkCodeName;
  constructor(
    readonly code: number,
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.codeName = zkCodeName(code);
  }

  /** Error from a callback's rc and text, e.g. (-101, "no node") for `get /a`. */
  static fromRc(rc: number, text: string | undefined, op: string, path?: string): ZkError {
    const name = zkCodeName(rc);
    const where = path === undefined ? op : `${op} ${path}`;
    return new ZkError(rc, `${where}: ${name} (${rc}${text ? ` ${text}` : ''})`, path);
  }
}

/** Parses the leading number of a binding error message ("-110 node exists" -> -110). */
export function parseZkCode(message: string): number | undefined {
  const m = /^\s*(-?\d+)\b/.exec(message);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Any thrown value as a ZkError (a code-less error becomes SYSTEMERROR, keeping it as cause). */
export function toZkError(err: unknown, op: string, path?: string): ZkError {
  if (err instanceof ZkError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = parseZkCode(message) ?? ZK_CODES.SYSTEMERROR;
  const where = path === undefined ? op : `${op} ${path}`;
  return new ZkError(code, `${where}: ${zkCodeName(code)} (${message})`, path, { cause: err });
}

export function isZkError(err: unknown, ...names: ZkCodeName[]): err is ZkError {
  return err instanceof ZkError && (names.length === 0 || names.includes(err.codeName));
}

/** Errors as values, for callers that branch on the code instead of catching. */
export type ZkResult<T> = { ok: true; value: T } | { ok: false; error: ZkError };

export async function zkTry<T>(work: Promise<T>): Promise<ZkResult<T>> {
  try {
    return { ok: true, value: await work };
  } catch (err) {
    return { ok: false, error: toZkError(err, 'zookeeper') };
  }
}
