import { describe, expect, it } from 'vitest';
import { withoutInheritedCacheTimeout } from '../../../src/live/read-live.js';
import { contentHash } from '../../../src/model/canonical.js';
import { chartQueryContext, type Attributes } from '../../../src/plan/attributes.js';
import { diffAttributes } from '../../../src/plan/diff.js';
import type { DesiredEntry } from '../../../src/plan/types.js';
import type { ChartSpec, DatasetSpec } from '../../../src/schema/index.js';
import { chartFromSuperset, type NameLookup } from '../../../src/superset-map/from-superset.js';
import { chartBody, datasetUpdateBody } from '../../../src/superset-map/to-superset.js';

const names: NameLookup = {
  databaseByUuid: () => 'wh',
  datasetByUuid: () => 'orders',
  datasetById: () => 'orders',
  chartById: () => undefined,
  chartByUuid: () => undefined,
  nameFor: (_k, _u, fallback) => fallback,
};

describe('diffAttributes inside an attribute', () => {
  it('reports a key the YAML dropped from params, and one Superset added', () => {
    const live = { params: { metric: 'revenue', donut: true } };
    expect(diffAttributes(live, { params: { metric: 'revenue' } })).toEqual([
      { path: 'params.donut', before: true },
    ]);
    expect(
      diffAttributes({ params: { metric: 'revenue' } }, { params: { metric: 'revenue', x: 1 } }),
    ).toEqual([{ path: 'params.x', after: 1 }]);
  });

  it('still leaves attributes the YAML does not manage alone', () => {
    expect(diffAttributes({ schema: 'main', params: {} }, { schema: undefined, params: {} })).toEqual([]);
  });
});

describe('query_context from YAML', () => {
  const qc = {
    datasource: { id: 999, type: 'table' },
    queries: [{ columns: ['region'], row_limit: 10 }],
    form_data: { datasource: '999__table', viz_type: 'table', slice_id: 3, groupby: ['region'] },
  };

  it('compares without the ids that differ per environment', () => {
    const stored = {
      ...qc,
      datasource: { id: 5, type: 'table' },
      form_data: { ...qc.form_data, datasource: '5__table', slice_id: 12 },
    };
    expect(chartQueryContext(stored)).toEqual(chartQueryContext(qc));
    expect(chartQueryContext(qc)).toEqual({
      queries: [{ columns: ['region'], row_limit: 10 }],
      form_data: { groupby: ['region'] },
    });
  });

  it('is written pointing at this environment’s dataset, and read back for comparison', () => {
    const spec = {
      kind: 'chart',
      name: 'c',
      dataset: 'orders',
      viz_type: 'table',
      params: {},
      query_context: qc,
    } as ChartSpec;
    const body = chartBody(spec, 'u', 42);
    const sent = JSON.parse(String(body.query_context)) as Record<string, unknown>;
    expect(sent.datasource).toEqual({ id: 42, type: 'table' });
    expect(sent.form_data).toMatchObject({ datasource: '42__table', viz_type: 'table' });
    const live = chartFromSuperset({ uuid: 'u', slice_name: 'c', viz_type: 'table', ...body }, names);
    expect(chartQueryContext(live.query_context)).toEqual(chartQueryContext(qc));
  });
});

describe('datasetUpdateBody', () => {
  const spec = {
    kind: 'dataset',
    name: 'orders',
    database: 'wh',
    always_filter_main_dttm: true,
  } as DatasetSpec;

  it('sends always_filter_main_dttm with every update, since Superset resets it when left out', () => {
    expect(datasetUpdateBody({ ...spec, description: 'd' }, undefined, 1, new Set(['description']))).toEqual({
      description: 'd',
      always_filter_main_dttm: true,
    });
  });

  it('sends nothing when no field changed', () => {
    expect(datasetUpdateBody(spec, undefined, 1, new Set())).toEqual({});
  });
});

describe('withoutInheritedCacheTimeout', () => {
  const want = (cache_timeout: number | null): DesiredEntry => {
    const attributes: Attributes = { database: 'wh', cache_timeout };
    return {
      kind: 'dataset',
      name: 'orders',
      uuid: 'u',
      attributes,
      hash: contentHash(attributes),
      protected: false,
      dependsOn: [],
    };
  };
  const database = (name: unknown) => (name === 'wh' ? 300 : undefined);

  it("reads the database's timeout shown for a dataset without its own as none", () => {
    expect(
      withoutInheritedCacheTimeout({ database: 'wh', cache_timeout: 300 }, want(null), database),
    ).toEqual({
      database: 'wh',
      cache_timeout: null,
    });
  });

  it('keeps a value the YAML sets, or one that is not the database’s', () => {
    const live = { database: 'wh', cache_timeout: 300 };
    expect(withoutInheritedCacheTimeout(live, want(300), database)).toBe(live);
    const own = { database: 'wh', cache_timeout: 60 };
    expect(withoutInheritedCacheTimeout(own, want(null), database)).toBe(own);
  });
});
