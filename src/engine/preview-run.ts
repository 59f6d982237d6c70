// `preview`: a pull request's change applied to a (staging) environment as preview copies, with their
// own registry under `<root>/previews/<id>`, so a rerun updates them in place and `--destroy` removes
// exactly them; then PNGs of the changed charts and dashboards, copy and original side by side.
import path from 'node:path';
import { runDiff } from './diff-run.js';
import { slugify } from '../import/to-specs.js';
import type { ResolvedEnvironment } from '../environment/resolve.js';
import { UserError } from '../errors/user-error.js';
import type { CommitInfo } from '../git/head.js';
import { checkPreviewId, previewSet, type PreviewCopy } from '../preview/copies.js';
import { takeScreenshots, type ScreenshotTarget } from '../preview/screenshot.js';
import type { ApplyEvent } from '../apply/apply.js';
import { deleteTree, ZkClient } from '../zookeeper/index.js';
import { runApply } from './apply-run.js';
import type { Project } from './project.js';
import { connectServices, type Services } from './services.js';
import type { SecretScreen } from '../environment/screen.js';

export interface PreviewOptions {
  id: string;
  /** The revisions the change is between (the pull request's base and head); merge base as `diff`. */
  base: string;
  head: string;
  dir: string;
  cwd: string;
  commit: CommitInfo;
  lockTimeoutMs: number;
  /** Folder for the PNGs; none: no screenshots. */
  screenshots?: string;
  screen?: SecretScreen;
  onEvent?: (event: ApplyEvent) => void;
}

export interface PreviewedObject extends PreviewCopy {
  /** Superset id of the copy, and of the original when Superset has it. */
  id?: number;
  originalId?: number;
  url?: string;
  originalUrl?: string;
  /** PNGs of the copy and of the original (when it exists), for changed charts and dashboards. */
  png?: string;
  originalPng?: string;
}

export interface PreviewOutcome {
  id: string;
  objects: PreviewedObject[];
  created: number;
  updated: number;
  deleted: number;
  notes: string[];
  screenshotErrors: string[];
}

/** The environment as a preview sees it: the same Superset, its own registry under the root. */
export function previewEnvironment(env: ResolvedEnvironment, id: string): ResolvedEnvironment {
  return { ...env, zookeeper: { ...env.zookeeper, root: `${env.zookeeper.root}/previews/${id}` } };
}

function checkedId(id: string): string {
  const problem = checkPreviewId(id);
  if (problem) throw new UserError(problem, 'preview-id');
  return id;
}

/** Where Superset shows an object, for links. */
function supersetUrl(base: string, kind: string, id: number): string | undefined {
  const root = base.replace(/\/+$/, '');
  if (kind === 'chart') return `${root}/explore/?slice_id=${id}`;
  if (kind === 'dashboard') return `${root}/superset/dashboard/${id}/`;
  if (kind === 'dataset') return `${root}/explore/?datasource_type=table&datasource_id=${id}`;
  return undefined;
}

export async function runPreview(project: Project, options: PreviewOptions): Promise<PreviewOutcome> {
  const id = checkedId(options.id);
  const diff = await runDiff({
    base: options.base,
    head: options.head,
    dir: options.dir,
    mergeBase: true,
    prune: false,
    environments: [project.env.name],
    cwd: options.cwd,
  });
  if ('headErrors' in diff)
    throw new UserError(
      `${options.head} does not validate (${diff.headErrors.length} errors); run validate.`,
    );
  const plan = diff.report.environments.find((e) => e.name === project.env.name)?.plan;
  const touched = new Set(
    (plan?.changes ?? [])
      .filter((c) => c.action === 'create' || c.action === 'update')
      .map((c) => `${c.kind}/${c.name}`),
  );
  const set = previewSet(project.objects, touched, id);
  const services = await connectServices(previewEnvironment(project.env, id), undefined, {
    objects: set.objects,
    ...(options.screen ? { screen: options.screen } : {}),
  });
  try {
    // Prune within the preview's own registry: a copy the change no longer needs goes. That needs the
    // record key (or a registry on this machine), which a pull request's own code need not be given:
    // without it such copies stay until --destroy.
    const prune = !!services.secrets.key || services.secrets.loopback;
    if (!prune)
      set.notes.push(
        'no record key: copies an earlier push made and this one no longer needs stay until --destroy',
      );
    const run = await runApply(set.objects, services, {
      environment: project.env.name,
      commit: options.commit,
      lockTimeoutMs: options.lockTimeoutMs,
      prune,
      reuse: set.reused,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    if (run.outcome.failed)
      throw new UserError(
        `The preview stopped at ${run.outcome.failed.change.kind} ${JSON.stringify(run.outcome.failed.change.name)}: ${run.outcome.failed.error.message}`,
      );
    const objects = await locate(services, set.copies, project.env.superset.url);
    const screenshotErrors = options.screenshots
      ? await screenshots(objects, options.screenshots, project.env, id)
      : [];
    return {
      id,
      objects,
      created: run.outcome.created,
      updated: run.outcome.updated,
      deleted: run.outcome.deleted,
      notes: set.notes,
      screenshotErrors,
    };
  } finally {
    await services.close();
  }
}

/** Superset ids of the copies and of their originals, from one listing per kind. */
async function locate(
  services: Services,
  copies: readonly PreviewCopy[],
  base: string,
): Promise<PreviewedObject[]> {
  const ids = new Map<string, number>();
  for (const kind of ['dataset', 'chart', 'dashboard'] as const)
    for (const row of await services.port.list(kind)) ids.set(row.uuid, row.id);
  return copies.map((c) => {
    const id = ids.get(c.uuid);
    const originalId = ids.get(c.original);
    const url = id !== undefined ? supersetUrl(base, c.kind, id) : undefined;
    const originalUrl = originalId !== undefined ? supersetUrl(base, c.kind, originalId) : undefined;
    return {
      ...c,
      ...(id !== undefined ? { id } : {}),
      ...(originalId !== undefined ? { originalId } : {}),
      ...(url ? { url } : {}),
      ...(originalUrl ? { originalUrl } : {}),
    };
  });
}

/** A file name from an object's name (as `import` names its files). */
const fileSafe = (name: string) => slugify(name, 'object').slice(0, 60);

/** PNGs of each changed chart and dashboard: the copy, and the original where Superset has one. */
async function screenshots(
  objects: PreviewedObject[],
  folder: string,
  env: ResolvedEnvironment,
  id: string,
): Promise<string[]> {
  const targets: ScreenshotTarget[] = [];
  for (const o of objects) {
    if (!o.touched || (o.kind !== 'chart' && o.kind !== 'dashboard') || o.id === undefined) continue;
    const stem = path.join(folder, `${o.kind}-${fileSafe(o.name)}`);
    o.png = `${stem}-pr-${id}.png`;
    targets.push({ kind: o.kind, id: o.id, file: o.png });
    if (o.originalId !== undefined) {
      o.originalPng = `${stem}-current.png`;
      targets.push({ kind: o.kind, id: o.originalId, file: o.originalPng });
    }
  }
  let results;
  try {
    results = await takeScreenshots(targets, {
      url: env.superset.url,
      username: env.superset.username,
      password: env.superset.password.reveal(),
    });
  } catch (e) {
    // No browser, or no session: the copies are there all the same, and the report says why no PNGs.
    for (const o of objects) {
      delete o.png;
      delete o.originalPng;
    }
    return [`no screenshots: ${(e as Error).message}`];
  }
  const failed = results.filter((r) => !r.ok);
  for (const o of objects) {
    if (failed.some((f) => f.file === o.png)) delete o.png;
    if (failed.some((f) => f.file === o.originalPng)) delete o.originalPng;
  }
  return failed.map((f) => `${path.basename(f.file)}: ${f.error ?? 'failed'}`);
}

/**
 * Removes every object of preview `id` (and nothing else: only what its own registry owns) and then
 * the preview's registry.
 */
export async function destroyPreview(
  project: Project,
  options: Pick<PreviewOptions, 'id' | 'commit' | 'lockTimeoutMs' | 'screen' | 'onEvent'>,
): Promise<{ deleted: number; found: boolean }> {
  const id = checkedId(options.id);
  const env = previewEnvironment(project.env, id);
  // One plain session for what the registry does not do: whether the preview exists (opening its
  // registry would make it), and removing it at the end.
  const zk = await rawClient(env);
  try {
    if (!(await zk.exists(env.zookeeper.root))) return { deleted: 0, found: false };
    const services = await connectServices(env, undefined, options.screen ? { screen: options.screen } : {});
    let deleted: number;
    try {
      const notices: string[] = [];
      const run = await runApply([], services, {
        environment: project.env.name,
        commit: options.commit,
        lockTimeoutMs: options.lockTimeoutMs,
        prune: true,
        onNotice: (n) => notices.push(n),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      if (run.outcome.failed)
        throw new UserError(
          `Destroying preview ${id} stopped: ${run.outcome.failed.error.message}; rerun it.`,
        );
      deleted = run.outcome.deleted;
      // The registry goes only once it owns nothing: a record this run could not act on (not signed
      // with this key, say) would otherwise leave its object in Superset with nothing to find it by.
      const left = await services.registry.readAppliedState();
      if (left.records.length || left.unreadable.length)
        throw new UserError(
          `Preview ${id}: ${deleted} object(s) deleted, but its registry still records ${left.records.length + left.unreadable.length} (${[
            ...left.records.map((r) => `${r.kind} ${JSON.stringify(r.name)}`),
            ...left.unreadable.map((u) => `${u.kind} ${u.uuid}`),
          ].join(', ')}); its registry is kept.${notices.length ? ` ${notices.join(' ')}` : ''}`,
          'preview-destroy',
        );
    } finally {
      await services.close();
    }
    await deleteTree(zk, env.zookeeper.root);
    return { deleted, found: true };
  } finally {
    zk.close();
  }
}

/** A plain ZooKeeper session as the environment's writer, for what the registry does not do. */
function rawClient(env: ResolvedEnvironment): Promise<ZkClient> {
  const auth = env.zookeeper.auth;
  return ZkClient.connect({
    connect: env.zookeeper.connect,
    connectTimeoutMs: 10_000,
    ...(auth ? { auth: { user: auth.username, password: auth.password.reveal() } } : {}),
  });
}
