import { BACKGROUNDS, HEADER_SIZES, type Background, type HeaderSize } from './types.js';

export type Rec = Record<string, unknown>;

/** A short printable form of any value, for warnings; never throws (cycles, bigint, symbols). */
export function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    // cyclic or bigint: fall back to the type
  }
  return typeof value;
}

export const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads a width or height: absent stays undefined (the default applies), a fraction or an
 * out-of-range number is rounded into range with a warning, anything else is dropped with one.
 */
export function readSize(
  value: unknown,
  what: string,
  max: number,
  warn: (m: string) => void,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    warn(`${what} ${show(value)} is not a number; the default is used`);
    return undefined;
  }
  const fixed = Math.min(max, Math.max(1, Math.round(value)));
  if (fixed !== value) warn(`${what} ${value} is outside 1..${max} or not whole; ${fixed} is used`);
  return fixed;
}

export function readBackground(value: unknown, warn: (m: string) => void): Background | undefined {
  if (value === undefined || value === null) return undefined;
  if (BACKGROUNDS.includes(value as Background)) return value as Background;
  warn(`background ${show(value)} is not one of ${BACKGROUNDS.join(', ')}; the default is used`);
  return undefined;
}

export function readHeaderSize(value: unknown, warn: (m: string) => void): HeaderSize | undefined {
  if (value === undefined || value === null) return undefined;
  if (HEADER_SIZES.includes(value as HeaderSize)) return value as HeaderSize;
  warn(`headerSize ${show(value)} is not one of ${HEADER_SIZES.join(', ')}; the default is used`);
  return undefined;
}

export const readString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** `undefined` for keys whose value is undefined, so results compare equal to hand-written items. */
export function compact<T extends object>(obj: T): T {
  const out: Rec = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}
