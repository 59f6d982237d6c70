// Runs plan and apply two ways: through the CLI entry point (exit codes, output) and through the
// engine with a counting SupersetPort, so a test can say exactly which Superset calls an apply made.
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';
import { runApply, type ApplyRun } from '../../../src/engine/apply-run.js';
import { runPlan, type PlanRun } from '../../../src/engine/plan-run.js';
import type { CommitInfo } from '../../../src/git/head.js';
import { loadProject } from '../../../src/engine/project.js';
import { connectServices, type Services } from '../../../src/engine/services.js';
import type { SupersetKind, SupersetPort } from '../../../src/superset/port.js';
import type { Fixture } from './fixture.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI in this process (same code as bin/superset-gitops.js) on the fixture's environment and tree. */
export async function cli(fx: Fixture, ...args: string[]): Promise<CliResult> {
  return runMain(
    args[0] === 'validate'
      ? [...args, fx.metadataDir]
      : [...args, '--env', fx.envName, '--dir', fx.metadataDir],
  );
}

export async function runMain(argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out: Output = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    color: false,
    isTTY: false,
  };
  const code = await main(argv, out);
  return { code, stdout, stderr };
}

export interface PortCall {
  op: 'list' | 'get' | 'create' | 'update' | 'remove' | 'chartData' | 'export' | 'import';
  kind: SupersetKind | 'assets';
  id?: number;
  /** Top-level keys of a create/update body. */
  fields?: string[];
}

export interface CountingPort extends SupersetPort {
  log: PortCall[];
  reset(): void;
  writes(): PortCall[];
  count(op: PortCall['op']): number;
}

/** Wraps a port and records every call (kind, id, body keys); bodies themselves are not kept. */
export function countingPort(inner: SupersetPort): CountingPort {
  const log: PortCall[] = [];
  const port: CountingPort = {
    log,
    reset: () => void log.splice(0),
    writes: () => log.filter((c) => c.op === 'create' || c.op === 'update' || c.op === 'remove'),
    count: (op) => log.filter((c) => c.op === op).length,
    get calls() {
      return inner.calls;
    },
    ...(inner.capabilities ? { capabilities: () => inner.capabilities!() } : {}),
    ...(inner.tables ? { tables: (id: number, schema: string) => inner.tables!(id, schema) } : {}),
    list(kind) {
      log.push({ op: 'list', kind });
      return inner.list(kind);
    },
    listChangedSince(kind, since, maxRows, expectedRows) {
      log.push({ op: 'list', kind, fields: ['changed-since'] });
      return inner.listChangedSince(kind, since, maxRows, expectedRows);
    },
    get(kind, id) {
      log.push({ op: 'get', kind, id });
      return inner.get(kind, id);
    },
    create(kind, body) {
      log.push({ op: 'create', kind, fields: Object.keys(body).sort() });
      return inner.create(kind, body);
    },
    update(kind, id, body) {
      log.push({ op: 'update', kind, id, fields: Object.keys(body).sort() });
      return inner.update(kind, id, body);
    },
    remove(kind, id) {
      log.push({ op: 'remove', kind, id });
      return inner.remove(kind, id);
    },
    chartData(id) {
      log.push({ op: 'chartData', kind: 'chart', id });
      return inner.chartData(id);
    },
    exportBundle(kind, ids) {
      log.push({ op: 'export', kind });
      return inner.exportBundle(kind, ids);
    },
    importBundle(zip, options) {
      log.push({ op: 'import', kind: 'assets' });
      return inner.importBundle(zip, options);
    },
  };
  return port;
}

export interface Engine {
  port: CountingPort;
  /** Every log event of the Superset client and the registry, as the CLI would get them. */
  events: { level: string; code: string; message: string }[];
  services: Services;
  plan(options?: { prune?: boolean; readAll?: boolean }): Promise<PlanRun>;
  apply(options?: { prune?: boolean; bulkCreateMin?: number }): Promise<ApplyRun>;
  close(): Promise<void>;
}

const COMMIT: CommitInfo = {
  sha: 'uncommitted',
  author: 'sync test',
  message: 'sync test',
  time: new Date(0).toISOString(),
  dirty: true,
};

/** The engine on the fixture's tree (reloaded from disk on every call) with a counting port. */
export async function engine(fx: Fixture, processEnv = process.env): Promise<Engine> {
  const project = await loadProject(fx.metadataDir, fx.envName, processEnv);
  const events: Engine['events'] = [];
  const real = await connectServices(project.env, (e) => events.push(e), {
    objects: project.objects,
    processEnv,
  });
  const port = countingPort(real.port);
  const services: Services = { ...real, port };
  const objects = async () => (await loadProject(fx.metadataDir, fx.envName, processEnv)).objects;
  return {
    port,
    events,
    services,
    plan: async (options = {}) =>
      runPlan(project.env.name, await objects(), services, {
        prune: options.prune ?? false,
        readAll: options.readAll ?? false,
      }),
    apply: async (options = {}) =>
      runApply(await objects(), services, {
        environment: project.env.name,
        commit: COMMIT,
        lockTimeoutMs: 30_000,
        prune: options.prune ?? false,
        ...(options.bulkCreateMin !== undefined ? { bulkCreateMin: options.bulkCreateMin } : {}),
      }),
    close: () => real.close(),
  };
}
