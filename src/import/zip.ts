import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

/** The files of a ZIP as text, by path. */
export function readZip(data: Uint8Array): Map<string, string> {
  const files = unzipSync(data);
  const out = new Map<string, string>();
  for (const [path, bytes] of Object.entries(files)) if (!path.endsWith('/')) out.set(path, strFromU8(bytes));
  return out;
}

export function writeZip(files: ReadonlyMap<string, string>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [path, text] of files) entries[path] = strToU8(text);
  return zipSync(entries, { level: 6 });
}
