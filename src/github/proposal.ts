import { composeBody, markerFor } from './body.js';
import { GitHubError } from './errors.js';
import { driftFingerprint } from './drift-issue.js';
import type { GitHubPort, PullRequest } from './port.js';

export interface ProposalInput {
  environment: string;
  /** The branch the tool pushed, and the one it should merge into. */
  head: string;
  base: string;
  title: string;
  /** Markdown: what changed in Superset (the drift report and the pulled edits). */
  content: string;
  runUrl?: string;
}

export interface ProposalResult {
  action: 'opened' | 'updated' | 'unchanged';
  pull: PullRequest;
}

const fingerprintLine = (fp: string) => `<!-- proposal-fingerprint:${fp} -->`;

/** The branch of an environment's proposal: one per environment, so new edits join the open one. */
export function proposalBranch(environment: string): string {
  return `superset-gitops/pull/${environment.replace(/[^A-Za-z0-9._-]/g, '-')}`;
}

/**
 * One open pull request per environment: opened the first time, its description updated when what it
 * proposes changes, and left alone (no request that writes) when it does not. Timestamps alone in the
 * report do not count as a change.
 */
export async function syncProposal(github: GitHubPort, input: ProposalInput): Promise<ProposalResult> {
  const marker = markerFor(`proposal:${input.environment}`);
  const fp = driftFingerprint(input.content);
  const footer = [
    input.runUrl ? `<sub>superset-gitops · [workflow run](${input.runUrl})</sub>` : '',
    fingerprintLine(fp),
  ]
    .filter(Boolean)
    .join('\n');
  const body = composeBody(marker, input.content, footer);
  const open = await github.findOpenPull(input.head);
  if (open && open.base !== input.base)
    throw new GitHubError(
      `The open proposal #${open.number} merges into ${open.base}, and this run proposes into ${input.base}: run it from ${open.base}, or close #${open.number}.`,
    );
  if (!open) {
    const pull = await github.createPull({ title: input.title, body, head: input.head, base: input.base });
    return { action: 'opened', pull };
  }
  if (open.body.includes(fingerprintLine(fp)) && open.title === input.title)
    return { action: 'unchanged', pull: open };
  return { action: 'updated', pull: await github.updatePull(open.number, { title: input.title, body }) };
}
