import { hostname } from 'node:os';
import { applyPlan, type ApplyEvent, type ApplyOutcome } from '../apply/apply.js';
import type { CommitInfo } from '../git/head.js';
import { markingFor } from '../model/managed.js';
import type { AnyDesired } from '../model/object.js';
import type { DesiredEntry, Plan, PlanOptions } from '../plan/types.js';
import { holderSummary, LockLostError } from '../registry/errors.js';
import { fencedRegistry } from '../registry/fenced-registry.js';
import type { AppliedRecord, ApplyResult, LockHolder, Registry } from '../registry/registry.js';
import type { ObjectKind } from '../schema/index.js';
import type { ListedObject, SupersetPort } from '../superset/port.js';
import type { KeptRows } from '../live/cached-list.js';
import { UserError } from '../errors/user-error.js';
import { guardedPort } from './guarded-port.js';
import { runPlan } from './plan-run.js';
import type { Services } from './services.js';
import { RECORD_KEY_VARIABLE } from './secret-book.js';
import { mapLimit } from '../util/map-limit.js';

export interface ApplyRunOptions extends PlanOptions {
  environment: string;
  commit: CommitInfo;
  lockTimeoutMs: number;
  onEvent?: (event: ApplyEvent) => void;
  onLockWait?: (holder: string) => void;
  /** Said once per run: records not trusted, rotation not detectable without a key. */
  onNotice?: (message: string) => void;
  /** The whole apply's deadline, from its start; it stops cleanly before the next write after it. */
  timeoutMs?: number;
  /** Fewest new datasets, charts and dashboards that go through sparse imports (default BULK_CREATE_MIN); tests lower it. */
  bulkCreateMin?: number;
  /** Objects there only to be referred to, never written (see runPlan). */
  reuse?: ReadonlyMap<string, string>;
}

/** What one apply applies: objects from git (published as a new snapshot) or from a kept snapshot. */
export interface DesiredState {
  objects: readonly AnyDesired[];
  commit: CommitInfo;
  /** The snapshot the objects come from when it is already in the registry: nothing is published. */
  snapshotId?: string;
  /** Recorded in the history entry, e.g. "rollback to <sha>". */
  note?: string;
}

export interface ApplyRun {
  plan: Plan;
  outcome: ApplyOutcome;
  result: ApplyResult;
  snapshotId: string;
}

export function lockHolder(): LockHolder {
  const runUrl =
    process.env.GITHUB_RUN_ID && process.env.GITHUB_REPOSITORY
      ? `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined;
  return {
    host: hostname(),
    pid: process.pid,
    ...(runUrl ? { runUrl } : {}),
    ...((process.env.GITHUB_ACTOR ?? process.env.USER)
      ? { user: process.env.GITHUB_ACTOR ?? process.env.USER }
      : {}),
    since: new Date().toISOString(),
  };
}

/**
 * Snapshot bodies carry the resolved spec (secrets only as `${env.*}` references) and its hash. With
 * `files` (an environment that marks objects), also the path of each object's YAML file from the
 * repository's root, so a rollback or a heal of that snapshot links each object to its file at the
 * snapshot's commit. Without it the bodies are as they always were.
 */
export function snapshotObjects(
  objects: readonly AnyDesired[],
  hashes: ReadonlyMap<string, string>,
  files = false,
) {
  return objects.map((o) => ({
    kind: o.kind,
    name: o.name,
    uuid: o.uuid,
    body: {
      spec: o.spec,
      hash: hashes.get(o.uuid) ?? '',
      ...(files && o.source.repoPath !== undefined ? { file: o.source.repoPath } : {}),
    } as never,
  }));
}

/** The path a snapshot body (`snapshotObjects`) names for its object's file, if it names one. */
export function snapshotFile(body: unknown): string | undefined {
  const file = (body as { file?: unknown } | null)?.file;
  return typeof file === 'string' && file !== '' ? file : undefined;
}

/**
 * One apply: take the lock, plan against live Superset, apply in order, record what was applied (with
 * Superset's new changed_on), and only then, when every change went through and the apply was not
 * limited by --target, move `current` to the snapshot of what was applied. History says which.
 */
export function runApply(
  objects: readonly AnyDesired[],
  services: Services,
  options: ApplyRunOptions,
): Promise<ApplyRun> {
  return runApplyOf(() => Promise.resolve({ objects, commit: options.commit }), services, options);
}

/** The whole apply ran out of its --timeout: it stopped before its next write. */
export class ApplyDeadlineError extends UserError {
  constructor(ms: number) {
    super(
      `The apply ran longer than its deadline (--timeout ${Math.round(ms / 1000)} s) and stopped before its next write; rerun to finish (it does only what is left).`,
      'apply-timeout',
    );
  }
}

/**
 * The apply path with the desired state decided once the lock is held (rollback re-points `current`
 * there and reads the snapshot back), so nothing can move it under the apply. Every write, to
 * Superset and to the registry, goes through one fence: the lock is ours on the session that took
 * it (checked with a round trip just before the write, retries included) and the deadline has not
 * passed. Once the fence fails nothing more is written, bookkeeping included.
 */
export async function runApplyOf(
  decide: (registry: Registry) => Promise<DesiredState>,
  services: Services,
  options: Omit<ApplyRunOptions, 'commit'>,
): Promise<ApplyRun> {
  const startedAt = new Date().toISOString();
  const deadline = options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : undefined;
  checkPruneAllowed(services, options.prune);
  if (options.onLockWait) {
    const current = await services.registry.readLockHolder();
    if (current) options.onLockWait(holderSummary(current));
  }
  const holder = lockHolder();
  const lock = await services.registry.acquireLock({ holder, timeoutMs: options.lockTimeoutMs });
  // Reads started before the lock (EarlyReads) count only if no other apply came in between.
  await services.early?.confirm(services.registry).catch(() => false);
  const fence = async () => {
    if (deadline !== undefined && Date.now() > deadline) throw new ApplyDeadlineError(options.timeoutMs ?? 0);
    await lock.fence();
  };
  // Every record this apply writes or forgets, so the bookkeeping need not read them all back.
  const written = new Map<string, AppliedRecord | null>();
  const fenced = fencedRegistry(services.registry, fence);
  const registry: Registry = {
    ...fenced,
    recordApplied: async (record) => {
      await fenced.recordApplied(record);
      written.set(record.uuid, record);
    },
    forgetApplied: async (kind, uuid) => {
      const gone = await fenced.forgetApplied(kind, uuid);
      written.set(uuid, null);
      return gone;
    },
  };
  // The desired snapshot, written (complete, not yet `current`) while Superset is listed and the
  // plan made; waited for before the lock goes, whatever happens.
  let writing = undefined as Promise<string> | undefined;
  try {
    const { objects, commit, snapshotId, note } = await decide(registry);
    const targeted = (options.targets?.length ?? 0) > 0;
    const publish = (entries: readonly DesiredEntry[]) => {
      const hashes = new Map(entries.map((e) => [e.uuid, e.hash]));
      writing = registry
        .writeSnapshot({
          commit: commit.sha,
          author: commit.author,
          message: commit.message.split('\n')[0] ?? '',
          time: commit.time,
          objects: snapshotObjects(objects, hashes, services.managed !== undefined),
        })
        .then((w) => w.snapshotId);
      writing.catch(() => undefined);
    };
    const first = await runPlan(options.environment, objects, services, {
      ...options,
      ...(snapshotId === undefined && !targeted ? { onEntries: publish } : {}),
      // What the first write waits for is fetched while the objects that may differ are read.
      onFullRead: () => services.port.warmWrites?.(),
    });
    for (const notice of first.notices) options.onNotice?.(notice);
    const conflicts = first.plan.changes.filter((c) => c.action === 'conflict');
    if (conflicts.length) {
      throw new UserError(
        `Nothing applied: ${conflicts.length} conflict(s):\n${conflicts.map((c) => `  ${c.kind} ${JSON.stringify(c.name)}: ${c.note ?? ''}`).join('\n')}`,
        'conflict',
      );
    }
    const desired = new Map(objects.map((o) => [o.uuid, o]));
    const owned = new Set(first.applied.map((a) => a.uuid));
    const port = guardedPort({ port: services.port, fence, registry, desired, owned, commit: commit.sha });
    const hashes = new Map(first.entries.map((e) => [e.uuid, e.hash]));
    // The snapshot is written before the apply and named by `current` only once the apply finished.
    if (snapshotId === undefined && !targeted && writing === undefined) publish(first.entries);
    const snapshot = snapshotId ?? (targeted ? undefined : await writing);
    const caps = first.plan.summary.create > 0 ? await services.port.capabilities?.() : undefined;
    // A bulk create lists what it imported in full: that listing is kept for the next plan, which
    // otherwise would list those kinds in full again (more rows changed than a look-back takes).
    const relisted: KeptRows = {};
    const outcome = await applyPlan(first.plan, {
      listed: (kind, rows) => (relisted[kind] = rows),
      ...(caps
        ? {
            bulk: {
              caps,
              ...(options.bulkCreateMin !== undefined ? { min: options.bulkCreateMin } : {}),
              ...(services.importsAtOnce !== undefined ? { atOnce: services.importsAtOnce } : {}),
            },
          }
        : {}),
      port,
      registry,
      live: first.live,
      desired,
      secrets: (db) => services.secrets.values(db),
      digests: (obj) => services.secrets.digests(obj),
      commit: commit.sha,
      // mark_managed: the commit applied (a rollback's or a heal's is its snapshot's) and each
      // object's file make its external_url.
      ...(services.managed
        ? { marking: (obj) => markingFor(services.managed, commit.sha, obj.source.repoPath) }
        : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    let stoppedBy = outcome.failed?.error;
    // A write that failed for another reason (the claim's ZooKeeper request lost its connection, say)
    // may have failed because the lock went: ask the fence, so the report says what really happened.
    if (
      outcome.failed &&
      !(stoppedBy instanceof LockLostError) &&
      !(stoppedBy instanceof ApplyDeadlineError)
    ) {
      await lock.fence().catch((e: unknown) => {
        if (e instanceof LockLostError) stoppedBy = e;
      });
    }
    if (stoppedBy instanceof LockLostError || stoppedBy instanceof ApplyDeadlineError || lock.lost) {
      const why =
        stoppedBy instanceof ApplyDeadlineError
          ? stoppedBy.message
          : `The apply lock was lost (${stoppedBy?.message ?? 'ZooKeeper session ended'}); nothing more was written, to Superset or the registry.`;
      throw new UserError(
        `${why} Done before that: ${outcome.done.length} change(s). Rerun to converge.`,
        stoppedBy instanceof ApplyDeadlineError ? 'apply-timeout' : 'lock-lost',
        { cause: stoppedBy },
      );
    }
    if (Object.keys(relisted).length > 0) services.listStore?.write({ ...first.live.listed, ...relisted });
    for (const n of await unmaskedByEngine(services, outcome, desired)) options.onNotice?.(n);
    const result: ApplyResult = outcome.failed ? (outcome.done.length ? 'partial' : 'failure') : 'success';
    const moveCurrent =
      result === 'success' && !targeted && snapshot !== undefined && snapshotId === undefined;
    const message = [
      note,
      targeted ? `--target ${(options.targets ?? []).join(', ')}: current not moved` : '',
      outcome.failed?.error.message,
    ]
      .filter(Boolean)
      .join(': ');
    const bookkeeping = async () => {
      // The records as this apply leaves them: those read for the plan (the ones the tool trusts),
      // then what it wrote or forgot.
      const records = new Map(first.records.map((r) => [r.uuid, r]));
      for (const [uuid, r] of written) {
        if (r) records.set(uuid, r);
        else records.delete(uuid);
      }
      // The records and findings, and `current`, touch different nodes: written side by side. The
      // history entry, which says where `current` is, comes after both.
      const settled = await Promise.allSettled([
        (async () => {
          await recordChangedOn(
            { ...services, registry, port },
            first.plan,
            outcome,
            first.live.full,
            hashes,
            records,
          );
          await clearFindingsOf(registry, outcome);
        })(),
        (async () => {
          if (!moveCurrent) return;
          const before = await registry.readPointer();
          // Already there (an apply of the same commit and content): nothing to move or prune.
          if (before?.snapshotId === snapshot) return;
          // Written by this apply under this lock: its manifest and objects are checked, not re-read.
          await registry.repoint(snapshot, { expectCurrent: before?.snapshotId ?? null, shallow: true });
          await registry.pruneSnapshots();
        })(),
      ]);
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      await registry.appendHistory({
        commit: commit.sha,
        author: commit.author,
        startedAt,
        finishedAt: new Date().toISOString(),
        created: outcome.created,
        updated: outcome.updated,
        deleted: outcome.deleted,
        failed: outcome.failed ? 1 : 0,
        result,
        ...(message ? { message: message.slice(0, 500) } : {}),
        ...(holder.runUrl ? { runUrl: holder.runUrl } : {}),
        current: moveCurrent || (snapshotId !== undefined && result === 'success') ? 'moved' : 'kept',
        ...(targeted ? { targets: options.targets ?? [] } : {}),
      });
    };
    if (outcome.failed) {
      // After a failure (often the registry itself going away) the outcome is what the user needs;
      // a lost lock is not swallowed, though: it says the bookkeeping was not written.
      await bookkeeping().catch((e: unknown) => {
        if (e instanceof LockLostError) throw e;
      });
    } else await bookkeeping();
    return {
      plan: first.plan,
      outcome,
      result,
      snapshotId: snapshot ?? (await services.registry.readPointer())?.snapshotId ?? '',
    };
  } finally {
    await writing?.catch(() => undefined);
    // Unreachable ZooKeeper: the lock node is ephemeral and goes with the session, closed next.
    await lock.release().catch(() => undefined);
  }
}

/**
 * Findings about objects this apply wrote are out of date the moment it wrote them (the pipeline
 * dashboard's "Current drift" would keep showing them until the next drift run): drop them.
 */
async function clearFindingsOf(registry: Registry, outcome: ApplyOutcome): Promise<void> {
  const touched = new Set(outcome.done.map((c) => c.uuid));
  if (touched.size === 0) return;
  const findings = await registry.readDriftFindings().catch(() => null);
  if (!findings) return; // unreadable findings are drift's to report and replace
  const uuidOf = (f: unknown) => {
    const uuid = (f as { uuid?: unknown } | null)?.uuid;
    return typeof uuid === 'string' ? uuid : '';
  };
  const kept = findings.filter((f) => !touched.has(uuidOf(f)));
  if (kept.length !== findings.length) await registry.writeDriftFindings(kept);
}

/**
 * Superset's changed_on after the apply, for every owned object the apply wrote or read in full: the
 * next plan then skips a full read of objects nobody has touched since.
 */
async function recordChangedOn(
  services: Services,
  plan: Plan,
  outcome: ApplyOutcome,
  readInFull: ReadonlyMap<string, unknown>,
  hashes: ReadonlyMap<string, string>,
  /** The records the tool trusts, by uuid; re-writing an untrusted one would sign it. */
  records: ReadonlyMap<string, AppliedRecord>,
): Promise<void> {
  const written = new Set(
    outcome.done
      .filter((c) => c.action === 'create' || c.action === 'update')
      .filter((c) => !outcome.recorded?.has(c.uuid))
      .map((c) => c.uuid),
  );
  const noopRead = plan.changes
    .filter((c) => c.action === 'noop' && readInFull.has(c.uuid))
    .map((c) => c.uuid);
  const refresh = new Set([...written, ...noopRead]);
  if (refresh.size === 0) return;
  const kinds = [...new Set(plan.changes.filter((c) => refresh.has(c.uuid)).map((c) => c.kind))];
  // Each kind's rows are listed at the same time; the records then go a few at a time.
  const listed = await Promise.all(
    kinds.map((kind) =>
      rowsOf(
        services.port,
        kind,
        new Set(plan.changes.filter((c) => c.kind === kind && refresh.has(c.uuid)).map((c) => c.uuid)),
      ),
    ),
  );
  const updated: AppliedRecord[] = [];
  for (const row of listed.flat()) {
    const record = records.get(row.uuid);
    if (!record || !refresh.has(row.uuid)) continue;
    const hash = hashes.get(row.uuid) ?? record.hash;
    if (record.changedOn === row.changedOn && record.hash === hash) continue;
    updated.push({ ...record, hash, changedOn: row.changedOn });
  }
  await mapLimit(updated, RECORD_WRITES_AT_ONCE, (record) => services.registry.recordApplied(record));
}

/** Rows more than those just written that a read-back asks for. */
const READ_BACK_SLACK = 10;

/** Applied records rewritten at once after an apply (each is one fenced ZooKeeper write). */
const RECORD_WRITES_AT_ONCE = 8;

/** List rows of `uuids`: the page of most recently changed objects usually has all those just written. */
async function rowsOf(
  port: SupersetPort,
  kind: ObjectKind,
  uuids: ReadonlySet<string>,
): Promise<ListedObject[]> {
  // The page asks for those rows and a few more (someone else's write since), not a full page of 100.
  const recent = (await port.listChangedSince(kind, null, uuids.size + READ_BACK_SLACK)).rows;
  const seen = new Set(recent.map((r) => r.uuid));
  return [...uuids].every((u) => seen.has(u)) ? recent : port.list(kind);
}

/**
 * Prune deletes what the applied records say the tool owns. Without a record key those records
 * cannot be told from forged ones, so prune runs only against a registry on this machine.
 */
export function checkPruneAllowed(services: Services, prune: boolean): void {
  if (!prune || services.secrets.key || services.secrets.loopback) return;
  throw new UserError(
    `Refusing --prune: ${RECORD_KEY_VARIABLE} is not set, so applied records in a registry that is not on this machine cannot be verified, and a record anyone wrote into ZooKeeper could make this apply delete a Superset object. Set ${RECORD_KEY_VARIABLE} (the same key every applier of this environment uses), or apply without --prune.`,
    'prune-without-key',
  );
}

/**
 * Superset masks `masked_encrypted_extra` per engine, and some engines mask only a few paths (6.1's
 * PostgreSQL spec masks only `aws_iam`), so what was sent may come back in clear to anyone who can
 * edit the database. After writing a database that has one, read it back once and say so.
 */
async function unmaskedByEngine(
  services: Services,
  outcome: ApplyOutcome,
  desired: ReadonlyMap<string, AnyDesired>,
): Promise<string[]> {
  const notices: string[] = [];
  let applied: AppliedRecord[] | undefined;
  for (const change of outcome.done) {
    const obj = desired.get(change.uuid);
    if (obj?.kind !== 'database' || obj.spec.masked_encrypted_extra === undefined) continue;
    if (change.action !== 'create' && change.action !== 'update') continue;
    applied ??= await services.registry.readApplied();
    const id = applied.find((r) => r.uuid === change.uuid)?.supersetId;
    if (id === undefined) continue;
    const raw = await services.port.get('database', id).catch(() => undefined);
    const shown = raw?.masked_encrypted_extra;
    const hit = typeof shown === 'string' ? services.secrets.screen.find(shown) : undefined;
    if (hit) {
      notices.push(
        `Superset returns database ${JSON.stringify(obj.name)}'s masked_encrypted_extra with the value of ${hit.name} unmasked (its engine masks only some paths there), so anyone who may edit the database in Superset can read it; for a connection password use \`password\` instead.`,
      );
    }
  }
  return notices;
}
