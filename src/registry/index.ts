export type * from './registry.js';
export { DEFAULT_KEEP_HISTORY, DEFAULT_KEEP_SNAPSHOTS } from './registry.js';
export { ZkRegistry, ensureLayout, type ZkRegistryOptions, type RegistryNotice } from './zk-registry.js';
export {
  RegistryError,
  CorruptNodeError,
  SnapshotTamperedError,
  SnapshotNotFoundError,
  PointerConflictError,
  LockTimeoutError,
  LockLostError,
  InvalidInputError,
  describeHolder,
  holderSummary,
  type RegistryErrorCode,
} from './errors.js';
export { registryRoot, registryPaths, DEFAULT_BASE, type RegistryPaths } from './paths.js';
export { encodeName, decodeName } from './names.js';
export { snapshotContentHash, snapshotId, MAX_NODE_BYTES } from './snapshot.js';
