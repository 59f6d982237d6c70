import { loadEnvironmentOnly } from '../../engine/load-environment.js';
import { runRollback } from '../../engine/rollback-run.js';
import { connectServices } from '../../engine/services.js';
import { LockTimeoutError, SnapshotNotFoundError } from '../../registry/errors.js';
import type { Registry } from '../../registry/registry.js';
import { planAsText } from '../../report/plan-text.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';
import { progressPrinter } from '../progress.js';

export interface RollbackCommandOptions {
  env: string;
  dir: string;
  to: string;
  prune?: boolean;
  lockTimeout: number;
}

/** `rollback --to SHA`: re-point `current` to a kept snapshot and apply it. Exit 0 done, 1 failure. */
export async function rollbackCommand(options: RollbackCommandOptions, out: Output): Promise<number> {
  const env = await loadEnvironmentOnly(options.dir, options.env);
  const services = await connectServices(env, undefined, out.screen ? { screen: out.screen } : {});
  try {
    const run = await runRollback(services, {
      environment: env.name,
      to: options.to,
      lockTimeoutMs: options.lockTimeout * 1000,
      prune: options.prune ?? false,
      onEvent: progressPrinter(out),
      onLockWait: (holder) => out.stderr(`Waiting for the apply lock, held by ${holder}...\n`),
    });
    const { outcome, from, to } = run;
    out.stdout(planAsText(run.plan, out.color));
    const moved = `${from ? from.commit.slice(0, 12) : 'nothing'} -> ${to.commit.slice(0, 12)} (snapshot ${to.snapshotId})`;
    if (outcome.failed) {
      out.stdout(
        `\nRollback stopped at ${outcome.failed.change.kind} ${JSON.stringify(outcome.failed.change.name)}: ${outcome.failed.error.message}\n` +
          `current moved ${moved}. Done: ${outcome.done.length}; not done: ${outcome.skipped.length + 1}. ` +
          'Fix the cause and rerun the rollback: it does only what is left.\n',
      );
      return 1;
    }
    out.stdout(
      `\nRollback complete: current moved ${moved}; ${outcome.created} created, ${outcome.updated} updated, ${outcome.deleted} deleted.\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof LockTimeoutError)
      throw new UserError(e.message.replace('<environment>', env.name), 'lock-timeout', { cause: e });
    if (e instanceof SnapshotNotFoundError)
      throw new UserError(`${e.message}. ${await keptCommits(services.registry)}`, 'snapshot-not-found', {
        cause: e,
      });
    throw e;
  } finally {
    await services.close();
  }
}

async function keptCommits(registry: Registry): Promise<string> {
  const kept = (await registry.listSnapshots().catch(() => [])).filter((s) => s.complete);
  if (kept.length === 0) return 'The registry keeps no snapshots for this environment.';
  const rows = kept.slice(0, 10).map((s) => `${s.commit.slice(0, 12)} (${s.publishedAt})`);
  return `Kept snapshots, newest first: ${rows.join(', ')}${kept.length > 10 ? ', ...' : ''}.`;
}
