import { canonicalJson, type Json } from '../../model/canonical.js';
import { isRec, show } from '../layout/meta.js';
import type { DataMask } from './types.js';

/** filterState keys that only echo the value for the UI; they carry nothing the YAML loses. */
const UI_STATE_KEYS = new Set(['value', 'label', 'validateMessage', 'validateStatus']);

/** Deep equality of JSON-like values, key order ignored; false for what cannot be serialised. */
export function sameJson(a: unknown, b: unknown): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}

const isEmptyValue = (v: unknown): boolean =>
  v === undefined || v === null || (Array.isArray(v) && v.length === 0);

/** A select filter's default is a list; a single value in the YAML means a list of one. */
export function selectValue(type: string, value: unknown): unknown {
  return type === 'filter_select' && !isEmptyValue(value) && !Array.isArray(value) ? [value] : value;
}

/**
 * The query clause a default value applies, as each filter plugin builds it (select: IN / NOT IN;
 * range: >=, <= or ==; time grain / time column: the first value; time range: the range).
 */
export function extraFormDataFor(
  type: string,
  value: unknown,
  column: string | undefined,
  controlValues: Record<string, unknown>,
): Record<string, Json> {
  if (isEmptyValue(value)) return {};
  const first = (Array.isArray(value) ? (value[0] as unknown) : value) as Json;
  switch (type) {
    case 'filter_time':
      return typeof value === 'string' ? { time_range: value } : {};
    case 'filter_timegrain':
      return { time_grain_sqla: first };
    case 'filter_timecolumn':
      return { granularity_sqla: first };
    case 'filter_select':
      if (column === undefined || !Array.isArray(value)) return {};
      return {
        filters: [
          {
            col: column,
            op: controlValues.inverseSelection === true ? 'NOT IN' : 'IN',
            val: value as Json[],
          },
        ],
      };
    case 'filter_range':
      return column !== undefined && Array.isArray(value)
        ? rangeClause(column, value[0] as Json, value[1] as Json)
        : {};
    default:
      return {};
  }
}

function rangeClause(col: string, lower: Json | undefined, upper: Json | undefined): Record<string, Json> {
  const has = (v: Json | undefined): v is Json => v !== undefined && v !== null;
  const filters: Json[] = [];
  if (has(lower) && has(upper) && lower === upper) filters.push({ col, op: '==', val: lower });
  else {
    if (has(lower)) filters.push({ col, op: '>=', val: lower });
    if (has(upper)) filters.push({ col, op: '<=', val: upper });
  }
  return filters.length ? { filters } : {};
}

export function dataMaskFor(
  type: string,
  value: unknown,
  column: string | undefined,
  controlValues: Record<string, unknown>,
): DataMask {
  const v = selectValue(type, value);
  return {
    extraFormData: extraFormDataFor(type, v, column, controlValues),
    filterState: { value: isEmptyValue(v) ? null : (v as Json) },
    ownState: {},
  };
}

/**
 * The default value a stored data mask holds (undefined for none). Parts the YAML cannot hold are
 * reported: a query clause other than the one the value gives, and plugin state.
 */
export function readDataMask(
  mask: unknown,
  type: string,
  column: string | undefined,
  controlValues: Record<string, unknown>,
  warn: (message: string) => void,
): unknown {
  if (!isRec(mask)) return undefined;
  const state = isRec(mask.filterState) ? mask.filterState : {};
  const extra = isRec(mask.extraFormData) ? mask.extraFormData : {};
  let value: unknown = state.value;
  if (type === 'filter_time' && isEmptyValue(value) && typeof extra.time_range === 'string')
    value = extra.time_range;
  value = isEmptyValue(value) ? undefined : selectValue(type, value);
  const expected = extraFormDataFor(type, value, column, controlValues);
  if (!sameJson(expected, extra)) {
    warn(
      `its default applies ${show(extra)}, not what the default value gives (${show(expected)}); the clause is rebuilt from the value`,
    );
  }
  const extraState = Object.keys(state).filter((k) => !UI_STATE_KEYS.has(k));
  if (extraState.length) warn(`default filter state ${extraState.join(', ')} cannot be kept; dropped`);
  if (isRec(mask.ownState) && Object.keys(mask.ownState).length)
    warn(`default plugin state ${show(mask.ownState)} cannot be kept; dropped`);
  return value;
}
