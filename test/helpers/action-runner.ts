// Runs the composite action in action.yml as the GitHub runner does: each `run:` step in
// `bash --noprofile --norc -eo pipefail` with its `env:` after the expressions in it are evaluated
// (inputs with their defaults, github.*, the outputs of earlier steps), a fresh $GITHUB_OUTPUT file per
// step, and the action's outputs from their `value:` expressions at the end. `uses:` steps are
// skipped (setup-node: this machine has Node already).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const REPO = path.resolve(import.meta.dirname, '../..');

interface ActionStep {
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}
interface ActionFile {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface ActionRun {
  /** The exit status of the step that ended the run (0 when every step passed). */
  status: number;
  /** Which step failed, by id or position. */
  failedStep?: string;
  stdout: string;
  outputs: Record<string, string>;
  /** What the steps appended to $GITHUB_STEP_SUMMARY. */
  stepSummary: string;
  /** Every run step's evaluated env, in order. */
  stepEnvs: Record<string, string>[];
}

export function loadAction(file = path.join(REPO, 'action.yml')): ActionFile {
  return parse(fs.readFileSync(file, 'utf8')) as ActionFile;
}

/** Name=value lines and name<<DELIM heredocs, as the runner reads $GITHUB_OUTPUT. */
function readOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([\w-]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]!);
      out[heredoc[1]!] = body.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export async function runAction(
  inputs: Record<string, string>,
  options: {
    env?: Record<string, string>;
    cwd: string;
    githubToken?: string;
    actionPath?: string;
    /** $RUNNER_TEMP (reports and installs go there); the caller removes it. */
    runnerTemp: string;
  },
): Promise<ActionRun> {
  const action = loadAction();
  const actionPath = options.actionPath ?? REPO;
  for (const name of Object.keys(inputs))
    if (!(name in action.inputs)) throw new Error(`action.yml has no input ${name}`);
  const given: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    if (name in inputs) given[name] = inputs[name]!;
    else if (spec.required) throw new Error(`input ${name} is required`);
    else given[name] = spec.default ?? '';
  }
  const steps: Record<string, Record<string, string>> = {};
  const evaluate = (text: string) =>
    text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
      let m: RegExpExecArray | null;
      if ((m = /^inputs\.([\w-]+)$/.exec(expr))) {
        const value = given[m[1]!];
        if (value === undefined) throw new Error(`unknown input in ${expr}`);
        return value === '${{ github.token }}' ? (options.githubToken ?? '') : value;
      }
      if (expr === 'github.action_path') return actionPath;
      if (expr === 'github.token') return options.githubToken ?? '';
      if ((m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr))) return steps[m[1]!]?.[m[2]!] ?? '';
      throw new Error(`the test runner does not evaluate \${{ ${expr} }}`);
    });
  const temp = options.runnerTemp;
  fs.mkdirSync(temp, { recursive: true });
  const summaryFile = path.join(temp, 'step-summary.md');
  fs.writeFileSync(summaryFile, '');
  const result: ActionRun = { status: 0, stdout: '', outputs: {}, stepSummary: '', stepEnvs: [] };
  {
    for (const [index, step] of action.runs.steps.entries()) {
      if (result.status !== 0 || !step.run) continue;
      if (step.shell !== 'bash') throw new Error(`step ${index}: shell ${String(step.shell)}`);
      const outputFile = path.join(temp, `github-output-${index}`);
      fs.writeFileSync(outputFile, '');
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v))]),
      );
      result.stepEnvs.push(stepEnv);
      const script = path.join(temp, `github-step-${index}.sh`);
      fs.writeFileSync(script, evaluate(step.run));
      // Asynchronous, so a server in the calling process (a fake GitHub) can answer meanwhile.
      const ran = await runBash(script, {
        cwd: options.cwd,
        env: {
          ...process.env,
          RUNNER_TEMP: temp,
          GITHUB_OUTPUT: outputFile,
          GITHUB_STEP_SUMMARY: summaryFile,
          GITHUB_ACTION_PATH: actionPath,
          ...options.env,
          ...stepEnv,
        },
      });
      result.stdout += ran.stdout + ran.stderr;
      if (step.id) steps[step.id] = readOutputs(outputFile);
      if (ran.status !== 0) {
        result.status = ran.status ?? 1;
        result.failedStep = step.id ?? String(index);
      }
    }
    for (const [name, spec] of Object.entries(action.outputs)) result.outputs[name] = evaluate(spec.value);
    result.stepSummary = fs.readFileSync(summaryFile, 'utf8');
  }
  return result;
}

/** `bash --noprofile --norc -eo pipefail script`, its output (stdout then stderr) and status. */
function runBash(
  script: string,
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
