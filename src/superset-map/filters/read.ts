import type { NativeFilterSpec } from '../../schema/index.js';
import { readDataMask, sameJson } from './data-mask.js';
import { deriveFilterId } from './ids.js';
import { CONTROL_DEFAULTS, FILTER_ID_PATTERN, IMPLIED_DEFAULTS, type FromConfigContext } from './types.js';
import { compact, isRec, readString, show, type Rec } from '../layout/meta.js';
import { ROOT_ID } from '../layout/types.js';

/** Keys this module reads; any other key of a filter is reported as lost. */
const KNOWN_KEYS = new Set([
  'id',
  'name',
  'filterType',
  'type',
  'targets',
  'controlValues',
  'defaultDataMask',
  'cascadeParentIds',
  'scope',
  'chartsInScope',
  'tabsInScope',
  'description',
]);

type Warn = (message: string) => void;

/**
 * Our filters from Superset's `native_filter_configuration`. Superset's defaults are dropped and the id
 * is kept only when it is not the one derived from the name, so a filter written from YAML reads back
 * as that YAML (normalised). What the YAML cannot hold becomes a warning. Never throws.
 */
export function configToFilters(
  config: unknown,
  ctx: FromConfigContext,
): { filters: NativeFilterSpec[]; warnings: string[] } {
  const warnings: string[] = [];
  if (config === undefined || config === null) return { filters: [], warnings };
  if (!Array.isArray(config)) {
    warnings.push(`native_filter_configuration is ${show(config)}, not a list; no filters read`);
    return { filters: [], warnings };
  }
  const entries = config.flatMap((raw, i) => usable(raw, i, warnings));
  const nameById = new Map<string, string>();
  const taken = new Set<string>();
  for (const e of entries) {
    // Superset does not insist on unique names; our YAML does, so a repeat gets a suffix.
    let name = e.name;
    for (let n = 2; taken.has(name); n++) name = `${e.name} (${n})`;
    if (name !== e.name)
      warnings.push(
        `${e.label}: another filter is also named ${JSON.stringify(e.name)}; renamed ${JSON.stringify(name)}`,
      );
    taken.add(name);
    e.name = name;
    if (typeof e.raw.id === 'string') nameById.set(e.raw.id, name);
  }
  const placed = [...new Set(ctx.placedChartIds.filter((id) => typeof id === 'number'))];
  const filters = entries.map((e) =>
    readFilter(e, ctx, placed, nameById, (m) => warnings.push(`${e.label}: ${m}`)),
  );
  return { filters, warnings };
}

interface Entry {
  raw: Rec;
  name: string;
  type: string;
  label: string;
}

function usable(raw: unknown, i: number, warnings: string[]): Entry[] {
  const at = `native filter ${i}`;
  if (!isRec(raw)) {
    warnings.push(`${at} is ${show(raw)}, not a filter; skipped`);
    return [];
  }
  const label = typeof raw.name === 'string' ? `filter ${JSON.stringify(raw.name)}` : at;
  if (raw.type !== undefined && raw.type !== 'NATIVE_FILTER') {
    const what =
      raw.type === 'DIVIDER' ? `a filter bar divider (${show(raw.title)})` : `of type ${show(raw.type)}`;
    warnings.push(`${at} is ${what}, which the YAML cannot hold; skipped`);
    return [];
  }
  if (
    typeof raw.name !== 'string' ||
    raw.name === '' ||
    typeof raw.filterType !== 'string' ||
    raw.filterType === ''
  ) {
    warnings.push(`${label} has no name or no filterType; skipped`);
    return [];
  }
  return [{ raw, name: raw.name, type: raw.filterType, label }];
}

function readFilter(
  e: Entry,
  ctx: FromConfigContext,
  placed: number[],
  nameById: Map<string, string>,
  warn: Warn,
): NativeFilterSpec {
  const { raw, name, type } = e;
  const targets = readTargets(raw.targets, ctx, warn);
  const controls = isRec(raw.controlValues) ? raw.controlValues : {};
  // The stored clause was built from the column even when the dataset is not known here.
  const value = readDataMask(raw.defaultDataMask, type, rawColumn(raw.targets), controls, warn);
  const timeRange = type === 'filter_time' && typeof value === 'string' ? value : undefined;
  reportLostKeys(raw, warn);
  return compact({
    name,
    id: readId(raw.id, name, warn),
    type,
    description: readString(raw.description) || undefined,
    targets: targets.length ? targets : undefined,
    ...readScope(raw, ctx, placed, warn),
    control_values: readControls(raw.controlValues, type, warn),
    default_value: timeRange === undefined ? value : undefined,
    time_range: timeRange,
    cascade_parents: readParents(raw.cascadeParentIds, nameById, warn),
    adhoc_filters:
      Array.isArray(raw.adhoc_filters) && raw.adhoc_filters.length && raw.adhoc_filters.every(isRec)
        ? (raw.adhoc_filters as Record<string, unknown>[])
        : undefined,
  });
}

function rawColumn(targets: unknown): string | undefined {
  const first: unknown = Array.isArray(targets)
    ? targets.find((t) => isRec(t) && Object.keys(t).length > 0)
    : undefined;
  return isRec(first) && isRec(first.column) ? readString(first.column.name) : undefined;
}

function readId(id: unknown, name: string, warn: Warn): string | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== 'string' || !FILTER_ID_PATTERN.test(id)) {
    warn(
      `id ${show(id)} is not of the form NATIVE_FILTER-<letters, digits, _ or ->; a new one is derived from the name (reports that point at the old id stop working)`,
    );
    return undefined;
  }
  return id === deriveFilterId(name) ? undefined : id;
}

function readTargets(
  targets: unknown,
  ctx: FromConfigContext,
  warn: Warn,
): { dataset: string; column?: string }[] {
  if (!Array.isArray(targets)) {
    if (targets !== undefined) warn(`targets ${show(targets)} is not a list; read as no target`);
    return [];
  }
  const real = targets.filter((t) => !isRec(t) || Object.keys(t).length > 0);
  return real.flatMap((t: unknown) => {
    if (!isRec(t)) {
      warn(`target ${show(t)} is not an object; dropped`);
      return [];
    }
    const column = isRec(t.column) ? readString(t.column.name) : undefined;
    const ref = compact({
      id: typeof t.datasetId === 'number' ? t.datasetId : undefined,
      uuid: readString(t.datasetUuid),
    });
    if (ref.id === undefined && ref.uuid === undefined) {
      warn(`target ${show(t)} names no dataset; dropped`);
      return [];
    }
    const dataset = ctx.datasetName(ref);
    if (dataset === undefined) {
      warn(`dataset ${show(ref)} of its target is not known; target dropped`);
      return [];
    }
    return [compact({ dataset, column })];
  });
}

function readControls(controls: unknown, type: string, warn: Warn): Record<string, unknown> | undefined {
  if (controls === undefined || controls === null) return undefined;
  if (!isRec(controls)) {
    warn(`controlValues ${show(controls)} is not an object; dropped`);
    return undefined;
  }
  const defaults = { ...(CONTROL_DEFAULTS[type] ?? {}), ...(IMPLIED_DEFAULTS[type] ?? {}) };
  const kept = Object.entries(controls).filter(
    ([k, v]) => v !== undefined && !(k in defaults && sameJson(defaults[k], v)),
  );
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function readParents(ids: unknown, nameById: Map<string, string>, warn: Warn): string[] | undefined {
  if (!Array.isArray(ids)) return undefined;
  const names = ids.flatMap((id) => {
    const name = typeof id === 'string' ? nameById.get(id) : undefined;
    if (name === undefined) warn(`parent filter ${show(id)} is not in this dashboard; dropped`);
    return name === undefined ? [] : [name];
  });
  return names.length ? names : undefined;
}

/**
 * The scope as the YAML holds it: `tabs` (by title) when it starts at tabs whose titles are known,
 * `charts` only when some placed charts under the scope's start are outside it (then the placed ones
 * inside, in layout order).
 */
function readScope(
  raw: Rec,
  ctx: FromConfigContext,
  placed: number[],
  warn: Warn,
): { tabs?: string[]; charts?: string[] } {
  const scope = isRec(raw.scope) ? raw.scope : {};
  const rootPath = Array.isArray(scope.rootPath)
    ? scope.rootPath.filter((p): p is string => typeof p === 'string')
    : [];
  const excluded = new Set(Array.isArray(scope.excluded) ? scope.excluded : []);
  let universe = placed;
  let tabs: string[] | undefined;
  if (rootPath.length > 0 && !rootPath.includes(ROOT_ID)) {
    const titles = ctx.tabName ? rootPath.map((id) => ctx.tabName?.(id)) : undefined;
    const under = rootPath.map((id) => ctx.chartsUnder?.(id));
    const listed = Array.isArray(raw.chartsInScope)
      ? raw.chartsInScope.filter((id): id is number => typeof id === 'number')
      : undefined;
    if (titles?.every((t) => t !== undefined) && under.every((u) => u !== undefined)) {
      tabs = titles;
      const inTabs = new Set(under.flatMap((u) => u ?? []));
      universe = placed.filter((id) => inTabs.has(id));
    } else if (under.every((u) => u !== undefined)) {
      const inTabs = new Set(under.flatMap((u) => u ?? []));
      universe = placed.filter((id) => inTabs.has(id));
      if (titles)
        warn(
          `its scope starts at ${rootPath.join(', ')}, tabs without a title; kept as the charts under them`,
        );
      // Without tab titles the scope becomes one from ROOT_ID: `charts` unless that is every placed chart.
      const inScope = universe.filter((id) => !excluded.has(id));
      return inScope.length === placed.length ? {} : { charts: names(inScope, ctx, warn) };
    } else if (listed) {
      warn(`its scope starts at ${rootPath.join(', ')}; the charts in scope are taken from chartsInScope`);
      return {
        charts: names(
          placed.filter((id) => listed.includes(id)),
          ctx,
          warn,
        ),
      };
    } else
      warn(
        `its scope starts at ${rootPath.join(', ')}, which cannot be resolved; read as starting at ROOT_ID`,
      );
  }
  const inScope = universe.filter((id) => !excluded.has(id));
  if (inScope.length === universe.length) return tabs ? { tabs } : {};
  return { ...(tabs ? { tabs } : {}), charts: names(inScope, ctx, warn) };
}

function names(ids: number[], ctx: FromConfigContext, warn: Warn): string[] {
  return ids.flatMap((id) => {
    const name = ctx.chartName(id);
    if (name === undefined) warn(`chart ${id} in its scope is not known; left out of charts`);
    return name === undefined ? [] : [name];
  });
}

function reportLostKeys(raw: Rec, warn: Warn): void {
  for (const [key, value] of Object.entries(raw)) {
    if (KNOWN_KEYS.has(key) || value === null || value === undefined) continue;
    // Superset writes these empty or at their defaults on filters that never used them.
    if (key === 'adhoc_filters' && Array.isArray(value) && value.every(isRec)) continue; // kept
    if (key === 'time_range' && value === 'No filter') continue;
    warn(`${key} ${show(value)} cannot be held in the YAML; dropped`);
  }
}
