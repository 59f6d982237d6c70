import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY, markerFor } from '../../../src/github/body.js';
import { octokitPort } from '../../../src/github/octokit.js';
import type { GitHubPort } from '../../../src/github/port.js';
import { upsertStickyComment } from '../../../src/github/sticky-comment.js';
import { startFakeGitHub, type FakeGitHub } from './github-server.js';

let gh: FakeGitHub;
let port: GitHubPort;
const PR = 7;
const marker = markerFor('plan');

beforeEach(async () => {
  gh = await startFakeGitHub();
  port = octokitPort({ token: 'test-token', apiUrl: gh.url, owner: 'acme', repo: 'analytics' });
});

afterEach(async () => {
  await gh.close();
});

const ours = () => gh.comments.filter((c) => c.issue === PR && c.body.startsWith(marker));

describe('sticky pull-request comment', () => {
  it('creates on the first run, updates the same comment on the second, never duplicates', async () => {
    gh.seedComment(PR, 'LGTM');
    const first = await upsertStickyComment(port, PR, 'plan', '### Plan\n1 to create');
    expect(first.action).toBe('created');
    expect(gh.writes()).toEqual(['POST /repos/acme/analytics/issues/7/comments']);

    const second = await upsertStickyComment(port, PR, 'plan', '### Plan\n2 to create');
    expect(second).toMatchObject({ action: 'updated', id: first.id, removed: 0 });
    expect(gh.writes()).toEqual([
      'POST /repos/acme/analytics/issues/7/comments',
      `PATCH /repos/acme/analytics/issues/comments/${first.id}`,
    ]);
    expect(ours()).toHaveLength(1);
    expect(ours()[0]!.body).toBe(`${marker}\n### Plan\n2 to create`);
    expect(gh.comments.find((c) => c.body === 'LGTM')).toBeDefined();
  });

  it('an identical body is left alone: no write at all', async () => {
    await upsertStickyComment(port, PR, 'plan', 'same');
    const writes = gh.writes().length;
    expect((await upsertStickyComment(port, PR, 'plan', 'same')).action).toBe('unchanged');
    expect(gh.writes()).toHaveLength(writes);
  });

  it('finds its comment on a later page of a long discussion', async () => {
    for (let i = 0; i < 150; i++) gh.seedComment(PR, `comment ${i}`);
    const first = await upsertStickyComment(port, PR, 'plan', 'v1');
    gh.requests.length = 0;
    const second = await upsertStickyComment(port, PR, 'plan', 'v2');
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    const pages = gh.requests.filter((r) => r.method === 'GET').map((r) => r.query.get('page') ?? '1');
    expect(pages).toEqual(['1', '2']);
    expect(ours()).toHaveLength(1);
  });

  it('removes duplicates left by runs that raced, but never a person’s comment quoting the marker', async () => {
    const a = gh.seedComment(PR, `${marker}\nold A`, 'github-actions[bot]');
    gh.seedComment(PR, `${marker}\nold B`, 'github-actions[bot]');
    const quoted = gh.seedComment(PR, `${marker}\nI copied this`, 'alice');
    const result = await upsertStickyComment(port, PR, 'plan', 'new');
    expect(result).toMatchObject({ action: 'updated', id: a.id, removed: 1 });
    expect(gh.comments.map((c) => c.id)).toEqual([a.id, quoted.id]);
    expect(gh.comments.find((c) => c.id === a.id)?.body).toBe(`${marker}\nnew`);
  });

  it('keeps one comment per marker', async () => {
    await upsertStickyComment(port, PR, 'plan', 'plan');
    await upsertStickyComment(port, PR, 'drift', 'drift');
    await upsertStickyComment(port, PR, 'plan', 'plan 2');
    expect(gh.comments.map((c) => c.body)).toEqual([`${marker}\nplan 2`, `${markerFor('drift')}\ndrift`]);
  });

  it('cuts a body over GitHub’s limit at a line, closes an open code fence, keeps the footer', async () => {
    const long =
      '```diff\n' + Array.from({ length: 5000 }, (_, i) => `+ line ${i} ${'x'.repeat(20)}`).join('\n');
    await upsertStickyComment(port, PR, 'plan', long, '<sub>run</sub>');
    const body = ours()[0]!.body;
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body).toMatch(/\n```\n\n… cut: \d+ characters, GitHub allows 65536/);
    expect(body.endsWith('\n\n<sub>run</sub>')).toBe(true);
  });

  it('a read-only token (a fork’s pull request) fails with what permission is missing', async () => {
    gh.readOnly = true;
    const error = await upsertStickyComment(port, PR, 'plan', 'x').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'GitHubError', status: 403 });
    expect((error as Error).message).toContain('`pull-requests: write`');
    expect((error as Error).message).toContain('forks');
    expect((error as Error).message).not.toContain('test-token');
  });

  it('sends the token as GitHub expects and rejects a marker that could break out of the comment', async () => {
    await upsertStickyComment(port, PR, 'plan', 'x');
    expect(gh.requests.every((r) => r.authorization === 'token test-token')).toBe(true);
    await expect(upsertStickyComment(port, PR, 'x --> <b>', 'x')).rejects.toThrow(/Marker/);
  });
});
