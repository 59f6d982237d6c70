import { shortHash } from '../layout/ids.js';
import { FILTER_ID_PREFIX } from './types.js';

/**
 * The id a filter gets when the YAML gives none: a readable slug of the name plus a hash of the exact
 * name (`Région` and `Region` differ), e.g. `NATIVE_FILTER-order-date-5c1e0a9b`. Stable for a name,
 * so reports and permalinks that point at the filter survive re-applies.
 */
export function deriveFilterId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${FILTER_ID_PREFIX}${slug ? `${slug}-` : ''}${shortHash(`filter:${name}`, 8)}`;
}
