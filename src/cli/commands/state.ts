import { loadEnvironmentOnly } from '../../engine/load-environment.js';
import { connectRegistry } from '../../engine/services.js';
import { holderSummary } from '../../registry/errors.js';
import type { Output } from '../output.js';
import { loadRecordKey, RECORD_KEY_VARIABLE } from '../../engine/secret-book.js';
import { checkRecord, SigningRegistry } from '../../registry/record-mac.js';
import type { AppliedRecord } from '../../registry/registry.js';
import { UserError } from '../../errors/user-error.js';

export interface StateOptions {
  env: string;
  dir: string;
  format: 'text' | 'json';
  yes?: boolean;
}

/** `state show|history|unlock`: what the registry holds for an environment. */
export async function stateCommand(action: string, options: StateOptions, out: Output): Promise<number> {
  // Only the environment file: `state unlock` must work while an object file is broken.
  const env = await loadEnvironmentOnly(options.dir, options.env);
  const registry = await connectRegistry(env, undefined, out.screen);
  const key = loadRecordKey(env, process.env)?.key;
  const trustOf = (r: AppliedRecord) => (key ? checkRecord(r, key, env.zookeeper.root) : 'verified');
  try {
    if (action === 'sign') {
      if (!key)
        throw new UserError(
          `state sign needs ${RECORD_KEY_VARIABLE}: it signs records with the key every applier of ${env.name} uses.`,
          'record-key',
        );
      const records = await registry.readApplied();
      const unsigned = records.filter((r) => trustOf(r) === 'unsigned');
      const forged = records.filter((r) => trustOf(r) === 'forged');
      for (const r of forged)
        out.stderr(
          `not signing ${r.kind} ${JSON.stringify(r.name)} (${r.uuid}): its signature does not match, so someone without the key wrote it; delete ${env.zookeeper.root}/applied/${r.kind}/${r.uuid} if it is not yours\n`,
        );
      if (unsigned.length === 0) {
        out.stdout('Every applied record is signed.\n');
        return 0;
      }
      out.stdout(
        `${unsigned.length} unsigned applied record(s) (written by hand, or before records were signed):\n`,
      );
      for (const r of unsigned)
        out.stdout(
          `  ${r.kind.padEnd(9)} ${r.name}  (Superset id ${r.supersetId}, ${r.uuid}, applied ${r.appliedAt})\n`,
        );
      if (!options.yes) {
        out.stdout('Check that the tool owns each of these, then run `state sign --yes` to sign them.\n');
        return 2;
      }
      const signing = new SigningRegistry(registry, key, env.zookeeper.root);
      for (const r of unsigned) await signing.recordApplied(r);
      out.stdout(`Signed ${unsigned.length} record(s).\n`);
      return 0;
    }
    if (action === 'unlock') {
      const removed = await registry.forceUnlock();
      out.stdout(
        removed.length
          ? `Removed ${removed.length} lock node(s): ${removed.map((h) => holderSummary(h)).join('; ')}\n`
          : 'The apply lock was free.\n',
      );
      return 0;
    }
    if (action === 'history') {
      const history = await registry.readHistory();
      if (options.format === 'json') out.stdout(JSON.stringify(history, null, 2) + '\n');
      else {
        out.stdout(history.length ? '' : 'No applies recorded yet.\n');
        for (const h of history) {
          out.stdout(
            `${h.finishedAt}  ${h.result.padEnd(8)} ${h.commit.slice(0, 12)}  ${h.author}  +${h.created} ~${h.updated} -${h.deleted}${h.failed ? ` failed ${h.failed}` : ''}${h.message ? `  ${h.message.replace(/\s+/g, ' ')}` : ''}${h.runUrl ? `  ${h.runUrl}` : ''}\n`,
          );
        }
      }
      return 0;
    }
    const [pointer, applied, holder, snapshots] = await Promise.all([
      registry.readPointer(),
      registry.readApplied(),
      registry.readLockHolder(),
      registry.listSnapshots(),
    ]);
    if (options.format === 'json') {
      out.stdout(
        JSON.stringify(
          {
            environment: env.name,
            root: env.zookeeper.root,
            current: pointer,
            lock: holder,
            snapshots,
            applied: applied.map((r) => ({ ...r, trust: trustOf(r) })),
          },
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    out.stdout(`environment: ${env.name} (${env.zookeeper.connect}${env.zookeeper.root})\n`);
    out.stdout(
      pointer
        ? `desired:     ${pointer.commit.slice(0, 12)} by ${pointer.author}, ${pointer.objectCount} objects, published ${pointer.movedAt}\n`
        : 'desired:     nothing published yet\n',
    );
    out.stdout(`lock:        ${holder ? `held by ${holderSummary(holder)}` : 'free'}\n`);
    out.stdout(`snapshots:   ${snapshots.length} kept\n`);
    out.stdout(`owned:       ${applied.length} objects\n`);
    for (const r of applied)
      out.stdout(
        `  ${r.kind.padEnd(9)} ${r.name}  (id ${r.supersetId}, ${r.uuid}, applied ${r.appliedAt} from ${r.commit.slice(0, 12)})${trustOf(r) === 'verified' ? '' : `  NOT TRUSTED (${trustOf(r)})`}\n`,
      );
    return 0;
  } finally {
    await registry.close();
  }
}
