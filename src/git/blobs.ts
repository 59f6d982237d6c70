import { spawn } from 'node:child_process';
import { GitError } from './errors.js';

/**
 * Reads many blobs through one `git cat-file --batch` process: one process for the whole tree
 * instead of one `git show` per file (simple-git cannot feed a command's stdin).
 */
export function readBlobs(cwd: string, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return Promise.resolve(new Map<string, Buffer>());
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (e) =>
      reject(new GitError(`git cat-file could not start: ${e.message}`, { cause: e })),
    );
    child.on('close', (code) => {
      if (code !== 0) return reject(new GitError(`git cat-file failed (exit ${code}): ${stderr.trim()}`));
      try {
        resolve(parseBatch(Buffer.concat(chunks)));
      } catch (e) {
        reject(e instanceof Error ? e : new GitError(String(e)));
      }
    });
    child.stdin.end(unique.join('\n') + '\n');
  });
}

/** `<id> <type> <size>\n<content>\n`, repeated; `<id> missing\n` for an unknown id. */
export function parseBatch(output: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < output.length) {
    const eol = output.indexOf(0x0a, at);
    if (eol < 0) throw new GitError('git cat-file: truncated output');
    const header = output.subarray(at, eol).toString('utf8').split(' ');
    const [id, type, size] = header;
    if (!id || type === 'missing' || size === undefined)
      throw new GitError(`git cat-file: object ${id ?? '?'} is missing`);
    const length = Number(size);
    const start = eol + 1;
    blobs.set(id, output.subarray(start, start + length));
    at = start + length + 1;
  }
  return blobs;
}
