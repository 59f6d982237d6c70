import { loadEnvironmentOnly } from '../../engine/load-environment.js';
import { connectRegistry } from '../../engine/services.js';
import { holderSummary } from '../../registry/errors.js';
import type { Output } from '../output.js';

export interface StateOptions {
  env: string;
  dir: string;
  format: 'text' | 'json';
}

/** `state show|history|unlock`: what the registry holds for an environment. */
export async function stateCommand(action: string, options: StateOptions, out: Output): Promise<number> {
  // Only the environment file: `state unlock` must work while an object file is broken.
  const env = await loadEnvironmentOnly(options.dir, options.env);
  const registry = await connectRegistry(env);
  try {
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
            applied,
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
        `  ${r.kind.padEnd(9)} ${r.name}  (id ${r.supersetId}, ${r.uuid}, applied ${r.appliedAt} from ${r.commit.slice(0, 12)})\n`,
      );
    return 0;
  } finally {
    await registry.close();
  }
}
