import { problemFor } from '../../load/parse-file.js';
import type { Problem } from '../../model/problem.js';
import { ofKind, type RuleContext } from './context.js';

/** Column and metric names are unique, and the fields that name a column name one the dataset lists. */
export function datasets(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const columnsByDataset = new Map<string, Set<string>>();
  for (const ds of ofKind(ctx, 'dataset')) {
    for (const list of ['columns', 'metrics'] as const) {
      const seen = new Set<string>();
      (ds.spec[list] ?? []).forEach((item, i) => {
        if (seen.has(item.name)) {
          problems.push(
            problemFor(
              ds.parsed,
              [list, i, 'name'],
              'duplicate-name',
              `Another ${list === 'columns' ? 'column' : 'metric'} of this dataset is named ${JSON.stringify(item.name)}.`,
            ),
          );
        }
        seen.add(item.name);
      });
    }
    if (!ds.spec.columns) continue;
    const columns = new Set(ds.spec.columns.map((c) => c.name));
    columnsByDataset.set(ds.spec.name, columns);
    if (ds.spec.main_dttm_col !== undefined && !columns.has(ds.spec.main_dttm_col)) {
      problems.push(
        problemFor(
          ds.parsed,
          ['main_dttm_col'],
          'unknown-column',
          `Column ${JSON.stringify(ds.spec.main_dttm_col)} is not among this dataset's columns.`,
        ),
      );
    }
  }
  for (const dash of ofKind(ctx, 'dashboard')) {
    (dash.spec.native_filters ?? []).forEach((filter, i) =>
      (filter.targets ?? []).forEach((target, t) => {
        const columns = columnsByDataset.get(target.dataset);
        if (target.column !== undefined && columns && !columns.has(target.column)) {
          problems.push(
            problemFor(
              dash.parsed,
              ['native_filters', i, 'targets', t, 'column'],
              'unknown-column',
              `Dataset ${JSON.stringify(target.dataset)} has no column ${JSON.stringify(target.column)}.`,
            ),
          );
        }
      }),
    );
  }
  return problems;
}
