import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionlintBinary } from '../../helpers/actionlint.js';
import { isMap, parseDocument } from 'yaml';
import { main } from '../../../src/cli/main.js';
import type { Output } from '../../../src/cli/output.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const WORKFLOWS = path.join(ROOT, '.github/workflows');
const ACTIONS = path.join(ROOT, '.github/actions');
const RUN_SH = path.join(ROOT, 'scripts/action/run.sh');

type Yaml = Record<string, unknown>;
interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  env?: Record<string, string>;
  steps?: Step[];
  permissions?: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  environment?: unknown;
  if?: string;
  needs?: string | string[];
}

function load(file: string): Yaml {
  const doc = parseDocument(readFileSync(file, 'utf8'), { prettyErrors: false });
  expect(
    doc.errors.map((e) => e.message),
    file,
  ).toEqual([]);
  expect(isMap(doc.contents), file).toBe(true);
  return doc.toJS() as Yaml;
}

const workflowFiles = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => path.join(WORKFLOWS, f));
const actionFiles = readdirSync(ACTIONS).map((d) => path.join(ACTIONS, d, 'action.yml'));
const workflows = new Map(workflowFiles.map((f) => [path.basename(f), load(f)]));
const jobsOf = (name: string) => (workflows.get(name)?.jobs ?? {}) as Record<string, Job>;

/** Every step of every workflow job and composite action, with where it is. */
function allSteps(): { where: string; step: Step }[] {
  const steps: { where: string; step: Step }[] = [];
  for (const [file, wf] of workflows)
    for (const [id, job] of Object.entries((wf.jobs ?? {}) as Record<string, Job>))
      for (const step of job.steps ?? []) steps.push({ where: `${file} ${id}`, step });
  for (const file of actionFiles) {
    const action = load(file) as { runs: { steps: Step[] } };
    for (const step of action.runs.steps) steps.push({ where: path.relative(ROOT, file), step });
  }
  // The reusable action's command script: the commands it runs besides the one it is given.
  steps.push({ where: 'scripts/action/run.sh', step: { run: readFileSync(RUN_SH, 'utf8') } });
  return steps;
}

function recorder(): Output & { out: string } {
  const r = { out: '', color: false, isTTY: false } as Output & { out: string };
  r.stdout = (t) => void (r.out += t);
  r.stderr = (t) => void (r.out += t);
  return r;
}

/** The CLI's own help: the real list of commands and options, not a copy that could drift. */
async function help(args: string[]): Promise<{ commands: string[]; options: string[] }> {
  const out = recorder();
  expect(await main([...args, '--help'], out)).toBe(0);
  const section = (title: string) => out.out.split(`${title}:\n`)[1]?.split(/\n\S/)[0] ?? '';
  return {
    commands: [...section('Commands').matchAll(/^ {2}([a-z][a-z-]*)/gm)].map((m) => m[1]!),
    options: [...section('Options').matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]),
  };
}

/**
 * `superset-gitops <command> [sub] --flag ...` and `"$CLI" <command> ...` (the action's `cli` output)
 * invocations in a run script, and the command and args a step gives the project's own action.
 */
function invocations(step: Step): string[][] {
  const found = (step.run ?? '')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => [...line.matchAll(/(?:superset-gitops|"\$CLI")\s+([^|;&>]*)/g)])
    .map((m) => m[1]!.trim().split(/\s+/))
    // "$CLI" "${args[@]}" and printf formats: the action's own command line, checked through the steps that use it.
    .filter((words) => !/^["$%]/.test(words[0] ?? ''));
  if (step.uses === './')
    found.push([
      String(step.with?.command),
      ...(typeof step.with?.args === 'string' ? step.with.args.split(/\s+/).filter(Boolean) : []),
    ]);
  return found;
}

describe('.github workflows', () => {
  it('parse as YAML and have the five ready-made workflows', () => {
    expect([...workflows.keys()].sort()).toEqual([
      'apply.yml',
      'ci.yml',
      'drift.yml',
      'propose.yml',
      'pull-request.yml',
    ]);
    for (const wf of workflows.values())
      expect(Object.keys(wf)).toEqual(expect.arrayContaining(['on', 'jobs']));
  });

  it('call only commands and options the CLI has', async () => {
    const top = await help([]);
    const checked: string[] = [];
    for (const { where, step } of allSteps()) {
      for (const [command, ...rest] of invocations(step)) {
        expect(top.commands, `${where}: superset-gitops ${command}`).toContain(command);
        let args = [command!];
        let flags = rest;
        const sub = await help(args);
        if (sub.commands.length) {
          expect(sub.commands, `${where}: superset-gitops ${command} ${rest[0]}`).toContain(rest[0]);
          args = [command!, rest[0]!];
          flags = rest.slice(1);
        }
        const { options } = await help(args);
        for (const flag of flags.filter((t) => t.startsWith('--')).map((t) => t.split('=')[0]!))
          expect(options, `${where}: superset-gitops ${args.join(' ')} ${flag}`).toContain(flag);
        checked.push(args.join(' '));
      }
    }
    expect(new Set(checked)).toEqual(
      new Set([
        'validate',
        'diff',
        'plan',
        'apply',
        'state',
        'drift',
        'github comment',
        'github drift-issue',
        'github propose',
        'preview',
      ]),
    );
  });

  it('pin every action by version tag or commit, and local actions exist', () => {
    const uses = allSteps().flatMap(({ where, step }) => (step.uses ? [{ where, uses: step.uses }] : []));
    expect(uses.length).toBeGreaterThan(10);
    for (const { where, uses: ref } of uses) {
      if (ref.startsWith('./')) {
        expect(existsSync(path.join(ROOT, ref, 'action.yml')), `${where}: ${ref}`).toBe(true);
        continue;
      }
      expect(ref, where).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/);
    }
  });

  it('give secrets only to the steps that need them, after the dependencies are installed', () => {
    const names = (files: string[]) =>
      new Set(
        files.flatMap((f) =>
          [...readFileSync(path.join(ROOT, 'metadata', f), 'utf8').matchAll(/\$\{env\.([A-Z0-9_]+)/g)].map(
            (m) => m[1]!,
          ),
        ),
      );
    // What the shared environments read, and what the databases read (their passwords).
    const environment = names(['environments/staging.yaml', 'environments/production.yaml']);
    const databases = names(readdirSync(path.join(ROOT, 'metadata/databases')).map((f) => `databases/${f}`));
    expect(environment.size).toBeGreaterThanOrEqual(6);
    expect([...databases]).toContain('WAREHOUSE_PASSWORD');
    const secretIn = (env: Record<string, string> | undefined) =>
      Object.entries(env ?? {}).filter(([, v]) => String(v).includes('secrets.'));

    for (const file of workflowFiles) {
      const wf = load(file);
      const where = path.basename(file);
      expect(secretIn(wf.env as Record<string, string>), `${where}: workflow-level env`).toEqual([]);
      for (const [name, job] of Object.entries((wf.jobs ?? {}) as Record<string, Job>)) {
        expect(secretIn(job.env), `${where} ${name}: job-level env`).toEqual([]);
        const steps = job.steps ?? [];
        // The dependencies are installed by the setup action, or by the project's own action (`./`),
        // whose install runs npm with an environment stripped of the step's secrets (action.test.ts).
        const setup = steps.findIndex((st) => st.uses === './.github/actions/setup' || st.uses === './');
        steps.forEach((st, i) => {
          const secrets = secretIn(st.env).filter(([k]) => k !== 'GITHUB_TOKEN');
          if (
            secrets.length === 0 ||
            st.uses === './' ||
            (i < setup &&
              secrets.every(([k]) => k === 'SUPERSET_URL') &&
              !st.run?.includes('superset-gitops'))
          )
            return;
          expect(setup, `${where} ${name}: secrets before the dependencies`).toBeGreaterThanOrEqual(0);
          expect(i, `${where} ${name} step ${i}: secrets before the dependencies`).toBeGreaterThan(setup);
        });
      }
    }

    const stepWith = (file: string, job: string, command: string) =>
      jobsOf(file)[job]!.steps!.find(
        (st) =>
          st.run?.includes(`superset-gitops ${command}`) ||
          st.run?.includes(`"$CLI" ${command}`) ||
          (st.uses === './' && st.with?.command === command),
      )!;
    const apply = stepWith('apply.yml', 'apply', 'apply');
    for (const name of [...environment, ...databases, 'SUPERSET_GITOPS_RECORD_KEY'])
      expect(apply.env?.[name], `apply step: ${name}`).toBe(`\${{ secrets.${name} }}`);
    for (const [file, job, command] of [
      ['pull-request.yml', 'plan', 'plan'],
      ['drift.yml', 'drift', 'drift'],
      ['propose.yml', 'propose', 'github propose'],
    ] as const) {
      const step = stepWith(file, job, command);
      for (const name of environment)
        expect(step.env?.[name], `${file}: ${name}`).toBe(`\${{ secrets.${name} }}`);
      // No database password in pull-request, drift or propose jobs, anywhere.
      const text = readFileSync(path.join(WORKFLOWS, file), 'utf8');
      for (const name of databases) expect(text.includes(name), `${file} names ${name}`).toBe(false);
    }
  });

  it('apply queues per environment and never cancels a running apply; tokens get only what they need', () => {
    const apply = jobsOf('apply.yml').apply!;
    expect(apply.concurrency).toEqual({
      group: 'superset-gitops-apply-${{ matrix.environment }}',
      'cancel-in-progress': false,
    });
    for (const wf of workflows.values()) expect(wf.permissions).toEqual({ contents: 'read' });
    expect(jobsOf('pull-request.yml').comment?.permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
    });
    expect(jobsOf('drift.yml').drift?.permissions).toEqual({ contents: 'read', issues: 'write' });
    // The proposal pushes its branch and opens its pull request; one run per environment at a time.
    expect(jobsOf('propose.yml').propose?.permissions).toEqual({
      contents: 'write',
      'pull-requests': 'write',
    });
    expect(jobsOf('propose.yml').propose?.concurrency).toEqual({
      group: 'superset-gitops-propose-${{ matrix.environment }}',
      'cancel-in-progress': false,
    });
    const withToken = allSteps().filter(({ step }) => step.env?.GITHUB_TOKEN);
    expect(withToken.map(({ where }) => where).sort()).toEqual([
      'drift.yml drift',
      'propose.yml propose',
      'pull-request.yml comment',
    ]);
  });

  it('previews a pull request from its own branch without database passwords, and removes it on close from the base', () => {
    const on = (workflows.get('pull-request.yml') as { on: { pull_request: { types: string[] } } }).on;
    expect(on.pull_request.types).toContain('closed');
    const jobs = jobsOf('pull-request.yml');
    for (const name of ['validate', 'diff']) expect(jobs[name]?.if).toBe("github.event.action != 'closed'");
    const preview = jobs.preview!;
    expect(preview.if).toContain("needs.diff.outputs.changes == 'true'");
    expect(preview.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    const run = preview.steps?.find((s) => s.run?.includes('"$CLI" preview'));
    expect(run?.run).toContain('--id "$PR"');
    expect(run?.run).toContain('--out preview.md');
    // The key that signs the preview's records is the one --destroy verifies them with.
    expect(run?.env?.SUPERSET_GITOPS_RECORD_KEY).toBe('${{ secrets.SUPERSET_GITOPS_RECORD_KEY }}');
    const upload = preview.steps?.find((s) => s.uses?.startsWith('actions/upload-artifact@')) as Step & {
      with?: Record<string, unknown>;
    };
    expect(String(upload.with?.path)).toContain('preview-png/');
    const destroy = jobs['preview-destroy']!;
    expect(destroy.if).toContain("github.event.action == 'closed'");
    const checkout = destroy.steps?.find((s) => s.uses?.startsWith('actions/checkout@')) as Step & {
      with?: Record<string, unknown>;
    };
    expect(checkout.with?.ref).toBe('${{ github.event.pull_request.base.sha }}');
    const destroyRun = destroy.steps?.find((s) => s.run?.includes('--destroy'));
    expect(destroyRun?.env?.SUPERSET_GITOPS_RECORD_KEY).toBe('${{ secrets.SUPERSET_GITOPS_RECORD_KEY }}');
    expect(
      destroy.steps?.some((s) =>
        s.run?.includes('"$CLI" preview --env "$PREVIEW_ENVIRONMENT" --id "$PR" --destroy'),
      ),
    ).toBe(true);
    // The comment waits for the preview and includes its section.
    expect(jobs.comment?.needs).toContain('preview');
    expect(jobs.comment?.steps?.some((s) => s.run?.includes('reports/preview.md'))).toBe(true);
  });

  it('the diff job reads the full history (merge base) and fails only on exit 1', () => {
    const diff = jobsOf('pull-request.yml').diff!;
    const checkout = diff.steps?.find((s) => s.uses?.startsWith('actions/checkout@')) as Step & {
      with?: Record<string, unknown>;
    };
    expect(checkout.with?.['fetch-depth']).toBe(0);
    const run = diff.steps?.find((s) => s.run?.includes('superset-gitops diff'))?.run ?? '';
    expect(run).toContain('|| status=$?');
    expect(run).toContain('[ "$status" -ne 1 ]');
  });

  it('pass actionlint', () => {
    const bin = actionlintBinary();
    expect(
      bin,
      'actionlint is missing: bash scripts/ensure-deps.sh actionlint installs it (npm test and .ci/run run it)',
    ).toBeDefined();
    const result = spawnSync(bin!, ['-no-color'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('composite action', () => {
  it('is a composite action whose run steps name their shell', () => {
    for (const file of actionFiles) {
      const action = load(file) as { runs: { using: string; steps: (Step & { shell?: string })[] } };
      expect(action.runs.using).toBe('composite');
      for (const step of action.runs.steps.filter((s) => s.run)) expect(step.shell).toBe('bash');
    }
  });
});
