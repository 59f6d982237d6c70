import type { Json } from '../../model/canonical.js';
import type { NativeFilterSpec } from '../../schema/index.js';
import { dataMaskFor } from './data-mask.js';
import { deriveFilterId } from './ids.js';
import {
  CONTROL_DEFAULTS,
  type FilterTargetConfig,
  type NativeFilterConfig,
  type ToConfigContext,
} from './types.js';
import { SupersetMapError } from '../layout/errors.js';
import { isRec } from '../layout/meta.js';
import { ROOT_ID } from '../layout/types.js';

export { configToFilters } from './read.js';
export { normalizeNativeFilters } from './normalize.js';
export { deriveFilterId } from './ids.js';
export * from './types.js';

/**
 * Superset's `native_filter_configuration` for our filters. Ids are the spec's or derived from the
 * name; a filter without `charts` applies to every placed chart, one with `charts` excludes the
 * placed charts it does not name. Throws a SupersetMapError for a dataset, chart or parent filter
 * the context cannot resolve (the validator reports those first).
 */
export function filtersToConfig(filters: NativeFilterSpec[], ctx: ToConfigContext): NativeFilterConfig[] {
  const idByName = new Map(filters.map((f) => [f.name, f.id ?? deriveFilterId(f.name)]));
  const placed = [...new Set(ctx.placedChartIds)];
  return filters.map((spec, i) => {
    const at = `native_filters[${i}]`;
    const controlValues = {
      ...(CONTROL_DEFAULTS[spec.type] ?? {}),
      ...(isRec(spec.control_values) ? (spec.control_values as Record<string, Json>) : {}),
    };
    const target = spec.targets?.[0];
    const value = spec.type === 'filter_time' ? (spec.time_range ?? spec.default_value) : spec.default_value;
    const { rootPath, universe } = scopeRoot(spec, placed, ctx, at);
    const inScope = chartsInScope(spec, universe, ctx, at);
    return {
      id: idByName.get(spec.name) ?? deriveFilterId(spec.name),
      name: spec.name,
      filterType: spec.type,
      type: 'NATIVE_FILTER',
      targets: spec.targets?.length
        ? spec.targets.map((t, n) => targetConfig(t, ctx, `${at}.targets[${n}]`))
        : [{}],
      controlValues,
      defaultDataMask: dataMaskFor(spec.type, value, target?.column, controlValues),
      cascadeParentIds: (spec.cascade_parents ?? []).map((parent, p) => {
        const id = idByName.get(parent);
        if (id === undefined) {
          throw new SupersetMapError(
            `Filter ${JSON.stringify(spec.name)} names parent ${JSON.stringify(parent)}, which is not a filter of this dashboard.`,
            'unresolved-filter',
            `${at}.cascade_parents[${p}]`,
          );
        }
        return id;
      }),
      scope: { rootPath, excluded: universe.filter((id) => !inScope.includes(id)) },
      chartsInScope: inScope,
      tabsInScope: ctx.tabsHolding?.(inScope) ?? [],
      description: spec.description ?? '',
      ...(spec.adhoc_filters?.length ? { adhoc_filters: spec.adhoc_filters as Json[] } : {}),
    };
  });
}

function targetConfig(
  target: { dataset: string; column?: string },
  ctx: ToConfigContext,
  at: string,
): FilterTargetConfig {
  const column = target.column !== undefined ? { column: { name: target.column } } : {};
  const ref = ctx.bundle ? ctx.datasetUuid?.(target.dataset) : ctx.datasetId(target.dataset);
  if (ref === undefined) {
    throw new SupersetMapError(
      `Dataset ${JSON.stringify(target.dataset)} of a filter target has no Superset ${ctx.bundle ? 'uuid' : 'id'}; create it first or fix the name.`,
      'unresolved-dataset',
      `${at}.dataset`,
    );
  }
  return typeof ref === 'string' ? { ...column, datasetUuid: ref } : { ...column, datasetId: ref };
}

/** Where the scope starts (ROOT_ID, or the filter's tabs) and the placed charts under it. */
function scopeRoot(
  spec: NativeFilterSpec,
  placed: number[],
  ctx: ToConfigContext,
  at: string,
): { rootPath: string[]; universe: number[] } {
  if (!spec.tabs?.length) return { rootPath: [ROOT_ID], universe: placed };
  const rootPath = spec.tabs.map((title, t) => {
    const id = ctx.tabId?.(title);
    if (id === undefined) {
      throw new SupersetMapError(
        `Filter ${JSON.stringify(spec.name)} names tab ${JSON.stringify(title)}, which is not a tab of this dashboard.`,
        'unresolved-tab',
        `${at}.tabs[${t}]`,
      );
    }
    return id;
  });
  const under = new Set(rootPath.flatMap((id) => ctx.chartsUnder?.(id) ?? []));
  return { rootPath, universe: placed.filter((id) => under.has(id)) };
}

/** Placed charts the filter applies to, in layout order. */
function chartsInScope(spec: NativeFilterSpec, placed: number[], ctx: ToConfigContext, at: string): number[] {
  if (spec.charts === undefined) return placed;
  const wanted = new Set(
    spec.charts.map((name, c) => {
      const id = ctx.chartId(name);
      if (id === undefined) {
        throw new SupersetMapError(
          `Filter ${JSON.stringify(spec.name)} names chart ${JSON.stringify(name)}, which has no Superset id.`,
          'unresolved-chart',
          `${at}.charts[${c}]`,
        );
      }
      return id;
    }),
  );
  return placed.filter((id) => wanted.has(id));
}
