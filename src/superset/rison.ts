// A small Rison encoder for the `q` argument of Superset's list and export endpoints.
// FAB also accepts URL-encoded JSON, but only as a fallback when Rison parsing fails, and only
// while FAB_API_ALLOW_JSON_QS is on; Rison is the format it always understands.

export type RisonValue = string | number | boolean | null | RisonValue[] | { [key: string]: RisonValue };

// Characters Rison allows unquoted in an id (anything but its syntax characters and whitespace).
const ID = /^[A-Za-z_./~][A-Za-z0-9_./~-]*$/;

function encodeString(s: string): string {
  if (ID.test(s) && s !== 'true' && s !== 'false') return s;
  return `'${s.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

export function rison(value: RisonValue): string {
  if (value === null) return '!n';
  if (value === true) return '!t';
  if (value === false) return '!f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`rison: cannot encode ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return encodeString(value);
  if (Array.isArray(value)) return `!(${value.map(rison).join(',')})`;
  const parts = Object.entries(value).map(([k, v]) => `${encodeString(k)}:${rison(v)}`);
  return `(${parts.join(',')})`;
}
