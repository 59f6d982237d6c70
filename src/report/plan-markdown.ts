import { objectKey } from '../model/object.js';
import type { Plan, PlannedChange } from '../plan/types.js';
import { changeLines, summaryLine } from './plan-text.js';

const ICON: Record<PlannedChange['action'], string> = {
  create: '➕ create',
  update: '✏️ update',
  delete: '🗑️ delete',
  noop: 'unchanged',
  orphan: '⚠️ kept (not in git)',
  conflict: '⛔ conflict',
  forget: 'forget',
  skip: '❔ skipped',
};

const nodeId = (key: string) => key.replace(/[^A-Za-z0-9]/g, '_');
const label = (text: string) => text.replace(/"/g, '#quot;');

/** Objects the plan touches plus everything that depends on them, as a Mermaid graph. */
export function mermaidGraph(plan: Plan): string {
  const byKey = new Map(plan.changes.map((c) => [objectKey(c.kind, c.name), c]));
  const dependents = new Map<string, string[]>();
  for (const [key, c] of byKey)
    for (const dep of c.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), key]);
  const shown = new Set<string>();
  const visit = (key: string) => {
    if (shown.has(key)) return;
    shown.add(key);
    for (const d of dependents.get(key) ?? []) visit(d);
  };
  for (const [key, c] of byKey) if (c.action !== 'noop') visit(key);
  const lines = ['```mermaid', 'graph LR'];
  for (const key of shown) {
    const c = byKey.get(key);
    if (!c) continue;
    lines.push(`  ${nodeId(key)}["${label(`${c.kind}: ${c.name}`)}"]:::${c.action}`);
  }
  for (const key of shown)
    for (const dep of byKey.get(key)?.dependsOn ?? [])
      if (shown.has(dep)) lines.push(`  ${nodeId(dep)} --> ${nodeId(key)}`);
  lines.push(
    '  classDef create fill:#d4f8d4,stroke:#2a2;',
    '  classDef update fill:#fff3c4,stroke:#b80;',
    '  classDef delete fill:#ffd6d6,stroke:#c22;',
    '  classDef noop fill:#eee,stroke:#999;',
    '  classDef orphan fill:#f3d6ff,stroke:#83a;',
    '  classDef conflict fill:#ffd6d6,stroke:#c22;',
    '  classDef forget fill:#eee,stroke:#c22;',
    '```',
  );
  return lines.join('\n');
}

/** A pull-request comment: summary, a table of objects, attribute diffs, and the dependency graph. */
export function planAsMarkdown(plan: Plan, title = `Plan for \`${plan.environment}\``): string {
  const shown = plan.changes.filter((c) => c.action !== 'noop');
  const out = [`### ${title}`, '', `**${summaryLine(plan)}**`, ''];
  if (shown.length === 0) {
    out.push('No changes: Superset matches the desired state.');
    return out.join('\n') + '\n';
  }
  out.push('| action | kind | name | attributes |', '| --- | --- | --- | --- |');
  for (const c of shown)
    out.push(
      `| ${ICON[c.action]} | ${c.kind} | ${c.name.replace(/\|/g, '\\|')} | ${c.changes.length || ''} |`,
    );
  out.push('', mermaidGraph(plan), '');
  for (const c of shown) {
    out.push(
      `<details><summary>${ICON[c.action]} ${c.kind} <b>${escapeHtml(c.name)}</b>${c.note ? ` — ${escapeHtml(c.note)}` : ''}</summary>`,
      '',
    );
    if (c.changes.length) out.push('```diff', ...changeLines(c), '```');
    out.push('', '</details>');
  }
  return out.join('\n') + '\n';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
