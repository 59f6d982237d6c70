// How desired objects are compared attribute by attribute, with Superset's own normalisation of a
// dashboard (pure: shared by plan, apply, drift, watch, import and the git-only diff).
import type { ManagedSettings } from '../model/managed.js';
import type { AttributeOptions } from '../plan/attributes.js';
import { normalizeDashboard } from './dashboard.js';

export const ATTRIBUTE_OPTIONS: AttributeOptions = { normalizeDashboard };

/**
 * The attribute options of an environment: with `mark_managed`, desired objects want
 * `is_managed_externally` too. Every run that hashes desired objects for comparison with applied
 * records (plan, apply, rollback, heal, drift, watch) must use these, or its hashes differ from the
 * ones recorded.
 */
export function attributeOptionsFor(managed: ManagedSettings | undefined): AttributeOptions {
  return managed ? { ...ATTRIBUTE_OPTIONS, markManaged: true } : ATTRIBUTE_OPTIONS;
}
