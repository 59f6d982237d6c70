import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { LayoutItem } from '../../../src/schema/index.js';
import {
  chartIdsUnder,
  compactLayout,
  layoutToPosition,
  normalizeLayout,
  positionToLayout,
  type ChartNodeRef,
  type LayoutComponent,
  type PositionNode,
} from '../../../src/superset-map/layout/layout.js';
import { SupersetMapError } from '../../../src/superset-map/layout/errors.js';

const SALES = YAML.parse(
  readFileSync(new URL('../../../metadata/dashboards/sales.yaml', import.meta.url), 'utf8'),
) as {
  layout: LayoutItem[];
};

const CHARTS = [
  'Total revenue',
  'Revenue by region',
  'Customers by segment',
  'Monthly orders by product line',
  'Revenue by month and region',
  'A',
  'B',
  'C',
];
const chartRef = (name: string) => {
  const i = CHARTS.indexOf(name);
  return i < 0
    ? undefined
    : { id: 100 + i, uuid: `00000000-0000-4000-8000-${String(100 + i).padStart(12, '0')}` };
};
const resolveChart = (ref: ChartNodeRef) =>
  ref.chartId === undefined ? undefined : CHARTS[ref.chartId - 100];

const node = (position: Record<string, PositionNode>, id: string | undefined): LayoutComponent => {
  const found = id === undefined ? undefined : position[id];
  if (found === undefined || typeof found === 'string') throw new Error(`no component ${id}`);
  return found;
};
const kids = (position: Record<string, PositionNode>, id: string | undefined) =>
  (node(position, id).children ?? []).map((c) => node(position, c));

describe('layoutToPosition', () => {
  const position = layoutToPosition('Sales overview', SALES.layout, chartRef);

  it('writes a complete v2 layout with the title in HEADER_ID', () => {
    expect(position.DASHBOARD_VERSION_KEY).toBe('v2');
    expect(node(position, 'ROOT_ID')).toEqual({ children: ['GRID_ID'], id: 'ROOT_ID', type: 'ROOT' });
    expect(node(position, 'GRID_ID')).toMatchObject({ id: 'GRID_ID', parents: ['ROOT_ID'], type: 'GRID' });
    expect(node(position, 'HEADER_ID')).toEqual({
      id: 'HEADER_ID',
      meta: { text: 'Sales overview' },
      type: 'HEADER',
    });
    expect(kids(position, 'GRID_ID').map((n) => n.type)).toEqual(['HEADER', 'ROW', 'ROW', 'TABS']);
  });

  it('fills chart, markdown, header and row meta with defaults where the YAML is silent', () => {
    const [header, row] = kids(position, 'GRID_ID');
    expect(header?.meta).toEqual({
      text: 'Sales overview',
      headerSize: 'LARGE_HEADER',
      background: 'BACKGROUND_TRANSPARENT',
    });
    expect(row?.meta).toEqual({ background: 'BACKGROUND_TRANSPARENT' });
    expect(kids(position, row?.id)[0]).toMatchObject({
      type: 'CHART',
      children: [],
      parents: ['ROOT_ID', 'GRID_ID', row?.id],
      meta: {
        chartId: 100,
        uuid: '00000000-0000-4000-8000-000000000100',
        width: 4,
        height: 50,
        sliceName: 'Total revenue',
      },
    });
    const tabs = kids(position, 'GRID_ID')[3];
    const [tab] = kids(position, tabs?.id);
    expect(tab).toMatchObject({
      type: 'TAB',
      meta: { text: 'Monthly detail' },
      parents: ['ROOT_ID', 'GRID_ID', tabs?.id],
    });
    const [inner] = kids(position, tab?.id);
    const [, markdown] = kids(position, inner?.id);
    expect(markdown).toMatchObject({
      type: 'MARKDOWN',
      meta: { width: 4, height: 60 },
      parents: ['ROOT_ID', 'GRID_ID', tabs?.id, tab?.id, inner?.id],
    });
    expect(markdown?.meta?.code).toContain('### About this dashboard');
  });

  it('derives ids from the item path, so the same YAML gives the same position', () => {
    expect(layoutToPosition('Sales overview', SALES.layout, chartRef)).toEqual(position);
    const ids = Object.keys(position).filter(
      (k) => !['DASHBOARD_VERSION_KEY', 'ROOT_ID', 'GRID_ID', 'HEADER_ID'].includes(k),
    );
    expect(ids).toHaveLength(12);
    for (const id of ids) expect(id).toMatch(/^(CHART|ROW|HEADER|TABS|TAB|MARKDOWN)-[0-9a-f]{10}$/);
    // Ids depend on the place, not the content: another chart at the same place keeps the id.
    const moved = layoutToPosition('x', [{ row: [{ chart: 'A' }] }], chartRef);
    const other = layoutToPosition('x', [{ row: [{ chart: 'B' }] }], chartRef);
    expect(Object.keys(moved).sort()).toEqual(Object.keys(other).sort());
  });

  it('puts a layout that is exactly one tabs item at the top (ROOT_ID -> TABS), as Superset does', () => {
    const p = layoutToPosition(
      'T',
      [
        {
          tabs: [
            { title: 'One', children: [{ row: [{ chart: 'A', width: 6 }] }] },
            { title: 'Two', children: [] },
          ],
        },
      ],
      chartRef,
    );
    const [tabs] = kids(p, 'ROOT_ID');
    expect(tabs).toMatchObject({ type: 'TABS', parents: ['ROOT_ID'], meta: {} });
    expect(node(p, 'GRID_ID')).toEqual({ children: [], id: 'GRID_ID', parents: ['ROOT_ID'], type: 'GRID' });
    const [one, two] = kids(p, tabs?.id);
    expect(one?.meta).toEqual({ text: 'One' });
    expect(two).toMatchObject({ children: [], parents: ['ROOT_ID', tabs?.id] });
    const [row] = kids(p, one?.id);
    expect(kids(p, row?.id)[0]).toMatchObject({
      parents: ['ROOT_ID', tabs?.id, one?.id, row?.id],
      meta: { width: 6 },
    });
  });

  it('writes a title as sliceNameOverride only when it differs from the name', () => {
    const p = layoutToPosition(
      'T',
      [
        {
          row: [
            { chart: 'A', title: 'Shown' },
            { chart: 'B', title: 'B' },
          ],
        },
      ],
      chartRef,
    );
    const charts = Object.values(p).filter(
      (n): n is LayoutComponent => typeof n !== 'string' && n.type === 'CHART',
    );
    expect(charts.map((c) => c.meta?.sliceNameOverride)).toEqual(['Shown', undefined]);
  });

  it('writes columns, dividers and headers', () => {
    const p = layoutToPosition(
      'T',
      [
        { header: 'H' },
        { divider: true },
        { row: [{ column: [{ chart: 'A' }, { markdown: 'm' }], width: 3, background: 'BACKGROUND_WHITE' }] },
      ],
      chartRef,
    );
    const [h, d, row] = kids(p, 'GRID_ID');
    expect(h?.meta).toEqual({ text: 'H', headerSize: 'MEDIUM_HEADER', background: 'BACKGROUND_TRANSPARENT' });
    expect(d).toMatchObject({ type: 'DIVIDER', children: [], meta: {} });
    const [col] = kids(p, row?.id);
    expect(col).toMatchObject({ type: 'COLUMN', meta: { width: 3, background: 'BACKGROUND_WHITE' } });
    expect(kids(p, col?.id).map((n) => n.type)).toEqual(['CHART', 'MARKDOWN']);
  });

  it('throws a clear error for a chart it cannot resolve, naming it and its place', () => {
    const run = () => layoutToPosition('T', [{ row: [{ chart: 'A' }, { chart: 'Nope' }] }], chartRef);
    expect(run).toThrow(SupersetMapError);
    expect(run).toThrow('Chart "Nope" at layout[0].row[1] has no Superset id');
    try {
      run();
    } catch (e) {
      expect(e).toMatchObject({ code: 'unresolved-chart', path: 'layout[0].row[1].chart' });
    }
  });

  it('throws for an item that is nothing', () => {
    expect(() => layoutToPosition('T', [{ width: 3 }], chartRef)).toThrow(/layout\[0\] is not a chart, row/);
  });
});

describe('positionToLayout', () => {
  it('inverts layoutToPosition up to defaults (sales example)', () => {
    const back = positionToLayout(layoutToPosition('Sales', SALES.layout, chartRef), resolveChart);
    expect(back.warnings).toEqual([]);
    expect(back.layout).toEqual(normalizeLayout(SALES.layout));
  });

  it('reads the JSON text as the REST API returns it', () => {
    const text = JSON.stringify(layoutToPosition('T', [{ row: [{ chart: 'A' }] }], chartRef));
    expect(positionToLayout(text, resolveChart).layout).toEqual([
      { row: [{ chart: 'A', width: 4, height: 50 }], background: 'BACKGROUND_TRANSPARENT' },
    ]);
  });

  const chart = (id: string, chartId: number, meta: Record<string, unknown> = {}) => ({
    [id]: { id, type: 'CHART', children: [], meta: { chartId, ...meta } },
  });

  it('needs neither parents nor meta sizes, and leaves absent sizes undefined', () => {
    const p = {
      ROOT_ID: { id: 'ROOT_ID', type: 'ROOT', children: ['GRID_ID'] },
      GRID_ID: { id: 'GRID_ID', type: 'GRID', children: ['ROW-1'] },
      'ROW-1': { id: 'ROW-1', type: 'ROW', children: ['CHART-1'] },
      ...chart('CHART-1', 105),
    };
    expect(positionToLayout(p, resolveChart)).toEqual({ layout: [{ row: [{ chart: 'A' }] }], warnings: [] });
  });

  it('reads a grid holding exactly one TABS as tabs that stay in the grid (in_grid), and writes them back there', () => {
    const p = {
      ROOT_ID: { type: 'ROOT', children: ['GRID_ID'] },
      GRID_ID: { type: 'GRID', children: ['TABS-1'] },
      'TABS-1': { type: 'TABS', children: ['TAB-1'] },
      'TAB-1': {
        type: 'TAB',
        children: ['ROW-1'],
        meta: { text: 'Only', defaultText: 'Tab title', placeholder: 'Tab title' },
      },
      'ROW-1': {
        type: 'ROW',
        children: ['CHART-1'],
        meta: { '0': 'ROOT_ID', background: 'BACKGROUND_TRANSPARENT' },
      },
      ...chart('CHART-1', 106, { width: 12 }),
    };
    const { layout, warnings } = positionToLayout(p, resolveChart);
    expect(warnings).toEqual([]);
    expect(layout).toEqual([
      {
        tabs: [
          {
            title: 'Only',
            children: [{ row: [{ chart: 'B', width: 12 }], background: 'BACKGROUND_TRANSPARENT' }],
          },
        ],
        in_grid: true,
      },
    ]);
    const written = Object.values(layoutToPosition('T', layout, chartRef));
    expect(written.filter((n) => typeof n !== 'string' && n.type === 'ROOT')).toEqual([
      expect.objectContaining({ children: ['GRID_ID'] }),
    ]);
    expect(written.filter((n) => typeof n !== 'string' && n.type === 'GRID')).toEqual([
      expect.objectContaining({ children: [expect.stringMatching(/^TABS-/)] }),
    ]);
    // Without the mark, the same tabs are the dashboard's top-level tabs.
    const top = Object.values(layoutToPosition('T', [{ tabs: layout[0]!.tabs }], chartRef));
    expect(top.filter((n) => typeof n !== 'string' && n.type === 'ROOT')).toEqual([
      expect.objectContaining({ children: [expect.stringMatching(/^TABS-/)] }),
    ]);
  });

  it('falls back to GRID_ID without ROOT_ID, then to the components nobody lists', () => {
    const grid = { GRID_ID: { type: 'GRID', children: ['CHART-1'] }, ...chart('CHART-1', 105) };
    expect(positionToLayout(grid, resolveChart)).toEqual({
      layout: [{ chart: 'A' }],
      warnings: ['position has no ROOT_ID; read from GRID_ID'],
    });
    const loose = {
      HEADER_ID: { type: 'HEADER', meta: { text: 'x' } },
      'ROW-1': { type: 'ROW', children: ['CHART-1'] },
      ...chart('CHART-1', 105),
    };
    const r = positionToLayout(loose, resolveChart);
    expect(r.layout).toEqual([{ row: [{ chart: 'A' }] }]);
    expect(r.warnings).toEqual([
      expect.stringContaining('read from the components no other lists as a child (ROW-1)'),
    ]);
  });

  it('skips what it cannot use and says so', () => {
    const p = {
      DASHBOARD_VERSION_KEY: 'v2',
      ROOT_ID: { type: 'ROOT', children: ['GRID_ID'] },
      GRID_ID: { type: 'GRID', children: ['ROW-1', 'GONE', 'DYN-1', 'ROW-1', 42] },
      HEADER_ID: { type: 'HEADER', meta: { text: 'Title' } },
      'ROW-1': { type: 'ROW', children: ['CHART-1', 'CHART-2', 'CHART-3'], meta: { background: 'PINK' } },
      ...chart('CHART-1', 105, { width: 13.5, height: 'tall', sliceNameOverride: '' }),
      ...chart('CHART-2', 999, { sliceName: 'Lost' }),
      ...chart('CHART-3', 107, { sliceNameOverride: 'Seen as' }),
      'DYN-1': { type: 'DYNAMIC', children: [] },
      'CHART-9': { type: 'CHART', meta: { chartId: 105 } },
      junk: 7,
    };
    const { layout, warnings } = positionToLayout(p, resolveChart);
    expect(layout).toEqual([
      {
        row: [
          { chart: 'A', width: 12 },
          { chart: 'C', title: 'Seen as' },
        ],
      },
    ]);
    expect(warnings).toEqual([
      'junk: 7 is not a layout component; skipped',
      'ROW-1: background "PINK" is not one of BACKGROUND_TRANSPARENT, BACKGROUND_WHITE; the default is used',
      'CHART-1: width 13.5 is outside 1..12 or not whole; 12 is used',
      'CHART-1: height "tall" is not a number; the default is used',
      'CHART-2: chart {"chartId":999,"sliceName":"Lost"} is not known; dropped from the layout',
      'GRID_ID lists child GONE, which is not in the position; skipped',
      'DYN-1: unknown component type "DYNAMIC"; skipped with everything under it',
      'ROW-1 is listed under more than one parent (or in a cycle); kept where it first appears',
      'CHART-9 is not reachable from ROOT_ID; ignored (Superset still links this chart to the dashboard but does not show it)',
    ]);
  });

  it('survives cycles, tabs holding non-tabs and containers in odd places', () => {
    const p = {
      ROOT_ID: { type: 'ROOT', children: ['GRID_ID'] },
      GRID_ID: { type: 'GRID', children: ['ROW-1', 'TABS-1', 'TAB-9'] },
      'ROW-1': { type: 'ROW', children: ['ROW-1', 'GRID_ID'] },
      'TABS-1': { type: 'TABS', children: ['ROW-2', 'TAB-1', 'TAB-X'] },
      'ROW-2': { type: 'ROW', children: [] },
      'TAB-1': { type: 'TAB', children: [] },
      'TAB-9': { type: 'TAB', children: ['DIV-1'] },
      'DIV-1': { type: 'DIVIDER' },
    };
    const { layout, warnings } = positionToLayout(p, resolveChart);
    expect(layout).toEqual([{ row: [] }, { tabs: [{ title: '', children: [] }] }, { divider: true }]);
    expect(warnings).toEqual([
      'ROW-1 is listed under more than one parent (or in a cycle); kept where it first appears',
      'GRID_ID is listed under more than one parent (or in a cycle); kept where it first appears',
      'TABS-1: child ROW-2 is a "ROW", not a TAB; skipped with everything under it',
      'TAB-1: tab has no text; its title is empty',
      'TABS-1 lists child TAB-X, which is not in the position; skipped',
      'TAB-9: a TAB under GRID_ID; its children are placed there directly',
      'ROW-2 is not reachable from ROOT_ID; ignored',
    ]);
  });

  it('reads junk as an empty layout with a warning', () => {
    expect(positionToLayout(null, resolveChart)).toEqual({ layout: [], warnings: [] });
    expect(positionToLayout('{', resolveChart).warnings).toEqual([
      'position is not valid JSON; the layout is empty',
    ]);
    expect(positionToLayout([1, 2], resolveChart).warnings).toEqual([
      'position is a list, not a v2 layout object; the layout is empty',
    ]);
    expect(positionToLayout({ DASHBOARD_VERSION_KEY: 'v1' }, resolveChart).warnings).toEqual([
      'DASHBOARD_VERSION_KEY is "v1", not "v2"; read as v2',
    ]);
  });
});

describe('normalizeLayout and compactLayout', () => {
  const loose: LayoutItem[] = [
    { header: 'H' },
    { row: [{ chart: 'A', title: 'A' }, { column: [{ markdown: 'x', height: 50 }] }], width: 3 },
    { tabs: [{ title: 't', children: [{ divider: true }] }] },
    { size: 'SMALL_HEADER' },
  ];
  const full: LayoutItem[] = [
    { header: 'H', size: 'MEDIUM_HEADER', background: 'BACKGROUND_TRANSPARENT' },
    {
      row: [
        { chart: 'A', width: 4, height: 50 },
        { column: [{ markdown: 'x', width: 4, height: 50 }], width: 4, background: 'BACKGROUND_TRANSPARENT' },
      ],
      background: 'BACKGROUND_TRANSPARENT',
    },
    { tabs: [{ title: 't', children: [{ divider: true }] }] },
  ];

  it('fills every default, drops meaningless keys, titles equal to names and items that are nothing', () => {
    expect(normalizeLayout(loose)).toEqual(full);
    expect(normalizeLayout(full)).toEqual(full);
  });

  it('compacts to the shortest equivalent YAML', () => {
    expect(compactLayout(full)).toEqual([
      { header: 'H' },
      { row: [{ chart: 'A' }, { column: [{ markdown: 'x' }] }] },
      { tabs: [{ title: 't', children: [{ divider: true }] }] },
    ]);
    expect(normalizeLayout(compactLayout(full))).toEqual(full);
  });
});

describe('chartIdsUnder', () => {
  it('collects the chart ids below a component, tolerating junk', () => {
    const p = layoutToPosition(
      'T',
      [
        {
          tabs: [
            { title: 'a', children: [{ row: [{ chart: 'A' }, { column: [{ chart: 'B' }] }] }] },
            { title: 'b', children: [{ row: [{ chart: 'C' }] }] },
          ],
        },
      ],
      chartRef,
    );
    const tabs = kids(p, 'ROOT_ID')[0];
    const [a, b] = kids(p, tabs?.id);
    expect(chartIdsUnder(p, a?.id ?? '')).toEqual([105, 106]);
    expect(chartIdsUnder(p, b?.id ?? '')).toEqual([107]);
    expect(chartIdsUnder(p, 'ROOT_ID')).toEqual([105, 106, 107]);
    expect(chartIdsUnder(p, 'nope')).toEqual([]);
    expect(chartIdsUnder('junk', 'ROOT_ID')).toEqual([]);
  });
});

describe('deep positions', () => {
  it('stops at 100 levels instead of exhausting the stack', () => {
    const p: Record<string, unknown> = { ROOT_ID: { type: 'ROOT', children: ['R0'] } };
    for (let i = 0; i < 20_000; i++) p[`R${i}`] = { type: 'ROW', children: [`R${i + 1}`] };
    p['R20000'] = { type: 'CHART', meta: { chartId: 105 } };
    const { layout, warnings } = positionToLayout(p, resolveChart);
    expect(layout).toHaveLength(1);
    expect(warnings[0]).toBe('R100 is nested more than 100 levels deep; skipped with everything under it');
    expect(warnings).toHaveLength(21);
    expect(warnings[20]).toBe('19881 more components are not reachable from ROOT_ID; ignored');
    expect(chartIdsUnder(p, 'ROOT_ID')).toEqual([105]);
  });
});
