// `github propose` against live Superset and ZooKeeper, a real git remote (a bare repository) and the
// recording GitHub server: the first run pushes the branch and opens one pull request; a second run
// with no new edit makes no request that writes and pushes nothing; a new edit updates the same one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubProposeCommand } from '../../../src/cli/commands/github.js';
import type { Output } from '../../../src/cli/output.js';
import { startFakeGitHub, type FakeGitHub } from '../../unit/github/github-server.js';
import { checkoutWithOrigin, git, remoteHead as remoteHead_ } from './git-remote.js';
import { applyFixture, createDriftFixture, type DriftFixture } from '../drift/fixture.js';

let fx: DriftFixture;
let github: FakeGitHub;
let origin: string;
const branch = () => `superset-gitops/pull/${fx.envName}`;

async function propose(): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out: Output = {
    stdout: (t) => void (stdout += t),
    stderr: () => undefined,
    color: false,
    isTTY: false,
  };
  const env = {
    ...process.env,
    GITHUB_TOKEN: 'test-token',
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'acme/analytics',
    GITHUB_OUTPUT: '',
    GITHUB_STEP_SUMMARY: '',
  };
  const code = await githubProposeCommand(
    { env: fx.envName, dir: fx.metadataDir, remote: 'origin' },
    out,
    env,
  );
  return { code, stdout };
}

const remoteHead = () => remoteHead_(origin, branch());

async function editChart(fields: Record<string, unknown>): Promise<void> {
  await fx.admin.update('chart', await fx.idOf('chart', fx.names.chart), fields);
}

beforeAll(async () => {
  fx = createDriftFixture('propose');
  github = await startFakeGitHub();
  origin = checkoutWithOrigin(fx.dir);
  await applyFixture(fx);
});

afterAll(async () => {
  await github?.close();
  if (origin) fs.rmSync(origin, { recursive: true, force: true });
  await fx?.cleanup();
});

describe('github propose', () => {
  it('proposes nothing while Superset matches git', async () => {
    const r = await propose();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing to propose');
    expect(github.writes()).toEqual([]);
    expect(remoteHead()).toBeUndefined();
  });

  it('pushes the branch and opens one pull request naming who changed what', async () => {
    await editChart({ description: 'Edited in the UI' });
    const r = await propose();
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('proposal opened');
    expect(github.writes()).toEqual(['POST /repos/acme/analytics/pulls']);
    expect(github.pulls).toHaveLength(1);
    const pull = github.pulls[0]!;
    expect(pull).toMatchObject({ head: branch(), base: 'main', state: 'open' });
    expect(pull.body).toContain(`chart "${fx.names.chart}"`);
    expect(pull.body).toContain('`description`');

    const head = remoteHead() as string;
    expect(git(origin, 'log', '-1', '--format=%B', head)).toMatch(
      new RegExp(`chart "${fx.names.chart}": description \\(by .+ at \\d{4}-`),
    );
    expect(git(origin, 'diff', '--name-only', 'main', head)).toBe(`metadata/${fx.files.chart}`);
    expect(git(origin, 'diff', 'main', head, '--', `metadata/${fx.files.chart}`)).toContain(
      '+description: Edited in the UI',
    );
    // The checkout is left on main, clean.
    expect(git(fx.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(fx.dir, 'status', '--porcelain')).toBe('');
  });

  it('a second run with no new edit writes nothing anywhere', async () => {
    const before = remoteHead();
    const requests = github.requests.length;
    const r = await propose();
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('proposal unchanged');
    expect(remoteHead()).toBe(before);
    expect(github.requests.slice(requests).map((q) => q.method)).toEqual(['GET']);
  });

  it('a new edit updates the same pull request and its branch', async () => {
    const before = remoteHead();
    const chart = await fx.admin.get('chart', await fx.idOf('chart', fx.names.chart));
    const params = JSON.parse(String(chart.params)) as Record<string, unknown>;
    await editChart({ params: JSON.stringify({ ...params, row_limit: 33 }) });
    const r = await propose();
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('proposal updated');
    expect(github.writes()).toEqual([
      'POST /repos/acme/analytics/pulls',
      'PATCH /repos/acme/analytics/pulls/1',
    ]);
    expect(github.pulls).toHaveLength(1);
    expect(github.pulls[0]!.body).toContain('`params.row_limit`');
    const head = remoteHead() as string;
    expect(head).not.toBe(before);
    expect(git(origin, 'diff', 'main', head, '--', `metadata/${fx.files.chart}`)).toContain(
      '+  row_limit: 33',
    );
  });

  it("never overwrites someone's commit on the proposal branch, and leaves the checkout as it was", async () => {
    // A reviewer pushes a fix onto the proposal branch.
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'propose-reviewer-'));
    try {
      git(other, 'clone', '-q', '--branch', branch(), origin, 'repo');
      const repo = path.join(other, 'repo');
      const file = path.join(repo, 'metadata', fx.files.chart);
      fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}# reviewed\n`);
      git(repo, '-c', 'user.name=Bea', '-c', 'user.email=bea@example.com', 'commit', '-qam', 'review fix');
      git(repo, 'push', '-q', 'origin', branch());
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
    const pushed = remoteHead();
    await editChart({ description: 'Edited once more' });
    const requests = github.requests.length;
    await expect(propose()).rejects.toThrow(
      /has work that is not this tool's \(its last commit is by bea@example.com/,
    );
    expect(remoteHead()).toBe(pushed);
    expect(github.requests.length).toBe(requests);
    expect(git(fx.dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(fx.dir, 'status', '--porcelain')).toBe('');
  });
});
