// Turns a list row into a ListedObject: one name field, one timestamp format, one display name.

import { contentHash } from '../model/canonical.js';
import { deriveUuid } from '../model/object.js';
import { KINDS } from './kinds.js';
import type { ListedObject, SupersetKind } from './port.js';

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A Superset timestamp as ISO-8601 UTC with microseconds: "2026-11-25T23:29:20.351857Z".
 * Accepts `changed_on_utc` ("...351857+0000") and naive values (taken as UTC). Microseconds are
 * always written, so the strings sort the same way as the instants. Null when unreadable.
 */
export function toIsoUtc(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = TIMESTAMP.exec(value.trim());
  if (m === null) return null;
  const [, date, time, fraction = '', zone = 'Z'] = m;
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  const offset = zone === 'Z' ? 0 : offsetMinutes(zone);
  if (offset === 0) return `${date}T${time}.${micros}Z`;
  const utc = new Date(Date.parse(`${date}T${time}Z`) - offset * 60_000);
  return `${utc.toISOString().slice(0, 19)}.${micros}Z`;
}

function offsetMinutes(zone: string): number {
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

/** "Ada Lovelace" from `changed_by: {first_name, last_name}` (or the flat dotted keys). */
export function displayName(row: Record<string, unknown>): string | null {
  const nested = row.changed_by;
  const by = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : {};
  const first = by.first_name ?? row['changed_by.first_name'];
  const last = by.last_name ?? row['changed_by.last_name'];
  const name = [first, last].filter((p): p is string => typeof p === 'string' && p.trim() !== '').join(' ');
  if (name !== '') return name;
  const flat = row.changed_by_name;
  return typeof flat === 'string' && flat.trim() !== '' ? flat : null;
}

export function toListedObject(
  kind: SupersetKind,
  row: Record<string, unknown> & { id: number },
): ListedObject {
  const spec = KINDS[kind];
  const name = row[spec.nameColumn];
  const uuid = spec.named ? (typeof name === 'string' ? deriveUuid(kind, name) : '') : row.uuid;
  return {
    id: row.id,
    uuid: typeof uuid === 'string' ? uuid : '',
    name: typeof name === 'string' ? name : '',
    changedOn: spec.changedOnColumn ? toIsoUtc(row[spec.changedOnColumn]) : null,
    changedBy: displayName(row),
    ...(spec.changedOnColumn === null ? { stamp: rowStamp(row) } : {}),
    raw: row,
  };
}

/** What tells two listings of one object apart: its changed_on, or for a kind without one its stamp. */
export function rowVersion(row: Pick<ListedObject, 'changedOn' | 'stamp'>): string | null {
  return row.changedOn ?? row.stamp ?? null;
}

/**
 * What a row without `changed_on` says of its content (every column but the id and who changed it):
 * equal stamps, unchanged listed content.
 */
export function rowStamp(row: Record<string, unknown>): string {
  const content = Object.fromEntries(
    Object.entries(row).filter(([k]) => k !== 'id' && k !== 'changed_by' && !k.startsWith('changed_by.')),
  );
  return contentHash(content);
}
