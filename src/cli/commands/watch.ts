import { runApplyOf } from '../../engine/apply-run.js';
import { loadProject } from '../../engine/project.js';
import { connectServices } from '../../engine/services.js';
import { WatchAgent, type AgentEvent } from '../../watch/agent.js';
import type { Output } from '../output.js';

export interface WatchOptions {
  env: string;
  dir: string;
  interval: number;
  heal?: boolean;
  prune?: boolean;
  healthFile?: string;
  healthPort?: number;
  lockTimeout: number;
  verbose?: boolean;
}

/** Runs until SIGTERM or SIGINT; logs one JSON line per event on stdout. */
export async function watchCommand(options: WatchOptions, out: Output): Promise<number> {
  const project = await loadProject(options.dir, options.env);
  // The client's per-request debug lines would drown the agent's own events.
  const services = await connectServices(project.env, (e) => {
    if (e.level !== 'debug' || options.verbose)
      log({ event: 'superset', level: e.level, code: e.code, message: e.message });
  });
  function log(event: AgentEvent): void {
    out.stdout(JSON.stringify(event) + '\n');
  }
  const agent: WatchAgent = new WatchAgent({
    env: project.env,
    port: services.port,
    registry: services.registry,
    gitObjects: project.objects,
    intervalMs: Math.max(0.2, options.interval) * 1000,
    log,
    ...(options.healthFile ? { healthFile: options.healthFile } : {}),
    ...(options.healthPort !== undefined ? { healthPort: options.healthPort } : {}),
    ...(options.heal
      ? {
          heal: async (targets: string[]) => {
            const run = await runApplyOf(
              async (registry) => {
                const pointer = await registry.readPointer();
                return {
                  objects: agent.desiredObjects(),
                  commit: {
                    sha: pointer?.commit ?? 'uncommitted',
                    author: 'superset-gitops watch --heal',
                    message: 'heal',
                    time: new Date().toISOString(),
                    dirty: false,
                  },
                  ...(pointer ? { snapshotId: pointer.snapshotId } : {}),
                  note: `heal ${targets.join(', ')}`,
                };
              },
              services,
              {
                environment: project.env.name,
                lockTimeoutMs: options.lockTimeout * 1000,
                prune: options.prune ?? false,
                targets,
              },
            );
            if (run.outcome.failed) throw run.outcome.failed.error;
            return run.outcome.created + run.outcome.updated + run.outcome.deleted;
          },
        }
      : {}),
  });
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= agent.stop().finally(() => services.close()));
  const done = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => void stop().then(resolve));
    process.once('SIGINT', () => void stop().then(resolve));
  });
  await agent.start();
  await done;
  return 0;
}
