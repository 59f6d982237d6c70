import type { LayoutItem } from '../../schema/index.js';
import {
  compact,
  isRec,
  readBackground,
  readHeaderSize,
  readSize,
  readString,
  show,
  type Rec,
} from './meta.js';
import { GRID_ID, HEADER_ID, POSITION_VERSION, ROOT_ID, VERSION_KEY, type ChartNodeRef } from './types.js';

/** Superset nests a handful of levels; far deeper is junk, and reading it would exhaust the stack. */
const MAX_DEPTH = 100;

export type ChartResolver = (ref: ChartNodeRef) => string | undefined;

interface Reader {
  nodes: Map<string, Rec>;
  resolveChart: ChartResolver;
  warnings: string[];
  visited: Set<string>;
}

/**
 * Our layout from a Superset position (the object or its JSON text). Tolerant of what real exports
 * hold: missing `parents`, dangling child ids, unknown types, unresolvable charts and bad sizes become
 * warnings; without ROOT_ID the layout is read from GRID_ID or from the nodes nobody lists as a child.
 * HEADER_ID (the title) is ignored. Never throws, whatever `position` is.
 */
export function positionToLayout(
  position: unknown,
  resolveChart: ChartResolver,
): { layout: LayoutItem[]; warnings: string[] } {
  const warnings: string[] = [];
  const r: Reader = { nodes: parseNodes(position, warnings), resolveChart, warnings, visited: new Set() };
  const layout = topIds(r).flatMap((id) => readNode(r, id, 'ROOT_ID', 0));
  reportUnreached(r);
  // One set of tabs inside the grid (not the dashboard's top-level tabs): said so, or it would be
  // written back as top-level tabs.
  const root = r.nodes.get(ROOT_ID);
  const [only] = layout;
  if (layout.length === 1 && only?.tabs && root && childIds(root).join() === GRID_ID)
    return { layout: [{ ...only, in_grid: true }], warnings };
  return { layout, warnings };
}

/** Chart ids placed anywhere under a component (a tab, say); empty when it is unknown. Never throws. */
export function chartIdsUnder(position: unknown, componentId: string): number[] {
  const nodes = parseNodes(position, []);
  const out: number[] = [];
  const seen = new Set<string>();
  // Depth-first in layout order, with an explicit stack: positions can be arbitrarily deep junk.
  const stack = [componentId];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    const node = nodes.get(id);
    if (!node || seen.has(id)) continue;
    seen.add(id);
    const chartId = isRec(node.meta) ? node.meta.chartId : undefined;
    if (node.type === 'CHART' && typeof chartId === 'number') out.push(chartId);
    stack.push(...childIds(node).reverse());
  }
  return out;
}

/** Ids of the tabs that hold any of `chartIds` (Superset's `tabsInScope` of a filter), in position order. */
export function tabsHolding(position: unknown, chartIds: readonly number[]): string[] {
  const wanted = new Set(chartIds);
  const out: string[] = [];
  for (const [id, node] of parseNodes(position, [])) {
    if (node.type === 'TAB' && chartIdsUnder(position, id).some((c) => wanted.has(c))) out.push(id);
  }
  return out;
}

export function parseNodes(position: unknown, warnings: string[]): Map<string, Rec> {
  const nodes = new Map<string, Rec>();
  let value = position;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      warnings.push('position is not valid JSON; the layout is empty');
      return nodes;
    }
  }
  if (!isRec(value)) {
    if (value !== null && value !== undefined)
      warnings.push(
        `position is ${Array.isArray(value) ? 'a list' : typeof value}, not a v2 layout object; the layout is empty`,
      );
    return nodes;
  }
  for (const [key, node] of Object.entries(value)) {
    if (key === VERSION_KEY) {
      if (node !== POSITION_VERSION)
        warnings.push(`${VERSION_KEY} is ${show(node)}, not "${POSITION_VERSION}"; read as v2`);
    } else if (isRec(node)) nodes.set(key, node);
    else warnings.push(`${key}: ${show(node)} is not a layout component; skipped`);
  }
  return nodes;
}

const childIds = (node: Rec): string[] =>
  Array.isArray(node.children) ? node.children.filter((c): c is string => typeof c === 'string') : [];

/** Where reading starts: ROOT_ID's children, else GRID_ID, else every node that is nobody's child. */
function topIds(r: Reader): string[] {
  const root = r.nodes.get(ROOT_ID);
  if (root) {
    r.visited.add(ROOT_ID);
    return childIds(root);
  }
  if (r.nodes.size === 0) return [];
  if (r.nodes.has(GRID_ID)) {
    r.warnings.push(`position has no ${ROOT_ID}; read from ${GRID_ID}`);
    return [GRID_ID];
  }
  const listed = new Set([...r.nodes.values()].flatMap(childIds));
  const tops = [...r.nodes.keys()].filter((id) => !listed.has(id) && id !== HEADER_ID);
  r.warnings.push(
    `position has no ${ROOT_ID} or ${GRID_ID}; read from the components no other lists as a child (${tops.join(', ') || 'none'})`,
  );
  return tops;
}

/** The layout items for one component: usually one, several when a container is inlined, none when skipped. */
function readNode(r: Reader, id: string, parent: string, depth: number): LayoutItem[] {
  const node = r.nodes.get(id);
  if (!node) {
    r.warnings.push(`${parent} lists child ${id}, which is not in the position; skipped`);
    return [];
  }
  if (r.visited.has(id)) {
    r.warnings.push(
      `${id} is listed under more than one parent (or in a cycle); kept where it first appears`,
    );
    return [];
  }
  r.visited.add(id);
  if (depth >= MAX_DEPTH) {
    r.warnings.push(`${id} is nested more than ${MAX_DEPTH} levels deep; skipped with everything under it`);
    return [];
  }
  const meta: Rec = isRec(node.meta) ? node.meta : {};
  const warn = (message: string) => r.warnings.push(`${id}: ${message}`);
  const kids = (): LayoutItem[] => childIds(node).flatMap((child) => readNode(r, child, id, depth + 1));
  const width = (max = 12) => readSize(meta.width, 'width', max, warn);
  const height = () => readSize(meta.height, 'height', Number.MAX_SAFE_INTEGER, warn);

  switch (node.type) {
    case 'CHART':
      return readChart(r, node, meta, warn, width(), height());
    case 'MARKDOWN':
      return [compact({ markdown: readString(meta.code) ?? '', width: width(), height: height() })];
    case 'HEADER':
      return [
        compact({
          header: readString(meta.text) ?? '',
          size: readHeaderSize(meta.headerSize, warn),
          background: readBackground(meta.background, warn),
        }),
      ];
    case 'DIVIDER':
      return [{ divider: true }];
    case 'ROW': {
      const background = readBackground(meta.background, warn);
      return [compact({ row: kids(), background })];
    }
    case 'COLUMN': {
      const [w, background] = [width(), readBackground(meta.background, warn)];
      return [compact({ column: kids(), width: w, background })];
    }
    case 'TABS':
      return [{ tabs: readTabs(r, id, node, depth) }];
    case 'GRID':
    case 'ROOT':
    case 'TAB':
      // A grid under the root is the normal case; anything else is a container in an odd place, kept inline.
      if (!(depth === 0 && node.type === 'GRID'))
        warn(`a ${node.type} under ${parent}; its children are placed there directly`);
      return kids();
    default:
      warn(`unknown component type ${show(node.type)}; skipped with everything under it`);
      return [];
  }
}

function readChart(
  r: Reader,
  node: Rec,
  meta: Rec,
  warn: (m: string) => void,
  width?: number,
  height?: number,
): LayoutItem[] {
  const ref: ChartNodeRef = compact({
    chartId: typeof meta.chartId === 'number' ? meta.chartId : undefined,
    uuid: readString(meta.uuid),
    sliceName: readString(meta.sliceName),
  });
  const name = r.resolveChart(ref);
  if (name === undefined) {
    warn(`chart ${show(ref)} is not known; dropped from the layout`);
    return [];
  }
  if (childIds(node).length > 0) warn('a chart has no children; its children are ignored');
  const override = readString(meta.sliceNameOverride);
  // An empty override shows the chart's own name in Superset, as does one equal to it.
  const title = override !== undefined && override !== '' && override !== name ? override : undefined;
  return [compact({ chart: name, title, width, height })];
}

function readTabs(r: Reader, id: string, node: Rec, depth: number): NonNullable<LayoutItem['tabs']> {
  const tabs: NonNullable<LayoutItem['tabs']> = [];
  for (const tabId of childIds(node)) {
    const tab = r.nodes.get(tabId);
    if (tab && tab.type !== 'TAB') {
      r.warnings.push(
        `${id}: child ${tabId} is a ${show(tab.type)}, not a TAB; skipped with everything under it`,
      );
      continue;
    }
    if (!tab) {
      r.warnings.push(`${id} lists child ${tabId}, which is not in the position; skipped`);
      continue;
    }
    if (r.visited.has(tabId)) {
      r.warnings.push(
        `${tabId} is listed under more than one parent (or in a cycle); kept where it first appears`,
      );
      continue;
    }
    r.visited.add(tabId);
    const meta = isRec(tab.meta) ? tab.meta : {};
    const title = readString(meta.text) ?? readString(meta.defaultText);
    if (title === undefined) r.warnings.push(`${tabId}: tab has no text; its title is empty`);
    tabs.push({
      title: title ?? '',
      children: childIds(tab).flatMap((child) => readNode(r, child, tabId, depth + 2)),
    });
  }
  return tabs;
}

/** Once this many warnings are out, further unreachable components are counted, not listed. */
const MAX_LISTED = 20;

function reportUnreached(r: Reader): void {
  let more = 0;
  for (const [id, node] of r.nodes) {
    if (r.visited.has(id) || id === HEADER_ID) continue;
    // Top-level tabs leave GRID_ID in the position with no children: Superset does that too.
    if (id === GRID_ID && childIds(node).length === 0) continue;
    const chart =
      node.type === 'CHART' ? ' (Superset still links this chart to the dashboard but does not show it)' : '';
    if (r.warnings.length < MAX_LISTED)
      r.warnings.push(`${id} is not reachable from ${ROOT_ID}; ignored${chart}`);
    else more++;
  }
  if (more > 0) r.warnings.push(`${more} more components are not reachable from ${ROOT_ID}; ignored`);
}
