// Writes one environment through the project's own ZkRegistry (history, applied record, drift
// findings, lock), prints what it wrote as one JSON line, holds the lock until stdin closes.
// Run by test_written_by_the_tool.py: the adapter must read exactly what the tool writes.
import { ZkRegistry } from '../../../src/registry/index.js';

const [connect, root] = process.argv.slice(2);
if (!connect || !root) throw new Error('usage: registry_writer.ts <connect> <env root>');

const registry = await ZkRegistry.connect({ connect, root });
const history = await registry.appendHistory({
  commit: 'f'.repeat(40),
  author: 'Writer <w@example.com>',
  startedAt: '2025-03-01T10:00:00.000Z',
  finishedAt: '2025-03-01T10:00:03.250Z',
  created: 2,
  updated: 1,
  deleted: 0,
  failed: 0,
  result: 'success',
});
await registry.recordApplied({
  kind: 'chart',
  name: 'Revenue / région',
  uuid: '00000000-0000-4000-8000-00000000000a',
  supersetId: 12,
  hash: 'e'.repeat(64),
  appliedAt: '2025-03-01T10:00:02.000Z',
  commit: 'f'.repeat(40),
  changedOn: '2025-03-01T10:00:01.500000',
  protected: true,
});
await registry.writeDriftFindings([
  {
    environment: 'written',
    kind: 'chart',
    name: 'Revenue / région',
    uuid: '00000000-0000-4000-8000-00000000000a',
    attribute: 'params.row_limit',
    expected: 100,
    actual: 500,
    where: 'superset',
    detectedAt: '2025-03-01T11:00:00.000Z',
    changedBy: 'Grace Hopper',
    changedOn: '2025-03-01T10:30:00.000Z',
    message: 'row_limit changed in Superset',
  },
]);
const lock = await registry.acquireLock({
  holder: { host: 'writer-host', pid: process.pid, user: 'writer', since: '2025-03-01T12:00:00.000Z' },
  timeoutMs: 10_000,
});
process.stdout.write(
  `${JSON.stringify({ historySeq: history.seq, lockSequence: lock.sequence, pid: process.pid })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void lock
    .release()
    .then(() => registry.close())
    .then(() => process.exit(0));
});
