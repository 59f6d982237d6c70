import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markerFor } from '../../../src/github/body.js';
import { driftFingerprint, syncDriftIssue, type DriftIssueInput } from '../../../src/github/drift-issue.js';
import { octokitPort } from '../../../src/github/octokit.js';
import type { GitHubPort } from '../../../src/github/port.js';
import { startFakeGitHub, type FakeGitHub } from './github-server.js';

let gh: FakeGitHub;
let port: GitHubPort;
const LABEL = 'superset-gitops-drift';

beforeEach(async () => {
  gh = await startFakeGitHub();
  port = octokitPort({ token: 'test-token', apiUrl: gh.url, owner: 'acme', repo: 'analytics' });
});

afterEach(async () => {
  await gh.close();
});

const report = (finding: string, at = '2026-01-02T03:04:05.678Z') =>
  `### Drift report: \`staging\`\n\nGenerated ${at}.\n\n| superset | chart | Revenue | ${finding} |\n`;

const input = (drift: boolean, text = '', environment = 'staging'): DriftIssueInput => ({
  environment,
  drift,
  report: text,
  label: LABEL,
  runUrl: 'https://github.example/acme/analytics/actions/runs/42',
});

describe('drift issue', () => {
  it('opened on drift, left alone while the same drift lasts, updated when it changes, closed when gone', async () => {
    const opened = await syncDriftIssue(port, input(true, report('row_limit: 100 -> 500')));
    expect(opened.action).toBe('opened');
    expect(gh.writes()).toEqual(['POST /repos/acme/analytics/labels', 'POST /repos/acme/analytics/issues']);
    const issue = gh.issues[0]!;
    expect(issue).toMatchObject({ title: 'Superset drift in staging', state: 'open', labels: [LABEL] });
    expect(issue.body.startsWith(markerFor('drift:staging'))).toBe(true);
    expect(issue.body).toContain('row_limit: 100 -> 500');
    expect(issue.body).toContain('[this run](https://github.example/acme/analytics/actions/runs/42)');

    // Same findings, a later timestamp: nothing to tell anyone.
    gh.requests.length = 0;
    const same = await syncDriftIssue(
      port,
      input(true, report('row_limit: 100 -> 500', '2026-01-02T04:04:05Z')),
    );
    expect(same.action).toBe('unchanged');
    expect(gh.writes()).toEqual([]);

    const more = await syncDriftIssue(port, input(true, report('row_limit: 100 -> 900')));
    expect(more).toMatchObject({ action: 'updated', issue: { number: issue.number } });
    expect(gh.writes()).toEqual([
      `PATCH /repos/acme/analytics/issues/${issue.number}`,
      `POST /repos/acme/analytics/issues/${issue.number}/comments`,
    ]);
    expect(gh.issues).toHaveLength(1);
    expect(issue.body).toContain('row_limit: 100 -> 900');
    expect(gh.comments.at(-1)?.body).toContain('The drift in `staging` changed');

    gh.requests.length = 0;
    const closed = await syncDriftIssue(port, input(false));
    expect(closed.action).toBe('closed');
    expect(issue).toMatchObject({ state: 'closed', state_reason: 'completed' });
    expect(gh.comments.at(-1)?.body).toContain('No drift any more in `staging`');
    expect(gh.requests.find((r) => r.method === 'PATCH')?.body).toEqual({
      state: 'closed',
      state_reason: 'completed',
    });
  });

  it('no drift and no open issue: reads only', async () => {
    expect((await syncDriftIssue(port, input(false))).action).toBe('none');
    expect(gh.writes()).toEqual([]);
  });

  it('drift after a closed issue opens a new one; the label is created once', async () => {
    await syncDriftIssue(port, input(true, report('a')));
    await syncDriftIssue(port, input(false));
    await syncDriftIssue(port, input(true, report('b')));
    expect(gh.issues.map((i) => i.state)).toEqual(['closed', 'open']);
    expect(gh.writes().filter((w) => w.endsWith('/labels'))).toEqual(['POST /repos/acme/analytics/labels']);
  });

  it('one issue per environment; issues and pull requests without our marker are not ours', async () => {
    gh.labels.add(LABEL);
    const foreign = gh.seedIssue({ title: 'Someone else', body: 'drift?', labels: [LABEL] });
    gh.seedIssue({ title: 'A PR', body: markerFor('drift:staging'), labels: [LABEL], pull_request: true });
    await syncDriftIssue(port, input(true, report('a'), 'staging'));
    await syncDriftIssue(port, input(true, report('a'), 'production'));
    await syncDriftIssue(port, input(false, '', 'staging'));
    const byTitle = Object.fromEntries(gh.issues.map((i) => [i.title, i.state]));
    expect(byTitle).toEqual({
      'Someone else': 'open',
      'A PR': 'open',
      'Superset drift in staging': 'closed',
      'Superset drift in production': 'open',
    });
    expect(foreign.body).toBe('drift?');
  });

  it('a token without issues: write gets a message that says so', async () => {
    gh.readOnly = true;
    await expect(syncDriftIssue(port, input(true, report('a')))).rejects.toThrow(/`issues: write`/);
  });

  it('the fingerprint ignores timestamps and nothing else', () => {
    expect(driftFingerprint(report('x', '2026-01-01T00:00:00Z'))).toBe(
      driftFingerprint(report('x', '2026-02-03T10:11:12.123+02:00')),
    );
    expect(driftFingerprint(report('x'))).not.toBe(driftFingerprint(report('y')));
  });
});
