// `watch --propose`: the leader waits until an edited object has been quiet for the whole period, then
// proposes it (branch pushed to a bare remote, one pull request on the recording GitHub server); two
// edits in quick succession make one proposal, and later polls propose nothing again.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from '../../unit/github/github-server.js';
import { startAgent, stopAgent, type AgentProcess } from '../drift/agent-process.js';
import { checkoutWithOrigin, git } from './git-remote.js';
import { applyFixture, createDriftFixture, type DriftFixture } from '../drift/fixture.js';

let fx: DriftFixture | undefined;
let github: FakeGitHub | undefined;
let agent: AgentProcess | undefined;
let origin: string | undefined;

afterAll(async () => {
  await stopAgent(agent);
  await github?.close();
  if (origin) fs.rmSync(origin, { recursive: true, force: true });
  await fx?.cleanup();
});

describe('watch --propose', () => {
  it('proposes edits once they have been quiet for the period, once', async () => {
    fx = createDriftFixture('wpropose');
    github = await startFakeGitHub();
    origin = checkoutWithOrigin(fx.dir);
    await applyFixture(fx);

    const quietMs = 5_000;
    agent = startAgent(
      fx.argv('watch', '--interval', '0.5', '--propose', '--propose-quiet', String(quietMs / 1000)),
      {
        GITHUB_TOKEN: 'test-token',
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORY: 'acme/analytics',
        GIT_AUTHOR_NAME: 'watch-bot',
        GIT_AUTHOR_EMAIL: 'watch-bot@example.com',
      },
    );
    await agent.waitFor((l) => l.event === 'check', 30_000);

    // Two edits of one chart in quick succession: one proposal holding both.
    const id = await fx.idOf('chart', fx.names.chart);
    await fx.admin.update('chart', id, { description: 'First edit' });
    const params = JSON.parse(String((await fx.admin.get('chart', id)).params)) as Record<string, unknown>;
    await fx.admin.update('chart', id, { params: JSON.stringify({ ...params, row_limit: 44 }) });
    const lastEdit = Date.now();
    await agent.waitFor((l) => l.event === 'drift' && l.attribute === 'params.row_limit', 30_000);

    const start = await agent.waitFor((l) => l.event === 'propose-start', 60_000);
    expect(start.targets).toEqual([`chart/${fx.names.chart}`]);
    // Not before the object had been quiet for the period. Superset stamps changed_on while it handles
    // the request, before this test sees the answer: the margin allows for a slow request.
    expect(start.at - lastEdit).toBeGreaterThanOrEqual(quietMs - 2_000);
    const done = await agent.waitFor((l) => l.event === 'propose-done' || l.event === 'error', 60_000);
    expect(done).toMatchObject({ event: 'propose-done', action: 'opened' });

    expect(github.writes()).toEqual(['POST /repos/acme/analytics/pulls']);
    const branch = `superset-gitops/pull/${fx.envName}`;
    const message = git(origin, 'log', '-1', '--format=%an|%B', `refs/heads/${branch}`);
    expect(message).toContain('watch-bot|Pull edits made in Superset');
    expect(message).toContain(`chart "${fx.names.chart}": description, params.row_limit`);

    // Later polls see the same edits: nothing is proposed again.
    const after = agent.lines.length;
    for (let i = 0; i < 4; i++) await agent.waitFor((l) => l.event === 'poll', 30_000, agent.lines.length);
    expect(agent.lines.slice(after).filter((l) => l.event === 'propose-start')).toEqual([]);
    expect(github.writes()).toEqual(['POST /repos/acme/analytics/pulls']);
  });
});
