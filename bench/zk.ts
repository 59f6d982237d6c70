// Publish and read back a 5,000-object snapshot against a live ZooKeeper.
//   npx tsx bench/zk.ts            (ZK_HOST / ZK_PORT, default 127.0.0.1:2181; BENCH_OBJECTS, default 5000)
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../src/model/canonical.js';
import { ZkRegistry, type SnapshotObject } from '../src/registry/index.js';
import { ZkClient, deleteTree } from '../src/zookeeper/index.js';

const connect = `${process.env.ZK_HOST ?? '127.0.0.1'}:${process.env.ZK_PORT ?? 2181}`;
const count = Number(process.env.BENCH_OBJECTS ?? 5000);
const base = `/superset-gitops-bench/run-${randomBytes(4).toString('hex')}`;
const auth = { user: 'bench', password: randomBytes(8).toString('hex') };

function makeObjects(tag: string): SnapshotObject[] {
  return Array.from({ length: count }, (_, i) => {
    const o: SnapshotObject = {
      kind: ['database', 'dataset', 'chart', 'dashboard'][i % 4] as string,
      name: `Object ${i} / ${tag}`,
      uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      body: { tag, index: i, description: '', params: { viz_type: 'table', metrics: ['count'] } },
    };
    // pad the body so each object is ~1 KB of canonical JSON
    const pad = 1024 - Buffer.byteLength(canonicalJson(o));
    (o.body as { description: string }).description = 'x'.repeat(Math.max(0, pad));
    return o;
  });
}

async function time<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en')}/s`;

async function run(label: string, withAcl: boolean): Promise<void> {
  const root = `${base}/${label}`;
  const reg = await ZkRegistry.connect({ connect, root, ...(withAcl ? { auth } : {}) });
  try {
    const objects = makeObjects(label);
    const bytes = objects.reduce((sum, o) => sum + Buffer.byteLength(canonicalJson(o)), 0);
    const input = {
      commit: randomBytes(20).toString('hex'),
      author: 'bench',
      time: new Date().toISOString(),
      objects,
    };
    const [result, publishMs] = await time(() => reg.publishSnapshot(input));
    const [, againMs] = await time(() => reg.publishSnapshot(input));
    const [snapshot, readMs] = await time(() => reg.readCurrent());
    if (snapshot?.objects.length !== count) throw new Error(`read back ${snapshot?.objects.length} objects`);
    console.log(
      `${label.padEnd(10)} ${count} objects, ${(bytes / 1024 / 1024).toFixed(1)} MiB canonical JSON ` +
        `(avg ${Math.round(bytes / count)} B), snapshot ${result.snapshotId.slice(0, 20)}…`,
    );
    console.log(`  publish        ${(publishMs / 1000).toFixed(2)} s  ${rate(count, publishMs)} znodes`);
    console.log(
      `  re-publish     ${(againMs / 1000).toFixed(3)} s  (identical content: no-op + pointer CAS)`,
    );
    console.log(
      `  readCurrent    ${(readMs / 1000).toFixed(2)} s  ${rate(count, readMs)} znodes (hash verified)`,
    );
  } finally {
    await reg.close();
  }
}

console.log(`ZooKeeper ${connect}, 64 requests in flight`);
await run('open-acl', false);
await run('digest-acl', true);
const zk = await ZkClient.connect({ connect, auth });
await deleteTree(zk, base);
zk.close();
