import pc from 'picocolors';
import { canonicalJson } from '../model/canonical.js';
import type { Plan } from '../plan/types.js';
import { planAsMarkdown } from '../report/plan-markdown.js';
import { planAsText } from '../report/plan-text.js';
import type { DiffReport, EnvironmentDiff, FileDiff } from './types.js';

const SHORT = 12;
const FILE_CODE: Record<FileDiff['status'], string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
  copied: 'C',
  'type-changed': 'T',
};

interface Group {
  names: string[];
  plan: Plan;
  dependents: string[];
}

/** Environments whose plans are identical are shown once, under all their names. */
function planGroups(report: DiffReport): Group[] {
  const groups = new Map<string, Group>();
  for (const env of report.environments) {
    if (!env.plan) continue;
    const changes = env.plan.changes.filter((c) => c.action !== 'noop');
    const key = canonicalJson({ changes, dependents: env.dependents });
    const group = groups.get(key);
    if (group) group.names.push(env.name);
    else groups.set(key, { names: [env.name], plan: env.plan, dependents: env.dependents });
  }
  return [...groups.values()].map((g) => ({
    ...g,
    plan: { ...g.plan, environment: g.names.join(', ') },
  }));
}

const changing = (plan: Plan) => plan.changes.some((c) => c.action !== 'noop');
const showKey = (key: string) => key.replace('/', ' ');

function environmentFileLines(report: DiffReport): string[] {
  const describe = (e: EnvironmentDiff) =>
    e.file === 'removed'
      ? `${e.name} removed (nothing is planned for it any more)`
      : e.file === 'added'
        ? `${e.name} added (everything in it is created)`
        : `${e.name} changed`;
  return report.environments.filter((e) => e.file !== 'unchanged').map(describe);
}

function touchedLine(report: DiffReport): string {
  const touched = report.environments.filter((e) => e.touched).map((e) => e.name);
  return touched.length ? `Environments touched: ${touched.join(', ')}.` : 'No environment is touched.';
}

function header(report: DiffReport): string {
  const range = `${report.base.commit.slice(0, SHORT)}..${report.head.commit.slice(0, SHORT)}`;
  return `superset-gitops diff ${range} (${report.dir}/; base ${report.base.rev}, head ${report.head.rev})`;
}

export function diffAsText(report: DiffReport, color = false): string {
  const c = color ? pc : pc.createColors(false);
  const lines = [c.bold(header(report)), ''];
  if (report.baseErrors)
    lines.push(
      c.yellow(
        `The base revision has ${report.baseErrors} validation error(s); its broken files are left out.`,
      ),
      '',
    );
  lines.push(report.files.length ? `${report.files.length} file(s) changed:` : 'No metadata file changed.');
  for (const f of report.files) {
    const where = f.from ? `${f.from} -> ${f.path}` : f.path;
    lines.push(
      `  ${FILE_CODE[f.status]}  ${where}${f.objects.length ? c.dim(`  (${f.objects.map(showKey).join(', ')})`) : ''}`,
    );
  }
  const envLines = environmentFileLines(report);
  if (envLines.length) lines.push('', `Environment files: ${envLines.join('; ')}.`);
  for (const g of planGroups(report)) {
    lines.push('', c.bold(`== ${g.names.join(', ')} ==`));
    if (!changing(g.plan)) {
      lines.push(`No changes to the desired state of ${g.names.join(', ')}.`);
      continue;
    }
    lines.push(planAsText(g.plan, color).trimEnd());
    if (g.dependents.length)
      lines.push(`Depend on these changes (unchanged themselves): ${g.dependents.map(showKey).join(', ')}`);
  }
  lines.push('', c.bold(touchedLine(report)));
  return lines.join('\n') + '\n';
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function diffAsMarkdown(report: DiffReport): string {
  const range = `${code(report.base.commit.slice(0, SHORT))}..${code(report.head.commit.slice(0, SHORT))}`;
  const out = [`### superset-gitops diff ${range}`, '', `**${touchedLine(report)}**`, ''];
  if (report.baseErrors)
    out.push(
      `> The base revision has ${report.baseErrors} validation error(s); its broken files are left out.`,
      '',
    );
  const envLines = environmentFileLines(report);
  if (envLines.length) out.push(`Environment files: ${envLines.join('; ')}.`, '');
  if (report.files.length) {
    out.push(
      `<details><summary>${report.files.length} file(s) changed under <code>${report.dir}</code></summary>`,
      '',
      '| change | file | objects |',
      '| --- | --- | --- |',
    );
    for (const f of report.files) {
      const where = f.from ? `${code(f.from)} → ${code(f.path)}` : code(f.path);
      out.push(`| ${f.status} | ${cell(where)} | ${cell(f.objects.map(showKey).join(', '))} |`);
    }
    out.push('', '</details>', '');
  }
  for (const g of planGroups(report)) {
    const names = g.names.map(code).join(', ');
    if (!changing(g.plan)) {
      out.push(`No changes to the desired state of ${names}.`, '');
      continue;
    }
    out.push(planAsMarkdown(g.plan, `Changes for ${names}`).trimEnd(), '');
    if (g.dependents.length)
      out.push(
        `**Depend on these changes** (unchanged themselves): ${g.dependents.map((d) => code(showKey(d))).join(', ')}`,
        '',
      );
  }
  return out.join('\n').trimEnd() + '\n';
}

export function diffAsJson(report: DiffReport): string {
  const touched = report.environments.filter((e) => e.touched).map((e) => e.name);
  return JSON.stringify({ ...report, touched }, null, 2) + '\n';
}
