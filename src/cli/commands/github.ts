import { readFileSync } from 'node:fs';
import { loadProject } from '../../engine/project.js';
import { proposalAuthor, runPropose } from '../../engine/propose-run.js';
import { connectServices } from '../../engine/services.js';
import { setStepOutputs, writeJobSummary } from '../../github/actions.js';
import { readContext, pullRequestNumber } from '../../github/context.js';
import { syncDriftIssue } from '../../github/drift-issue.js';
import { octokitPort, type OctokitPortOptions } from '../../github/octokit.js';
import type { GitHubPort } from '../../github/port.js';
import { upsertStickyComment } from '../../github/sticky-comment.js';
import { UserError } from '../../errors/user-error.js';
import type { Output } from '../output.js';

type ProcessEnv = Record<string, string | undefined>;

export interface ProposeOptions {
  env: string;
  dir: string;
  repo?: string;
  remote: string;
  includeUnmanaged?: boolean;
}
type MakePort = (options: OctokitPortOptions) => GitHubPort;

export interface CommentOptions {
  file: string[];
  marker: string;
  pr?: number;
  repo?: string;
  summary?: boolean;
}

export interface DriftIssueOptions {
  report?: string;
  drift: string;
  env: string;
  label: string;
  repo?: string;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
}

/** The sticky pull-request comment: created once, then edited in place on every run. */
export async function githubCommentCommand(
  options: CommentOptions,
  out: Output,
  env: ProcessEnv = process.env,
  makePort: MakePort = octokitPort,
): Promise<number> {
  const content = options.file
    .map(readText)
    .map((t) => t.trimEnd())
    .join('\n\n');
  const context = readContext(env, options.repo);
  const pr = pullRequestNumber(env, options.pr);
  const footer = context.runUrl ? `<sub>superset-gitops · [workflow run](${context.runUrl})</sub>` : '';
  const result = await upsertStickyComment(makePort(context), pr, options.marker, content, footer);
  const removed = result.removed ? ` (${result.removed} duplicate(s) removed)` : '';
  out.stdout(`comment ${result.action} on #${pr}: ${result.url}${removed}\n`);
  if (options.summary) await writeJobSummary(content + '\n');
  setStepOutputs({ 'comment-url': result.url });
  return 0;
}

/** Opens, updates or closes the drift issue of an environment. */
export async function githubDriftIssueCommand(
  options: DriftIssueOptions,
  out: Output,
  env: ProcessEnv = process.env,
  makePort: MakePort = octokitPort,
): Promise<number> {
  if (options.drift !== 'true' && options.drift !== 'false')
    throw new UserError(`--drift must be true or false, got ${JSON.stringify(options.drift)}.`);
  const drift = options.drift === 'true';
  if (drift && !options.report)
    throw new UserError('--drift true needs --report FILE (the drift report, markdown).');
  const report = drift && options.report ? readText(options.report) : '';
  const context = readContext(env, options.repo);
  const result = await syncDriftIssue(makePort(context), {
    environment: options.env,
    drift,
    report,
    label: options.label,
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  });
  const line = result.issue
    ? `drift issue ${result.action} for ${options.env}: #${result.issue.number} ${result.issue.url}`
    : `no drift in ${options.env} and no open drift issue: nothing to do`;
  out.stdout(line + '\n');
  await writeJobSummary(`${line}\n`);
  if (result.issue) setStepOutputs({ 'issue-url': result.issue.url, 'issue-action': result.action });
  return 0;
}

/**
 * `pull` on the environment's proposal branch, committed, pushed and opened (or updated) as one pull
 * request per environment. Exit 0 whether or not there was something to propose.
 */
export async function githubProposeCommand(
  options: ProposeOptions,
  out: Output,
  env: ProcessEnv = process.env,
  makePort: MakePort = octokitPort,
): Promise<number> {
  const context = readContext(env, options.repo);
  const project = await loadProject(options.dir, options.env);
  const services = await connectServices(project.env, undefined, {
    objects: project.objects,
    ...(out.screen ? { screen: out.screen } : {}),
  });
  let outcome;
  try {
    outcome = await runPropose(project, services, {
      github: makePort(context),
      remote: options.remote,
      author: proposalAuthor(env),
      includeUnmanaged: options.includeUnmanaged ?? false,
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
      // Every file, the commit message and the description pass the screen before anything is written.
      check: (text, where) => out.screen?.check(text, where),
    });
  } finally {
    await services.close();
  }
  if (outcome.action === 'nothing' || !outcome.pull) {
    out.stdout(`nothing to propose for ${project.env.name}: no managed object was edited in Superset\n`);
    return 0;
  }
  const line = `proposal ${outcome.action} for ${project.env.name}: #${outcome.pull.number} ${outcome.pull.url} (branch ${outcome.branch} ${outcome.pushed ? 'pushed' : 'already up to date'})`;
  out.stdout(`${outcome.lines.map((l) => `  ${l}`).join('\n')}\n${line}\n`);
  await writeJobSummary(`${line}\n`);
  setStepOutputs({ 'pull-request-url': outcome.pull.url, 'proposal-action': outcome.action });
  return 0;
}
