import { isIP } from 'node:net';
import { loadProject } from '../../engine/project.js';
import { SecretLeakError } from '../../environment/screen.js';
import { connectServices, type Services } from '../../engine/services.js';
import { proposalAuthor, runPropose } from '../../engine/propose-run.js';
import { readContext, runUrl } from '../../github/context.js';
import { octokitPort } from '../../github/octokit.js';
import type { GitHubPort } from '../../github/port.js';
import type { Proposer } from '../../watch/propose.js';
import { WatchAgent, type AgentEvent } from '../../watch/agent.js';
import { applyHealer } from '../../watch/heal.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';

export interface WatchOptions {
  env: string;
  dir: string;
  interval: number;
  heal?: boolean;
  prune?: boolean;
  healthFile?: string;
  healthPort?: number;
  healthHost?: string;
  lockTimeout: number;
  verbose?: boolean;
  propose?: boolean;
  proposeQuiet: number;
  remote: string;
}

/** Runs until SIGTERM or SIGINT (exit 0); logs one JSON line per event on stdout. */
export async function watchCommand(options: WatchOptions, out: Output): Promise<number> {
  if (!Number.isFinite(options.interval) || options.interval <= 0)
    throw new UserError(`--interval must be a number of seconds above 0, got ${String(options.interval)}`);
  if (options.prune && !options.heal) throw new UserError('--prune only means something with --heal');
  if (options.propose && options.heal)
    throw new UserError(
      '--propose and --heal pull in opposite directions (keep the edit, undo the edit); pick one',
    );
  if (!Number.isFinite(options.proposeQuiet) || options.proposeQuiet < 0)
    throw new UserError(`--propose-quiet must be a number of seconds, got ${String(options.proposeQuiet)}`);
  // The GitHub side is checked before the agent starts: no token, no agent.
  const github = options.propose ? octokitPort(readContext(process.env)) : undefined;
  if (
    options.healthPort !== undefined &&
    (!Number.isInteger(options.healthPort) || options.healthPort < 0 || options.healthPort > 65535)
  )
    throw new UserError(`--health-port must be a port number (0 for any), got ${String(options.healthPort)}`);
  if (options.healthHost !== undefined && isIP(options.healthHost) === 0)
    throw new UserError(
      `--health-host must be an IP address (127.0.0.1, or 0.0.0.0 for every interface), got ${JSON.stringify(options.healthHost)}`,
    );
  if (options.healthHost !== undefined && options.healthPort === undefined)
    throw new UserError('--health-host only means something with --health-port');
  const project = await loadProject(options.dir, options.env);
  // Events from before the agent exists wait for it, so every line has the agent's fields.
  const sink: { agent?: WatchAgent; early: AgentEvent[] } = { early: [] };
  // A line that would hold a secret is replaced by one that says so: the agent never stops over it.
  const log = (event: AgentEvent) => {
    try {
      out.stdout(JSON.stringify(event) + '\n');
    } catch (e) {
      if (!(e instanceof SecretLeakError)) throw e;
      out.stdout(JSON.stringify({ event: 'withheld', level: 'warn', message: e.message }) + '\n');
    }
  };
  // The client's per-request debug lines would drown the agent's own events.
  const services = await connectServices(
    project.env,
    (e) => {
      if (e.level === 'debug' && !options.verbose) return;
      // Notices of the Superset client and the registry's own ZooKeeper session (codes say which).
      const source = e.code.startsWith('registry.') ? 'registry' : 'superset';
      const event: AgentEvent = { event: source, level: e.level, code: e.code, message: e.message };
      if (sink.agent) sink.agent.emit(event);
      else sink.early.push(event);
    },
    { objects: project.objects, ...(out.screen ? { screen: out.screen } : {}) },
  );
  const started = new WatchAgent({
    env: project.env,
    port: services.port,
    registry: services.registry,
    trust: services,
    gitObjects: project.objects,
    intervalMs: Math.max(0.2, options.interval) * 1000,
    log,
    ...(options.healthFile ? { healthFile: options.healthFile } : {}),
    ...(options.healthPort !== undefined ? { healthPort: options.healthPort } : {}),
    ...(options.healthHost !== undefined ? { healthHost: options.healthHost } : {}),
    ...(github
      ? {
          propose: proposer(options, services, github, (event) => started.emit(event), out),
          proposeQuietMs: options.proposeQuiet * 1000,
        }
      : {}),
    ...(options.heal
      ? {
          heal: applyHealer(services, {
            environment: project.env.name,
            lockTimeoutMs: options.lockTimeout * 1000,
            prune: options.prune ?? false,
          }),
          prune: options.prune ?? false,
        }
      : {}),
  });
  sink.agent = started;
  for (const event of sink.early.splice(0)) started.emit(event);

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= started.stop().finally(() => services.close()));
  const done = new Promise<void>((resolve) => {
    const onSignal = () => void stop().then(resolve, resolve);
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
  try {
    await started.start();
  } catch (e) {
    await stop();
    throw startFailure(e, options);
  }
  await done;
  return 0;
}

/** A health file that cannot be written or a port already taken is the user's to fix: say which. */
function startFailure(e: unknown, options: WatchOptions): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    if ((e as { syscall?: string }).syscall === 'listen')
      return new UserError(
        `--health-port ${String(options.healthPort)}: ${(e as Error).message}`,
        'watch-health',
        { cause: e },
      );
  }
  if (code && options.healthFile && (e as { path?: string }).path?.startsWith(options.healthFile))
    return new UserError(`--health-file ${options.healthFile}: ${(e as Error).message}`, 'watch-health', {
      cause: e,
    });
  return e;
}

/**
 * `--propose`: the tree is read again from the checkout each time (what the branch is built on), and
 * the proposal goes through the agent's own Superset and registry connections.
 */
function proposer(
  options: WatchOptions,
  services: Services,
  github: GitHubPort,
  emit: (event: AgentEvent) => void,
  out: Output,
): Proposer {
  return async (targets) => {
    const project = await loadProject(options.dir, options.env);
    // The agent names objects as the registry's snapshot does; the checkout may be behind it.
    const here = new Set(project.objects.map((o) => `${o.kind}/${o.name}`));
    const known = targets.filter((t) => here.has(t));
    if (!known.length) {
      emit({ event: 'propose-nothing', targets, reason: `the checkout in ${options.dir} has none of them` });
      return { action: 'nothing', lines: [] };
    }
    const outcome = await runPropose(project, services, {
      github,
      remote: options.remote,
      author: proposalAuthor(process.env),
      targets: known,
      check: (text, where) => out.screen?.check(text, where),
      ...(runUrl(process.env) ? { runUrl: runUrl(process.env) } : {}),
    });
    if (outcome.action === 'nothing') emit({ event: 'propose-nothing', targets });
    return {
      action: outcome.action,
      lines: outcome.lines,
      ...(outcome.pull ? { url: outcome.pull.url } : {}),
    };
  };
}
