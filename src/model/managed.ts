// An environment's `mark_managed`: Superset's own `is_managed_externally` and `external_url` on what
// the tool writes, so Superset shows each object as managed elsewhere, with a link to its YAML. Pure.
//
// Only `is_managed_externally` is compared (desired: true): an object Superset shows without it gets
// one update, and then nothing more. `external_url` is never compared: it names the commit applied, so
// comparing it would rewrite every object on every new commit. It goes along with the creates and
// updates the plan makes anyway (the marking update included), so it names the commit that last
// changed the object. Superset's REST API never returns it (it is write-only there).

/** An environment's `mark_managed` settings, resolved. */
export interface ManagedSettings {
  /**
   * `repository_url` without trailing slashes. Absent: objects are marked without an `external_url`.
   * Allowed on purpose, as an optional setting is in Terraform or Argo CD: leaving it out turns off
   * only what it is for, the link. The marking itself (Superset's UI refusing to save edits that the
   * next apply would undo) needs none, and Superset 6.1's UI does not display `external_url` anyway
   * (it stores it; its API and exports never return it). A `repository_url` without `mark_managed`
   * is a validation warning.
   */
  repositoryUrl?: string;
}

/** The attribute the plan compares for a marking environment. */
export const MANAGED_ATTRIBUTE = 'is_managed_externally';

/** Fields Superset keeps about external management; drift and import never compare or write them. */
export const MANAGED_FIELDS = [MANAGED_ATTRIBUTE, 'external_url'] as const;

/** Whether an attribute path is one of Superset's marking fields (which the YAML never holds). */
export function isManagedField(path: string): boolean {
  return (MANAGED_FIELDS as readonly string[]).includes(path);
}

/** The fields a create or update body (or a bulk-create bundle file) of a marked object carries. */
export interface Marking {
  is_managed_externally: true;
  external_url?: string;
}

/** A commit SHA, full or abbreviated; anything else (`uncommitted` outside a git checkout) is not one. */
const SHA = /^[0-9a-f]{7,64}$/i;

/**
 * `<repository>/blob/<commit>/<path>`: the file as it was at the commit applied (`apply`: HEAD of the
 * checkout, even with uncommitted changes, the nearest commit there is; `rollback` and `watch --heal`:
 * the commit of the snapshot they apply). Without a commit (the metadata is not in a git checkout, so
 * the commit reads `uncommitted`) the link names `HEAD`, the repository's default branch, which is the
 * closest a link can get. The path is relative to the repository's root, `/`-separated, each segment
 * percent-encoded. `/blob/<ref>/<path>` is GitHub's form of a file link.
 */
export function externalUrl(repositoryUrl: string, commit: string, repoPath: string): string {
  const ref = SHA.test(commit) ? commit : 'HEAD';
  const file = repoPath
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map(encodeURIComponent)
    .join('/');
  return `${repositoryUrl.replace(/\/+$/, '')}/blob/${ref}/${file}`;
}

/**
 * What a write of one object carries: nothing when the environment does not mark; else
 * `is_managed_externally`, and `external_url` when the repository's address and the object's file are
 * known (a snapshot written before the environment marked objects has no file paths).
 */
export function markingFor(
  settings: ManagedSettings | undefined,
  commit: string,
  repoPath: string | undefined,
): Marking | undefined {
  if (!settings) return undefined;
  return {
    is_managed_externally: true,
    ...(settings.repositoryUrl && repoPath
      ? { external_url: externalUrl(settings.repositoryUrl, commit, repoPath) }
      : {}),
  };
}
