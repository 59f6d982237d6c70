// Desired snapshots published by two applies of two commits, read back whole while another client
// re-points `current`; `rollback --to` re-points and re-applies the older one. The CLI runs as
// separate processes on a temporary git repository.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/registry/index.js';
import { ensureBuilt, looksLikeCleanFailure } from './cli-process.js';
import { createTestProject, type TestProject } from './test-project.js';

/** row_limit of every chart in a snapshot: tells which commit's content a reader got. */
function rowLimits(snapshot: Snapshot): number[] {
  return snapshot.objects
    .filter((o) => o.kind === 'chart')
    .map((o) => (o.body as { spec: { params: { row_limit: number } } }).spec.params.row_limit);
}

describe('registry snapshots and rollback through the CLI', () => {
  let project: TestProject | undefined;
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    await project?.cleanup();
    project = undefined;
  });

  /** Applies commit A (row_limit 10), then commit B (row_limit 20). */
  async function applyTwoCommits(p: TestProject): Promise<{ shaA: string; shaB: string }> {
    p.setRowLimit(10);
    const shaA = p.commit('A: row_limit 10');
    expect((await p.run(['apply'])).code).toBe(0);
    p.setRowLimit(20);
    const shaB = p.commit('B: row_limit 20');
    const second = await p.run(['apply']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('2 updated');
    return { shaA, shaB };
  }

  it('keeps both snapshots, and readers get one whole snapshot while another client re-points', async () => {
    project = createTestProject('snaps');
    const { shaA, shaB } = await applyTwoCommits(project);
    const reader = await project.registry();
    const snapshots = await reader.listSnapshots();
    expect(snapshots.map((s) => s.commit)).toEqual([shaB, shaA]); // newest first
    expect(snapshots.every((s) => s.complete && s.objectCount === 4)).toBe(true);
    expect((await reader.readPointer())?.commit).toBe(shaB);

    const mover = await project.registry();
    const expected = new Map([
      [shaA, [10, 10]],
      [shaB, [20, 20]],
    ]);
    const deadline = Date.now() + 2500;
    let moves = 0;
    const seen = new Map<string, number>();
    const moving = (async () => {
      for (let i = 0; Date.now() < deadline; i++) {
        await mover.repoint(i % 2 === 0 ? shaA : shaB);
        moves++;
      }
    })();
    const reading = (async () => {
      while (Date.now() < deadline) {
        const snapshot = await reader.readCurrent();
        expect(snapshot).not.toBeNull();
        // Whole: the charts carry exactly the content of the commit the pointer names.
        expect(rowLimits(snapshot!)).toEqual(expected.get(snapshot!.pointer.commit));
        seen.set(snapshot!.pointer.commit, (seen.get(snapshot!.pointer.commit) ?? 0) + 1);
      }
    })();
    // Meanwhile the CLI reads the state in separate processes: it always names one of the two.
    const cliReads = (async () => {
      const commits: string[] = [];
      while (Date.now() < deadline) {
        const state = await project.run(['state', '--format', 'json']);
        expect(state.code, state.stderr).toBe(0);
        const parsed = JSON.parse(state.stdout) as { current: { commit: string } };
        commits.push(parsed.current.commit);
      }
      return commits;
    })();
    const [, , commits] = await Promise.all([moving, reading, cliReads]);
    expect(moves).toBeGreaterThan(5);
    expect([...seen.keys()].sort()).toEqual([shaA, shaB].sort()); // really concurrent
    expect(commits.length).toBeGreaterThan(0);
    expect(commits.every((c) => c === shaA || c === shaB)).toBe(true);
  });

  it('rollback --to A re-points current to A and applies its snapshot; history has 3 entries', async () => {
    project = createTestProject('rollback');
    const { shaA, shaB } = await applyTwoCommits(project);
    expect(await project.rowLimitsInSuperset()).toEqual([20, 20]);

    // A prefix is enough; the git tree (still at B) is not read.
    const rollback = await project.run(['rollback', '--to', shaA.slice(0, 10)]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain(
      `Rollback complete: current moved ${shaB.slice(0, 12)} -> ${shaA.slice(0, 12)}`,
    );
    expect(rollback.stdout).toContain('0 created, 2 updated, 0 deleted');
    expect(await project.rowLimitsInSuperset()).toEqual([10, 10]);

    const state = JSON.parse((await project.run(['state', '--format', 'json'])).stdout) as {
      current: { commit: string; snapshotId: string };
      applied: Array<{ commit: string }>;
    };
    expect(state.current.commit).toBe(shaA);
    expect(state.applied.filter((r) => r.commit === shaA)).toHaveLength(4);
    const history = JSON.parse(
      (await project.run(['state', 'history', '--format', 'json'])).stdout,
    ) as Array<{
      commit: string;
      result: string;
      updated: number;
      message?: string;
    }>;
    expect(history.map((h) => [h.commit, h.result, h.message])).toEqual([
      [shaA, 'success', `rollback to ${shaA}`],
      [shaB, 'success', undefined],
      [shaA, 'success', undefined],
    ]);
    const text = await project.run(['state', 'history']);
    expect(text.stdout.split('\n')[0]).toContain(`rollback to ${shaA}`);

    // The environment converged on A: rolling back again changes nothing.
    const again = await project.run(['rollback', '--to', shaA]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 created, 0 updated, 0 deleted');
  });

  it('rollback to a commit not kept fails cleanly naming what is kept; rollback and state read only the environment file', async () => {
    project = createTestProject('rbmiss');
    const sha = project.commit('only');
    expect((await project.run(['apply'])).code).toBe(0);
    const result = await project.run(['rollback', '--to', 'deadbeefdeadbeef']);
    expect(looksLikeCleanFailure(result), result.stderr).toBe(true);
    expect(result.stderr).toContain('"deadbeefdeadbeef": no complete snapshot for it');
    expect(result.stderr).toContain(`Kept snapshots, newest first: ${sha.slice(0, 12)}`);
    const history = await (await project.registry()).readHistory();
    expect(history).toHaveLength(1); // the failed rollback did not apply anything

    // A broken object file stops plan, not the commands that do not read the objects in git.
    fs.writeFileSync(
      path.join(project.dir, 'metadata/charts/chart-1.yaml'),
      'kind: chart\nname: [unclosed\n',
    );
    const plan = await project.run(['plan']);
    expect(looksLikeCleanFailure(plan), plan.stderr).toBe(true);
    expect(plan.stderr).toContain('run `superset-gitops validate`');
    const state = await project.run(['state']);
    expect(state.code, state.stderr).toBe(0);
    const rollback = await project.run(['rollback', '--to', sha]);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain('0 created, 0 updated, 0 deleted');
  });
});
