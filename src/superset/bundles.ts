// Export and import of asset bundles (zip files).

import type { ApiRequest, Executor } from './executor.js';
import { KINDS } from './kinds.js';
import { refusal } from './make-error.js';
import type { SupersetKind } from './port.js';
import type { Redactor } from './redact.js';
import { rison } from './rison.js';

export interface ImportOptions {
  /** `{"databases/<file>.yaml": "password"}` for databases whose URI has a masked password. */
  passwords?: Record<string, string>;
  /** The assets endpoint always overwrites; `false` is refused rather than silently ignored. */
  overwrite?: boolean;
  /** Let a bundle reference objects that already exist instead of carrying them (`sparse=true`). */
  sparse?: boolean;
  /** Runs just before each attempt (the apply lock). */
  fence?: () => Promise<void>;
}

const ZIP_MAGIC = 0x04034b50; // "PK\x03\x04", little-endian

/** GET /api/v1/assets/export/ (everything) or /api/v1/<kind>/export/?q=!(ids) (with dependencies). */
export async function exportBundle(
  executor: Executor,
  kind: SupersetKind | 'assets',
  ids: number[],
): Promise<Buffer> {
  const req: ApiRequest =
    kind === 'assets'
      ? { method: 'GET', path: '/api/v1/assets/export/', category: 'get', ctx: { op: 'export', kind } }
      : {
          method: 'GET',
          path: `${KINDS[kind].base}export/`,
          query: `q=${encodeURIComponent(rison(ids))}`,
          category: 'get',
          ctx: { op: 'export', kind },
        };
  if (kind !== 'assets' && ids.length === 0) {
    throw refusal(
      req,
      `Nothing to export: the list of ${kind} ids is empty (none given, or Superset has none).`,
    );
  }
  const res = await executor.request(req);
  if (res.body.length < 4 || res.body.readUInt32LE(0) !== ZIP_MAGIC) {
    throw executor.badResponse(req, res.status, 'the answer is not a zip file');
  }
  return res.body;
}

/** POST /api/v1/assets/import/ with the zip in the multipart field `bundle`. */
export async function importBundle(
  executor: Executor,
  redactor: Redactor,
  zip: Buffer,
  options: ImportOptions,
): Promise<void> {
  const form = new FormData();
  const req: ApiRequest = {
    method: 'POST',
    path: '/api/v1/assets/import/',
    form,
    category: 'write',
    ctx: { op: 'import', kind: 'assets' },
    ...(options.fence ? { fence: options.fence } : {}),
    // Imports may go side by side (a bulk create's), each for a worker of its own.
    freshConnection: true,
  };
  if (options.overwrite === false) {
    throw refusal(
      req,
      'Refused to import with overwrite: false: /api/v1/assets/import/ always overwrites existing objects.',
    );
  }
  form.append('bundle', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'bundle.zip');
  if (options.passwords !== undefined) {
    for (const password of Object.values(options.passwords)) redactor.add(password);
    form.append('passwords', JSON.stringify(options.passwords));
  }
  if (options.sparse === true) form.append('sparse', 'true');
  await executor.request(req);
}
