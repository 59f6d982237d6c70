export { ZkClient, type CreateMode, type ZkNode, type StateListener } from './client.js';
export {
  openSession,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_SESSION_TIMEOUT_MS,
  type ZkConnectOptions,
  type ZkState,
} from './session.js';
export { ZkError, ZK_CODES, zkCodeName, parseZkCode, toZkError, isZkError, zkTry } from './errors.js';
export type { ZkCodeName, ZkResult } from './errors.js';
export { digestId, writerReaderAcl, type ZkAcl, type ZkPerm, type DigestCredentials } from './acl.js';
export type { ZkStat } from './stat.js';
export type { WatchEvent, WatchEventType, WatchKind, WatchListener } from './watches.js';
export type { NextEvent } from './watched.js';
export { mkdirp, deleteTree, listTree, joinPath } from './tree.js';
export { nullOnNoNode } from './watched.js';
