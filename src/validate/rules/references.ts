import { problemFor } from '../../load/parse-file.js';
import type { PathSegment, Problem } from '../../model/problem.js';
import type { LayoutItem } from '../../schema/index.js';
import { closestName } from '../../model/suggest.js';
import { ofKind, type RuleContext } from './context.js';
import { walkLayout } from '../../model/layout.js';

/** Every name that points at another object must name one that exists. */
export function references(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  const check = (
    file: Parameters<typeof problemFor>[0],
    path: PathSegment[],
    kind: 'database' | 'dataset' | 'chart' | 'dashboard' | 'theme',
    name: string,
  ) => {
    if (ctx.names[kind].has(name)) return;
    const hint = closestName(name, [...ctx.names[kind]]);
    problems.push(
      problemFor(
        file,
        path,
        'dangling-reference',
        `No ${kind} is named ${JSON.stringify(name)}${hint ? `; did you mean ${JSON.stringify(hint)}?` : '.'}`,
      ),
    );
  };
  for (const ds of ofKind(ctx, 'dataset')) check(ds.parsed, ['database'], 'database', ds.spec.database);
  for (const chart of ofKind(ctx, 'chart')) check(chart.parsed, ['dataset'], 'dataset', chart.spec.dataset);
  for (const q of ofKind(ctx, 'saved_query')) check(q.parsed, ['database'], 'database', q.spec.database);
  for (const r of ofKind(ctx, 'report')) {
    if (r.spec.chart !== undefined) check(r.parsed, ['chart'], 'chart', r.spec.chart);
    if (r.spec.dashboard !== undefined) check(r.parsed, ['dashboard'], 'dashboard', r.spec.dashboard);
    if (r.spec.database !== undefined) check(r.parsed, ['database'], 'database', r.spec.database);
  }
  for (const rule of ofKind(ctx, 'row_level_security'))
    rule.spec.tables.forEach((t, i) => check(rule.parsed, ['tables', i], 'dataset', t));
  for (const dash of ofKind(ctx, 'dashboard')) {
    if (typeof dash.spec.theme === 'string') check(dash.parsed, ['theme'], 'theme', dash.spec.theme);
    const placed = new Set<string>();
    walkLayout(dash.spec.layout, (item: LayoutItem, path) => {
      if (item.chart === undefined) return;
      placed.add(item.chart);
      check(dash.parsed, ['layout', ...path, 'chart'], 'chart', item.chart);
    });
    (dash.spec.native_filters ?? []).forEach((filter, i) => {
      (filter.targets ?? []).forEach((target, t) =>
        check(dash.parsed, ['native_filters', i, 'targets', t, 'dataset'], 'dataset', target.dataset),
      );
      const tabTitles = new Set<string>();
      walkLayout(dash.spec.layout, (item: LayoutItem) => item.tabs?.forEach((t) => tabTitles.add(t.title)));
      (filter.tabs ?? []).forEach((tab, t) => {
        if (tabTitles.has(tab)) return;
        const hint = closestName(tab, [...tabTitles]);
        problems.push(
          problemFor(
            dash.parsed,
            ['native_filters', i, 'tabs', t],
            'filter-scope',
            `Filter ${JSON.stringify(filter.name)} starts at tab ${JSON.stringify(tab)}, which this dashboard does not have${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}.`,
          ),
        );
      });
      (filter.charts ?? []).forEach((chart, c) => {
        const path = ['native_filters', i, 'charts', c];
        if (!ctx.names.chart.has(chart)) check(dash.parsed, path, 'chart', chart);
        else if (!placed.has(chart)) {
          problems.push(
            problemFor(
              dash.parsed,
              path,
              'filter-scope',
              `Filter ${JSON.stringify(filter.name)} applies to chart ${JSON.stringify(chart)}, which this dashboard does not place.`,
            ),
          );
        }
      });
    });
  }
  return problems;
}
