// Typed registry failures. Every one has a stable `code` (tests and the CLI match on it) and a
// message that names the thing involved and says what to do.
import type { LockHolderInfo } from './registry.js';

export type RegistryErrorCode =
  | 'registry.invalid-input'
  | 'registry.corrupt-node'
  | 'registry.tampered'
  | 'registry.snapshot-not-found'
  | 'registry.pointer-conflict'
  | 'registry.lock-timeout'
  | 'registry.lock-lost'
  | 'registry.closed';

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Data read from ZooKeeper that is not what we wrote: not JSON, or not the expected shape. */
export class CorruptNodeError extends RegistryError {
  constructor(
    readonly path: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('registry.corrupt-node', `corrupt registry node ${path}: ${reason}`, options);
  }
}

/** A snapshot whose objects do not hash to what its pointer says: changed after it was written. */
export class SnapshotTamperedError extends RegistryError {
  constructor(
    readonly snapshotId: string,
    readonly expectedHash: string,
    readonly actualHash: string,
    detail: string,
  ) {
    super(
      'registry.tampered',
      `snapshot ${snapshotId} does not match its content hash (${detail}; expected ${expectedHash.slice(0, 12)}, ` +
        `got ${actualHash.slice(0, 12)}): it was changed after publishing. Re-publish the commit or repoint to another snapshot.`,
    );
  }
}

export class SnapshotNotFoundError extends RegistryError {
  constructor(
    readonly ref: string,
    detail = 'no complete snapshot for it',
  ) {
    super('registry.snapshot-not-found', `snapshot ${JSON.stringify(ref)}: ${detail}`);
  }
}

export class PointerConflictError extends RegistryError {
  constructor(
    readonly expected: string | null,
    readonly actual: string | null,
  ) {
    super(
      'registry.pointer-conflict',
      `current snapshot is ${actual ?? 'none'}, expected ${expected ?? 'none'}: someone else moved it; read again and retry`,
    );
  }
}

export class LockTimeoutError extends RegistryError {
  constructor(
    readonly holder: LockHolderInfo | null,
    readonly waitedMs: number,
  ) {
    super(
      'registry.lock-timeout',
      `apply lock not acquired within ${formatMs(waitedMs)}: ${describeHolder(holder)}`,
    );
  }
}

export class LockLostError extends RegistryError {
  constructor(reason: string) {
    super('registry.lock-lost', `apply lock lost: ${reason}`);
  }
}

export class InvalidInputError extends RegistryError {
  constructor(message: string) {
    super('registry.invalid-input', message);
  }
}

/** "held by host ci-7 (pid 12, user bob), CI run https://..., since 2024-...", and what to do. */
export function describeHolder(holder: LockHolderInfo | null): string {
  if (holder === null) return 'the holder released it just now; try again';
  return (
    `held by ${holderSummary(holder)}. A holder that dies releases it when its ZooKeeper session ends; ` +
    'if it is stuck, run `superset-gitops state unlock --env <environment>`'
  );
}

/** "host ci-7 (pid 12, user bob), CI run https://..., since 2024-..." */
export function holderSummary(holder: LockHolderInfo): string {
  const who = [`pid ${holder.pid}`, holder.user ? `user ${holder.user}` : undefined]
    .filter(Boolean)
    .join(', ');
  const run = holder.runUrl ? `, CI run ${holder.runUrl}` : '';
  return `host ${holder.host} (${who})${run}, since ${holder.since}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
