import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { chartsInLayout, chartsInTabs } from '../../../src/model/layout.js';
import { chartIdsUnder, layoutToPosition, tabsHolding } from '../../../src/superset-map/layout/layout.js';
import { tabNames } from '../../../src/superset-map/metadata-refs.js';
import type { LayoutItem, NativeFilterSpec } from '../../../src/schema/index.js';
import { SupersetMapError } from '../../../src/superset-map/layout/errors.js';
import {
  configToFilters,
  deriveFilterId,
  filtersToConfig,
  normalizeNativeFilters,
  type FromConfigContext,
  type ToConfigContext,
} from '../../../src/superset-map/filters/native-filters.js';

const SALES = YAML.parse(
  readFileSync(new URL('../../../metadata/dashboards/sales.yaml', import.meta.url), 'utf8'),
) as {
  layout: LayoutItem[];
  native_filters: NativeFilterSpec[];
};
const PLACED = chartsInLayout(SALES.layout);
const CHARTS = [...PLACED, 'Not placed'];
const DATASETS = ['orders', 'customers'];

const toCtx: ToConfigContext = {
  datasetId: (name) => (DATASETS.includes(name) ? 10 + DATASETS.indexOf(name) : undefined),
  datasetUuid: (name) => (DATASETS.includes(name) ? `uuid-${name}` : undefined),
  chartId: (name) => (CHARTS.includes(name) ? 100 + CHARTS.indexOf(name) : undefined),
  placedChartIds: PLACED.map((_, i) => 100 + i),
};
const fromCtx: FromConfigContext = {
  datasetName: (ref) => (ref.id !== undefined ? DATASETS[ref.id - 10] : ref.uuid?.replace(/^uuid-/, '')),
  chartName: (id) => CHARTS[id - 100],
  placedChartIds: toCtx.placedChartIds,
};
const roundTrip = (filters: NativeFilterSpec[], ctx: Partial<ToConfigContext> = {}) =>
  configToFilters(filtersToConfig(filters, { ...toCtx, ...ctx }), fromCtx);

describe('filtersToConfig', () => {
  const [region, orderDate] = filtersToConfig(SALES.native_filters, toCtx);

  it('writes the sales example as Superset stores it', () => {
    expect(region).toEqual({
      id: deriveFilterId('Region'),
      name: 'Region',
      filterType: 'filter_select',
      type: 'NATIVE_FILTER',
      targets: [{ column: { name: 'region' }, datasetId: 10 }],
      controlValues: {
        enableEmptyFilter: false,
        defaultToFirstItem: false,
        multiSelect: true,
        searchAllOptions: false,
        inverseSelection: false,
      },
      defaultDataMask: { extraFormData: {}, filterState: { value: null }, ownState: {} },
      cascadeParentIds: [],
      scope: { rootPath: ['ROOT_ID'], excluded: [102, 104] },
      chartsInScope: [100, 101, 103],
      tabsInScope: [],
      description: '',
    });
    expect(orderDate).toMatchObject({
      filterType: 'filter_time',
      targets: [{}],
      controlValues: { enableEmptyFilter: false },
      defaultDataMask: {
        extraFormData: { time_range: 'No filter' },
        filterState: { value: 'No filter' },
        ownState: {},
      },
      scope: { rootPath: ['ROOT_ID'], excluded: [] },
      chartsInScope: [100, 101, 102, 103, 104],
    });
  });

  it('derives readable, stable ids that fit the schema pattern', () => {
    expect(deriveFilterId('Order date')).toMatch(/^NATIVE_FILTER-order-date-[0-9a-f]{8}$/);
    expect(deriveFilterId('Région')).toMatch(/^NATIVE_FILTER-region-[0-9a-f]{8}$/);
    expect(deriveFilterId('Région')).not.toBe(deriveFilterId('Region'));
    expect(deriveFilterId('日付')).toMatch(/^NATIVE_FILTER-[0-9a-f]{8}$/);
    expect(deriveFilterId('x'.repeat(200)).length).toBeLessThan(70);
  });

  it('keeps a given id and points cascade parents at the parents ids', () => {
    const [parent, child] = filtersToConfig(
      [
        {
          name: 'Country',
          id: 'NATIVE_FILTER-abc',
          type: 'filter_select',
          targets: [{ dataset: 'customers', column: 'country' }],
        },
        {
          name: 'City',
          type: 'filter_select',
          targets: [{ dataset: 'customers', column: 'city' }],
          cascade_parents: ['Country'],
        },
      ],
      toCtx,
    );
    expect(parent?.id).toBe('NATIVE_FILTER-abc');
    expect(child?.cascadeParentIds).toEqual(['NATIVE_FILTER-abc']);
  });

  it('builds the default clause each filter plugin would', () => {
    const masks = filtersToConfig(
      [
        {
          name: 'a',
          type: 'filter_select',
          targets: [{ dataset: 'orders', column: 'region' }],
          default_value: ['EMEA'],
        },
        {
          name: 'b',
          type: 'filter_select',
          targets: [{ dataset: 'orders', column: 'region' }],
          default_value: 'EMEA',
          control_values: { inverseSelection: true },
        },
        {
          name: 'c',
          type: 'filter_range',
          targets: [{ dataset: 'orders', column: 'qty' }],
          default_value: [1, 10],
        },
        {
          name: 'd',
          type: 'filter_range',
          targets: [{ dataset: 'orders', column: 'qty' }],
          default_value: [5, 5],
        },
        {
          name: 'e',
          type: 'filter_range',
          targets: [{ dataset: 'orders', column: 'qty' }],
          default_value: [null, 9],
        },
        { name: 'f', type: 'filter_timegrain', targets: [{ dataset: 'orders' }], default_value: ['P1M'] },
        {
          name: 'g',
          type: 'filter_timecolumn',
          targets: [{ dataset: 'orders' }],
          default_value: ['ordered_at'],
        },
        { name: 'h', type: 'filter_time', default_value: 'Last week' },
      ],
      toCtx,
    ).map((c) => c.defaultDataMask);
    expect(masks).toEqual([
      {
        extraFormData: { filters: [{ col: 'region', op: 'IN', val: ['EMEA'] }] },
        filterState: { value: ['EMEA'] },
        ownState: {},
      },
      {
        extraFormData: { filters: [{ col: 'region', op: 'NOT IN', val: ['EMEA'] }] },
        filterState: { value: ['EMEA'] },
        ownState: {},
      },
      {
        extraFormData: {
          filters: [
            { col: 'qty', op: '>=', val: 1 },
            { col: 'qty', op: '<=', val: 10 },
          ],
        },
        filterState: { value: [1, 10] },
        ownState: {},
      },
      {
        extraFormData: { filters: [{ col: 'qty', op: '==', val: 5 }] },
        filterState: { value: [5, 5] },
        ownState: {},
      },
      {
        extraFormData: { filters: [{ col: 'qty', op: '<=', val: 9 }] },
        filterState: { value: [null, 9] },
        ownState: {},
      },
      { extraFormData: { time_grain_sqla: 'P1M' }, filterState: { value: ['P1M'] }, ownState: {} },
      {
        extraFormData: { granularity_sqla: 'ordered_at' },
        filterState: { value: ['ordered_at'] },
        ownState: {},
      },
      { extraFormData: { time_range: 'Last week' }, filterState: { value: 'Last week' }, ownState: {} },
    ]);
  });

  it('writes dataset uuids for an import bundle', () => {
    const [c] = filtersToConfig(
      [{ name: 'R', type: 'filter_select', targets: [{ dataset: 'orders', column: 'region' }] }],
      { ...toCtx, bundle: true },
    );
    expect(c?.targets).toEqual([{ column: { name: 'region' }, datasetUuid: 'uuid-orders' }]);
  });

  it('only puts placed charts in scope, whatever `charts` names', () => {
    const [c] = filtersToConfig(
      [{ name: 'R', type: 'filter_time', charts: ['Not placed', 'Total revenue'] }],
      toCtx,
    );
    expect(c?.chartsInScope).toEqual([100]);
    expect(c?.scope.excluded).toEqual([101, 102, 103, 104]);
  });

  it('throws clear errors for names it cannot resolve', () => {
    const cases: [NativeFilterSpec, string, string][] = [
      [
        { name: 'R', type: 'filter_select', targets: [{ dataset: 'nope', column: 'x' }] },
        'unresolved-dataset',
        'native_filters[0].targets[0].dataset',
      ],
      [
        { name: 'R', type: 'filter_select', charts: ['Total revenue', 'Ghost'] },
        'unresolved-chart',
        'native_filters[0].charts[1]',
      ],
      [
        { name: 'R', type: 'filter_select', cascade_parents: ['Nobody'] },
        'unresolved-filter',
        'native_filters[0].cascade_parents[0]',
      ],
    ];
    for (const [spec, code, path] of cases) {
      expect(() => filtersToConfig([spec], toCtx)).toThrow(SupersetMapError);
      try {
        filtersToConfig([spec], toCtx);
      } catch (e) {
        expect(e).toMatchObject({ code, path });
      }
    }
    expect(() =>
      filtersToConfig([{ name: 'R', type: 'filter_select', targets: [{ dataset: 'orders' }] }], {
        ...toCtx,
        bundle: true,
        datasetUuid: undefined,
      }),
    ).toThrow('Dataset "orders" of a filter target has no Superset uuid');
  });
});

describe('configToFilters', () => {
  it('gives the sales example back as written (defaults dropped)', () => {
    const back = roundTrip(SALES.native_filters);
    expect(back.warnings).toEqual([]);
    expect(back.filters).toEqual([
      {
        name: 'Region',
        type: 'filter_select',
        targets: [{ dataset: 'orders', column: 'region' }],
        charts: ['Total revenue', 'Revenue by region', 'Monthly orders by product line'],
      },
      { name: 'Order date', type: 'filter_time', time_range: 'No filter' },
    ]);
    expect(back.filters).toEqual(normalizeNativeFilters(SALES.native_filters, PLACED));
    expect(roundTrip(SALES.native_filters, { bundle: true }).filters).toEqual(back.filters);
  });

  it('keeps what differs from the defaults', () => {
    const filters: NativeFilterSpec[] = [
      {
        name: 'Country',
        id: 'NATIVE_FILTER-kept',
        type: 'filter_select',
        description: 'Pick one',
        targets: [{ dataset: 'customers', column: 'country' }],
        control_values: { multiSelect: false, creatable: false, custom: 1 },
        default_value: ['FR'],
      },
      {
        name: 'City',
        type: 'filter_select',
        targets: [{ dataset: 'customers', column: 'city' }],
        cascade_parents: ['Country'],
        charts: [],
      },
      {
        name: 'Qty',
        type: 'filter_range',
        targets: [{ dataset: 'orders', column: 'qty' }],
        default_value: [1, 2],
        charts: ['Revenue by region'],
      },
      { name: 'Grain', type: 'filter_timegrain', targets: [{ dataset: 'orders' }], default_value: ['P1D'] },
    ];
    const back = roundTrip(filters);
    expect(back.warnings).toEqual([]);
    expect(back.filters).toEqual(filters);
  });

  it('reads a scope rooted at a tab through chartsUnder, else chartsInScope', () => {
    const config = [
      {
        id: 'NATIVE_FILTER-t',
        name: 'T',
        filterType: 'filter_time',
        scope: { rootPath: ['TAB-1'], excluded: [101] },
        chartsInScope: [100, 102],
      },
    ];
    const under = configToFilters(config, {
      ...fromCtx,
      chartsUnder: (id) => (id === 'TAB-1' ? [100, 101, 102] : undefined),
    });
    expect(under).toEqual({
      filters: [
        {
          name: 'T',
          id: 'NATIVE_FILTER-t',
          type: 'filter_time',
          charts: ['Total revenue', 'Customers by segment'],
        },
      ],
      warnings: [],
    });
    const listed = configToFilters(config, fromCtx);
    expect(listed.filters).toEqual(under.filters);
    expect(listed.warnings).toEqual([
      'filter "T": its scope starts at TAB-1; the charts in scope are taken from chartsInScope',
    ]);
    const neither = configToFilters([{ ...config[0], chartsInScope: undefined }], fromCtx);
    expect(neither.filters[0]?.charts).toEqual([
      'Total revenue',
      'Customers by segment',
      'Monthly orders by product line',
      'Revenue by month and region',
    ]);
    expect(neither.warnings).toEqual([
      'filter "T": its scope starts at TAB-1, which cannot be resolved; read as starting at ROOT_ID',
    ]);
  });

  it('reports what the YAML cannot hold', () => {
    const config = [
      { type: 'DIVIDER', id: 'NATIVE_FILTER_DIVIDER-1', title: 'Section' },
      {
        id: 'NATIVE_FILTER-a',
        name: 'A',
        filterType: 'filter_select',
        targets: [
          { datasetId: 10, column: { name: 'region' } },
          { datasetId: 11, column: { name: 'region' } },
        ],
        defaultDataMask: {
          extraFormData: { filters: [{ col: 'region', op: 'IN', val: ['x'] }] },
          filterState: { value: ['y'], label: 'y', other: 1 },
          ownState: { search: 'q' },
        },
        cascadeParentIds: ['NATIVE_FILTER-gone'],
        adhoc_filters: [{ sqlExpression: '1=1' }],
        time_range: 'No filter',
        sortMetric: null,
        granularity_sqla: 'ts',
      },
      {
        id: 'bad id!',
        name: 'A',
        filterType: 'filter_select',
        targets: [{ datasetId: 99 }],
        scope: { rootPath: ['ROOT_ID'], excluded: [100] },
      },
      { name: '', filterType: 'filter_select' },
      'junk',
    ];
    const { filters, warnings } = configToFilters(config, fromCtx);
    expect(filters).toEqual([
      {
        name: 'A',
        id: 'NATIVE_FILTER-a',
        type: 'filter_select',
        targets: [
          { dataset: 'orders', column: 'region' },
          { dataset: 'customers', column: 'region' },
        ],
        default_value: ['y'],
        adhoc_filters: [{ sqlExpression: '1=1' }],
      },
      {
        name: 'A (2)',
        type: 'filter_select',
        charts: [
          'Revenue by region',
          'Customers by segment',
          'Monthly orders by product line',
          'Revenue by month and region',
        ],
      },
    ]);
    expect(warnings).toEqual([
      'native filter 0 is a filter bar divider ("Section"), which the YAML cannot hold; skipped',
      'filter "" has no name or no filterType; skipped',
      'native filter 4 is "junk", not a filter; skipped',
      'filter "A": another filter is also named "A"; renamed "A (2)"',
      'filter "A": its default applies {"filters":[{"col":"region","op":"IN","val":["x"]}]}, not what the default value gives ({"filters":[{"col":"region","op":"IN","val":["y"]}]}); the clause is rebuilt from the value',
      'filter "A": default filter state other cannot be kept; dropped',
      'filter "A": default plugin state {"search":"q"} cannot be kept; dropped',
      'filter "A": granularity_sqla "ts" cannot be held in the YAML; dropped',
      'filter "A": parent filter "NATIVE_FILTER-gone" is not in this dashboard; dropped',
      'filter "A": dataset {"id":99} of its target is not known; target dropped',
      'filter "A": id "bad id!" is not of the form NATIVE_FILTER-<letters, digits, _ or ->; a new one is derived from the name (reports that point at the old id stop working)',
    ]);
  });

  it('reads nothing from junk, with a warning', () => {
    expect(configToFilters(undefined, fromCtx)).toEqual({ filters: [], warnings: [] });
    expect(configToFilters({ a: 1 }, fromCtx)).toEqual({
      filters: [],
      warnings: ['native_filter_configuration is {"a":1}, not a list; no filters read'],
    });
  });
});

describe('normalizeNativeFilters', () => {
  it('puts equivalent specs in one form', () => {
    const loose: NativeFilterSpec[] = [
      {
        name: 'S',
        id: deriveFilterId('S'),
        type: 'filter_select',
        description: '',
        targets: [{ dataset: 'orders', column: 'region' }],
        control_values: { multiSelect: true, sortAscending: true },
        default_value: 'EMEA',
        charts: [...PLACED].reverse(),
        cascade_parents: [],
      },
      {
        name: 'T',
        type: 'filter_time',
        default_value: 'Last day',
        charts: ['Revenue by region', 'Not placed', 'Total revenue'],
      },
      {
        name: 'R',
        type: 'filter_range',
        default_value: [],
        time_range: 'ignored',
        cascade_parents: ['S', 'Nobody'],
      },
    ];
    const normal = normalizeNativeFilters(loose, PLACED);
    expect(normal).toEqual([
      {
        name: 'S',
        type: 'filter_select',
        targets: [{ dataset: 'orders', column: 'region' }],
        default_value: ['EMEA'],
      },
      {
        name: 'T',
        type: 'filter_time',
        time_range: 'Last day',
        charts: ['Total revenue', 'Revenue by region'],
      },
      { name: 'R', type: 'filter_range', cascade_parents: ['S'] },
    ]);
    expect(normalizeNativeFilters(normal, PLACED)).toEqual(normal);
  });
});

describe('a scope that starts at tabs', () => {
  // Two tabs: "Detail" with two charts, "More" with one; a chart above them.
  const [c1, c2, c3, c4] = PLACED as [string, string, string, string];
  const LAYOUT: LayoutItem[] = [
    { row: [{ chart: c1 }] },
    {
      tabs: [
        { title: 'Detail', children: [{ row: [{ chart: c2 }, { chart: c3 }] }] },
        { title: 'More', children: [{ row: [{ chart: c4 }] }] },
      ],
    },
  ];
  const placedIds = chartsInLayout(LAYOUT).map((n) => toCtx.chartId(n)!);
  const position = layoutToPosition('Tabs', LAYOUT, (name) =>
    toCtx.chartId(name) !== undefined ? { id: toCtx.chartId(name)!, uuid: `u-${name}` } : undefined,
  );
  const tabs = tabNames(position);
  const ctxTo: ToConfigContext = {
    ...toCtx,
    placedChartIds: placedIds,
    tabId: tabs.idOf,
    chartsUnder: (id) => chartIdsUnder(position, id),
    tabsHolding: (ids) => tabsHolding(position, ids),
  };
  const ctxFrom: FromConfigContext = {
    ...fromCtx,
    placedChartIds: placedIds,
    chartsUnder: (id) => chartIdsUnder(position, id),
    tabName: tabs.nameOf,
  };

  it('is written with the tab ids as rootPath, its charts in scope and the tabs that hold them', () => {
    const [config] = filtersToConfig([{ name: 'Region', type: 'filter_select', tabs: ['Detail'] }], ctxTo);
    expect(config?.scope.rootPath).toEqual([tabs.idOf('Detail')]);
    expect(config?.scope.excluded).toEqual([]);
    expect(config?.chartsInScope).toEqual([c2, c3].map((n) => toCtx.chartId(n)));
    expect(config?.tabsInScope).toEqual([tabs.idOf('Detail')]);
    const [root] = filtersToConfig([{ name: 'Region', type: 'filter_select' }], ctxTo);
    expect(root?.tabsInScope?.sort()).toEqual([tabs.idOf('Detail'), tabs.idOf('More')].sort());
  });

  it('reads back as the same tabs, and charts only when some under them are left out', () => {
    const whole = configToFilters(
      filtersToConfig([{ name: 'R', type: 'filter_select', tabs: ['Detail'] }], ctxTo),
      ctxFrom,
    );
    expect(whole).toEqual({
      filters: [{ name: 'R', type: 'filter_select', tabs: ['Detail'] }],
      warnings: [],
    });
    const spec: NativeFilterSpec = { name: 'R', type: 'filter_select', tabs: ['Detail'], charts: [c3] };
    const [written] = filtersToConfig([spec], ctxTo);
    expect(written?.scope.excluded).toEqual([toCtx.chartId(c2)]);
    const narrowed = configToFilters([written], ctxFrom);
    expect(narrowed.filters).toEqual([spec]);
    expect(
      normalizeNativeFilters(narrowed.filters, chartsInLayout(LAYOUT), (t) => chartsInTabs(LAYOUT, t)),
    ).toEqual(narrowed.filters);
  });

  it('a tab the dashboard does not have is an error naming it', () => {
    expect(() => filtersToConfig([{ name: 'R', type: 'filter_select', tabs: ['Nope'] }], ctxTo)).toThrow(
      /names tab "Nope", which is not a tab of this dashboard/,
    );
  });
});
