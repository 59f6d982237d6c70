import { problemFor } from '../../load/parse-file.js';
import { layoutTags, walkLayout } from '../../model/layout.js';
import type { PathSegment, Problem } from '../../model/problem.js';
import type { LayoutItem } from '../../schema/index.js';
import { ofKind, type RuleContext } from './context.js';

const GRID_WIDTH = 12;
const DEFAULT_CHART_WIDTH = 4;

/** Which extra keys make sense on which node. */
const ALLOWED: Record<string, readonly string[]> = {
  chart: ['title', 'width', 'height'],
  markdown: ['width', 'height'],
  column: ['width', 'background'],
  row: ['background'],
  header: ['size', 'background'],
  tabs: ['in_grid'],
  divider: [],
};

/** Each layout node is exactly one thing, rows fit the 12-column grid, and no chart is placed twice. */
export function layout(ctx: RuleContext): Problem[] {
  const problems: Problem[] = [];
  for (const dash of ofKind(ctx, 'dashboard')) {
    const placedAt = new Map<string, PathSegment[]>();
    walkLayout(dash.spec.layout, (item: LayoutItem, path) => {
      const at = ['layout', ...path];
      const tags = layoutTags(item);
      if (tags.length !== 1) {
        problems.push(
          problemFor(
            dash.parsed,
            at,
            'layout-item-shape',
            tags.length === 0
              ? 'This layout item says nothing it is: give it one of chart, row, column, tabs, markdown, header, divider.'
              : `This layout item is several things at once (${tags.join(', ')}); split it into one item each.`,
          ),
        );
        return;
      }
      const tag = tags[0] as string;
      for (const key of Object.keys(item)) {
        if (key !== tag && !ALLOWED[tag]?.includes(key)) {
          problems.push(
            problemFor(
              dash.parsed,
              [...at, key],
              'layout-item-shape',
              `\`${key}\` has no meaning on a ${tag}; remove it.`,
              { key: true },
            ),
          );
        }
      }
      if (item.chart !== undefined) {
        const first = placedAt.get(item.chart);
        if (first) {
          problems.push(
            problemFor(
              dash.parsed,
              [...at, 'chart'],
              'chart-placed-twice',
              `Chart ${JSON.stringify(item.chart)} is already placed at layout${first.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('')}; a chart may appear once per dashboard.`,
            ),
          );
        } else placedAt.set(item.chart, path);
      }
      if (item.row) {
        const width = item.row.reduce(
          (sum, child) =>
            sum +
            (child.width ??
              (child.chart !== undefined || child.markdown !== undefined || child.column
                ? DEFAULT_CHART_WIDTH
                : 0)),
          0,
        );
        if (width > GRID_WIDTH) {
          problems.push(
            problemFor(
              dash.parsed,
              [...at, 'row'],
              'row-too-wide',
              `This row is ${width} columns wide; the grid has ${GRID_WIDTH}. Narrow its items or move some to another row.`,
            ),
          );
        }
      }
    });
    const filterNames = new Set<string>();
    (dash.spec.native_filters ?? []).forEach((filter, i) => {
      if (filterNames.has(filter.name)) {
        problems.push(
          problemFor(
            dash.parsed,
            ['native_filters', i, 'name'],
            'duplicate-name',
            `Another filter of this dashboard is named ${JSON.stringify(filter.name)}.`,
          ),
        );
      }
      filterNames.add(filter.name);
    });
    (dash.spec.native_filters ?? []).forEach((filter, i) =>
      (filter.cascade_parents ?? []).forEach((parent, p) => {
        if (!filterNames.has(parent) || parent === filter.name) {
          problems.push(
            problemFor(
              dash.parsed,
              ['native_filters', i, 'cascade_parents', p],
              'dangling-reference',
              `No other filter of this dashboard is named ${JSON.stringify(parent)}.`,
            ),
          );
        }
      }),
    );
  }
  return problems;
}
