import pc from 'picocolors';
import type { DriftFinding, DriftReport, DriftWhere } from '../drift/types.js';
import { showValue } from './plan-text.js';

export const WHERE_LABEL: Record<DriftWhere, string> = {
  superset: 'edited in Superset',
  zookeeper: 'registry tampered',
  'not-applied': 'not applied',
  missing: 'missing in Superset',
  unmanaged: 'unmanaged',
};

export function driftSummaryLine(report: DriftReport): string {
  const parts = (Object.keys(WHERE_LABEL) as DriftWhere[])
    .filter((w) => report.counts[w] > 0)
    .map((w) => `${report.counts[w]} ${WHERE_LABEL[w]}`);
  return parts.length
    ? `Drift: ${parts.join(', ')} (${report.objectsChecked} objects checked).`
    : `No drift: git, the registry and Superset agree (${report.objectsChecked} objects checked).`;
}

export function findingLine(f: DriftFinding): string {
  const what = f.attribute
    ? `${f.attribute}: expected ${showValue(f.expected ?? undefined, 120)}, found ${showValue(f.actual ?? undefined, 120)}`
    : f.message;
  const who = f.attribute && f.where === 'superset' ? ` (${f.message})` : '';
  return `${f.kind} ${JSON.stringify(f.name)}: ${what}${who}`;
}

export function driftAsText(report: DriftReport, color = false): string {
  const c = color ? pc : pc.createColors(false);
  const lines = [
    `Drift report for ${c.bold(report.environment)} at ${report.generatedAt} (git ${report.gitCommit?.slice(0, 12) ?? '-'}, registry ${report.registryCommit?.slice(0, 12) ?? '-'})`,
    '',
  ];
  for (const where of Object.keys(WHERE_LABEL) as DriftWhere[]) {
    const group = report.findings.filter((f) => f.where === where);
    if (!group.length) continue;
    lines.push(c.bold(`${WHERE_LABEL[where]} (${group.length})`));
    for (const f of group)
      lines.push(`  ${where === 'unmanaged' ? c.dim(findingLine(f)) : c.yellow(findingLine(f))}`);
    lines.push('');
  }
  lines.push(c.bold(driftSummaryLine(report)));
  return lines.join('\n') + '\n';
}

export function driftAsMarkdown(report: DriftReport): string {
  const out = [
    `### Drift report: \`${report.environment}\``,
    '',
    `**${driftSummaryLine(report)}**`,
    '',
    `Generated ${report.generatedAt}; git \`${report.gitCommit?.slice(0, 12) ?? '-'}\`, registry \`${report.registryCommit?.slice(0, 12) ?? '-'}\`.`,
    '',
  ];
  if (report.findings.length) {
    out.push(
      '| where | kind | name | attribute | expected | found | changed by / on |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    );
    // Names and values come from Superset users: no table breaks, no HTML in a pull-request comment.
    const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ').replace(/</g, '&lt;');
    for (const f of report.findings) {
      out.push(
        `| ${WHERE_LABEL[f.where]} | ${f.kind} | ${cell(f.name)} | ${cell(f.attribute ?? f.message)} | ${f.attribute ? cell(showValue(f.expected ?? undefined, 80)) : ''} | ${f.attribute ? cell(showValue(f.actual ?? undefined, 80)) : ''} | ${cell([f.changedBy, f.changedOn].filter(Boolean).join(' / '))} |`,
      );
    }
  }
  return out.join('\n') + '\n';
}

export function driftAsJson(report: DriftReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
