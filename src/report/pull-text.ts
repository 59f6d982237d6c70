// What `pull` and `github propose` say: the report, the commit message and the pull request's body.
import type { PullResult } from '../engine/pull-run.js';
import { pathText, type Edit } from '../pull/edits.js';

const json = (v: unknown) => JSON.stringify(v) ?? 'absent';

/** `by Ana at 2026-…`, as much as Superset says. */
const who = (by: string | null, on: string | null) =>
  [by && `by ${by}`, on && `at ${on}`].filter(Boolean).join(' ');

function editLine(edit: Edit): string {
  if (edit.op === 'delete') return `  - ${pathText(edit.path)}`;
  return `  ${edit.after !== undefined ? '+' : '~'} ${pathText(edit.path)}: ${json(edit.value)}`;
}

/** The report, file by file: what was (or would be) written, and what was left for a person. */
export function renderPull(result: PullResult, written: boolean, created: readonly string[] = []): string {
  const lines: string[] = [];
  for (const f of result.files) {
    for (const o of f.objects) {
      const when = who(o.changedBy, o.changedOn);
      lines.push(`${f.file}: ${o.kind} ${json(o.name)}, changed in Superset${when ? ` ${when}` : ''}`);
      lines.push(...o.edits.map(editLine));
    }
    if (!f.inPlace)
      lines.push('  (written whole: a value sat in a one-line map or list the edit could not keep)');
  }
  if (result.created.length) {
    lines.push(
      '',
      `Made in Superset, new to the tree (not owned yet: once merged, apply with --adopt):`,
      ...result.created.map((o) => {
        const when = who(o.changedBy, o.changedOn);
        return `  ${o.kind} ${json(o.spec.name)}${when ? `, made ${when}` : ''}`;
      }),
      ...created.map((f) => `  ${written ? 'wrote' : 'would write'} ${f}`),
    );
  }
  if (result.warnings.length) {
    lines.push('', `Not represented (${result.warnings.length}):`, ...result.warnings.map((w) => `  - ${w}`));
  }
  if (result.fromVariables.length) {
    lines.push('', 'Not written: these differ from a variable; edit the environment file instead:');
    for (const v of result.fromVariables)
      lines.push(
        v.secret
          ? `  ${v.file}: ${v.kind} ${json(v.name)} ${v.attribute}: differs from what an \${env.*} variable gives (values not shown)`
          : `  ${v.file}: ${v.kind} ${json(v.name)} ${v.attribute}: YAML gives ${json(v.yaml)}, Superset has ${json(v.live)}`,
      );
  }
  if (result.withheld.length) {
    lines.push('', 'Not written:');
    for (const w of result.withheld)
      lines.push(`  ${w.file}: ${w.kind} ${json(w.name)} ${w.attribute}: ${w.why}`);
  }
  if (result.inexact.length) {
    lines.push('', 'Still different after the edits (the YAML cannot say what Superset has):');
    for (const i of result.inexact) lines.push(`  ${i.kind} ${json(i.name)}: ${i.attributes.join(', ')}`);
  }
  if (result.pending.length) {
    lines.push('', 'Skipped: git has a change to these that is not applied yet (apply it, or edit by hand):');
    for (const p of result.pending) lines.push(`  ${p.kind} ${json(p.name)}`);
  }
  if (result.missing.length) {
    lines.push('', 'Deleted in Superset (remove the file to accept it, or apply to make it again):');
    for (const m of result.missing) lines.push(`  ${m.kind} ${json(m.name)}`);
  }
  const n = result.files.length + created.length;
  lines.push(
    '',
    n === 0
      ? 'Nothing to pull: no managed object was edited in Superset.'
      : `${n} file${n === 1 ? '' : 's'} ${written ? 'changed' : 'would change'}${written ? '; review with `git diff`' : ' (dry run: nothing written)'}.`,
  );
  return `${lines.join('\n').replace(/^\n/, '')}\n`;
}

/** One line per object: the keys pulled, and who changed it in Superset when. */
export function pulledLines(result: PullResult): string[] {
  const lines: string[] = [];
  for (const f of result.files)
    for (const o of f.objects) {
      const when = who(o.changedBy, o.changedOn);
      lines.push(
        `${o.kind} ${json(o.name)}: ${o.edits.map((e) => pathText(e.path)).join(', ')}${when ? ` (${when})` : ''}`,
      );
    }
  for (const o of result.created) {
    const when = who(o.changedBy, o.changedOn);
    lines.push(`new ${o.kind} ${json(o.spec.name)}${when ? ` (made ${when})` : ''}`);
  }
  return lines;
}

export function proposalMessage(environment: string, result: PullResult): string {
  return `Pull edits made in Superset (${environment})\n\n${pulledLines(result).join('\n')}\n`;
}

/** The pull request's description: the pulled edits file by file, then the drift report. */
export function proposalMarkdown(environment: string, result: PullResult, driftMarkdown: string): string {
  const rows = result.files.flatMap((f) =>
    f.objects.map(
      (o) =>
        `| \`${f.file}\` | ${o.kind} ${json(o.name)} | ${o.edits.map((e) => `\`${pathText(e.path)}\``).join(', ')} | ${o.changedBy ?? ''} | ${o.changedOn ?? ''} |`,
    ),
  );
  const lines = [
    `Edits made in Superset to objects this repository manages in **${environment}**, written back into their YAML files by \`superset-gitops pull\` (only the changed keys). Merging this makes git say what Superset already has.`,
    '',
  ];
  if (rows.length)
    lines.push('| File | Object | Keys | Changed by | Changed on |', '|---|---|---|---|---|', ...rows, '');
  if (result.created.length)
    lines.push(
      '**Made in Superset, new to the tree** (apply with `--adopt` after merging):',
      ...result.created.map(
        (o) => `- ${o.kind} ${json(o.spec.name)}${o.changedBy ? ` by ${o.changedBy}` : ''}`,
      ),
      '',
    );
  if (result.withheld.length)
    lines.push(
      '**Not pulled** (values are not shown):',
      ...result.withheld.map((w) => `- \`${w.file}\` ${w.kind} ${json(w.name)} \`${w.attribute}\`: ${w.why}`),
      '',
    );
  if (result.fromVariables.length)
    lines.push(
      '**Not pulled: these differ from a variable** (edit the environment file):',
      ...result.fromVariables.map(
        (v) =>
          `- \`${v.file}\` ${v.kind} ${json(v.name)} \`${v.attribute}\`${v.secret ? ' (from an environment variable; values not shown)' : `: Superset has ${json(v.live)}`}`,
      ),
      '',
    );
  lines.push('<details><summary>Drift report</summary>', '', driftMarkdown.trim(), '', '</details>');
  return lines.join('\n');
}
