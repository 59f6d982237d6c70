import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeObjects } from '../../import/write-tree.js';
import { loadProject } from '../../engine/project.js';
import { runPull, type PullResult } from '../../engine/pull-run.js';
import { connectServices } from '../../engine/services.js';
import { pathText, type Edit } from '../../pull/edits.js';
import { writeScreened, type Output } from '../output.js';

export interface PullCommandOptions {
  env: string;
  dir: string;
  target?: string[];
  dryRun?: boolean;
  includeUnmanaged?: boolean;
}

const json = (v: unknown) => JSON.stringify(v) ?? 'absent';

function editLine(edit: Edit): string {
  if (edit.op === 'delete') return `  - ${pathText(edit.path)}`;
  return `  ${edit.after !== undefined ? '+' : '~'} ${pathText(edit.path)}: ${json(edit.value)}`;
}

/** The report, file by file: what was (or would be) written, and what was left for a person. */
export function renderPull(result: PullResult, written: boolean, created: readonly string[] = []): string {
  const lines: string[] = [];
  for (const f of result.files) {
    for (const o of f.objects) {
      const who = [o.changedBy && `by ${o.changedBy}`, o.changedOn && `at ${o.changedOn}`].filter(Boolean);
      lines.push(
        `${f.file}: ${o.kind} ${json(o.name)}, changed in Superset${who.length ? ` ${who.join(' ')}` : ''}`,
      );
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
        const who = [o.changedBy && `by ${o.changedBy}`, o.changedOn && `at ${o.changedOn}`].filter(Boolean);
        return `  ${o.kind} ${json(o.spec.name)}${who.length ? `, made ${who.join(' ')}` : ''}`;
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
        `  ${v.file}: ${v.kind} ${json(v.name)} ${v.attribute}: YAML gives ${json(v.yaml)}, Superset has ${json(v.live)}`,
      );
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

/** Exit 0: nothing to pull; 2: files changed (or would, with --dry-run); 1: error. */
export async function pullCommand(options: PullCommandOptions, out: Output): Promise<number> {
  const project = await loadProject(options.dir, options.env);
  const services = await connectServices(project.env, undefined, {
    objects: project.objects,
    ...(out.screen ? { screen: out.screen } : {}),
  });
  try {
    const result = await runPull(project, services, {
      targets: options.target ?? [],
      includeUnmanaged: options.includeUnmanaged ?? false,
    });
    if (!options.dryRun)
      for (const f of result.files)
        writeScreened(out, f.file, f.text, (_file, text) => writeFileSync(f.absolute, text));
    const dryRun = options.dryRun ?? false;
    const created = (await writeObjects(project.metadataDir, result.created, { dryRun })).written;
    out.stdout(
      renderPull(
        result,
        !dryRun,
        created.map((f) => path.join(options.dir, f)),
      ),
    );
    return result.files.length + created.length ? 2 : 0;
  } finally {
    await services.close();
  }
}
