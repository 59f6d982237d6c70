import { createHash } from 'node:crypto';
import { composeBody, markerFor } from './body.js';
import type { GitHubPort, Issue } from './port.js';

export interface DriftIssueInput {
  environment: string;
  drift: boolean;
  /** The drift report (markdown), the issue's body. */
  report: string;
  /** Link to the run that checked, when known. */
  runUrl?: string;
  label: string;
}

export interface DriftIssueResult {
  action: 'opened' | 'updated' | 'unchanged' | 'closed' | 'none';
  issue?: Issue;
}

const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;

/** What the drift is, not when it was looked at: reports differ by their timestamps alone every run. */
export function driftFingerprint(report: string): string {
  return createHash('sha256').update(report.replace(ISO_TIME, 'T')).digest('hex').slice(0, 16);
}

const fingerprintLine = (fp: string) => `<!-- drift-fingerprint:${fp} -->`;

/**
 * One open issue per environment while it drifts: opened on the first drift, updated (with a
 * comment, so watchers hear of it) when the drift changes, closed when it is gone.
 */
export async function syncDriftIssue(github: GitHubPort, input: DriftIssueInput): Promise<DriftIssueResult> {
  const marker = markerFor(`drift:${input.environment}`);
  const open = (await github.listOpenIssues(input.label)).find((i) => i.body.startsWith(marker));
  const checked = input.runUrl ? `[this run](${input.runUrl})` : 'the last check';
  if (!input.drift) {
    if (!open) return { action: 'none' };
    await github.createComment(
      open.number,
      `No drift any more in \`${input.environment}\` as of ${checked}; closing.`,
    );
    return {
      action: 'closed',
      issue: await github.updateIssue(open.number, { state: 'closed', stateReason: 'completed' }),
    };
  }
  const fp = driftFingerprint(input.report);
  const footer = `${fingerprintLine(fp)}\nFound by ${checked}. superset-gitops updates this issue while the drift lasts and closes it when the drift is gone.`;
  const body = composeBody(marker, input.report, footer);
  if (!open) {
    await github.ensureLabel(input.label, 'd93f0b', 'Superset differs from git (superset-gitops drift)');
    const issue = await github.createIssue({
      title: `Superset drift in ${input.environment}`,
      body,
      labels: [input.label],
    });
    return { action: 'opened', issue };
  }
  if (open.body.includes(fingerprintLine(fp))) return { action: 'unchanged', issue: open };
  const issue = await github.updateIssue(open.number, { body });
  await github.createComment(
    open.number,
    `The drift in \`${input.environment}\` changed (found by ${checked}); the description above is the new report.`,
  );
  return { action: 'updated', issue };
}
