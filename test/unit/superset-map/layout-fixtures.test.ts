import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  layoutToPosition,
  normalizeLayout,
  positionToLayout,
  type ChartNodeRef,
} from '../../../src/superset-map/layout/layout.js';
import { chartsInLayout } from '../../../src/model/layout.js';
import { FIXTURES as BUNDLE_ROOT } from '../../helpers/bundles.js';

const ROOT = BUNDLE_ROOT;

function dashboardFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return dashboardFiles(path);
    return path.includes('/dashboards/') && e.name.endsWith('.yaml') ? [path] : [];
  });
}

interface Fixture {
  file: string;
  title: string;
  position: Record<string, unknown>;
}

const FIXTURES: Fixture[] = dashboardFiles(ROOT).map((file) => {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as {
    dashboard_title: string;
    position: Record<string, unknown>;
  };
  return { file: relative(ROOT, file), title: doc.dashboard_title, position: doc.position };
});
const find = (part: string) => {
  const found = FIXTURES.find((f) => f.file.includes(part));
  if (!found) throw new Error(`no fixture ${part}`);
  return found;
};

/** Charts named by uuid (slice names repeat across a bundle); the inverse map comes from the position. */
const byUuid = (ref: ChartNodeRef) => ref.uuid;
function chartRefFrom(position: Record<string, unknown>) {
  const refs = new Map<string, { id: number; uuid: string }>();
  for (const node of Object.values(position)) {
    const meta = (node as { type?: string; meta?: { chartId?: number; uuid?: string } }).meta;
    if ((node as { type?: string }).type === 'CHART' && meta?.uuid && meta.chartId !== undefined)
      refs.set(meta.uuid, { id: meta.chartId, uuid: meta.uuid });
  }
  return (name: string) => refs.get(name);
}

describe('positionToLayout on real exports', () => {
  it('finds all 40 dashboards (19 from mitodl)', () => {
    expect(FIXTURES).toHaveLength(40);
    expect(FIXTURES.filter((f) => f.file.startsWith('mitodl'))).toHaveLength(19);
  });

  it.each(FIXTURES.map((f) => [f.file, f] as const))('round trips %s', (_file, fx) => {
    const first = positionToLayout(fx.position, byUuid);
    const position = layoutToPosition(fx.title, first.layout, chartRefFrom(fx.position));
    const again = positionToLayout(position, byUuid);
    expect(again.warnings).toEqual([]);
    expect(again.layout).toEqual(first.layout);
    expect(normalizeLayout(first.layout)).toEqual(normalizeLayout(again.layout));
    // Every chart Superset shows comes through.
    const shown = Object.values(fx.position).filter((n) => (n as { type?: string }).type === 'CHART').length;
    expect(chartsInLayout(first.layout).length).toBeLessThanOrEqual(shown);
  });
});

describe('what the fixtures hold', () => {
  const bySlice = (ref: ChartNodeRef) => ref.sliceName;

  it('Sales: top-level tabs, a column of two charts, markdown, and title overrides', () => {
    const { layout, warnings } = positionToLayout(find('bundle-sales-dashboard').position, bySlice);
    expect(warnings).toEqual([]);
    expect(layout).toHaveLength(1);
    const tabs = layout[0]?.tabs ?? [];
    expect(tabs.map((t) => t.title)).toEqual(['\u{1F3AF} Sales Overview', '\u{1F9ED} Exploratory']);
    const firstRow = tabs[0]?.children[0];
    expect(firstRow).toMatchObject({
      row: [
        {
          column: [
            { chart: 'Total Revenue', width: 3, height: 26 },
            { chart: 'Items Sold', title: 'Total Products Sold', width: 2, height: 25 },
          ],
          width: 3,
          background: 'BACKGROUND_TRANSPARENT',
        },
        { chart: 'Quarterly Sales', title: 'Quarterly Revenue', width: 6, height: 53 },
        { markdown: expect.stringContaining('Vehicle Sales') as unknown, width: 3, height: 53 },
      ],
    });
    expect(chartsInLayout(layout)).toHaveLength(10);
  });

  it('COVID: one tab holding rows of charts and a markdown', () => {
    const { layout, warnings } = positionToLayout(find('bundle-covid-vaccine-dashboard').position, bySlice);
    expect(warnings).toEqual([]);
    expect(layout[0]?.tabs?.map((t) => t.title)).toEqual(['Overview']);
    expect(chartsInLayout(layout)).toHaveLength(7);
  });

  it('Slack: rows straight under the grid, ignoring junk keys in ROW meta', () => {
    const { layout, warnings } = positionToLayout(find('bundle-slack-dashboard').position, bySlice);
    expect(warnings).toEqual([]);
    expect(layout.map((i) => Object.keys(i)[0])).toEqual(['row', 'row', 'row']);
    expect(chartsInLayout(layout)).toHaveLength(9);
  });

  it('mitodl: a chart no component lists is reported (Superset links it but does not show it)', () => {
    const { warnings } = positionToLayout(find('Course_Enrollment_Activity').position, bySlice);
    expect(warnings).toEqual([
      'CHART-G97MUWI1 is not reachable from ROOT_ID; ignored (Superset still links this chart to the dashboard but does not show it)',
    ]);
  });

  it('mitodl: tabs and a divider under the grid next to a row', () => {
    const { layout } = positionToLayout(find('Program_Enrollment_and_Credential').position, bySlice);
    expect(layout.map((i) => Object.keys(i)[0])).toEqual(['tabs', 'row']);
    const summary = layout[0]?.tabs?.find((t) => t.title === 'Program Summary');
    expect(summary?.children.map((i) => Object.keys(i)[0])).toEqual(['row', 'divider', 'row']);
  });

  it('Unicode test: no parents anywhere', () => {
    expect(positionToLayout(find('Unicode_Test').position, bySlice)).toEqual({
      layout: [{ row: [{ chart: 'slice 1', width: 4, height: 30 }], background: 'BACKGROUND_TRANSPARENT' }],
      warnings: [],
    });
  });

  it('stackabletech (Superset 1.5/2.0 era) reads without warnings', () => {
    for (const fx of FIXTURES.filter((f) => f.file.startsWith('stackabletech'))) {
      const { layout, warnings } = positionToLayout(fx.position, bySlice);
      expect(warnings).toEqual([]);
      expect(chartsInLayout(layout).length).toBeGreaterThan(0);
    }
  });

  it('a grid holding only tabs (10 of 40 dashboards) reads as top-level tabs', () => {
    const gridTabs = FIXTURES.filter((f) => {
      const grid = f.position.GRID_ID as { children?: string[] } | undefined;
      const only =
        grid?.children?.length === 1
          ? (f.position[grid.children[0] ?? ''] as { type?: string } | undefined)
          : undefined;
      return (
        (f.position.ROOT_ID as { children?: string[] }).children?.[0] === 'GRID_ID' && only?.type === 'TABS'
      );
    });
    expect(gridTabs).toHaveLength(10);
    for (const fx of gridTabs) {
      const { layout } = positionToLayout(fx.position, bySlice);
      expect(layout).toHaveLength(1);
      expect(layout[0]?.tabs).toBeDefined();
    }
  });
});
