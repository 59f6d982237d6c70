import type { ApplyEvent } from '../apply/apply.js';
import type { Output } from './output.js';

const VERB = {
  create: 'creating',
  update: 'updating',
  delete: 'deleting',
  forget: 'forgetting',
  noop: '',
  orphan: '',
  conflict: '',
  skip: 'skipping',
};

/** A line per object; on a terminal, a bar in front of it. */
export function progressPrinter(out: Output): (event: ApplyEvent) => void {
  return (event) => {
    const { change, index, total } = event;
    const what = `${change.kind} ${JSON.stringify(change.name)}`;
    const bar = out.isTTY ? `[${'#'.repeat(Math.round(((index + 1) / total) * 20)).padEnd(20, '.')}] ` : '';
    const count = `(${index + 1}/${total})`;
    if (event.type === 'done')
      out.stderr(
        `${bar}${count} ${change.action} ${what}: done${event.supersetId !== undefined ? ` (id ${event.supersetId})` : ''}\n`,
      );
    else if (event.type === 'failed')
      out.stderr(`${bar}${count} ${VERB[change.action]} ${what}: FAILED: ${event.error.message}\n`);
  };
}
