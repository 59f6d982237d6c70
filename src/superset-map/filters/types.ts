import type { Json } from '../../model/canonical.js';

/** One entry of `json_metadata.native_filter_configuration`, as Superset 6.1's filter modal saves it. */
export interface NativeFilterConfig {
  id: string;
  name: string;
  filterType: string;
  type: 'NATIVE_FILTER';
  /** `[{}]` for a filter with no dataset (a time range filter). */
  targets: FilterTargetConfig[];
  controlValues: Record<string, Json>;
  defaultDataMask: DataMask;
  cascadeParentIds: string[];
  scope: { rootPath: string[]; excluded: number[] };
  chartsInScope: number[];
  tabsInScope: string[];
  description: string;
  /** Pre-filter clauses (only when the filter has some). */
  adhoc_filters?: Json[];
}

export interface FilterTargetConfig {
  column?: { name: string };
  /** REST API form. */
  datasetId?: number;
  /** Import bundle form: the importer turns it into datasetId. */
  datasetUuid?: string;
}

export interface DataMask {
  extraFormData: Record<string, Json>;
  filterState: Record<string, Json>;
  ownState: Record<string, Json>;
}

export interface ToConfigContext {
  datasetId(name: string): number | undefined;
  /** Needed when `bundle` is true. */
  datasetUuid?(name: string): string | undefined;
  chartId(name: string): number | undefined;
  /** Ids of the charts the dashboard's layout places, in layout order. */
  placedChartIds: number[];
  /** Write targets with datasetUuid (for an import bundle) instead of datasetId. */
  bundle?: boolean;
  /** Layout node id of the tab with this title, and the chart ids under a node (tab-rooted scopes). */
  tabId?(title: string): string | undefined;
  chartsUnder?(componentId: string): number[] | undefined;
  /** Ids of the tabs that hold any of these charts (Superset's `tabsInScope`). */
  tabsHolding?(chartIds: readonly number[]): string[];
}

export interface FromConfigContext {
  datasetName(ref: { id?: number; uuid?: string }): string | undefined;
  chartName(id: number): string | undefined;
  placedChartIds: number[];
  /**
   * Chart ids under a layout component (see `chartIdsUnder`), for a scope rooted at a tab rather
   * than ROOT_ID. Without it such a scope is read from `chartsInScope`.
   */
  chartsUnder?(componentId: string): number[] | undefined;
  /** The title of the tab with this layout node id (a scope rooted at tabs is kept as tab titles). */
  tabName?(componentId: string): string | undefined;
}

export const FILTER_ID_PREFIX = 'NATIVE_FILTER-';
export const FILTER_ID_PATTERN = /^NATIVE_FILTER-[A-Za-z0-9_-]+$/;

/** What Superset's filter modal writes into controlValues for each filter type (6.1). */
export const CONTROL_DEFAULTS: Readonly<Record<string, Readonly<Record<string, Json>>>> = {
  filter_select: {
    enableEmptyFilter: false,
    defaultToFirstItem: false,
    multiSelect: true,
    searchAllOptions: false,
    inverseSelection: false,
  },
  filter_range: { enableEmptyFilter: false },
  filter_time: { enableEmptyFilter: false },
  filter_timegrain: { enableEmptyFilter: false },
  filter_timecolumn: { enableEmptyFilter: false },
};

/**
 * Values the filter plugins assume when a key is absent (the select plugin's DEFAULT_FORM_DATA):
 * not written, but dropped on read like the written defaults, since they change nothing.
 */
export const IMPLIED_DEFAULTS: Readonly<Record<string, Readonly<Record<string, Json>>>> = {
  filter_select: { creatable: true, sortAscending: true },
};
