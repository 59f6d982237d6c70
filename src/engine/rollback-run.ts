import { FormatRegistry } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { AnyDesired } from '../model/object.js';
import { CorruptNodeError, PointerConflictError } from '../registry/errors.js';
import type { Registry, Snapshot, SnapshotPointer } from '../registry/registry.js';
import { OBJECT_KINDS, SCHEMAS, type ObjectKind } from '../schema/index.js';
import {
  runApplyOf,
  snapshotFile,
  type ApplyRun,
  type ApplyRunOptions,
  type DesiredState,
} from './apply-run.js';
import type { Services } from './services.js';

export interface RollbackRunOptions extends Omit<ApplyRunOptions, 'commit'> {
  /** A commit SHA, an unambiguous prefix of 7+, or a snapshot id. */
  to: string;
}

export interface RollbackRun extends ApplyRun {
  /** Where `current` pointed before (null: nothing published yet). */
  from: SnapshotPointer | null;
  to: SnapshotPointer;
}

/**
 * Rollback: under the apply lock, move `current` back to a kept snapshot (compare-and-set against
 * what it named) and apply that snapshot's objects through the ordinary apply path. Git is not read:
 * the snapshot holds the resolved specs, secrets only as `${env.*}` references.
 */
export async function runRollback(services: Services, options: RollbackRunOptions): Promise<RollbackRun> {
  let moved: { from: SnapshotPointer | null; to: SnapshotPointer } | undefined;
  const run = await runApplyOf(
    async (registry) => {
      const state = await repointAndRead(registry, options.to);
      moved = { from: state.from, to: state.snapshot.pointer };
      return state.desired;
    },
    services,
    options,
  );
  if (!moved) throw new Error('rollback: the apply ran without choosing a snapshot');
  return { ...run, ...moved };
}

async function repointAndRead(
  registry: Registry,
  ref: string,
): Promise<{ from: SnapshotPointer | null; snapshot: Snapshot; desired: DesiredState }> {
  const from = await registry.readPointer();
  const to = await registry.repoint(ref, { expectCurrent: from?.snapshotId ?? null });
  const snapshot = await registry.readCurrent();
  if (snapshot?.pointer.snapshotId !== to.snapshotId)
    throw new PointerConflictError(to.snapshotId, snapshot?.pointer.snapshotId ?? null);
  const desired: DesiredState = {
    objects: desiredFromSnapshot(snapshot),
    commit: {
      sha: to.commit,
      author: to.author,
      message: to.message ?? '',
      time: to.time,
      dirty: false,
    },
    snapshotId: to.snapshotId,
    note: `rollback to ${to.commit}`,
  };
  return { from, snapshot, desired };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The inverse of snapshotObjects: each body is `{spec, hash}` (and `file` when it was published by
 * an environment that marks objects). The content hash only proves the
 * snapshot is what its pointer promises, so each spec is also checked against its kind's schema.
 */
export function desiredFromSnapshot(snapshot: Snapshot): AnyDesired[] {
  // TypeBox fails unknown formats; the schemas use only `uuid` (ajv checks it during validate).
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v));
  const id = snapshot.pointer.snapshotId;
  return snapshot.objects.map((o) => {
    const where = `snapshot ${id}: ${o.kind} ${JSON.stringify(o.name)}`;
    if (!(OBJECT_KINDS as readonly string[]).includes(o.kind))
      throw new CorruptNodeError(where, `unknown kind ${JSON.stringify(o.kind)}`);
    const kind = o.kind as ObjectKind;
    const body = o.body as { spec?: unknown } | null;
    const spec = body !== null && typeof body === 'object' ? body.spec : undefined;
    if (!Value.Check(SCHEMAS[kind], spec)) {
      const first = Value.Errors(SCHEMAS[kind], spec).First();
      const detail = first ? `${first.path || '/'} ${first.message}` : 'no spec';
      throw new CorruptNodeError(where, `the spec does not match the ${kind} schema (${detail})`);
    }
    const file = snapshotFile(body);
    return {
      kind,
      name: o.name,
      uuid: o.uuid,
      spec,
      source: { file: `registry snapshot ${id}`, line: 1, col: 1, ...(file ? { repoPath: file } : {}) },
    } as AnyDesired;
  });
}
