// The CLI as a separate process (`node bin/superset-gitops.js ...`), the way CI runs it. The build in
// dist/bundle/ is refreshed first when a file under src/ is newer than it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const REPO_DIR = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(REPO_DIR, 'bin/superset-gitops.js');
const BUILT = path.join(REPO_DIR, 'dist/bundle/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  done: Promise<CliResult>;
}

let building: Promise<void> | undefined;

/**
 * Compiles and bundles src/ into dist/ once per test file when src/ changed after the last build.
 * Type errors are the build's and typecheck's business (scripts/test.sh builds first); tsc emits
 * regardless, so only a build that wrote nothing fails here.
 */
export function ensureBuilt(): Promise<void> {
  building ??= (async () => {
    const builtAt = () => (fs.existsSync(BUILT) ? fs.statSync(BUILT).mtimeMs : 0);
    const before = builtAt();
    if (newestMtime(path.join(REPO_DIR, 'src')) <= before) return;
    const output = await promisify(execFile)('npm', ['run', '-s', 'build'], { cwd: REPO_DIR }).then(
      () => '',
      (e: Error & { stdout?: string }) => e.stdout ?? e.message,
    );
    if (builtAt() <= before) throw new Error(`npm run build wrote nothing:\n${output}`);
  })();
  return building;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Starts the CLI; `done` resolves when it exits (or is killed after `timeoutMs`). */
export function startCli(
  args: string[],
  options: { cwd: string; env: Record<string, string | undefined>; timeoutMs?: number },
): CliProcess {
  const started = Date.now();
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1' };
  // A CI run's own GITHUB_* would name this job as the lock holder; tests set them when they want them.
  for (const key of ['GITHUB_RUN_ID', 'GITHUB_REPOSITORY', 'GITHUB_SERVER_URL']) delete env[key];
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  if (child.pid === undefined) throw new Error('the CLI process did not start');
  return { child, pid: child.pid, done };
}

/**
 * What a user-facing failure looks like: exit 1, one `error: ...` line or the apply's own "stopped
 * at" report, and never a stack trace or an internal error.
 */
export function looksLikeCleanFailure(result: CliResult): boolean {
  const all = result.stdout + result.stderr;
  return (
    result.code === 1 &&
    (/^error: /m.test(result.stderr) || /^(Apply|Rollback) stopped at /m.test(result.stdout)) &&
    !/internal error|^\s+at .+:\d+:\d+\)?$/m.test(all)
  );
}
