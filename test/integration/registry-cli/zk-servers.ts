// Extra ZooKeeper servers for the outage tests, through scripts/zookeeper.sh: a single server on
// its own port (never the shared one on 2181) and the 3-node ensemble on 2281-2283.
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { REPO_DIR } from './cli-process.js';

export const SPARE_PORT = 2191;
export const ENSEMBLE_PORTS = [2281, 2282, 2283] as const;
export const ENSEMBLE_CONNECT = ENSEMBLE_PORTS.map((p) => `127.0.0.1:${p}`).join(',');

/** Runs `bash scripts/zookeeper.sh <args>`; `port` selects the single server's port. */
export async function zookeeperScript(args: string[], port?: number): Promise<string> {
  if (port === 2181) throw new Error('the shared ZooKeeper on 2181 is never stopped or started by a test');
  const { stdout } = await promisify(execFile)('bash', ['scripts/zookeeper.sh', ...args], {
    cwd: REPO_DIR,
    env: { ...process.env, ...(port ? { ZK_PORT: String(port) } : {}) },
    timeout: 120_000,
  });
  return stdout;
}

/** A four-letter word's answer ('' when nothing answers). */
export function fourLetter(port: number, word: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(word));
    let data = '';
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (c: Buffer) => (data += c.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(''));
  });
}

export async function isServing(port: number): Promise<boolean> {
  return (await fourLetter(port, 'ruok')) === 'imok';
}

/** leader | follower | standalone | '' (down). */
export async function modeOf(port: number): Promise<string> {
  return /^Mode: *(\w+)/m.exec(await fourLetter(port, 'srvr'))?.[1] ?? '';
}

/** 1-based ensemble node number of the current leader. */
export async function leaderNode(): Promise<number> {
  for (const [i, port] of ENSEMBLE_PORTS.entries()) if ((await modeOf(port)) === 'leader') return i + 1;
  throw new Error('the ensemble has no leader');
}
