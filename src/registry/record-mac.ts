// Applied records decide what the tool owns, and so what `apply --prune` may delete. Anyone who can
// write to ZooKeeper can write a record, so each record carries an HMAC-SHA-256 over its content and
// the registry root, keyed with a secret only the applier has: a record written without the key (or
// copied from another environment) does not verify, and the tool never acts on it.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../model/canonical.js';
import type { AppliedRecord, Registry } from './registry.js';

export type RecordTrust = 'verified' | 'forged' | 'unsigned';

function macOf(record: AppliedRecord, key: Buffer, root: string): string {
  const body: Partial<AppliedRecord> = { ...record };
  delete body.mac;
  return createHmac('sha256', key)
    .update(`superset-gitops/applied\u0000${root}\u0000${canonicalJson(body)}`)
    .digest('hex');
}

export function signRecord(record: AppliedRecord, key: Buffer, root: string): AppliedRecord {
  return { ...record, mac: macOf(record, key, root) };
}

export function checkRecord(record: AppliedRecord, key: Buffer, root: string): RecordTrust {
  if (record.mac === undefined) return 'unsigned';
  const want = Buffer.from(macOf(record, key, root), 'hex');
  const got = Buffer.from(record.mac, 'hex');
  return got.length === want.length && timingSafeEqual(got, want) ? 'verified' : 'forged';
}

/**
 * HMAC of one secret value, bound to the object and field, so equal passwords of two databases do
 * not give equal digests and a digest says nothing about the value without the key.
 */
export function secretDigest(key: Buffer, kind: string, uuid: string, field: string, value: string): string {
  return createHmac('sha256', key)
    .update(`superset-gitops/secret\u0000${kind}\u0000${uuid}\u0000${field}\u0000${value}`)
    .digest('hex');
}

/**
 * A registry whose applied records are signed on write. Reads are unchanged: which records verify is
 * decided where they are used (`readOwnership`), with `checkRecord`.
 */
export class SigningRegistry implements Registry {
  constructor(
    private readonly inner: Registry,
    private readonly key: Buffer | undefined,
    private readonly root: string,
  ) {
    if (inner.peekLock) this.peekLock = () => inner.peekLock!();
  }

  peekLock?: Registry['peekLock'];

  recordApplied(record: AppliedRecord): Promise<void> {
    const clean: AppliedRecord = { ...record };
    delete clean.mac;
    return this.inner.recordApplied(this.key ? signRecord(clean, this.key, this.root) : clean);
  }

  publishSnapshot: Registry['publishSnapshot'] = (...a) => this.inner.publishSnapshot(...a);
  writeSnapshot: Registry['writeSnapshot'] = (...a) => this.inner.writeSnapshot(...a);
  readPointer: Registry['readPointer'] = () => this.inner.readPointer();
  readCurrent: Registry['readCurrent'] = () => this.inner.readCurrent();
  listSnapshots: Registry['listSnapshots'] = () => this.inner.listSnapshots();
  repoint: Registry['repoint'] = (...a) => this.inner.repoint(...a);
  pruneSnapshots: Registry['pruneSnapshots'] = (...a) => this.inner.pruneSnapshots(...a);
  readApplied: Registry['readApplied'] = () => this.inner.readApplied();
  readAppliedState: Registry['readAppliedState'] = (options) => this.inner.readAppliedState(options);
  forgetApplied: Registry['forgetApplied'] = (...a) => this.inner.forgetApplied(...a);
  acquireLock: Registry['acquireLock'] = (...a) => this.inner.acquireLock(...a);
  readLockHolder: Registry['readLockHolder'] = () => this.inner.readLockHolder();
  forceUnlock: Registry['forceUnlock'] = () => this.inner.forceUnlock();
  appendHistory: Registry['appendHistory'] = (...a) => this.inner.appendHistory(...a);
  readHistory: Registry['readHistory'] = (...a) => this.inner.readHistory(...a);
  writeDriftFindings: Registry['writeDriftFindings'] = (...a) => this.inner.writeDriftFindings(...a);
  readDriftFindings: Registry['readDriftFindings'] = () => this.inner.readDriftFindings();
  close: Registry['close'] = () => this.inner.close();
}
