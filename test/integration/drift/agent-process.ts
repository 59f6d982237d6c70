// `watch` as a child process: its JSON log lines are collected with the time each arrived, and a
// test waits for the line it expects.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_DIR } from './fixture.js';

const ENTRY = path.join(REPO_DIR, 'test/integration/drift/cli-entry.ts');

export type LogLine = { event: string; at: number } & Record<string, unknown>;

export interface AgentProcess {
  child: ChildProcess;
  pid: number;
  lines: LogLine[];
  stderr(): string;
  /** Resolves with the first line (at index `from` or later) that `match` accepts. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs?: number, from?: number): Promise<LogLine>;
  /** Resolves with the exit code, or null when killed by a signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startAgent(argv: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...argv], {
    cwd: REPO_DIR,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('watch did not start');
  const lines: LogLine[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const at = Date.now();
    partial += chunk.toString('utf8');
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      if (!text.trim()) continue;
      try {
        lines.push({ ...(JSON.parse(text) as { event: string }), at });
      } catch {
        lines.push({ event: 'non-json', text, at });
      }
    }
    for (const wake of [...waiters]) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => {
      for (const wake of [...waiters]) wake();
      resolve({ code, signal });
    }),
  );
  let closed = false;
  void exited.then(() => (closed = true));

  function waitFor(match: (line: LogLine) => boolean, timeoutMs = 30_000, from = 0): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.slice(from).find(match);
        if (found) return done(() => resolve(found));
        if (closed)
          done(() => reject(new Error(`watch exited first; stderr:\n${stderr}\nlog:\n${dump(lines)}`)));
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(`no matching log line in ${timeoutMs} ms; log:\n${dump(lines)}\nstderr:\n${stderr}`),
            ),
          ),
        timeoutMs,
      );
      const done = (finish: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        finish();
      };
      waiters.add(check);
      check();
    });
  }

  return { child, pid: child.pid, lines, stderr: () => stderr, waitFor, exited };
}

/** Ends an agent a test started (SIGKILL when SIGTERM is not enough) and waits for it. */
export async function stopAgent(agent: AgentProcess | undefined): Promise<void> {
  if (!agent || agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill('SIGTERM');
  const timer = setTimeout(() => agent.child.kill('SIGKILL'), 10_000);
  await agent.exited;
  clearTimeout(timer);
  if (process.env.DRIFT_TEST_LOG) console.log(`watch ${agent.pid}:\n${dump(agent.lines, Infinity)}`);
}

function dump(lines: LogLine[], last = 40): string {
  return lines
    .slice(-last)
    .map(({ at: _at, ...l }) => JSON.stringify(l).slice(0, 400))
    .join('\n');
}
