// Znode layout of one environment's registry:
//
// <root>                         e.g. /superset-gitops/prod
//   current                      pointer: {snapshotId, commit, author, time, objectCount, contentHash}
//   snapshots/<snapshotId>       meta: {commit, author, time, objectCount, contentHash, complete, layout}
//     manifest-<i>               its objects: [{kind, name, uuid, hash}], split under 512 KiB a node
//     <kind>/<name>~<uuid>       (snapshots without `layout` only) one object, as under objects/
//   objects/<kind>/<name>~<uuid>~<hash>
//                                one object, canonical JSON {kind, name, uuid, body}; hash: sha256 of
//                                those bytes. Shared by every snapshot whose manifest names it.
//   applied/<kind>/<uuid>        what the tool owns: {kind, name, uuid, supersetId, hash, appliedAt, commit}
//   lock/<uuid>-lock-<seq>       ephemeral sequential apply-lock contenders; data: the holder
//   history/h-<seq>              persistent sequential apply results, newest N kept
//   drift                        pointer: {generation, count, contentHash, writtenAt}
//     <generation>/f-<index>     one finding each
//
// Names and kinds are encoded with encodeName, so every path segment is a valid znode name.
import { encodeName, decodeName } from './names.js';

export const DEFAULT_BASE = '/superset-gitops';

/** `/superset-gitops/<env>`, the root of one environment. */
export function registryRoot(env: string, base: string = DEFAULT_BASE): string {
  return `${checkRoot(base)}/${encodeName(env)}`;
}

/** An absolute znode path without a trailing slash or empty segments. */
export function checkRoot(root: string): string {
  if (!/^(\/[^/]+)+$/.test(root) || root.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new Error(
      `registry root must be an absolute znode path like /superset-gitops/prod, got ${JSON.stringify(root)}`,
    );
  }
  return root;
}

export interface RegistryPaths {
  root: string;
  current: string;
  snapshots: string;
  applied: string;
  lock: string;
  history: string;
  drift: string;
  objects: string;
  snapshot(id: string): string;
  snapshotManifest(id: string, index: number): string;
  objectKind(kind: string): string;
  sharedObject(kind: string, name: string, uuid: string, hash: string): string;
  /** A kind's folder and an object under a snapshot of the layout before shared objects. */
  snapshotKind(id: string, kind: string): string;
  snapshotObject(id: string, kind: string, name: string, uuid: string): string;
  appliedKind(kind: string): string;
  appliedRecord(kind: string, uuid: string): string;
}

export function registryPaths(root: string): RegistryPaths {
  checkRoot(root);
  const p = {
    root,
    current: `${root}/current`,
    snapshots: `${root}/snapshots`,
    applied: `${root}/applied`,
    lock: `${root}/lock`,
    history: `${root}/history`,
    drift: `${root}/drift`,
    objects: `${root}/objects`,
  };
  return {
    ...p,
    snapshot: (id) => `${p.snapshots}/${id}`,
    snapshotManifest: (id, index) => `${p.snapshots}/${id}/${manifestNodeName(index)}`,
    objectKind: (kind) => `${p.objects}/${encodeName(kind)}`,
    sharedObject: (kind, name, uuid, hash) =>
      `${p.objects}/${encodeName(kind)}/${objectNodeName(name, uuid)}~${hash}`,
    snapshotKind: (id, kind) => `${p.snapshots}/${id}/${encodeName(kind)}`,
    snapshotObject: (id, kind, name, uuid) =>
      `${p.snapshots}/${id}/${encodeName(kind)}/${objectNodeName(name, uuid)}`,
    appliedKind: (kind) => `${p.applied}/${encodeName(kind)}`,
    appliedRecord: (kind, uuid) => `${p.applied}/${encodeName(kind)}/${encodeName(uuid)}`,
  };
}

/** `<name>~<uuid>`: the name for people browsing the tree, the uuid for uniqueness. */
export function objectNodeName(name: string, uuid: string): string {
  return `${encodeName(name)}~${encodeName(uuid)}`;
}

/** `manifest-0000`, `manifest-0001`, ...: names that sort in manifest order. */
export function manifestNodeName(index: number): string {
  return `manifest-${String(index).padStart(4, '0')}`;
}

export function parseObjectNodeName(nodeName: string): { name: string; uuid: string } {
  const parts = nodeName.split('~');
  if (parts.length !== 2) throw new Error(`not an object node name: ${JSON.stringify(nodeName)}`);
  return { name: decodeName(parts[0] ?? ''), uuid: decodeName(parts[1] ?? '') };
}

/** The 10-digit counter ZooKeeper appends to sequential nodes ("h-0000000042" -> 42). */
export function sequenceOf(nodeName: string): number | undefined {
  const m = /(\d{10})$/.exec(nodeName);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
