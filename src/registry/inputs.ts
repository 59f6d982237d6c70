// Inputs are checked against the same schemas as what we read back, so nothing is stored that the
// reading side would call corrupt. Unknown properties are dropped, not stored.
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AppliedSchema, HistorySchema, HolderSchema } from './codec.js';
import { InvalidInputError } from './errors.js';
import type { AppliedRecord, HistoryInput, LockHolder } from './registry.js';

export function checkInput<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  const copy: unknown = Value.Clean(schema, Value.Clone(value));
  if (!Value.Check(schema, copy)) {
    const first = Value.Errors(schema, copy).First();
    throw new InvalidInputError(
      `invalid ${what}: ${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'}`,
    );
  }
  return copy;
}

export const checkApplied = (r: AppliedRecord): AppliedRecord => {
  const rec = checkInput(AppliedSchema, r, 'applied record');
  if (rec.kind === '' || rec.uuid === '')
    throw new InvalidInputError('applied record needs a kind and a uuid');
  return rec;
};
export const checkHolder = (h: LockHolder): LockHolder => checkInput(HolderSchema, h, 'lock holder');
export const checkHistory = (e: HistoryInput): HistoryInput => checkInput(HistorySchema, e, 'history entry');

export function checkKeep(keep: number, what: string): number {
  if (!Number.isInteger(keep) || keep < 1)
    throw new InvalidInputError(`${what} must be a positive integer, got ${keep}`);
  return keep;
}

export function compareApplied(a: AppliedRecord, b: AppliedRecord): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  return a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0;
}

export function checkTimeout(timeoutMs: number): number {
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new InvalidInputError(`lock timeoutMs must be a finite number >= 0, got ${String(timeoutMs)}`);
  }
  return timeoutMs;
}
