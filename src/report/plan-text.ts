import pc from 'picocolors';
import type { Json } from '../model/canonical.js';
import type { Plan, PlannedChange } from '../plan/types.js';

const SYMBOL: Record<PlannedChange['action'], string> = {
  create: '+',
  update: '~',
  delete: '-',
  noop: ' ',
  orphan: '!',
  conflict: 'x',
  forget: '-',
  skip: '?',
};

const HEADLINE: Record<PlannedChange['action'], string> = {
  create: 'will be created',
  update: 'will be updated in place',
  delete: 'will be deleted',
  noop: 'is up to date',
  orphan: 'is no longer in git and is kept',
  conflict: 'cannot be applied',
  forget: 'will be dropped from the applied state',
  skip: 'is skipped',
};

/** A value on one line; long text is cut so the plan stays readable. */
export function showValue(value: Json | undefined, max = 400): string {
  if (value === undefined) return '(none)';
  const text = JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

export function changeLines(change: PlannedChange): string[] {
  const symbol = change.action === 'create' ? '+' : change.action === 'delete' ? '-' : '~';
  return change.changes.map((c) => {
    if (c.sensitive === 'set') return `+ ${c.path} = (sensitive value)`;
    if (c.sensitive === 'changed') return `~ ${c.path}: (sensitive value changed)`;
    if (c.sensitive === 'removed') return `- ${c.path} = (sensitive value removed)`;
    if (c.before === undefined) return `+ ${c.path} = ${showValue(c.after)}`;
    if (c.after === undefined) return `- ${c.path} = ${showValue(c.before)}`;
    return `${symbol} ${c.path}: ${showValue(c.before)} -> ${showValue(c.after)}`;
  });
}

export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const extra = [
    s.noop ? `${s.noop} unchanged` : '',
    s.orphan ? `${s.orphan} kept (not in git)` : '',
    s.conflict ? `${s.conflict} in conflict` : '',
    s.forget ? `${s.forget} forgotten` : '',
    s.skip ? `${s.skip} skipped (registry record unreadable or untrusted)` : '',
  ].filter(Boolean);
  return `Plan: ${s.create} to create, ${s.update} to change, ${s.delete} to delete.${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

/** Terraform-like text: one block per object that changes, attribute lines, then a summary line. */
export function planAsText(plan: Plan, color = false): string {
  const c = color ? pc : pc.createColors(false);
  const paint: Record<PlannedChange['action'], (s: string) => string> = {
    create: c.green,
    update: c.yellow,
    delete: c.red,
    forget: c.red,
    noop: c.dim,
    orphan: c.magenta,
    conflict: c.red,
    skip: c.magenta,
  };
  const lines: string[] = [];
  const shown = plan.changes.filter((ch) => ch.action !== 'noop');
  if (shown.length === 0) {
    lines.push(c.green(`No changes. Superset (${plan.environment}) matches the desired state.`));
  } else {
    lines.push(`superset-gitops will perform these actions on environment ${c.bold(plan.environment)}:`, '');
    for (const ch of shown) {
      const id = ch.supersetId !== undefined ? ` (id ${ch.supersetId})` : '';
      lines.push(
        c.dim(
          `  # ${ch.kind} ${JSON.stringify(ch.name)} ${HEADLINE[ch.action]}${ch.note ? `: ${ch.note}` : ''}`,
        ),
      );
      lines.push(paint[ch.action](`  ${SYMBOL[ch.action]} ${ch.kind} ${JSON.stringify(ch.name)}${id}`));
      for (const line of changeLines(ch)) lines.push(paint[ch.action](`      ${line}`));
      lines.push('');
    }
  }
  lines.push(c.bold(summaryLine(plan)));
  return lines.join('\n') + '\n';
}

export function planAsJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
