import { writeFileSync } from 'node:fs';
import { writeScreened } from '../output.js';
import { openRun } from '../../engine/open-run.js';
import { hasChanges } from '../../plan/plan.js';
import type { Plan } from '../../plan/types.js';
import { planAsMarkdown } from '../../report/plan-markdown.js';
import { planAsJson, planAsText } from '../../report/plan-text.js';
import type { Output } from '../output.js';

export interface PlanCommandOptions {
  env: string;
  dir: string;
  format: 'text' | 'markdown' | 'json';
  out?: string;
  prune?: boolean;
  target?: string[];
  readAll?: boolean;
  rotateSecrets?: boolean;
}

export function renderPlan(plan: Plan, format: PlanCommandOptions['format'], color: boolean): string {
  if (format === 'json') return planAsJson(plan);
  if (format === 'markdown') return planAsMarkdown(plan);
  return planAsText(plan, color);
}

/** Exit 0: no changes; 2: changes (or conflicts to resolve); 1: error. */
export async function planCommand(options: PlanCommandOptions, out: Output): Promise<number> {
  const { project, services } = await openRun(options.dir, options.env, {
    early: options.readAll ? 'records' : 'plan',
    ...(out.screen ? { screen: out.screen } : {}),
  });
  try {
    // Loaded while the login (sent as soon as the environment was read) may still be on its way.
    const { runPlan } = await import('../../engine/plan-run.js');
    const { plan, notices } = await runPlan(project.env.name, project.objects, services, {
      prune: options.prune ?? false,
      readAll: options.readAll ?? false,
      ...(options.rotateSecrets ? { rotateSecrets: true } : {}),
      ...(options.target?.length ? { targets: options.target } : {}),
    });
    for (const notice of notices) out.stderr(`warning: ${notice}\n`);
    const text = renderPlan(plan, options.format, out.color && !options.out);
    if (options.out) {
      writeScreened(out, options.out, text, writeFileSync);
      out.stderr(`plan written to ${options.out}\n`);
    } else out.stdout(text);
    return hasChanges(plan) || plan.summary.conflict > 0 || plan.summary.skip > 0 ? 2 : 0;
  } finally {
    await services.close();
  }
}
