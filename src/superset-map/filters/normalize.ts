import type { NativeFilterSpec } from '../../schema/index.js';
import { sameJson, selectValue } from './data-mask.js';
import { deriveFilterId } from './ids.js';
import { CONTROL_DEFAULTS, IMPLIED_DEFAULTS } from './types.js';
import { compact, isRec } from '../layout/meta.js';

const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/**
 * Filters in the form `configToFilters(filtersToConfig(F))` gives: the id only when it is not the
 * derived one, control values without Superset's defaults, a select default as a list, a time range
 * filter's default in `time_range` (and `time_range` nowhere else), `charts` only when it leaves some
 * placed chart out (then the placed ones it names, in layout order), empty lists and strings dropped.
 * `placedCharts` are the chart names the layout places, in layout order (`chartsInLayout`).
 */
export function normalizeNativeFilters(
  filters: readonly NativeFilterSpec[],
  placedCharts: readonly string[],
  /** Charts under tabs (by title), for filters whose scope starts at tabs. */
  chartsUnderTabs: (titles: readonly string[]) => string[] = () => [],
): NativeFilterSpec[] {
  const placed = [...new Set(placedCharts)];
  const names = new Set(filters.map((f) => f.name));
  return filters.map((f) => {
    const isTime = f.type === 'filter_time';
    const value = selectValue(f.type, isTime ? (f.time_range ?? f.default_value) : f.default_value);
    const target = f.targets?.[0];
    const parents = (f.cascade_parents ?? []).filter((p) => names.has(p));
    return compact({
      name: f.name,
      id: f.id === undefined || f.id === deriveFilterId(f.name) ? undefined : f.id,
      type: f.type,
      description: f.description || undefined,
      targets: target
        ? (f.targets ?? []).map((t) => compact({ dataset: t.dataset, column: t.column }))
        : undefined,
      tabs: f.tabs?.length ? f.tabs : undefined,
      charts: scopeCharts(
        f.charts,
        f.tabs?.length ? placed.filter((n) => chartsUnderTabs(f.tabs ?? []).includes(n)) : placed,
      ),
      control_values: controls(f.control_values, f.type),
      default_value: isEmpty(value) || (isTime && typeof value === 'string') ? undefined : value,
      time_range: isTime && typeof value === 'string' ? value : undefined,
      cascade_parents: parents.length ? parents : undefined,
      adhoc_filters: f.adhoc_filters?.length ? f.adhoc_filters : undefined,
    });
  });
}

function scopeCharts(charts: readonly string[] | undefined, placed: string[]): string[] | undefined {
  if (charts === undefined) return undefined;
  const wanted = new Set(charts);
  const inScope = placed.filter((name) => wanted.has(name));
  return inScope.length === placed.length ? undefined : inScope;
}

function controls(values: unknown, type: string): Record<string, unknown> | undefined {
  if (!isRec(values)) return undefined;
  const defaults = { ...(CONTROL_DEFAULTS[type] ?? {}), ...(IMPLIED_DEFAULTS[type] ?? {}) };
  const kept = Object.entries(values).filter(
    ([k, v]) => v !== undefined && !(k in defaults && sameJson(defaults[k], v)),
  );
  return kept.length ? Object.fromEntries(kept) : undefined;
}
