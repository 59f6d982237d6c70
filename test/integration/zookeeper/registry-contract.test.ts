// The Registry contract (the same file MemoryRegistry runs in the unit project) against ZooKeeper.
import { ZkRegistry } from '../../../src/registry/index.js';
import { registryContract } from '../../unit/registry/contract.js';
import { removeTree, uniqueRoot, zkConnect } from './helpers.js';

const auth = { user: 'contract', password: 'contract-pw' };

registryContract('ZkRegistry', () => {
  const root = uniqueRoot('contract');
  return Promise.resolve({
    open: (options) => ZkRegistry.connect({ connect: zkConnect, root, auth, ...options }),
    cleanup: () => removeTree(root, auth),
  });
});
