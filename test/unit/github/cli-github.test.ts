import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';
import { startFakeGitHub, type FakeGitHub } from './github-server.js';
import { previewAsMarkdown } from '../../../src/report/preview-text.js';

function recorder(): Output & { out: string; err: string } {
  const r = { out: '', err: '', color: false, isTTY: false } as Output & { out: string; err: string };
  r.stdout = (t) => void (r.out += t);
  r.stderr = (t) => void (r.err += t);
  return r;
}

let gh: FakeGitHub;
let dir: string;
// @actions/core remembers the summary file of the first write for the life of the process.
let summary: string;

beforeAll(async () => {
  summary = path.join(await mkdtemp(path.join(tmpdir(), 'sg-github-summary-')), 'summary.md');
});

beforeEach(async () => {
  gh = await startFakeGitHub();
  dir = await mkdtemp(path.join(tmpdir(), 'sg-github-cli-'));
  await writeFile(
    path.join(dir, 'event.json'),
    JSON.stringify({ action: 'synchronize', pull_request: { number: 12 } }),
  );
  await writeFile(summary, '');
  await writeFile(path.join(dir, 'output'), '');
  vi.stubEnv('GITHUB_TOKEN', 'test-token');
  vi.stubEnv('GITHUB_API_URL', gh.url);
  vi.stubEnv('GITHUB_REPOSITORY', 'acme/analytics');
  vi.stubEnv('GITHUB_EVENT_PATH', path.join(dir, 'event.json'));
  vi.stubEnv('GITHUB_SERVER_URL', 'https://github.example');
  vi.stubEnv('GITHUB_RUN_ID', '99');
  vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
  vi.stubEnv('GITHUB_OUTPUT', path.join(dir, 'output'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await gh.close();
});

describe('superset-gitops github comment', () => {
  it('carries the preview section: links to the copies and the current objects, the images in the artifact', async () => {
    const preview = previewAsMarkdown(
      {
        id: '12',
        created: 3,
        updated: 0,
        deleted: 0,
        notes: [],
        screenshotErrors: [],
        objects: [
          {
            kind: 'dashboard',
            name: 'sales',
            uuid: 'u1',
            original: 'o1',
            touched: true,
            id: 40,
            url: 'https://superset.example/superset/dashboard/40/',
            originalId: 2,
            originalUrl: 'https://superset.example/superset/dashboard/2/',
            png: '/w/preview-png/dashboard-sales-pr-12.png',
            originalPng: '/w/preview-png/dashboard-sales-current.png',
          },
        ],
      },
      undefined,
      'https://github.example/acme/analytics/actions/runs/99#artifacts',
    );
    await writeFile(path.join(dir, 'diff.md'), '### diff\n1 to change\n');
    await writeFile(path.join(dir, 'preview.md'), preview);
    const out = recorder();
    const code = await main(
      ['github', 'comment', '--file', path.join(dir, 'diff.md'), '--file', path.join(dir, 'preview.md')],
      out,
    );
    expect(code, out.err).toBe(0);
    expect(gh.writes()).toEqual(['POST /repos/acme/analytics/issues/12/comments']);
    const body = gh.comments[0]?.body ?? '';
    expect(body).toContain('### Preview');
    expect(body).toContain(
      '| dashboard "sales" | [open](https://superset.example/superset/dashboard/40/) | [open](https://superset.example/superset/dashboard/2/) | `dashboard-sales-pr-12.png` `dashboard-sales-current.png` |',
    );
    expect(body).toContain(
      "The images are in the run's [`preview` artifact](https://github.example/acme/analytics/actions/runs/99#artifacts).",
    );
    expect(body.indexOf('### diff')).toBeLessThan(body.indexOf('### Preview'));
  });

  it('posts once and then edits the same comment on each push; writes the job summary', async () => {
    await writeFile(path.join(dir, 'diff.md'), '### diff\n1 to create\n');
    await writeFile(path.join(dir, 'plan.md'), '### plan for staging\n');
    const args = [
      'github',
      'comment',
      '--file',
      path.join(dir, 'diff.md'),
      '--file',
      path.join(dir, 'plan.md'),
      '--summary',
    ];
    const first = recorder();
    expect(await main(args, first)).toBe(0);
    expect(first.out).toMatch(
      /^comment created on #12: https:\/\/github\.example\/acme\/analytics\/pull\/12#issuecomment-\d+\n$/,
    );

    await writeFile(path.join(dir, 'diff.md'), '### diff\n2 to create\n');
    const second = recorder();
    expect(await main(args, second)).toBe(0);
    expect(second.out).toMatch(/^comment updated on #12/);

    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toBe(
      '<!-- superset-gitops:plan -->\n### diff\n2 to create\n\n### plan for staging\n\n<sub>superset-gitops · [workflow run](https://github.example/acme/analytics/actions/runs/99)</sub>',
    );
    const written = await readFile(summary, 'utf8');
    expect(written).toContain('### diff\n1 to create');
    expect(written).toContain('### diff\n2 to create');
    expect(await readFile(path.join(dir, 'output'), 'utf8')).toContain('comment-url<<');
  });

  it('--pr and --repo override the workflow context', async () => {
    vi.stubEnv('GITHUB_EVENT_PATH', '');
    await writeFile(path.join(dir, 'a.md'), 'a');
    const out = recorder();
    expect(
      await main(
        ['github', 'comment', '--file', path.join(dir, 'a.md'), '--pr', '3', '--repo', 'acme/analytics'],
        out,
      ),
    ).toBe(0);
    expect(gh.comments[0]).toMatchObject({ issue: 3 });
  });

  it('fails with one clear line: no token, no pull request, missing file, read-only token', async () => {
    await writeFile(path.join(dir, 'a.md'), 'a');
    const file = path.join(dir, 'a.md');

    vi.stubEnv('GITHUB_TOKEN', '');
    let out = recorder();
    expect(await main(['github', 'comment', '--file', file], out)).toBe(1);
    expect(out.err).toBe(
      'error: GITHUB_TOKEN is not set; pass it to the step (env: GITHUB_TOKEN: ${{ github.token }}).\n',
    );
    vi.stubEnv('GITHUB_TOKEN', 'test-token');

    await writeFile(path.join(dir, 'event.json'), JSON.stringify({ ref: 'refs/heads/main' }));
    vi.stubEnv('GITHUB_EVENT_NAME', 'push');
    out = recorder();
    expect(await main(['github', 'comment', '--file', file], out)).toBe(1);
    expect(out.err).toMatch(
      /^error: The event in .* is not about a pull request \(GITHUB_EVENT_NAME=push\); pass --pr N\.\n$/,
    );

    out = recorder();
    expect(await main(['github', 'comment', '--file', path.join(dir, 'nope.md'), '--pr', '1'], out)).toBe(1);
    expect(out.err).toMatch(/^error: Cannot read .*nope\.md: ENOENT\.\n$/);

    gh.readOnly = true;
    out = recorder();
    expect(await main(['github', 'comment', '--file', file, '--pr', '1'], out)).toBe(1);
    expect(out.err).toMatch(/^error: GitHub refused commenting on #1 on acme\/analytics \(403 /);
    expect(out.err.split('\n')).toHaveLength(2);
    expect(gh.comments).toHaveLength(0);
  });
});

describe('superset-gitops github drift-issue', () => {
  it('opens, updates, closes through the command line', async () => {
    const reportFile = path.join(dir, 'drift.md');
    const run = async (drift: string) => {
      const out = recorder();
      const code = await main(
        ['github', 'drift-issue', '--env', 'staging', '--drift', drift, '--report', reportFile],
        out,
      );
      return { code, out: out.out, err: out.err };
    };
    await writeFile(reportFile, 'Drift: 1 edited in Superset\n');
    expect(await run('true')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^drift issue opened for staging: #1 /) as unknown,
    });
    await writeFile(reportFile, 'Drift: 2 edited in Superset\n');
    expect((await run('true')).out).toMatch(/^drift issue updated for staging: #1 /);
    expect((await run('false')).out).toMatch(/^drift issue closed for staging: #1 /);
    expect((await run('false')).out).toBe('no drift in staging and no open drift issue: nothing to do\n');
    expect(gh.issues).toHaveLength(1);
    expect(await readFile(summary, 'utf8')).toContain('drift issue closed for staging');

    const bad = await run('maybe');
    expect(bad).toMatchObject({ code: 1, err: 'error: --drift must be true or false, got "maybe".\n' });
  });
});
