import path from 'node:path';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { NativeFilterSpec } from '../../../src/schema/index.js';
import { chartIdsUnder } from '../../../src/superset-map/layout/layout.js';
import {
  configToFilters,
  filtersToConfig,
  normalizeNativeFilters,
  type FromConfigContext,
} from '../../../src/superset-map/filters/native-filters.js';
import { FIXTURES } from '../../helpers/bundles.js';

const CHARTS = ['Revenue', 'Orders', 'Customers', 'Map', 'Table'];
const DATASETS = ['orders', 'customers'];
const TYPES = [
  'filter_select',
  'filter_range',
  'filter_time',
  'filter_timegrain',
  'filter_timecolumn',
  'filter_custom',
];
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const strip = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const fromCtx = (placed: number[]): FromConfigContext => ({
  datasetName: (ref) => (ref.id !== undefined ? DATASETS[ref.id] : undefined),
  chartName: (id) => CHARTS[id],
  placedChartIds: placed,
});

/** Valid filter lists: unique names, references that resolve (the validator guarantees both). */
const filterList = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 5 })
  .chain((names) =>
    fc.tuple(
      ...names.map((name, i) =>
        fc
          .record({
            name: fc.constant(name),
            id: opt(fc.constant(`NATIVE_FILTER-given_${i}`)),
            type: fc.constantFrom(...TYPES),
            description: opt(fc.string()),
            targets: opt(
              fc.tuple(
                fc.record({ dataset: fc.constantFrom(...DATASETS), column: opt(fc.string()) }).map(strip),
              ),
            ),
            charts: opt(fc.subarray(CHARTS)),
            control_values: opt(
              fc.dictionary(
                fc.constantFrom(
                  'multiSelect',
                  'enableEmptyFilter',
                  'inverseSelection',
                  'creatable',
                  'sortAscending',
                  'searchAllOptions',
                  'x',
                ),
                fc.oneof(fc.boolean(), fc.jsonValue()),
              ),
            ),
            default_value: opt(
              fc.oneof(
                fc.jsonValue(),
                fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
              ),
            ),
            time_range: opt(fc.constantFrom('No filter', 'Last week', '')),
            cascade_parents: opt(fc.subarray(names.filter((n) => n !== name))),
          })
          .map((f) => strip(f) as NativeFilterSpec),
      ),
    ),
  );

describe('native filter round trip (property)', () => {
  it('configToFilters(filtersToConfig(F)) is normalizeNativeFilters(F), with no warnings', () => {
    fc.assert(
      fc.property(filterList, fc.subarray(CHARTS), fc.boolean(), (filters, placedNames, viaJson) => {
        const placed = placedNames.map((n) => CHARTS.indexOf(n));
        let config: unknown = filtersToConfig(filters, {
          datasetId: (n) => DATASETS.indexOf(n),
          chartId: (n) => CHARTS.indexOf(n),
          placedChartIds: placed,
        });
        if (viaJson) config = JSON.parse(JSON.stringify(config)) as unknown;
        const back = configToFilters(config, fromCtx(placed));
        expect(back.warnings).toEqual([]);
        // Through JSON, as Superset stores it (-0 becomes 0 there).
        const viaText = <T>(v: T): T => (viaJson ? (JSON.parse(JSON.stringify(v)) as T) : v);
        expect(back.filters).toEqual(viaText(normalizeNativeFilters(filters, placedNames)));
        expect(normalizeNativeFilters(back.filters, placedNames)).toEqual(back.filters);
      }),
      { numRuns: 400 },
    );
  });
});

describe('configToFilters never throws', () => {
  const real = YAML.parse(
    readFileSync(
      path.join(FIXTURES, 'apache-superset/bundle-sales-dashboard/dashboards/Sales_Dashboard.yaml'),
      'utf8',
    ),
  ) as { position: unknown; metadata: { native_filter_configuration: Record<string, unknown>[] } };
  const anything = fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true });

  it('on anything at all', () => {
    fc.assert(
      fc.property(anything, fc.array(fc.oneof(fc.integer(), anything)), (junk, placed) => {
        const r = configToFilters(junk, { ...fromCtx(placed as number[]), chartsUnder: () => undefined });
        expect(Array.isArray(r.filters)).toBe(true);
        configToFilters([junk], fromCtx([]));
      }),
      { numRuns: 500 },
    );
  });

  it('on filters with random fields', () => {
    const filter = fc.record(
      {
        id: anything,
        name: fc.oneof(fc.string(), anything),
        filterType: fc.oneof(fc.constantFrom(...TYPES), anything),
        type: fc.oneof(fc.constantFrom('NATIVE_FILTER', 'DIVIDER'), anything),
        targets: fc.oneof(
          fc.array(
            fc.record(
              {
                datasetId: fc.oneof(fc.nat(3), anything),
                datasetUuid: anything,
                column: fc.oneof(fc.record({ name: anything }), anything),
              },
              { requiredKeys: [] },
            ),
          ),
          anything,
        ),
        controlValues: anything,
        defaultDataMask: fc.oneof(
          fc.record(
            {
              extraFormData: anything,
              filterState: fc.oneof(fc.record({ value: anything }), anything),
              ownState: anything,
            },
            { requiredKeys: [] },
          ),
          anything,
        ),
        cascadeParentIds: fc.oneof(fc.array(anything), anything),
        scope: fc.oneof(
          fc.record(
            {
              rootPath: fc.oneof(fc.array(fc.constantFrom('ROOT_ID', 'TAB-x')), anything),
              excluded: fc.oneof(fc.array(fc.nat(5)), anything),
            },
            { requiredKeys: [] },
          ),
          anything,
        ),
        chartsInScope: fc.oneof(fc.array(fc.nat(5)), anything),
        description: anything,
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(filter, { maxLength: 4 }), (config) => {
        configToFilters(config, {
          ...fromCtx([0, 1, 2]),
          chartsUnder: (id) => (id === 'TAB-x' ? [1] : undefined),
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('on a real configuration with fields replaced by junk', () => {
    const keys = Object.keys(real.metadata.native_filter_configuration[0] ?? {});
    fc.assert(
      fc.property(fc.nat(6), fc.dictionary(fc.constantFrom(...keys), anything), (i, replaced) => {
        const config = real.metadata.native_filter_configuration.map((f, j) =>
          i === j ? { ...f, ...replaced } : f,
        );
        configToFilters(config, {
          datasetName: () => 'orders',
          chartName: (id) => `c${id}`,
          placedChartIds: chartIdsUnder(real.position, 'ROOT_ID'),
        });
      }),
      { numRuns: 300 },
    );
  });
});
