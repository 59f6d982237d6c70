// `github propose` and `watch --propose`: pull on the environment's proposal branch, commit, push, and
// open or update its one pull request. Services are the caller's (the agent keeps its own open).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors/user-error.js';
import { repositoryRoot } from '../git/head.js';
import { pushProposal } from '../git/proposal.js';
import type { GitHubPort } from '../github/port.js';
import { proposalBranch, syncProposal, type ProposalResult } from '../github/proposal.js';
import { writeObjects } from '../import/write-tree.js';
import { driftAsMarkdown } from '../report/drift-text.js';
import { proposalMarkdown, proposalMessage, pulledLines } from '../report/pull-text.js';
import { runDrift } from './drift-run.js';
import type { Project } from './project.js';
import { runPull } from './pull-run.js';
import type { Services } from './services.js';

export interface ProposeOptions {
  github: GitHubPort;
  remote: string;
  author: { name: string; email: string };
  includeUnmanaged?: boolean;
  /** `kind/name` of the objects to propose; all edited ones when empty. */
  targets?: string[];
  runUrl?: string;
  /** Writes a file's new text (the CLI screens it for secrets first). */
  writeFile?: (file: string, absolute: string, text: string) => void;
  /** Throws when a text holds a secret of this run (the CLI's screen): the commit message, the body. */
  check?: (text: string, where: string) => void;
}

export interface ProposeOutcome {
  /** nothing: no edit to propose; else what happened to the pull request. */
  action: 'nothing' | ProposalResult['action'];
  branch: string;
  pushed: boolean;
  lines: string[];
  pull?: ProposalResult['pull'];
}

export async function runPropose(
  project: Project,
  services: Services,
  options: ProposeOptions,
): Promise<ProposeOutcome> {
  const repoDir = await repositoryRoot(project.metadataDir);
  if (!repoDir)
    throw new UserError(`${project.metadataDir} is not in a git checkout; propose commits to one.`);
  const includeUnmanaged = options.includeUnmanaged ?? false;
  const targets = options.targets ?? [];
  const branch = proposalBranch(project.env.name);
  const result = await runPull(project, services, { includeUnmanaged, targets });
  const lines = pulledLines(result);
  if (!result.files.length && !result.created.length)
    return { action: 'nothing', branch, pushed: false, lines };
  const report = await runDrift(project.objects, services, {
    environment: project.env.name,
    gitCommit: null,
    ignoreUnmanaged: !includeUnmanaged,
  });
  const write = options.writeFile ?? ((_file, absolute, text) => writeFileSync(absolute, text));
  const message = proposalMessage(project.env.name, result);
  const body = proposalMarkdown(project.env.name, result, driftAsMarkdown(report));
  for (const f of result.files) options.check?.(f.text, f.file);
  for (const o of result.created) options.check?.(JSON.stringify(o.spec), `the new ${o.kind} file`);
  options.check?.(message, 'the commit message');
  options.check?.(body, 'the pull request description');
  const push = await pushProposal(repoDir, {
    branch,
    remote: options.remote,
    message,
    author: options.author,
    paths: [path.relative(repoDir, project.metadataDir) || '.'],
    write: async () => {
      for (const f of result.files) write(f.file, f.absolute, f.text);
      await writeObjects(project.metadataDir, result.created);
    },
  });
  if (push.action === 'nothing') return { action: 'nothing', branch, pushed: false, lines };
  const n = lines.length;
  const sync = await syncProposal(options.github, {
    environment: project.env.name,
    head: branch,
    base: push.base,
    title: `Superset edits in ${project.env.name} (${n} object${n === 1 ? '' : 's'})`,
    content: body,
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
  });
  return { action: sync.action, branch, pushed: push.action === 'pushed', lines, pull: sync.pull };
}

/** Who the proposal's commit is by: GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL, else the tool. */
export function proposalAuthor(env: Record<string, string | undefined>): { name: string; email: string } {
  return {
    name: env.GIT_AUTHOR_NAME || 'superset-gitops',
    email: env.GIT_AUTHOR_EMAIL || 'superset-gitops@users.noreply.github.com',
  };
}
