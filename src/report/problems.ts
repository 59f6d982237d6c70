import pc from 'picocolors';
import type { Problem } from '../model/problem.js';

export interface ValidationSummary {
  problems: Problem[];
  fileCount: number;
  counts: Record<string, number>;
}

/** For a person: problems grouped by file, then one summary line. */
export function problemsAsText(summary: ValidationSummary, color = false): string {
  const c = color ? pc : pc.createColors(false);
  const lines: string[] = [];
  let currentFile = '';
  for (const p of summary.problems) {
    if (p.file !== currentFile) {
      if (currentFile) lines.push('');
      lines.push(c.underline(p.file));
      currentFile = p.file;
    }
    const level = p.severity === 'error' ? c.red('error') : c.yellow('warning');
    const field = p.path ? c.dim(` (${p.path})`) : '';
    lines.push(`  ${`${p.line}:${p.col}`.padEnd(8)}${level}  ${p.message}${field}  ${c.dim(p.rule)}`);
  }
  const errors = summary.problems.filter((p) => p.severity === 'error').length;
  const files = new Set(summary.problems.map((p) => p.file)).size;
  if (lines.length) lines.push('');
  if (errors > 0) {
    lines.push(
      c.red(`✖ ${errors} error${errors === 1 ? '' : 's'} in ${files} of ${summary.fileCount} files`),
    );
  } else {
    const what = Object.entries(summary.counts)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`)
      .join(', ');
    lines.push(c.green(`✔ ${summary.fileCount} files valid${what ? ` (${what})` : ''}`));
  }
  return lines.join('\n') + '\n';
}

export function problemsAsJson(summary: ValidationSummary): string {
  const errors = summary.problems.filter((p) => p.severity === 'error').length;
  return (
    JSON.stringify(
      { valid: errors === 0, files: summary.fileCount, counts: summary.counts, problems: summary.problems },
      null,
      2,
    ) + '\n'
  );
}
