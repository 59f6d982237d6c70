import { openRun } from '../../engine/open-run.js';
import { LockTimeoutError } from '../../registry/errors.js';
import { planAsText } from '../../report/plan-text.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';
import { progressPrinter } from '../progress.js';

export interface ApplyCommandOptions {
  env: string;
  dir: string;
  prune?: boolean;
  target?: string[];
  adopt?: boolean;
  rotateSecrets?: boolean;
  lockTimeout: number;
  /** Seconds the whole apply may run (default 3600). */
  timeout?: number;
}

/** Exit 0 when everything planned was applied (or nothing was to do), 1 on any failure. */
export async function applyCommand(options: ApplyCommandOptions, out: Output): Promise<number> {
  const { project, commit, services } = await openRun(options.dir, options.env, {
    commit: true,
    early: 'apply',
    ...(out.screen ? { screen: out.screen } : {}),
  });
  try {
    // Loaded while the login (sent as soon as the environment was read) may still be on its way.
    const { runApply } = await import('../../engine/apply-run.js');
    const run = await runApply(project.objects, services, {
      environment: project.env.name,
      commit,
      lockTimeoutMs: options.lockTimeout * 1000,
      ...(options.timeout !== undefined ? { timeoutMs: checkTimeout(options.timeout) * 1000 } : {}),
      prune: options.prune ?? false,
      ...(options.adopt ? { adopt: true } : {}),
      ...(options.rotateSecrets ? { rotateSecrets: true } : {}),
      onNotice: (notice) => out.stderr(`warning: ${notice}\n`),
      ...(options.target?.length ? { targets: options.target } : {}),
      onEvent: progressPrinter(out),
      onLockWait: (holder) => out.stderr(`Waiting for the apply lock, held by ${holder}...\n`),
    });
    const { outcome } = run;
    out.stdout(planAsText(run.plan, out.color));
    if (outcome.failed) {
      out.stdout(
        `\nApply stopped at ${outcome.failed.change.kind} ${JSON.stringify(outcome.failed.change.name)}: ${outcome.failed.error.message}\n` +
          `Done: ${outcome.done.length}; not done: ${outcome.skipped.length + 1}. Fix the cause and rerun: the next apply does only what is left.\n`,
      );
      return 1;
    }
    out.stdout(
      `\nApply complete: ${outcome.created} created, ${outcome.updated} updated, ${outcome.deleted} deleted (commit ${commit.sha.slice(0, 12)}${commit.dirty ? ', with uncommitted changes' : ''}).\n`,
    );
    return 0;
  } catch (e) {
    if (e instanceof LockTimeoutError)
      throw new UserError(e.message.replace('<environment>', project.env.name), 'lock-timeout', { cause: e });
    throw e;
  } finally {
    await services.close();
  }
}

function checkTimeout(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UserError(`--timeout must be a positive number of seconds, got ${String(seconds)}`);
  return seconds;
}
