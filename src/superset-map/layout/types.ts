/** Superset's v2 dashboard layout (`position_json`): a flat map from component id to component. */

export const ROOT_ID = 'ROOT_ID';
export const GRID_ID = 'GRID_ID';
export const HEADER_ID = 'HEADER_ID';
export const VERSION_KEY = 'DASHBOARD_VERSION_KEY';
export const POSITION_VERSION = 'v2';

export type ComponentType =
  'ROOT' | 'GRID' | 'HEADER' | 'ROW' | 'COLUMN' | 'CHART' | 'MARKDOWN' | 'DIVIDER' | 'TABS' | 'TAB';
export type HeaderSize = 'SMALL_HEADER' | 'MEDIUM_HEADER' | 'LARGE_HEADER';
export type Background = 'BACKGROUND_TRANSPARENT' | 'BACKGROUND_WHITE';

export const HEADER_SIZES: readonly HeaderSize[] = ['SMALL_HEADER', 'MEDIUM_HEADER', 'LARGE_HEADER'];
export const BACKGROUNDS: readonly Background[] = ['BACKGROUND_TRANSPARENT', 'BACKGROUND_WHITE'];

/** The values Superset's editor gives a new component; an absent width or height renders as these. */
export const LAYOUT_DEFAULTS = {
  width: 4,
  height: 50,
  headerSize: 'MEDIUM_HEADER',
  background: 'BACKGROUND_TRANSPARENT',
} as const satisfies { width: number; height: number; headerSize: HeaderSize; background: Background };

/** Only the keys that belong to the component's type are set. */
export interface ComponentMeta {
  chartId?: number;
  uuid?: string;
  sliceName?: string;
  sliceNameOverride?: string;
  width?: number;
  height?: number;
  code?: string;
  text?: string;
  headerSize?: HeaderSize;
  background?: Background;
}

export interface LayoutComponent {
  type: ComponentType;
  id: string;
  /** Absent on HEADER_ID, as Superset writes it. */
  children?: string[];
  /** Ids of every ancestor from ROOT_ID down; absent on ROOT_ID and HEADER_ID. */
  parents?: string[];
  meta?: ComponentMeta;
}

/** A value of the position map: a component, or the version string under `DASHBOARD_VERSION_KEY`. */
export type PositionNode = LayoutComponent | typeof POSITION_VERSION;

/** What a position holds for one chart, as the resolver of `positionToLayout` is given it. */
export interface ChartNodeRef {
  chartId?: number;
  uuid?: string;
  sliceName?: string;
}
