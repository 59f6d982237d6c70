import type { LayoutItem } from '../schema/index.js';
import type { PathSegment } from './problem.js';

export const LAYOUT_TAGS = ['chart', 'row', 'column', 'tabs', 'markdown', 'header', 'divider'] as const;
export type LayoutTag = (typeof LAYOUT_TAGS)[number];

/** Which kind of node an item is: the tag keys it carries (exactly one when valid). */
export function layoutTags(item: LayoutItem): LayoutTag[] {
  return LAYOUT_TAGS.filter((tag) => item[tag] !== undefined);
}

/** Visits every layout item depth-first with its path below `layout`. */
export function walkLayout(
  items: readonly LayoutItem[],
  visit: (item: LayoutItem, path: PathSegment[]) => void,
  prefix: PathSegment[] = [],
): void {
  items.forEach((item, i) => {
    const path = [...prefix, i];
    visit(item, path);
    if (item.row) walkLayout(item.row, visit, [...path, 'row']);
    if (item.column) walkLayout(item.column, visit, [...path, 'column']);
    item.tabs?.forEach((tab, t) => walkLayout(tab.children, visit, [...path, 'tabs', t, 'children']));
  });
}

/** Charts placed under the tabs titled `titles` (the first tab of each title), in layout order. */
export function chartsInTabs(items: readonly LayoutItem[], titles: readonly string[]): string[] {
  const wanted = new Set(titles);
  const found = new Set<string>();
  const out: string[] = [];
  walkLayout(items, (item) => {
    for (const tab of item.tabs ?? []) {
      if (!wanted.has(tab.title) || found.has(tab.title)) continue;
      found.add(tab.title);
      out.push(...chartsInLayout(tab.children));
    }
  });
  const order = chartsInLayout(items);
  return order.filter((name, i) => out.includes(name) && order.indexOf(name) === i);
}

/** Names of the charts a layout places, in layout order. */
export function chartsInLayout(items: readonly LayoutItem[]): string[] {
  const out: string[] = [];
  walkLayout(items, (item) => {
    if (item.chart !== undefined) out.push(item.chart);
  });
  return out;
}
