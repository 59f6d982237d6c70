import { layoutTags } from '../../model/layout.js';
import { formatPath, type PathSegment } from '../../model/problem.js';
import type { LayoutItem } from '../../schema/index.js';
import { SupersetMapError } from './errors.js';
import { LayoutIds } from './ids.js';
import {
  GRID_ID,
  HEADER_ID,
  LAYOUT_DEFAULTS,
  POSITION_VERSION,
  ROOT_ID,
  VERSION_KEY,
  type ComponentMeta,
  type ComponentType,
  type PositionNode,
} from './types.js';

export { positionToLayout, chartIdsUnder, tabsHolding } from './read.js';
export { normalizeLayout, compactLayout } from './normalize.js';
export * from './types.js';

/** Superset id and uuid of a chart, by its name in our metadata. */
export type ChartRef = (name: string) => { id: number; uuid: string } | undefined;

interface Writer {
  position: Record<string, PositionNode>;
  ids: LayoutIds;
  chartRef: ChartRef;
}

/**
 * A complete v2 `position_json` for a dashboard: version key, ROOT_ID, GRID_ID, HEADER_ID (the title)
 * and one component per layout item. A layout that is exactly one `tabs` item becomes top-level tabs
 * (ROOT_ID -> TABS, GRID_ID left empty), as Superset stores them; anything else goes under GRID_ID.
 * Throws a SupersetMapError for a chart `chartRef` cannot resolve or an item that is nothing.
 */
export function layoutToPosition(
  title: string,
  layout: LayoutItem[],
  chartRef: ChartRef,
): Record<string, PositionNode> {
  const w: Writer = {
    position: { [VERSION_KEY]: POSITION_VERSION },
    ids: new LayoutIds([ROOT_ID, GRID_ID, HEADER_ID, VERSION_KEY]),
    chartRef,
  };
  const only = layout.length === 1 ? layout[0] : undefined;
  // Tabs that are the whole layout are the dashboard's top-level tabs, unless marked to stay in the grid.
  const topTabs = only !== undefined && layoutTags(only)[0] === 'tabs' && only.in_grid !== true;
  const gridChildren = topTabs ? [] : layout.map((item, i) => place(w, item, [i], [ROOT_ID, GRID_ID]));
  const rootChildren = topTabs && only ? [place(w, only, [0], [ROOT_ID])] : [GRID_ID];
  w.position[ROOT_ID] = { children: rootChildren, id: ROOT_ID, type: 'ROOT' };
  w.position[GRID_ID] = { children: gridChildren, id: GRID_ID, parents: [ROOT_ID], type: 'GRID' };
  w.position[HEADER_ID] = { id: HEADER_ID, meta: { text: title }, type: 'HEADER' };
  return w.position;
}

/** Adds the component for `item` (and everything under it) and returns its id. */
function place(w: Writer, item: LayoutItem, path: PathSegment[], parents: string[]): string {
  const tag = layoutTags(item)[0];
  const add = (
    type: ComponentType,
    meta: ComponentMeta,
    children: (id: string) => string[] = () => [],
  ): string => {
    const id = w.ids.idFor(type, path);
    // Written before the children so the keys read top-down in the stored JSON.
    const node = { children: [] as string[], id, meta, parents, type };
    w.position[id] = node;
    node.children = children(id);
    return id;
  };
  const under = (id: string, items: readonly LayoutItem[], key: string) =>
    items.map((child, i) => place(w, child, [...path, key, i], [...parents, id]));

  switch (tag) {
    case 'chart':
      return add('CHART', chartMeta(w, item, item.chart ?? '', path));
    case 'markdown':
      return add('MARKDOWN', { code: item.markdown ?? '', height: heightOf(item), width: widthOf(item) });
    case 'header':
      return add('HEADER', {
        background: item.background ?? LAYOUT_DEFAULTS.background,
        headerSize: item.size ?? LAYOUT_DEFAULTS.headerSize,
        text: item.header ?? '',
      });
    case 'divider':
      return add('DIVIDER', {});
    case 'row':
      return add('ROW', { background: item.background ?? LAYOUT_DEFAULTS.background }, (id) =>
        under(id, item.row ?? [], 'row'),
      );
    case 'column':
      return add(
        'COLUMN',
        { background: item.background ?? LAYOUT_DEFAULTS.background, width: widthOf(item) },
        (id) => under(id, item.column ?? [], 'column'),
      );
    case 'tabs':
      return add('TABS', {}, (tabsId) =>
        (item.tabs ?? []).map((tab, t) => {
          const tabPath = [...path, 'tabs', t];
          const tabId = w.ids.idFor('TAB', tabPath);
          const node = {
            children: [] as string[],
            id: tabId,
            meta: { text: tab.title },
            parents: [...parents, tabsId],
            type: 'TAB' as const,
          };
          w.position[tabId] = node;
          node.children = tab.children.map((child, i) =>
            place(w, child, [...tabPath, 'children', i], [...parents, tabsId, tabId]),
          );
          return tabId;
        }),
      );
    default:
      throw new SupersetMapError(
        `layout${formatPath(path)} is not a chart, row, column, tabs, markdown, header or divider; give it exactly one of those keys.`,
        'layout-item-shape',
        `layout${formatPath(path)}`,
      );
  }
}

function chartMeta(w: Writer, item: LayoutItem, name: string, path: PathSegment[]): ComponentMeta {
  const ref = w.chartRef(name);
  if (!ref) {
    throw new SupersetMapError(
      `Chart ${JSON.stringify(name)} at layout${formatPath(path)} has no Superset id; create the chart first or fix the name.`,
      'unresolved-chart',
      `layout${formatPath(path)}.chart`,
    );
  }
  const meta: ComponentMeta = {
    chartId: ref.id,
    height: heightOf(item),
    sliceName: name,
    uuid: ref.uuid,
    width: widthOf(item),
  };
  // An empty title, or one equal to the name, shows the chart's own name: not an override.
  if (item.title !== undefined && item.title !== '' && item.title !== name)
    meta.sliceNameOverride = item.title;
  return meta;
}

const widthOf = (item: LayoutItem): number => item.width ?? LAYOUT_DEFAULTS.width;
const heightOf = (item: LayoutItem): number => item.height ?? LAYOUT_DEFAULTS.height;
