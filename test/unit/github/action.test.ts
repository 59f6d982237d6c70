// The reusable action (action.yml at the root), run step by step as the runner runs it, with the
// project's own build (`version: local`) and, for the install, an npm that records what it was given.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, loadAction, runAction } from '../../helpers/action-runner.js';

const temps: string[] = [];
function temp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A content folder with the repository's metadata tree, or one with a broken file. */
function content(broken = false): string {
  const dir = temp('sg-content-');
  fs.cpSync(path.join(REPO, 'metadata'), path.join(dir, 'metadata'), { recursive: true });
  if (broken)
    fs.writeFileSync(
      path.join(dir, 'metadata/charts/sales/total-revenue.yaml'),
      'kind: chart\nname: Total revenue\ndataset: no_such_dataset\nviz_type: big_number_total\n',
    );
  return dir;
}

describe('action.yml', () => {
  it('declares the inputs and outputs the README names, and runs only bash steps after setup-node', () => {
    const action = loadAction();
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['args', 'command', 'comment', 'dir', 'environment', 'fail-on-drift', 'github-token', 'version'].sort(),
    );
    expect(action.inputs.command?.required).toBe(true);
    expect(Object.keys(action.outputs).sort()).toEqual(['cli', 'exit-code', 'report', 'result', 'summary']);
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps[0]?.uses).toMatch(/^actions\/setup-node@v\d+$/);
    for (const step of action.runs.steps.slice(1)) expect(step.shell).toBe('bash');
  });

  it("validate with the local build: outputs say valid, and the summary line is the CLI's", async () => {
    const run = await runAction(
      { command: 'validate', version: 'local' },
      { cwd: content(), runnerTemp: temp('sg-runner-') },
    );
    expect(run.status, run.stdout).toBe(0);
    expect(run.outputs.cli).toBe(path.join(REPO, 'bin/superset-gitops.js'));
    expect(run.outputs['exit-code']).toBe('0');
    expect(run.outputs.result).toBe('valid');
    expect(run.outputs.summary).toMatch(/^✔ \d+ files valid/);
    expect(run.stepSummary).toContain(run.outputs.summary);
  });

  it('validate of a broken tree fails the step with an annotation naming file and line', async () => {
    const run = await runAction(
      { command: 'validate', version: 'local' },
      { cwd: content(true), runnerTemp: temp('sg-runner-') },
    );
    expect(run.status).toBe(1);
    expect(run.failedStep).toBe('run');
    expect(run.outputs.result).toBe('invalid');
    expect(run.stdout).toMatch(
      /::error title=[^,]+,file=metadata\/charts\/sales\/total-revenue\.yaml,line=3,/,
    );
    expect(run.outputs.summary).toMatch(/^✖ 1 error/);
  });

  it.each([
    [{ command: 'destroy' }, /command: expected validate, plan, apply or drift, got 'destroy'/],
    [{ command: 'plan' }, /plan needs the environment input/],
    [{ command: 'drift' }, /drift needs the environment input/],
  ])('refuses %o with a clear error', async (inputs, message) => {
    const run = await runAction(
      { ...inputs, version: 'local' },
      { cwd: content(), runnerTemp: temp('sg-runner-') },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(message);
    expect(run.outputs.result).toBe('error');
  });

  it('passes args to the command, split on spaces', async () => {
    const run = await runAction(
      { command: 'validate', version: 'local', args: '--format json' },
      { cwd: content(), runnerTemp: temp('sg-runner-') },
    );
    expect(run.status, run.stdout).toBe(0);
    // The later --format wins in the CLI: JSON on stdout.
    expect(run.stdout).toContain('"problems": []');
  });

  describe('install', () => {
    /** An `npm` on PATH that records its arguments and environment, then installs a stub CLI. */
    function fakeNpm(): { bin: string; log: string } {
      const bin = temp('sg-fake-npm-');
      const log = path.join(bin, 'calls.jsonl');
      fs.writeFileSync(
        path.join(bin, 'npm'),
        `#!/usr/bin/env node
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), env: process.env }) + '\\n');
fs.mkdirSync('node_modules/.bin', { recursive: true });
fs.writeFileSync('node_modules/.bin/superset-gitops', '#!/bin/sh\\necho 9.9.9\\n', { mode: 0o755 });
`,
        { mode: 0o755 },
      );
      return { bin, log };
    }

    it("installs the asked version from npm with an environment that holds none of the step's secrets", async () => {
      const npm = fakeNpm();
      const runnerTemp = temp('sg-runner-');
      const run = await runAction(
        { command: 'validate', version: '9.9.9' },
        {
          cwd: content(),
          runnerTemp,
          env: {
            PATH: `${npm.bin}:${process.env.PATH ?? ''}`,
            SUPERSET_PASSWORD: 'pw-must-not-reach-npm',
            ZK_PASSWORD: 'zk-must-not-reach-npm',
            npm_config_registry: 'http://127.0.0.1:9/registry',
          },
        },
      );
      const calls = fs
        .readFileSync(npm.log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { args: string[]; cwd: string; env: Record<string, string> });
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args).toEqual([
        'install',
        '--no-audit',
        '--no-fund',
        '--omit=dev',
        '--no-save',
        'superset-gitops@9.9.9',
      ]);
      expect(calls[0]!.cwd).toBe(path.join(runnerTemp, 'superset-gitops-9.9.9'));
      expect(calls[0]!.env.SUPERSET_PASSWORD).toBeUndefined();
      expect(calls[0]!.env.ZK_PASSWORD).toBeUndefined();
      expect(calls[0]!.env.npm_config_registry).toBe('http://127.0.0.1:9/registry');
      expect(JSON.stringify(calls[0]!.env)).not.toContain('must-not-reach-npm');
      expect(run.outputs.cli).toBe(
        path.join(runnerTemp, 'superset-gitops-9.9.9/node_modules/.bin/superset-gitops'),
      );
      // The stub CLI answers validate with nothing: exit 0, no summary line.
      expect(run.stdout).toContain('superset-gitops 9.9.9 at');
    });

    it("defaults to the action's own version, installs once per version, and refuses a version that is not one", async () => {
      const npm = fakeNpm();
      const runnerTemp = temp('sg-runner-');
      const env = { PATH: `${npm.bin}:${process.env.PATH ?? ''}` };
      const own = (
        JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }
      ).version;
      await runAction({ command: 'validate' }, { cwd: content(), runnerTemp, env });
      await runAction({ command: 'validate' }, { cwd: content(), runnerTemp, env });
      const calls = fs.readFileSync(npm.log, 'utf8').trim().split('\n');
      expect(calls).toHaveLength(1);
      expect((JSON.parse(calls[0]!) as { args: string[] }).args.at(-1)).toBe(`superset-gitops@${own}`);

      const bad = await runAction(
        { command: 'validate', version: '1.0; rm -rf /' },
        { cwd: content(), runnerTemp, env },
      );
      expect(bad.status).toBe(1);
      expect(bad.failedStep).toBe('install');
      expect(bad.stdout).toContain("version: expected a version or range, a .tgz path or 'local'");
    });
  });
});
