import { layoutTags } from '../../model/layout.js';
import type { LayoutItem } from '../../schema/index.js';
import { LAYOUT_DEFAULTS } from './types.js';

type Mode = 'fill' | 'strip';

/**
 * The layout with every default written out (chart and markdown 4 x 50, column width 4, header
 * MEDIUM_HEADER, backgrounds transparent), keys that mean nothing on an item dropped, and a chart
 * title that is empty or equal to the chart's name dropped. Two layouts that render the same normalize equal, and
 * `positionToLayout(layoutToPosition(L))` gives `normalizeLayout(L)`. Items that are nothing are
 * dropped (the validator reports them).
 */
export function normalizeLayout(layout: readonly LayoutItem[]): LayoutItem[] {
  return layout.flatMap((item) => normalizeItem(item, 'fill'));
}

/** The same, with every default left out: the shortest YAML that renders the same (for export). */
export function compactLayout(layout: readonly LayoutItem[]): LayoutItem[] {
  return layout.flatMap((item) => normalizeItem(item, 'strip'));
}

function normalizeItem(item: LayoutItem, mode: Mode): LayoutItem[] {
  const pick = <T>(value: T | undefined, fallback: T): T | undefined =>
    mode === 'fill' ? (value ?? fallback) : value === fallback ? undefined : value;
  const width = pick(item.width, LAYOUT_DEFAULTS.width);
  const height = pick(item.height, LAYOUT_DEFAULTS.height);
  const background = pick(item.background, LAYOUT_DEFAULTS.background);
  const inner = (items: readonly LayoutItem[]) => items.flatMap((child) => normalizeItem(child, mode));
  const out = (value: LayoutItem): LayoutItem[] => [dropUndefined(value)];

  switch (layoutTags(item)[0]) {
    case 'chart': {
      // Superset shows the chart's own name for an empty override, as for one equal to the name.
      const title = item.title !== item.chart && item.title !== '' ? item.title : undefined;
      return out({ chart: item.chart, title, width, height });
    }
    case 'markdown':
      return out({ markdown: item.markdown, width, height });
    case 'header':
      return out({ header: item.header, size: pick(item.size, LAYOUT_DEFAULTS.headerSize), background });
    case 'divider':
      return out({ divider: true });
    case 'row':
      return out({ row: inner(item.row ?? []), background });
    case 'column':
      return out({ column: inner(item.column ?? []), width, background });
    case 'tabs':
      return out({
        tabs: (item.tabs ?? []).map((tab) => ({ title: tab.title, children: inner(tab.children) })),
        in_grid: item.in_grid === true ? true : undefined,
      });
    default:
      return [];
  }
}

function dropUndefined(item: LayoutItem): LayoutItem {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined));
}
