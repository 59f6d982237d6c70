import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { chartIdsUnder } from '../../../src/superset-map/layout/layout.js';
import {
  configToFilters,
  filtersToConfig,
  normalizeNativeFilters,
  type FromConfigContext,
  type ToConfigContext,
} from '../../../src/superset-map/filters/native-filters.js';
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
  position: Record<string, unknown>;
  config: unknown[];
}

const FIXTURES: Fixture[] = dashboardFiles(ROOT).flatMap((file) => {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as {
    position: Record<string, unknown>;
    metadata?: { native_filter_configuration?: unknown[] };
  };
  const config = doc.metadata?.native_filter_configuration ?? [];
  return config.length ? [{ file: relative(ROOT, file), position: doc.position, config }] : [];
});
const find = (part: string) => FIXTURES.find((f) => f.file.includes(part));

/** Datasets and charts named after their uuid / id, so names never clash across a bundle. */
function contexts(fx: Fixture): { from: FromConfigContext; to: ToConfigContext } {
  const placed = chartIdsUnder(fx.position, 'ROOT_ID');
  return {
    from: {
      datasetName: (ref) => (ref.uuid !== undefined ? `ds:${ref.uuid}` : undefined),
      chartName: (id) => `chart:${id}`,
      placedChartIds: placed,
      chartsUnder: (id) => chartIdsUnder(fx.position, id),
    },
    to: {
      datasetId: () => undefined,
      datasetUuid: (name) => name.replace(/^ds:/, ''),
      chartId: (name) => Number(name.replace(/^chart:/, '')),
      placedChartIds: placed,
      bundle: true,
    },
  };
}

describe('native filters of real exports', () => {
  it('finds the filters the fixtures are known for', () => {
    expect(find('bundle-sales-dashboard')?.config).toHaveLength(7);
    expect(find('bundle-covid-vaccine-dashboard')?.config).toHaveLength(3);
    expect(FIXTURES.reduce((n, f) => n + f.config.length, 0)).toBe(123);
  });

  it('reads the Sales bundle without loss: defaults and Superset-made ids kept as ids', () => {
    const fx = find('bundle-sales-dashboard');
    if (!fx) throw new Error('fixture missing');
    const { filters, warnings } = configToFilters(fx.config, contexts(fx).from);
    expect(warnings).toEqual([]);
    expect(filters.map((f) => [f.name, f.type])).toEqual([
      ['Country', 'filter_select'],
      ['Order Quantity', 'filter_range'],
      ['Time Range', 'filter_time'],
      ['Time Grain', 'filter_timegrain'],
      ['Postal Code', 'filter_select'],
      ['State', 'filter_select'],
      ['MSRP', 'filter_range'],
    ]);
    expect(filters[0]).toEqual({
      name: 'Country',
      id: 'NATIVE_FILTER-HX2lV--YaAZRQfJ_yfYB2',
      type: 'filter_select',
      targets: [{ dataset: 'ds:e8623bb9-5e00-f531-506a-19607f5f8005', column: 'country' }],
    });
    expect(filters[2]).toEqual({
      name: 'Time Range',
      id: 'NATIVE_FILTER-V_UJOthxN8gCeYSD0id9b',
      type: 'filter_time',
    });
    expect(filters[3]).toEqual({
      name: 'Time Grain',
      id: 'NATIVE_FILTER-t8xOh3el1KBWWiCIF5hIN',
      type: 'filter_timegrain',
      targets: [{ dataset: 'ds:e8623bb9-5e00-f531-506a-19607f5f8005' }],
    });
  });

  it('reads the COVID bundle', () => {
    const fx = find('bundle-covid-vaccine-dashboard');
    if (!fx) throw new Error('fixture missing');
    const { filters, warnings } = configToFilters(fx.config, contexts(fx).from);
    expect(warnings).toEqual([]);
    expect(filters.map((f) => f.name)).toHaveLength(3);
  });

  it('reads a scope rooted at tabs with excluded charts (chatsky) through the layout', () => {
    const fx = find('chatsky');
    if (!fx) throw new Error('fixture missing');
    const { filters } = configToFilters(fx.config, contexts(fx).from);
    const grain = filters.find((f) => f.name === 'Time grain');
    expect(grain).toMatchObject({ default_value: ['PT1M'] });
    const underTab = chartIdsUnder(fx.position, 'TAB-6zE8noCIsx').filter((id) => id !== 5);
    expect(grain?.charts).toEqual(
      chartIdsUnder(fx.position, 'ROOT_ID')
        .filter((id) => underTab.includes(id))
        .map((id) => `chart:${id}`),
    );
    expect(filters.find((f) => f.name === 'Time range')?.time_range).toBe(
      'DATEADD(DATETIME("now"), -1, day) : now',
    );
  });

  it('reads a select default with its IN clause (mitodl Orders)', () => {
    const fx = find('Orders_7b9f');
    if (!fx) throw new Error('fixture missing');
    const { filters, warnings } = configToFilters(fx.config, contexts(fx).from);
    expect(warnings).toEqual([]);
    expect(filters.find((f) => f.name === 'Order State')?.default_value).toEqual(['fulfilled', 'refunded']);
  });

  it('keeps pre-filters and filters on several datasets, with nothing to report', () => {
    const read = FIXTURES.map((fx) => configToFilters(fx.config, contexts(fx).from));
    expect(read.flatMap((r) => r.warnings)).toEqual([]);
    const filters = read.flatMap((r) => r.filters);
    expect(filters.filter((f) => f.adhoc_filters?.length)).toHaveLength(2);
    expect(filters.filter((f) => (f.targets?.length ?? 0) > 1)).toHaveLength(4);
  });

  it.each(FIXTURES.map((f) => [f.file, f] as const))('round trips %s', (_file, fx) => {
    const { from, to } = contexts(fx);
    const first = configToFilters(fx.config, from);
    const config = filtersToConfig(first.filters, to);
    const again = configToFilters(config, from);
    expect(again.warnings).toEqual([]);
    expect(again.filters).toEqual(first.filters);
    const placedNames = from.placedChartIds.map((id) => `chart:${id}`);
    expect(normalizeNativeFilters(first.filters, placedNames)).toEqual(first.filters);
  });
});
