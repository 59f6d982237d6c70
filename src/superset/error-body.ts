// Reads Superset's error bodies into a message and per-field problems. Superset answers errors in
// several shapes, depending on the endpoint and the layer that failed:
//   {"message": {"field": ["..."]}}           marshmallow validation (nested for json_metadata)
//   {"message": "text"}                        most other 4xx/5xx
//   {"errors": [{"message", "error_type", "extra": {...}}]}   SIP-40 envelope (CSRF, commands, imports:
//                                               `extra` holds per-file or per-field detail)
//   {"msg": "text"}                            flask-jwt-extended (expired or bad token)
// and, when the request's Accept allowed HTML, an HTML page.

export interface ErrorBody {
  /** The server's own sentence(s), if any. */
  message: string | null;
  /** Field (or bundle file) -> problems, flattened with dotted paths. */
  fields: Record<string, string[]>;
  /** SIP-40 error_type of the first error, e.g. GENERIC_DB_ENGINE_ERROR. */
  errorType: string | null;
}

// `payload` echoes the request body (dataset PUT): never copied into an error.
const SKIPPED_EXTRA_KEYS = new Set(['issue_codes', 'messages', 'payload', 'engine_name', 'level']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Adds `value` under `path`: strings as-is, arrays and objects flattened (`json_metadata.bogus_key`). */
function flatten(path: string, value: unknown, out: Record<string, string[]>, depth = 0): void {
  if (depth > 8 || value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) flatten(path, item, out, depth + 1);
    return;
  }
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) flatten(path === '' ? k : `${path}.${k}`, v, out, depth + 1);
    return;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  (out[path === '' ? '_' : path] ??= []).push(text);
}

export function parseErrorBody(body: unknown): ErrorBody {
  const fields: Record<string, string[]> = {};
  if (!isRecord(body)) return { message: null, fields, errorType: null };

  const messages: string[] = [];
  let errorType: string | null = null;

  if (typeof body.message === 'string') messages.push(body.message);
  else if (isRecord(body.message) || Array.isArray(body.message)) flatten('', body.message, fields);

  if (typeof body.msg === 'string') messages.push(body.msg);

  if (Array.isArray(body.errors)) {
    for (const err of body.errors) {
      if (!isRecord(err)) continue;
      if (typeof err.message === 'string') messages.push(err.message);
      if (errorType === null && typeof err.error_type === 'string') errorType = err.error_type;
      const extra = err.extra;
      if (!isRecord(extra)) continue;
      // Marshmallow errors wrapped in the envelope (dataset PUT with an unknown field).
      if (isRecord(extra.messages)) flatten('', extra.messages, fields);
      // Per-file import detail and other keyed extras.
      for (const [k, v] of Object.entries(extra)) {
        if (!SKIPPED_EXTRA_KEYS.has(k)) flatten(k, v, fields);
      }
    }
  }

  const unique = [...new Set(messages.map((m) => m.trim()).filter((m) => m !== ''))];
  return { message: unique.length > 0 ? unique.join(' ') : null, fields, errorType };
}

/** "database_name: A database with the same name already exists.; sqlalchemy_uri: ..." */
export function describeFields(fields: Record<string, string[]>): string {
  return Object.entries(fields)
    .map(([field, problems]) => (field === '_' ? problems.join(' ') : `${field}: ${problems.join(' ')}`))
    .join('; ');
}
