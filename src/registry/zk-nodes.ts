import { isZkError, type ZkClient } from '../zookeeper/index.js';

/** Creates a node; false when it already existed (then its ACL is made ours, if we have one). */
export async function createIfAbsent(zk: ZkClient, path: string, data: Buffer | string): Promise<boolean> {
  try {
    await zk.create(path, data);
    return true;
  } catch (err) {
    if (!isZkError(err, 'NODEEXISTS')) throw err;
    await zk.ensureAcl(path);
    return false;
  }
}

/** Retries `work` on CONNECTIONLOSS: the client queues requests until it has reconnected. */
export async function retryOnConnectionLoss<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isZkError(err, 'CONNECTIONLOSS', 'OPERATIONTIMEOUT') || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
