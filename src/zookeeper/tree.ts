// Whole-tree helpers built from single-node calls (the binding has no multi).
import type { ZkClient } from './client.js';
import { isZkError } from './errors.js';
import { mapLimit } from '../util/map-limit.js';

const IN_FLIGHT = 64;

/** Joins a parent path and one child name ("/" + "a" -> "/a"). */
export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

/**
 * Creates `path` and any missing ancestors, empty. Nodes at or below `aclFrom` get the client's
 * ACL; ancestors above it are left open (they may be shared with users of other credentials).
 * Returns the paths it created.
 */
export async function mkdirp(
  client: ZkClient,
  path: string,
  options: { aclFrom?: string } = {},
): Promise<string[]> {
  const parts = path.split('/').filter((p) => p !== '');
  const created: string[] = [];
  let current = '';
  for (const part of parts) {
    current = `${current}/${part}`;
    const restrict = options.aclFrom === undefined || isAtOrBelow(current, options.aclFrom);
    if (await client.exists(current)) continue;
    try {
      created.push(await client.create(current, Buffer.alloc(0), { acl: restrict }));
    } catch (err) {
      if (!isZkError(err, 'NODEEXISTS')) throw err;
    }
  }
  return created;
}

/** Deletes `path` and everything below it; a node already gone is fine. Returns the count deleted. */
export async function deleteTree(client: ZkClient, path: string): Promise<number> {
  let children: string[];
  try {
    children = await client.children(path);
  } catch (err) {
    if (isZkError(err, 'NONODE')) return 0;
    throw err;
  }
  const counts = await mapLimit(children, IN_FLIGHT, (child) => deleteTree(client, joinPath(path, child)));
  try {
    await client.delete(path, -1);
  } catch (err) {
    if (isZkError(err, 'NONODE')) return sum(counts);
    // NOTEMPTY: something was created below meanwhile; go again.
    if (isZkError(err, 'NOTEMPTY')) return sum(counts) + (await deleteTree(client, path));
    throw err;
  }
  return sum(counts) + 1;
}

/** Every path at or below `path`, depth first, parents before children. */
export async function listTree(client: ZkClient, path: string): Promise<string[]> {
  const children = await client.children(path).catch((err: unknown) => {
    if (isZkError(err, 'NONODE')) return null;
    throw err;
  });
  if (children === null) return [];
  const below = await mapLimit(children.sort(), IN_FLIGHT, (child) =>
    listTree(client, joinPath(path, child)),
  );
  return [path, ...below.flat()];
}

function isAtOrBelow(path: string, root: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
