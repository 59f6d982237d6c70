import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The actionlint binary: $ACTIONLINT, on PATH, or where `go install` put it (scripts/ensure-deps.sh). */
export function actionlintBinary(): string | undefined {
  const candidates = [process.env.ACTIONLINT ?? ''];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter))
    candidates.push(path.join(dir, 'actionlint'));
  try {
    candidates.push(
      path.join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'actionlint'),
    );
  } catch {
    // No Go: look in the default GOPATH.
  }
  candidates.push(path.join(homedir(), 'go', 'bin', 'actionlint'));
  return candidates.find((c) => c && existsSync(c));
}
