import type { ZkClient } from '../zookeeper/index.js';
import type { RegistryPaths } from './paths.js';

/** What the ZooKeeper-backed parts of the registry share. */
export interface ZkContext {
  /** The live client; a new one (rebuilt layout included) after a session expiry. */
  client(): Promise<ZkClient>;
  paths: RegistryPaths;
  /** Requests in flight when reading or writing many nodes. */
  inFlight: number;
  now(): Date;
}
