export type { SupersetKind, ListedObject, CallCounts, SupersetPort } from './port.js';
export {
  createSupersetClient,
  type SupersetClient,
  type SupersetClientOptions,
  type SupersetLogEvent,
} from './client.js';
export type { ImportOptions } from './bundles.js';
export { SupersetApiError, isSupersetApiError, type SupersetErrorCode, type SupersetOp } from './errors.js';
export type { ClientCalls } from './executor.js';
export type { ListOptions } from './pagination.js';
export { KINDS, SUPERSET_KINDS } from './kinds.js';
export { toIsoUtc } from './list-row.js';
